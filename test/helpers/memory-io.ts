// A CliIo that keeps what a command writes, so commands run in-process in tests.

import type { CliIo } from '../../cli/io.ts';

export interface MemoryIo {
  readonly io: CliIo;
  /** Everything written to stdout so far. */
  stdout(): string;
  /** Everything written to stderr so far. */
  stderr(): string;
}

export function memoryIo(cwd: string = process.cwd(), env: Record<string, string | undefined> = {}): MemoryIo {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: { write: (text) => void (out += text), isTTY: false },
      stderr: { write: (text) => void (err += text), isTTY: false },
      env,
      cwd,
    },
    stdout: () => out,
    stderr: () => err,
  };
}

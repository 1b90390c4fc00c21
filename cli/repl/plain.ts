// `starc repl` without a terminal (piped input, CI): the input runs as a script, entry by entry, with plain text
// output: results on stdout, errors and diagnostics on stderr. The first failure stops the run (exit 1), as in
// a script; `:quit` or `exit;` ends it early (exit 0). Live views need a terminal and are refused.

import { evaluateEntry } from './evaluate.ts';
import { splitEntries } from './input.ts';
import type { ReplSession } from './session.ts';

export interface PlainIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** Runs `input`; returns the exit code. */
export async function runPlainRepl(input: string, session: ReplSession, cwd: string, io: PlainIo): Promise<number> {
  for (const entry of splitEntries(input)) {
    const text = entry.kind === 'meta' ? `:${entry.name} ${entry.args}` : entry.text;
    const action = await evaluateEntry(text, {
      session,
      color: false,
      cwd,
      interactive: false,
      print: (line, stream) => (stream === 'err' ? io.err : io.out)(`${line}\n`),
    });
    switch (action.kind) {
      case 'quit':
        return 0;
      case 'keep-input':
        return 1;
      case 'done':
        if (!action.ok) return 1;
        break;
      default:
        // clear, watch and tail do nothing without a terminal (evaluate refuses the live views)
        break;
    }
  }
  return 0;
}

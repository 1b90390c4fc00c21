// The CLI's only window on the process: output streams, environment and working directory, passed to every
// command so that commands run the same in-process (tests) as from a terminal.

export interface CliStream {
  write(text: string): void;
  readonly isTTY: boolean;
}

export interface CliIo {
  readonly stdout: CliStream;
  readonly stderr: CliStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Directory that relative paths are resolved against and shown relative to. */
  readonly cwd: string;
}

/** The real process. A closed pipe (`starc check --format json | head`) ends the run quietly, as it should. */
export function processIo(): CliIo {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  return {
    stdout: { write: (text) => void process.stdout.write(text), isTTY: process.stdout.isTTY === true },
    stderr: { write: (text) => void process.stderr.write(text), isTTY: process.stderr.isTTY === true },
    env: process.env,
    cwd: process.cwd(),
  };
}

/**
 * Whether a stream gets ANSI colours under `--color auto`: only a terminal, and never when NO_COLOR is set to
 * anything non-empty (no-color.org). FORCE_COLOR is honoured too, as most Node tools do.
 */
export function autoColor(stream: CliStream, env: CliIo['env']): boolean {
  if (env['NO_COLOR']) return false;
  if (env['FORCE_COLOR'] !== undefined && env['FORCE_COLOR'] !== '0') return true;
  return stream.isTTY && env['TERM'] !== 'dumb';
}

// The `starc` entry: global flags, command dispatch, and the one place where an exception becomes
// `internal error: ...` (an exception is always a bug; user mistakes are reported as values).

import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { closestMatch } from '../compiler/check/suggest.ts';
import { reportUsage } from './args.ts';
import { processIo, type CliIo } from './io.ts';
import pkg from '../package.json' with { type: 'json' };

export type { CliIo } from './io.ts';

type RunCommand = (args: readonly string[], io: CliIo) => Promise<number>;

interface Command {
  readonly summary: string;
  /** The text of `starc <command> --help`. */
  readonly usage: string;
  /** Loaded on demand, so that `starc --version` or `starc explain` never load the parser. */
  readonly load: () => Promise<RunCommand>;
}

const COMMANDS: Readonly<Record<string, Command>> = {
  check: {
    summary: 'Check files for errors and warnings (the CI gate)',
    usage: `Check Starlane configuration files and report every error and warning.

Usage: starc check [PATHS]... [OPTIONS]

Arguments:
  [PATHS]...  Files and folders to check [default: .]. Folders are searched for .bind, .router, .app,
              .mechtron and .script files and routes.conf, skipping node_modules and dot-folders; a file
              named here is checked whatever its extension.

Options:
      --format <FORMAT>  Output format [default: human]
                         human   rustc-style report with source snippets, on stderr
                         short   one line per diagnostic, path:line:col: error[CODE]: message
                         json    one versioned JSON document
                         sarif   SARIF 2.1.0, for code scanning
                         github  GitHub Actions annotations
      --color <WHEN>     Colours: auto, always, never [default: auto; NO_COLOR turns auto off]
      --deny-warnings    Fail (exit 1) on warnings too
      --max-errors <N>   Stop showing diagnostics after N errors (the exit code still counts them all)
      --fix              Apply machine-applicable fixes, write the files back, report what remains
  -h, --help             Print help

Exit status: 0 no errors, 1 errors found (or warnings with --deny-warnings), 2 usage or internal error.
`,
    load: async () => (await import('./commands/check.ts')).runCheck,
  },
  explain: {
    summary: 'Explain a diagnostic code, with a wrong and a right example',
    usage: `Print the long explanation of a diagnostic code, with a wrong and a right example.

Usage: starc explain <CODE>
       starc explain --list

Arguments:
  <CODE>  A diagnostic code, such as E0102 or W0101

Options:
      --list  List every code with its summary
  -h, --help  Print help
`,
    load: async () => (await import('./commands/explain.ts')).runExplain,
  },
  build: {
    summary: 'Check a bundle and compile it to IR (--zip: also a bundle archive)',
    usage: `Check a bundle and compile it to IR, the JSON document the runtime executes.

Usage: starc build [DIR] [OPTIONS]

Arguments:
  [DIR]  A bundle folder (holding bind/, router/, config/, wasm/, schema/ or html/) or an app dir holding
         one bundle beside its install.script [default: .]. Every source file in the bundle is checked
         (and the app dir's scripts); any error refuses the build and nothing is written.

Options:
  -o, --output <FILE>  Write the IR to FILE ("-": stdout) [default: stdout]
      --zip            Also write the bundle archive <NAME>.zip, for \`publish\`, beside the IR file (in the
                       current folder when the IR goes to stdout)
      --color <WHEN>   Colours of the diagnostics: auto, always, never [default: auto]
  -h, --help           Print help

The IR validates against the schema in compiler/ir/schema.ts. Diagnostics and the closing summary go to
stderr, so \`starc build site > site.ir.json\` captures the IR alone.

Exit status: 0 built (warnings allowed), 1 the bundle has errors or an output could not be written,
2 usage or internal error.
`,
    load: async () => (await import('./commands/build.ts')).runBuild,
  },
  migrate: {
    summary: 'Convert Starlane 0.1/0.2 files to v1 (a diff, or --write)',
    usage: `Convert Starlane 0.1/0.2 files (and 0.3's deprecated spellings) to v1.

Usage: starc migrate [PATHS]... [OPTIONS]

Arguments:
  [PATHS]...  Files and folders to migrate [default: .], found as \`starc check\` finds them. A routes.conf
              becomes a .router beside it (routes.router); the original is kept.

Options:
      --write         Rewrite the files in place (one line per file written, on stderr)
                      [default: print a unified diff per changed file on stdout]
      --color <WHEN>  Colours of the diagnostics: auto, always, never [default: auto]
  -h, --help          Print help

What cannot be converted mechanically is kept, commented out under \`# TODO(starc migrate):\`, and reported
(W0701, W0702). Files already in v1 are left alone.

Exit status: 0 everything migrated, 1 something needs manual work, 2 usage or internal error.
`,
    load: async () => (await import('./commands/migrate.ts')).runMigrate,
  },
  fmt: {
    summary: 'Format files in the canonical layout',
    usage: `Format Starlane configuration files in the one canonical layout, keeping every comment.

Usage: starc fmt <PATHS>... [OPTIONS]
       starc fmt [--check] -

Arguments:
  <PATHS>...  Files and folders to format [default with --check or --write: .]. Folders are searched for
              .bind, .router, .app, .mechtron and .script files, skipping node_modules and dot-folders.
              \`-\` reads stdin (its kind from its root header, or --kind).

Options:
      --check        Change nothing; list the files that would change, one per line, and exit 1 if any would
      --write        Rewrite the files that change, in place
      --kind <KIND>  How to read stdin: bind, router, app, mechtron or script [default: from the text]
  -h, --help         Print help

Without --check or --write, the formatted text of one file (or stdin) is printed to stdout.
A file with syntax errors, or a legacy (pre-v1) document, is never changed: it is named on stderr.

Exit status: 0 done (or, with --check, nothing would change), 1 a file would change (--check) or could not
be formatted, 2 usage or internal error.
`,
    load: async () => (await import('./commands/fmt.ts')).runFmt,
  },
  run: {
    summary: 'Run an app dir locally: install it and serve HTTP',
    usage: `Run an app on this machine: open the store, run the app dir's install.script (which publishes its
bundle and creates what the app needs), and serve HTTP until Ctrl-C.

Usage: starc run [APP_DIR] [OPTIONS]

Arguments:
  [APP_DIR]  A folder holding install.script beside its bundle folder(s) [default: .]

Options:
  -p, --port <PORT>   The HTTP port on 127.0.0.1 [default: 8080; 0: any free port, printed]
      --data <DIR>    Where the registry and blobs live [default: ./.starlane]
      --admin-port <PORT>
                      The admin endpoint's port on 127.0.0.1, for \`starc repl --connect\` and scripts
                      [default: any free port; its url and token are written to <DIR>/admin.json]
      --color <WHEN>  Colours of the diagnostics: auto, always, never [default: auto]
  -h, --help          Print help

The Host header of a request names the Space that serves it (\`localhost\` for http://localhost:8080); the
Space's \`router\` property names the router that routes it. The install script runs on every start, so it
should use \`create?\` and \`publish?\` to be safe on an existing data dir.

Exit status: 0 stopped by SIGINT or SIGTERM, 1 the install script failed or the port is taken, 2 usage or
internal error.
`,
    load: async () => (await import('./commands/run.ts')).runRun,
  },
  repl: {
    summary: 'The interactive shell: run commands on a mesh, watch it change',
    usage: `The interactive shell of Starlane's commands (create, publish, select, set, get, delete, watch, send),
on an embedded mesh started as \`starc run\` starts it, or on a running one (--connect).

Usage: starc repl [APP_DIR] [OPTIONS]
       starc repl --connect <URL> [--token <TOKEN> | --data <DIR>]

Arguments:
  [APP_DIR]  An app dir whose install.script runs first [default: none, the mesh starts empty]

Options:
      --connect <URL>      Drive a running host through its admin endpoint (\`starc run\` prints
                           \`admin on URL\`)
      --token <TOKEN>      The admin token [default: from <DIR>/admin.json with --data, else the
                           STARC_ADMIN_TOKEN environment variable]
      --data <DIR>         The data dir (embedded: where the registry lives [default: a temporary one];
                           both: where the history is kept)
  -p, --port <PORT>        The embedded mesh's HTTP port on 127.0.0.1 [default: 8080; 0: any free port]
      --admin-port <PORT>  The embedded mesh's admin port [default: any free port]
      --color <WHEN>       Colours: auto, always, never [default: auto]
  -h, --help               Print help

In the shell: a command ends with \`;\` (Enter before it continues the command on a new line); \`:help\`
lists the commands and the meta commands (:load, :watch, :tail, :explain, :clear, :quit; any unique prefix
works). Tab completes commands, points, kinds and property keys; Up/Down and Ctrl-R search the history;
Esc stops a live view; Ctrl-D quits. Without a terminal (piped input) the input runs as a script and the
output is plain text; the first failing command stops it.

Exit status: 0 done, 1 a command failed (piped input) or the mesh could not start, 2 usage or internal error.
`,
    load: async () => (await import('./commands/repl.ts')).runRepl,
  },
  lsp: {
    summary: 'Run the language server (LSP over stdio, for editors)',
    usage: `Run the Starlane language server: diagnostics as \`starc check\` reports them, hover, completion,
go to definition, references, rename of captures, outline, semantic tokens, formatting, folding and quick
fixes, for .bind, .router, .app, .mechtron and .script files (and starc.yaml's diagnostics).

Usage: starc lsp --stdio

Options:
      --stdio  Speak LSP over stdin and stdout (how editors start it)
  -h, --help   Print help

The VS Code extension starts it for you. It runs until the editor sends \`exit\` or closes stdin.

Exit status: 0 after \`shutdown\` and \`exit\`, 1 when the editor went away without \`shutdown\`, 2 usage
or internal error.
`,
    load: async () => (await import('./commands/lsp.ts')).runLsp,
  },
};

function overallHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const commands = Object.entries(COMMANDS)
    .map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`)
    .join('\n');
  return `starc ${pkg.version}: the toolchain for Starlane's configuration languages

Usage: starc <COMMAND> [ARGS]...

Commands:
${commands}

Options:
  -h, --help     Print help (\`starc <COMMAND> --help\` for a command's)
  -V, --version  Print the version
`;
}

/** Run the CLI on `argv` (without the node and script paths); returns the exit code. Never throws. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    return reportInternalError(error, io);
  }
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    // clap's choice: no command is a usage error, and the help says what to type.
    io.stderr.write(overallHelp());
    return 2;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    const topic = first === 'help' ? rest[0] : undefined;
    if (topic !== undefined && COMMANDS[topic]) io.stdout.write(COMMANDS[topic].usage);
    else if (topic !== undefined) return unknownCommand(topic, io);
    else io.stdout.write(overallHelp());
    return 0;
  }
  if (first === '--version' || first === '-V') {
    io.stdout.write(`starc ${pkg.version}\n`);
    return 0;
  }
  if (first.startsWith('-')) {
    const near = closestMatch(first.split('=')[0]!, ['--help', '--version']);
    return reportUsage(io, {
      message: `unknown flag \`${first}\` for \`starc\``,
      help: near ? `did you mean \`${near}\`?` : 'a command comes first: `starc <COMMAND> --help` lists its flags',
    });
  }

  const command = Object.hasOwn(COMMANDS, first) ? COMMANDS[first]! : undefined;
  if (!command) return unknownCommand(first, io);
  const beforeDashes = rest.indexOf('--') < 0 ? rest : rest.slice(0, rest.indexOf('--'));
  if (beforeDashes.includes('--help') || beforeDashes.includes('-h')) {
    io.stdout.write(command.usage);
    return 0;
  }
  const run = await command.load();
  return run(rest, io);
}

/** Commands DESIGN.md promises that this version does not have yet: say so rather than "unknown". */
const PLANNED: readonly string[] = [];

function unknownCommand(name: string, io: CliIo): number {
  if (PLANNED.includes(name)) {
    return reportUsage(io, {
      message: `\`starc ${name}\` is not available in this version yet`,
      help: `the commands available now are ${Object.keys(COMMANDS).map((c) => `\`${c}\``).join(', ')}`,
    });
  }
  const near = closestMatch(name, Object.keys(COMMANDS));
  return reportUsage(io, {
    message: `unknown command \`${name}\``,
    help: near ? `did you mean \`${near}\`?` : `the commands are ${Object.keys(COMMANDS).map((c) => `\`${c}\``).join(', ')}`,
  });
}

/**
 * An exception reached the top: a bug in starc, never the user's fault. Say so, ask for a report, and keep
 * the stack trace out of sight unless STARC_BACKTRACE=1 asks for it (as RUST_BACKTRACE does).
 */
function reportInternalError(error: unknown, io: CliIo): number {
  const message = error instanceof Error ? error.message : String(error);
  const tracker = (pkg as { bugs?: { url?: string } }).bugs?.url;
  let out = `internal error: ${message}\n`;
  out += `note: this is a bug in starc ${pkg.version}, not a mistake in your files\n`;
  out += tracker
    ? `note: please report it at ${tracker} with the command you ran and the file it was checking\n`
    : `note: please report it on starc's issue tracker with the command you ran and the file it was checking\n`;
  if (io.env['STARC_BACKTRACE'] === '1') {
    out += `\n${error instanceof Error ? (error.stack ?? message) : message}\n`;
    for (let cause = (error as Error)?.cause; cause instanceof Error; cause = cause.cause) {
      out += `caused by: ${cause.stack ?? cause.message}\n`;
    }
  } else {
    out += `note: run with STARC_BACKTRACE=1 to include a backtrace\n`;
  }
  io.stderr.write(out);
  return 2;
}

/** True when this module is the program (the bundle run as `starc`), not a module imported by a test. */
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  const io = processIo();
  // Errors thrown outside the awaited chain (stream callbacks, timers) are bugs too.
  process.on('uncaughtException', (error) => process.exit(reportInternalError(error, io)));
  process.on('unhandledRejection', (reason) => process.exit(reportInternalError(reason, io)));
  // exitCode, not exit(): a large report written to a pipe must be flushed before the process ends.
  process.exitCode = await runCli(process.argv.slice(2), io);
}

// `starc fmt`: print, check or rewrite files in the canonical layout (compiler/format/). A file that cannot be
// formatted (syntax errors, a legacy document, an unknown kind, unreadable) is left alone and named in one
// `error:` line on stderr; the run goes on with the other files and exits 1.
//
// Modes, as rustfmt and prettier have them: no flag prints the formatted text of one file (or stdin, `-`) to
// stdout; `--check` lists the files that would change, one per line on stdout, and exits 1 if there are any;
// `--write` rewrites the files that change, in place. Several files without `--check` or `--write` is a usage
// error: printing them one after the other would make a text that is none of them.

import { readFileSync, writeFileSync } from 'node:fs';
import { fileKindOfPath } from '../../compiler/check-file.ts';
import { formatSource } from '../../compiler/format/format.ts';
import { decodeSource } from '../../compiler/source-text.ts';
import type { FileKind } from '../../grammar/ast.ts';
import { checkChoice, parseArgs, reportUsage, type FlagSpec, type UsageProblem } from '../args.ts';
import { collectSourceFiles, describeIoError, type SourceFile } from '../files.ts';
import type { CliIo } from '../io.ts';

const FMT_FLAGS: readonly FlagSpec[] = [
  { name: 'check', kind: 'switch' },
  { name: 'write', kind: 'switch' },
  { name: 'kind', kind: 'value' },
];

const KINDS: readonly FileKind[] = ['bind', 'router', 'app', 'mechtron', 'script'];
const STDIN = '-';

type Mode = 'print' | 'check' | 'write';

interface FmtOptions {
  readonly mode: Mode;
  readonly paths: readonly string[];
  /** `--kind`: how to read stdin (by default, from its root header). */
  readonly kind: FileKind | undefined;
}

/** Run `starc fmt` with the arguments after the command name; returns the exit code. */
export async function runFmt(args: readonly string[], io: CliIo): Promise<number> {
  const options = fmtOptions(args);
  if ('message' in options) return reportUsage(io, options);

  const onStdin = options.paths.includes(STDIN);
  if (onStdin) {
    if (options.paths.length > 1) return reportUsage(io, { message: '`-` (stdin) cannot be mixed with other paths' });
    if (options.mode === 'write') return reportUsage(io, { message: '`--write` cannot rewrite stdin', help: 'drop `--write` to print the formatted text' });
    return formatStdin(options, io);
  }

  const found = collectSourceFiles(options.paths, io.cwd, 'format');
  if ('message' in found) return reportUsage(io, found);
  if (options.mode === 'print' && found.length > 1) {
    return reportUsage(io, {
      message: `${found.length} files to format: printing works on one file`,
      help: 'use `starc fmt --write` to rewrite them, or `--check` to list those that would change',
    });
  }

  let failed = false;
  for (const file of found) failed = !formatFile(file, options, io) || failed;
  return failed ? 1 : 0;
}

function fmtOptions(args: readonly string[]): FmtOptions | UsageProblem {
  const parsed = parseArgs(args, FMT_FLAGS, 'fmt');
  if (!parsed.ok) return parsed.problem;
  const { flags, positionals } = parsed.args;
  const check = flags.get('check') === true;
  const write = flags.get('write') === true;
  if (check && write) return { message: '`--check` and `--write` cannot be used together' };
  const kind = flags.get('kind');
  if (typeof kind === 'string') {
    const bad = checkChoice('kind', kind, KINDS);
    if (bad) return bad;
  }
  const mode: Mode = check ? 'check' : write ? 'write' : 'print';
  if (positionals.length === 0 && mode === 'print') {
    return { message: 'nothing to format', help: 'name a file, `-` for stdin, or use `--check`/`--write` on folders' };
  }
  return { mode, paths: positionals.length > 0 ? positionals : ['.'], kind: kind as FileKind | undefined };
}

/** Format one file per the mode; false when it could not be formatted, or would change under `--check`. */
function formatFile(file: SourceFile, options: FmtOptions, io: CliIo): boolean {
  const kind = fileKindOfPath(file.shown);
  if (kind === 'routes-conf') return refuse(io, file.shown, `it is a legacy \`routes.conf\` (run \`starc migrate ${file.shown}\`)`);
  if (kind === undefined) {
    return refuse(io, file.shown, 'unknown file kind (starc formats .bind, .router, .app, .mechtron and .script files)');
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(file.absolute);
  } catch (error) {
    return refuse(io, file.shown, `cannot read it: ${describeIoError(error)}`);
  }
  const source = decodeSource(bytes);
  if ('problem' in source) return refuse(io, file.shown, 'it is not UTF-8 text');

  const formatted = formatOne(file.shown, source.text, kind, io);
  if (formatted === undefined) return false;
  const changed = formatted !== source.text;
  switch (options.mode) {
    case 'print':
      io.stdout.write(formatted);
      return true;
    case 'check':
      if (changed) io.stdout.write(`${file.shown}\n`);
      return !changed;
    case 'write': {
      if (!changed) return true;
      const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? '\ufeff' : '';
      try {
        writeFileSync(file.absolute, bom + formatted);
      } catch (error) {
        return refuse(io, file.shown, `cannot write it: ${describeIoError(error)}`);
      }
      return true;
    }
  }
}

function formatStdin(options: FmtOptions, io: CliIo): number {
  let bytes: Buffer;
  try {
    bytes = readFileSync(0);
  } catch (error) {
    refuse(io, '<stdin>', `cannot read it: ${describeIoError(error)}`);
    return 1;
  }
  const source = decodeSource(bytes);
  if ('problem' in source) {
    refuse(io, '<stdin>', 'it is not UTF-8 text');
    return 1;
  }
  const formatted = formatOne('<stdin>', source.text, options.kind ?? kindOfText(source.text), io);
  if (formatted === undefined) return 1;
  if (options.mode === 'print') {
    io.stdout.write(formatted);
    return 0;
  }
  if (formatted === source.text) return 0;
  io.stdout.write('<stdin>\n');
  return 1;
}

/** stdin's kind from its root header (`Bind(`, `Router(`, `App(`, `Mechtron(`); a script otherwise. */
function kindOfText(text: string): FileKind {
  const start = text.replace(/^(?:\s+|#[^\n]*)*/, '');
  const root = /^(Bind|Router|App|Mechtron)\b/.exec(start)?.[1];
  return root ? (root.toLowerCase() as FileKind) : 'script';
}

/** The formatted text, or undefined after saying why there is none. */
function formatOne(shown: string, text: string, kind: FileKind, io: CliIo): string | undefined {
  let result;
  try {
    result = formatSource(text, kind);
  } catch (error) {
    // A bug in starc: name the file so the report can be acted on (cli/main.ts prints it as an internal error).
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`while formatting \`${shown}\`: ${message}`, { cause: error });
  }
  if ('text' in result) return result.text;
  const target = shown === '<stdin>' ? 'it' : shown;
  refuse(io, shown, result.error === 'legacy'
    ? `it is a legacy Starlane document (run \`starc migrate ${target}\`)`
    : `it has syntax errors (run \`starc check ${target}\`)`);
  return undefined;
}

/** One `error:` line for a file that is left alone; returns false (the file failed). */
function refuse(io: CliIo, shown: string, reason: string): false {
  io.stderr.write(`error: cannot format \`${shown}\`: ${reason}\n`);
  return false;
}

// `starc check`: find the files under the given paths, check each, and render every diagnostic in one run.
//
// Streams, as rustc and eslint split them: the human format is a report for a person and goes to stderr (with
// the summary), so stdout stays clean; the machine formats (short, json, sarif, github) are the command's
// output and go to stdout, ready to pipe or redirect, while the one-line summary of short and github still
// goes to stderr. json and sarif carry their own summary and print nothing else.

import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { checkFile, fileKindOfPath } from '../../compiler/check-file.ts';
import { unreadableFile } from '../../compiler/check/file-kind.ts';
import { decodeSource, type DecodedSource } from '../../compiler/source-text.ts';
import { renderHumanSummary } from '../../compiler/diagnostics/render-human.ts';
import {
  countDiagnostics,
  FORMATS,
  limitErrors,
  renderReports,
  sortByPosition,
  type FileReport,
  type Format,
  type Omitted,
} from '../../compiler/diagnostics/render.ts';
import { checkChoice, parseArgs, reportUsage, type FlagSpec, type UsageProblem } from '../args.ts';
import { autoColor, type CliIo, type CliStream } from '../io.ts';
import pkg from '../../package.json' with { type: 'json' };

export const CHECK_FLAGS: readonly FlagSpec[] = [
  { name: 'format', kind: 'value' },
  { name: 'color', kind: 'value' },
  { name: 'deny-warnings', kind: 'switch' },
  { name: 'max-errors', kind: 'value' },
];

const COLOR_CHOICES = ['auto', 'always', 'never'] as const;
type ColorChoice = (typeof COLOR_CHOICES)[number];

interface CheckOptions {
  readonly paths: readonly string[];
  readonly format: Format;
  readonly color: ColorChoice;
  readonly denyWarnings: boolean;
  readonly maxErrors: number | undefined;
}

/** Run `starc check` with the arguments after the command name; returns the exit code. */
export async function runCheck(args: readonly string[], io: CliIo): Promise<number> {
  const options = checkOptions(args);
  if ('message' in options) return reportUsage(io, options);

  const found = collectFiles(options.paths, io.cwd);
  if ('message' in found) return reportUsage(io, found);

  const reports: FileReport[] = [];
  for (const file of found) {
    const source = readSource(file.absolute);
    const diagnostics = 'problem' in source ? [source.problem] : checkOne(file.shown, source.text);
    reports.push({ path: file.shown, text: source.text, diagnostics: sortByPosition(diagnostics) });
  }
  return report(reports, options, io);
}

function checkOptions(args: readonly string[]): CheckOptions | UsageProblem {
  const parsed = parseArgs(args, CHECK_FLAGS, 'check');
  if (!parsed.ok) return parsed.problem;
  const { flags, positionals } = parsed.args;

  const format = flags.get('format') ?? 'human';
  const color = flags.get('color') ?? 'auto';
  const badChoice =
    (typeof format === 'string' && checkChoice('format', format, FORMATS)) ||
    (typeof color === 'string' && checkChoice('color', color, COLOR_CHOICES));
  if (badChoice) return badChoice;

  let maxErrors: number | undefined;
  const max = flags.get('max-errors');
  if (typeof max === 'string') {
    maxErrors = Number(max);
    if (!/^\d+$/.test(max) || !Number.isSafeInteger(maxErrors) || maxErrors < 1) {
      return { message: `invalid value \`${max}\` for \`--max-errors\`: expected a whole number of 1 or more` };
    }
  }
  return {
    paths: positionals.length > 0 ? positionals : ['.'],
    format: format as Format,
    color: color as ColorChoice,
    denyWarnings: flags.get('deny-warnings') === true,
    maxErrors,
  };
}

// -------------------------------------------------------------------------------------------------------------
// Finding the files

interface SourceFile {
  readonly absolute: string;
  /** As shown in diagnostics: relative to the working directory when inside it, with forward slashes. */
  readonly shown: string;
}

/** Names a folder walk picks up; a file named on the command line is checked whatever its name. */
function isSourceName(name: string): boolean {
  if (name === 'routes.conf') return true;
  const kind = fileKindOfPath(name);
  return kind !== undefined && kind !== 'routes-conf';
}

/**
 * The files to check, in argument order, each folder's files sorted, each file once. A path that does not
 * exist, or a folder with nothing to check, is a usage problem: a CI gate that silently checked nothing
 * would pass for the wrong reason.
 */
function collectFiles(paths: readonly string[], cwd: string): SourceFile[] | UsageProblem {
  const files: SourceFile[] = [];
  const seen = new Set<string>();
  const add = (absolute: string) => {
    if (seen.has(absolute)) return;
    seen.add(absolute);
    files.push({ absolute, shown: shownPath(absolute, cwd) });
  };
  for (const path of paths) {
    const absolute = resolve(cwd, path);
    let isDirectory: boolean;
    try {
      isDirectory = statSync(absolute).isDirectory();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return { message: `no such file or folder: \`${path}\`` };
      return { message: `cannot read \`${path}\`: ${describeIoError(error)}` };
    }
    if (!isDirectory) {
      add(absolute);
      continue;
    }
    const inFolder: string[] = [];
    const walked = walk(absolute, inFolder);
    if (walked) return { message: `cannot read folder \`${shownPath(walked.folder, cwd)}\`: ${walked.reason}` };
    if (inFolder.length === 0) {
      return {
        message: `no files to check in \`${path}\``,
        help: 'starc checks .bind, .router, .app, .mechtron and .script files (and routes.conf) in folders; name a file to check it whatever its extension',
      };
    }
    // Code-unit order, not locale order: the same listing on every machine.
    inFolder.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).forEach(add);
  }
  return files;
}

/**
 * Collect source files below `folder`, skipping dot-folders (.git, .starlane) and node_modules. Symbolic links
 * to files are followed, links to folders are not (they could loop). Returns the first unreadable folder.
 */
function walk(folder: string, out: string[]): { folder: string; reason: string } | undefined {
  let entries: Dirent[];
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch (error) {
    return { folder, reason: describeIoError(error) };
  }
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const problem = walk(path, out);
      if (problem) return problem;
    } else if (isSourceName(entry.name) && (entry.isFile() || (entry.isSymbolicLink() && isFile(path)))) {
      out.push(path);
    }
  }
  return undefined;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false; // a dangling link is not a file to check
  }
}

function shownPath(absolute: string, cwd: string): string {
  const rel = relative(cwd, absolute);
  const inside = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
  return (inside ? rel : absolute).split(sep).join('/');
}

function describeIoError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const reasons: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EISDIR: 'it is a folder',
    ENOENT: 'it does not exist',
    EMFILE: 'too many open files',
  };
  return (code && reasons[code]) ?? (error instanceof Error ? error.message : String(error));
}

// -------------------------------------------------------------------------------------------------------------
// Reading and checking one file

/**
 * The file's text (a leading byte-order mark dropped), or E0011 with what could be decoded, so every
 * output format reports an unreadable file like any other problem.
 */
function readSource(absolute: string): DecodedSource {
  let bytes: Buffer;
  try {
    bytes = readFileSync(absolute);
  } catch (error) {
    return { text: '', problem: unreadableFile(describeIoError(error)) };
  }
  return decodeSource(bytes);
}

/** A throw from the compiler is a bug; name the file that triggered it so the report can be acted on. */
function checkOne(shown: string, text: string) {
  try {
    return checkFile(shown, text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`while checking \`${shown}\`: ${message}`, { cause: error });
  }
}

// -------------------------------------------------------------------------------------------------------------
// Output and exit code

function report(reports: FileReport[], options: CheckOptions, io: CliIo): number {
  const counts = countDiagnostics(reports);
  let shown = reports;
  let omitted: Omitted | undefined;
  if (options.maxErrors !== undefined) ({ reports: shown, omitted } = limitErrors(reports, options.maxErrors));

  const out: CliStream = options.format === 'human' ? io.stderr : io.stdout;
  const color = resolveColor(options, out, io);
  const rendered = renderReports(options.format, shown, {
    color,
    counts,
    ...(omitted ? { omitted } : {}),
    ...(options.maxErrors !== undefined ? { maxErrors: options.maxErrors } : {}),
    toolVersion: pkg.version,
  });
  if (rendered) out.write(rendered);

  if (options.format === 'human' || options.format === 'short' || options.format === 'github') {
    const errColor = resolveColor(options, io.stderr, io);
    io.stderr.write(renderHumanSummary(counts, { color: errColor, denyWarnings: options.denyWarnings }));
  }

  const failed = counts.errors > 0 || (options.denyWarnings && counts.warnings > 0);
  return failed ? 1 : 0;
}

function resolveColor(options: CheckOptions, stream: CliStream, io: CliIo): boolean {
  if (options.color === 'always') return true;
  if (options.color === 'never') return false;
  return autoColor(stream, io.env);
}

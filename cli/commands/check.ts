// `starc check`: find the files under the given paths, check each, and render every diagnostic in one run.
//
// Streams, as rustc and eslint split them: the human format is a report for a person and goes to stderr (with
// the summary), so stdout stays clean; the machine formats (short, json, sarif, github) are the command's
// output and go to stdout, ready to pipe or redirect, while the one-line summary of short and github still
// goes to stderr. json and sarif carry their own summary and print nothing else (but
// `--fix`'s one line per fixed file, on stderr in every format).

import { readFileSync, writeFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { checkFile } from '../../compiler/check-file.ts';
import { bundleFromDirectory, findBundleRoot, type BundleFiles } from '../../compiler/bundle/bundle-files.ts';
import { fixSource, summarizeCodes } from '../../compiler/fix/apply-edits.ts';
import type { Diagnostic } from '../../grammar/diagnostic.ts';
import { renderHumanSummary } from '../../compiler/diagnostics/render-human.ts';
import {
  countDiagnostics,
  FORMATS,
  limitErrors,
  plural,
  renderReports,
  sortByPosition,
  type FileReport,
  type Format,
  type Omitted,
} from '../../compiler/diagnostics/render.ts';
import { checkChoice, parseArgs, reportUsage, type FlagSpec, type UsageProblem } from '../args.ts';
import { collectSourceFiles, describeIoError, readSource, type SourceFile } from '../files.ts';
import { autoColor, type CliIo, type CliStream } from '../io.ts';
import pkg from '../../package.json' with { type: 'json' };

export const CHECK_FLAGS: readonly FlagSpec[] = [
  { name: 'format', kind: 'value' },
  { name: 'color', kind: 'value' },
  { name: 'deny-warnings', kind: 'switch' },
  { name: 'max-errors', kind: 'value' },
  { name: 'fix', kind: 'switch' },
];

const COLOR_CHOICES = ['auto', 'always', 'never'] as const;
type ColorChoice = (typeof COLOR_CHOICES)[number];

interface CheckOptions {
  readonly paths: readonly string[];
  readonly format: Format;
  readonly color: ColorChoice;
  readonly denyWarnings: boolean;
  readonly maxErrors: number | undefined;
  /** `--fix`: apply every machine-applicable suggestion, write the files back, report what remains. */
  readonly fix: boolean;
}

/** Run `starc check` with the arguments after the command name; returns the exit code. */
export async function runCheck(args: readonly string[], io: CliIo): Promise<number> {
  const options = checkOptions(args);
  if ('message' in options) return reportUsage(io, options);

  const found = collectSourceFiles(options.paths, io.cwd);
  if ('message' in found) return reportUsage(io, found);

  const reports: FileReport[] = [];
  const bundles = new BundleCache(io.cwd);
  const fixes: FixOutcome[] = [];
  for (const file of found) {
    const source = readSource(file.absolute);
    const check = (text: string) => checkOne(file.shown, text, bundles.of(file.absolute));
    const { text, diagnostics } =
      'problem' in source ? { text: source.text, diagnostics: [source.problem] }
      : options.fix ? fixOne(file, source.text, check, fixes)
      : { text: source.text, diagnostics: check(source.text) };
    reports.push({ path: file.shown, text, diagnostics: sortByPosition(diagnostics) });
  }
  for (const fix of fixes) io.stderr.write(`${fix.line}\n`);
  const status = report(reports, options, io, options.fix ? fixes.reduce((n, f) => n + f.count, 0) : undefined);
  return fixes.some((f) => f.writeFailed) ? Math.max(status, 1) : status;
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
    fix: flags.get('fix') === true,
  };
}

/** One BundleFiles per bundle folder, so its artifacts are read once however many files name them. */
class BundleCache {
  private readonly bundles = new Map<string, BundleFiles>();

  constructor(private readonly cwd: string) {}

  of(absoluteFile: string): BundleFiles | undefined {
    const root = findBundleRoot(absoluteFile);
    if (root === undefined) return undefined;
    let bundle = this.bundles.get(root);
    if (!bundle) {
      const shown = relative(this.cwd, root).split(sep).join('/') || '.';
      this.bundles.set(root, (bundle = bundleFromDirectory(root, shown)));
    }
    return bundle;
  }
}

/** A throw from the compiler is a bug; name the file that triggered it so the report can be acted on. */
function checkOne(shown: string, text: string, bundle: BundleFiles | undefined) {
  try {
    return checkFile(shown, text, bundle);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`while checking \`${shown}\`: ${message}`, { cause: error });
  }
}

// -------------------------------------------------------------------------------------------------------------
// --fix

interface FixOutcome {
  /** Problems fixed and written (none when writing the file failed). */
  readonly count: number;
  readonly writeFailed?: true;
  /** For stderr: `fixed 3 problems in bind/app.bind (W0101 ×2, W0303)`, or why the file was not written. */
  readonly line: string;
}

/**
 * Fix one file's machine-applicable problems and write it back when its text changed (keeping its line breaks
 * and byte-order mark); returns the text and diagnostics to report. A file that cannot be written is reported
 * as it was read.
 */
function fixOne(
  file: SourceFile,
  text: string,
  check: (text: string) => Diagnostic[],
  fixes: FixOutcome[],
): { text: string; diagnostics: Diagnostic[] } {
  const lf = text.indexOf('\n');
  const result = fixSource(text, check, lf > 0 && text[lf - 1] === '\r' ? { eol: '\r\n' } : {});
  if (result.text === text) return { text, diagnostics: result.remaining };
  try {
    const bytes = readFileSync(file.absolute);
    const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? '\ufeff' : '';
    writeFileSync(file.absolute, bom + result.text);
  } catch (error) {
    fixes.push({ count: 0, writeFailed: true, line: `error: cannot write fixes to \`${file.shown}\`: ${describeIoError(error)}` });
    return { text, diagnostics: check(text) };
  }
  const n = result.fixed.length;
  fixes.push({ count: n, line: `fixed ${plural(n, 'problem')} in ${file.shown} (${summarizeCodes(result.fixed)})` });
  return { text: result.text, diagnostics: result.remaining };
}

/** The json document with `summary.fixed` added (the json format's contract allows new fields). */
function withFixedCount(json: string, fixed: number): string {
  const document = JSON.parse(json) as { summary: Record<string, unknown> };
  document.summary['fixed'] = fixed;
  return JSON.stringify(document, null, 2) + '\n';
}

// -------------------------------------------------------------------------------------------------------------
// Output and exit code

function report(reports: FileReport[], options: CheckOptions, io: CliIo, fixed?: number): number {
  const counts = countDiagnostics(reports);
  let shown = reports;
  let omitted: Omitted | undefined;
  if (options.maxErrors !== undefined) ({ reports: shown, omitted } = limitErrors(reports, options.maxErrors));

  const out: CliStream = options.format === 'human' ? io.stderr : io.stdout;
  const color = resolveColor(options, out, io);
  let rendered = renderReports(options.format, shown, {
    color,
    counts,
    ...(omitted ? { omitted } : {}),
    ...(options.maxErrors !== undefined ? { maxErrors: options.maxErrors } : {}),
    toolVersion: pkg.version,
  });
  if (fixed !== undefined && options.format === 'json') rendered = withFixedCount(rendered, fixed);
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

// `starc build`: check a bundle and compile it to IR (compiler/ir/), and with `--zip` also pack the bundle
// folder into an archive that `publish` takes. A bundle with errors is refused: its diagnostics are rendered
// as `starc check` renders them (human format, stderr) and nothing is written.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { buildBundle, locateBundle } from '../../compiler/ir/build.ts';
import type { Ir } from '../../compiler/ir/types.ts';
import { writeZip } from '../../compiler/bundle/zip.ts';
import { countDiagnostics, plural, renderReports } from '../../compiler/diagnostics/render.ts';
import { renderHumanSummary } from '../../compiler/diagnostics/render-human.ts';
import { checkChoice, parseArgs, reportUsage, type FlagSpec } from '../args.ts';
import { autoColor, type CliIo } from '../io.ts';
import pkg from '../../package.json' with { type: 'json' };

const BUILD_FLAGS: readonly FlagSpec[] = [
  { name: 'output', kind: 'value', short: 'o' },
  { name: 'zip', kind: 'switch' },
  { name: 'color', kind: 'value' },
];

/** The IR as written: two-space JSON, keys in the order compiler/ir/types.ts declares them, a final newline. */
export function serializeIr(ir: Ir): string {
  return `${JSON.stringify(ir, null, 2)}\n`;
}

/** Run `starc build` with the arguments after the command name; returns the exit code. */
export async function runBuild(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, BUILD_FLAGS, 'build');
  if (!parsed.ok) return reportUsage(io, parsed.problem);
  const { flags, positionals } = parsed.args;
  if (positionals.length > 1) {
    return reportUsage(io, { message: '`starc build` takes one folder', help: 'build bundles one at a time' });
  }
  const colorFlag = flags.get('color') ?? 'auto';
  const badColor = typeof colorFlag === 'string' && checkChoice('color', colorFlag, ['auto', 'always', 'never']);
  if (badColor) return reportUsage(io, badColor);
  const color = colorFlag === 'always' ? true : colorFlag === 'never' ? false : autoColor(io.stderr, io.env);
  const output = flags.get('output');
  const outPath = typeof output === 'string' && output !== '-' ? resolve(io.cwd, output) : undefined;

  const dirArg = positionals[0] ?? '.';
  const located = locateBundle(resolve(io.cwd, dirArg));
  if ('problem' in located) {
    return reportUsage(io, { message: located.problem.replace(resolve(io.cwd, dirArg), dirArg), ...(located.help ? { help: located.help } : {}) });
  }
  const bundle = located.ok;
  const show = (absolute: string) => shownPath(absolute, io.cwd);
  const { ir, reports } = buildBundle(bundle, show);

  const counts = countDiagnostics(reports);
  const rendered = renderReports('human', reports, { color, counts, toolVersion: pkg.version });
  if (rendered) io.stderr.write(rendered);
  if (!ir) {
    // cargo's closing line: the summary says what stopped the build, not that a check ran.
    const previous = counts.errors === 1 ? 'previous error' : `${counts.errors} previous errors`;
    const label = color ? '\x1b[1;91merror\x1b[0m' : 'error';
    io.stderr.write(`${label}: could not build \`${bundle.name}\` due to ${previous}\n`);
    return 1;
  }
  if (counts.warnings > 0) io.stderr.write(renderHumanSummary(counts, { color, denyWarnings: false }));

  const json = serializeIr(ir);
  const written: string[] = [];
  if (outPath) {
    const failed = writeOut(outPath, json, io);
    if (failed) return failed;
    written.push(show(outPath));
  } else {
    io.stdout.write(json);
  }
  if (flags.get('zip') === true) {
    const zipPath = join(outPath ? dirname(outPath) : io.cwd, `${bundle.name}.zip`);
    const archive = writeZip(ir.bundle.files.map((f) => ({ path: f, bytes: readFileSync(join(bundle.root, ...f.split('/'))) })));
    const failed = writeOut(zipPath, archive, io);
    if (failed) return failed;
    written.push(show(zipPath));
  }
  const what = `${plural(ir.documents.length, 'document')}, ${plural(ir.bundle.files.length, 'file')}`;
  io.stderr.write(`built \`${bundle.name}\` (${what})${written.length ? ` → ${written.join(', ')}` : ''}\n`);
  return 0;
}

function writeOut(path: string, data: string | Uint8Array, io: CliIo): number | undefined {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, data);
    return undefined;
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    io.stderr.write(`error: cannot write \`${shownPath(path, io.cwd)}\`: ${reason}\n`);
    return 1;
  }
}

function shownPath(absolute: string, cwd: string): string {
  const rel = relative(cwd, absolute);
  if (rel === '') return '.';
  const inside = !rel.startsWith('..') && !isAbsolute(rel);
  return (inside ? rel : absolute).split(sep).join('/');
}

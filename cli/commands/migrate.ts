// `starc migrate`: Starlane 0.1/0.2 files to v1. Without `--write`, a unified diff per changed file on stdout
// (nothing for a file that is already v1); with `--write`, the files are rewritten in place and one line per
// file written goes to stderr. A `routes.conf` becomes a `.router` beside it (`routes.router`); the original
// is left alone. What needs a human is reported as W07xx in the human format on stderr, and exits 1.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileKindOfPath } from '../../compiler/check-file.ts';
import { renderReports, sortByPosition, type FileReport } from '../../compiler/diagnostics/render.ts';
import { migrateSource } from '../../compiler/migrate/migrate.ts';
import { unifiedDiff } from '../../compiler/migrate/unified-diff.ts';
import { checkChoice, parseArgs, reportUsage, type FlagSpec } from '../args.ts';
import { collectSourceFiles, describeIoError, readSource, shownPath, type SourceFile } from '../files.ts';
import { autoColor, type CliIo } from '../io.ts';
import pkg from '../../package.json' with { type: 'json' };

export const MIGRATE_FLAGS: readonly FlagSpec[] = [
  { name: 'write', kind: 'switch' },
  { name: 'color', kind: 'value' },
];

const COLOR_CHOICES = ['auto', 'always', 'never'] as const;

/** Run `starc migrate` with the arguments after the command name; returns the exit code. */
export async function runMigrate(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, MIGRATE_FLAGS, 'migrate');
  if (!parsed.ok) return reportUsage(io, parsed.problem);
  const { flags, positionals } = parsed.args;
  const colorFlag = flags.get('color') ?? 'auto';
  const badColor = typeof colorFlag === 'string' ? checkChoice('color', colorFlag, COLOR_CHOICES) : undefined;
  if (badColor) return reportUsage(io, badColor);
  const write = flags.get('write') === true;

  const found = collectSourceFiles(positionals.length > 0 ? positionals : ['.'], io.cwd, 'migrate');
  if ('message' in found) return reportUsage(io, found);

  const reports: FileReport[] = [];
  let failed = false;
  for (const file of found) {
    const outcome = migrateOne(file, write, io);
    if (outcome.report) reports.push(outcome.report);
    failed ||= outcome.failed;
  }
  if (reports.length > 0) {
    const color = colorFlag === 'always' || (colorFlag === 'auto' && autoColor(io.stderr, io.env));
    io.stderr.write(renderReports('human', reports, { color, toolVersion: pkg.version }));
  }
  return failed ? 1 : 0;
}

interface Outcome {
  readonly report?: FileReport;
  /** Something needs a human (a W07xx, an unreadable file, a target in the way). */
  readonly failed: boolean;
}

function migrateOne(file: SourceFile, write: boolean, io: CliIo): Outcome {
  const kind = fileKindOfPath(file.shown);
  if (kind === undefined) {
    io.stderr.write(`error: cannot migrate \`${file.shown}\`: not a Starlane file (.bind, .router, .app, .mechtron, .script or routes.conf)\n`);
    return { failed: true };
  }
  const source = readSource(file.absolute);
  if ('problem' in source) return { report: { path: file.shown, text: source.text, diagnostics: [source.problem] }, failed: true };

  const migration = migrateSource(source.text, kind);
  const report: FileReport | undefined =
    migration.diagnostics.length > 0 ? { path: file.shown, text: source.text, diagnostics: sortByPosition(migration.diagnostics) } : undefined;
  const failed = migration.diagnostics.length > 0;
  if (!migration.changed) return { ...(report ? { report } : {}), failed };

  // A file written with CRLF stays CRLF.
  const text = source.text.includes('\r\n') ? migration.text.replace(/\r?\n/g, '\r\n') : migration.text;
  const toRouter = kind === 'routes-conf';
  const target = toRouter ? file.absolute.replace(/\.conf$/i, '.router') : file.absolute;
  const targetShown = toRouter ? shownPath(target, io.cwd) : file.shown;

  if (!write) {
    io.stdout.write(
      toRouter
        ? unifiedDiff('', text, '/dev/null', diffName('b', targetShown))
        : unifiedDiff(source.text, text, diffName('a', file.shown), diffName('b', file.shown)),
    );
    return { ...(report ? { report } : {}), failed };
  }

  if (toRouter && existsSync(target) && readTextOrUndefined(target) !== text) {
    io.stderr.write(`error: not writing \`${targetShown}\`: it exists already (migrated from \`${file.shown}\`); move it away and run again\n`);
    return { ...(report ? { report } : {}), failed: true };
  }
  try {
    writeFileSync(target, text);
  } catch (error) {
    io.stderr.write(`error: cannot write \`${targetShown}\`: ${describeIoError(error)}\n`);
    return { ...(report ? { report } : {}), failed: true };
  }
  io.stderr.write(toRouter ? `migrated ${file.shown} -> ${targetShown}\n` : `migrated ${file.shown}\n`);
  return { ...(report ? { report } : {}), failed };
}

/** `a/bind/x.bind`; an absolute path outside the working directory reads `a/abs/path`, as git writes it. */
function diffName(side: 'a' | 'b', shown: string): string {
  return shown.startsWith('/') ? `${side}${shown}` : `${side}/${shown}`;
}

function readTextOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

// What `starc run` and the embedded `starc repl` share when they start a mesh from an app dir: the `--port` and
// `--admin-port` checks, the app dir with its optional `starc.yaml` (compiler/settings/), the effective settings
// (a flag overrides the file, the file overrides the default), and how a failed start is reported.
//
// Decisions:
// - One place renders a bad `starc.yaml` and a failed install, so both commands show the same diagnostics and
//   the same `error: install.script failed: …` line, with paths as the user wrote the app dir.
// - `--data` is relative to the cwd, `data:` in the file to the app dir.

import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Diagnostic } from '../grammar/diagnostic.ts';
import { unreadableFile } from '../compiler/check/file-kind.ts';
import { countDiagnostics, renderReports, sortByPosition } from '../compiler/diagnostics/render.ts';
import { durationMs, parseSettings, SETTINGS_FILE, type Settings } from '../compiler/settings/settings.ts';
import type { HostFailure } from '../runtime/host.ts';
import type { UsageProblem } from './args.ts';
import { reportUsage } from './args.ts';
import { describeIoError } from './files.ts';
import type { CliIo } from './io.ts';
import pkg from '../package.json' with { type: 'json' };

/** The port a `--port` value names, or undefined. */
export function portOf(text: string): number | undefined {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  return port >= 0 && port <= 65535 ? port : undefined;
}

/** `--port` and `--admin-port`, when given, must be ports: the first problem, or undefined. */
export function checkPortFlags(flags: ReadonlyMap<string, string | true>): UsageProblem | undefined {
  for (const name of ['port', 'admin-port']) {
    const value = flags.get(name);
    if (typeof value === 'string' && portOf(value) === undefined) return { message: `\`--${name} ${value}\` is not a port`, help: 'give a number from 0 to 65535 (0: any free port)' };
  }
  return undefined;
}

/** `<appDir>/starc.yaml` checked: its settings (`{}` when there is no file), or its text and diagnostics. */
export function readSettingsFile(appDir: string): { readonly settings: Settings } | { readonly text: string; readonly diagnostics: Diagnostic[] } {
  let text: string;
  try {
    text = readFileSync(join(appDir, SETTINGS_FILE), 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { settings: {} };
    return { text: '', diagnostics: [unreadableFile(describeIoError(e))] };
  }
  const parsed = parseSettings(text);
  const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
  return errors.length > 0 ? { text, diagnostics: parsed.diagnostics } : { settings: parsed.settings };
}

/**
 * The app dir `appArg` names (relative to the cwd) and its `starc.yaml` settings; or the exit code after
 * reporting that it is not a folder (2) or that its `starc.yaml` has errors (1).
 */
export function openAppDir(appArg: string, io: CliIo, color: boolean): { readonly appDir: string; readonly settings: Settings } | number {
  const appDir = resolve(io.cwd, appArg);
  let isDir = false;
  try {
    isDir = statSync(appDir).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir) return reportUsage(io, { message: `\`${appArg}\` is not a folder`, help: 'an app dir holds install.script beside its bundle folder' });
  const fromFile = readSettingsFile(appDir);
  if ('diagnostics' in fromFile) {
    const shown = [{ path: `${appArg.replace(/\/+$/, '')}/${SETTINGS_FILE}`, text: fromFile.text, diagnostics: sortByPosition(fromFile.diagnostics) }];
    io.stderr.write(renderReports('human', shown, { color, counts: countDiagnostics(shown), toolVersion: pkg.version }));
    return 1;
  }
  return { appDir, settings: fromFile.settings };
}

export interface RunSettings {
  readonly port: number;
  readonly dataDir: string;
  readonly requestTimeoutMs: number | undefined;
  readonly lattice: string | undefined;
}

/** Flags (already checked) over `starc.yaml` over defaults. `--data` is relative to the cwd, `data:` to the app dir. */
export function effectiveRunSettings(
  flags: { readonly port?: string; readonly data?: string },
  settings: Settings,
  cwd: string,
  appDir: string,
): RunSettings {
  return {
    port: (flags.port !== undefined ? portOf(flags.port) : undefined) ?? settings.port ?? 8080,
    dataDir: flags.data !== undefined ? resolve(cwd, flags.data) : settings.data !== undefined ? resolve(appDir, settings.data) : resolve(cwd, '.starlane'),
    requestTimeoutMs: durationMs(settings.timeouts?.request),
    lattice: settings.lattice,
  };
}

/** A mesh that did not start: the install script's diagnostics (paths under `appArg`), then one error line; exit 1. */
export function reportStartFailure(failure: HostFailure, appArg: string | undefined, io: CliIo, color: boolean): number {
  const reports = failure.stage === 'install' ? failure.error?.reports : undefined;
  if (reports && reports.length > 0 && appArg !== undefined) {
    const shown = reports.map((r) => (r.path === 'install.script' ? { ...r, path: `${appArg.replace(/\/+$/, '')}/install.script` } : r));
    io.stderr.write(renderReports('human', shown, { color, counts: countDiagnostics(shown), toolVersion: pkg.version }));
  }
  const where = failure.stage === 'install' && failure.command ? ` (in \`${failure.command}\`)` : '';
  return reportError(io, color, `${failure.stage === 'install' ? 'install.script failed' : 'cannot start'}: ${failure.message}${where}`);
}

/** `error: MESSAGE` on stderr (red with colour); exit 1. */
export function reportError(io: CliIo, color: boolean, message: string): number {
  io.stderr.write(`${color ? '\x1b[1;91merror\x1b[0m' : 'error'}: ${message}\n`);
  return 1;
}

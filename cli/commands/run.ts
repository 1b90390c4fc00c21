// `starc run <app dir>`: the mesh on this machine (runtime/host.ts). Opens the store, runs the app dir's
// install.script, serves HTTP, and runs until SIGINT or SIGTERM, then closes the server and the store and exits 0.
// A script with errors is rendered like the compiler's diagnostics (exit 1).
//
// Settings: an optional `starc.yaml` in the app dir (compiler/settings/) gives `port`, `data` (relative to the
// app dir), `timeouts.request`; a flag overrides the file, the file overrides the default. A mistake in the file
// is rendered like any diagnostic and nothing starts (exit 1). `delivery` and `lattice` are checked but not used
// yet (the bus and the NATS lattice take them when they land).

import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Diagnostic } from '../../grammar/diagnostic.ts';
import { countDiagnostics, renderReports, sortByPosition } from '../../compiler/diagnostics/render.ts';
import { durationMs, parseSettings, SETTINGS_FILE, type Settings } from '../../compiler/settings/settings.ts';
import { startHost } from '../../runtime/host.ts';
import { unreadableFile } from '../../compiler/check/file-kind.ts';
import { describeIoError } from '../files.ts';
import { checkChoice, parseArgs, reportUsage, type FlagSpec } from '../args.ts';
import { autoColor, type CliIo } from '../io.ts';
import pkg from '../../package.json' with { type: 'json' };

const RUN_FLAGS: readonly FlagSpec[] = [
  { name: 'port', kind: 'value', short: 'p' },
  { name: 'admin-port', kind: 'value' },
  { name: 'data', kind: 'value' },
  { name: 'color', kind: 'value' },
];

export async function runRun(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, RUN_FLAGS, 'run');
  if (!parsed.ok) return reportUsage(io, parsed.problem);
  const { flags, positionals } = parsed.args;
  if (positionals.length > 1) return reportUsage(io, { message: '`starc run` takes one app dir', help: 'run one app at a time' });
  const colorFlag = flags.get('color') ?? 'auto';
  const badColor = typeof colorFlag === 'string' && checkChoice('color', colorFlag, ['auto', 'always', 'never']);
  if (badColor) return reportUsage(io, badColor);
  const color = colorFlag === 'always' ? true : colorFlag === 'never' ? false : autoColor(io.stderr, io.env);

  const portFlag = flags.get('port');
  if (typeof portFlag === 'string' && portOf(portFlag) === undefined) {
    return reportUsage(io, { message: `\`--port ${portFlag}\` is not a port`, help: 'give a number from 0 to 65535 (0: any free port)' });
  }
  const adminPortFlag = flags.get('admin-port');
  if (typeof adminPortFlag === 'string' && portOf(adminPortFlag) === undefined) {
    return reportUsage(io, { message: `\`--admin-port ${adminPortFlag}\` is not a port`, help: 'give a number from 0 to 65535 (0: any free port)' });
  }
  const appArg = positionals[0] ?? '.';
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
  const dataFlag = flags.get('data');
  const { port, dataDir, requestTimeoutMs } = effectiveRunSettings(
    { port: typeof portFlag === 'string' ? portFlag : undefined, data: typeof dataFlag === 'string' ? dataFlag : undefined },
    fromFile.settings,
    io.cwd,
    appDir,
  );

  const adminPort = typeof adminPortFlag === 'string' ? portOf(adminPortFlag) : undefined;
  const started = await startHost({ appDir, dataDir, port, requestTimeoutMs, host: '127.0.0.1', adminPort, pid: process.pid, log: (line) => io.stdout.write(`${line}\n`) });
  if (!started.ok) {
    const { failure } = started;
    const label = color ? '\x1b[1;91merror\x1b[0m' : 'error';
    const reports = failure.stage === 'install' ? failure.error?.reports : undefined;
    if (reports && reports.length > 0) {
      const shown = reports.map((r) => (r.path === 'install.script' ? { ...r, path: `${appArg.replace(/\/+$/, '')}/install.script` } : r));
      io.stderr.write(renderReports('human', shown, { color, counts: countDiagnostics(shown), toolVersion: pkg.version }));
    }
    const where = failure.stage === 'install' && failure.command ? ` (in \`${failure.command}\`)` : '';
    io.stderr.write(`${label}: ${failure.stage === 'install' ? 'install.script failed' : 'cannot start'}: ${failure.message}${where}\n`);
    return 1;
  }
  const { host } = started;
  io.stdout.write(`data in ${dataDir}\nlistening on ${host.url}\nadmin on ${host.admin.url} (token in ${host.admin.tokenFile})\n`);

  await new Promise<void>((resolveStop) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      io.stdout.write('stopping\n');
      void host.close().then(resolveStop);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}

/** The port a `--port` value names, or undefined. */
function portOf(text: string): number | undefined {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  return port >= 0 && port <= 65535 ? port : undefined;
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

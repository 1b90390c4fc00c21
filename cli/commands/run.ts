// `starc run <app dir>`: the mesh on this machine (runtime/host.ts). Opens the store, runs the app dir's
// install.script, serves HTTP, and runs until SIGINT or SIGTERM, then closes the server and the store and exits 0.
// A script with errors is rendered like the compiler's diagnostics (exit 1).

import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { countDiagnostics, renderReports } from '../../compiler/diagnostics/render.ts';
import { startHost } from '../../runtime/host.ts';
import { checkChoice, parseArgs, reportUsage, type FlagSpec } from '../args.ts';
import { autoColor, type CliIo } from '../io.ts';
import pkg from '../../package.json' with { type: 'json' };

const RUN_FLAGS: readonly FlagSpec[] = [
  { name: 'port', kind: 'value', short: 'p' },
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

  const portText = flags.get('port') ?? '8080';
  const port = typeof portText === 'string' && /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 0 && port <= 65535)) {
    return reportUsage(io, { message: `\`--port ${String(portText)}\` is not a port`, help: 'give a number from 0 to 65535 (0: any free port)' });
  }
  const dataFlag = flags.get('data');
  const dataDir = resolve(io.cwd, typeof dataFlag === 'string' ? dataFlag : '.starlane');
  const appArg = positionals[0] ?? '.';
  const appDir = resolve(io.cwd, appArg);
  let isDir = false;
  try {
    isDir = statSync(appDir).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir) return reportUsage(io, { message: `\`${appArg}\` is not a folder`, help: 'an app dir holds install.script beside its bundle folder' });

  const started = await startHost({ appDir, dataDir, port, host: '127.0.0.1', log: (line) => io.stdout.write(`${line}\n`) });
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
  io.stdout.write(`data in ${dataDir}\nlistening on ${host.url}\n`);

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

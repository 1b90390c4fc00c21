// `starc run <app dir>`: the mesh on this machine (runtime/host.ts). Opens the store, runs the app dir's
// install.script, serves HTTP, and runs until SIGINT or SIGTERM, then closes the server and the store and exits 0.
// A script with errors is rendered like the compiler's diagnostics (exit 1).
//
// Settings: an optional `starc.yaml` in the app dir (compiler/settings/) gives `port`, `data` (relative to the
// app dir), `timeouts.request`; a flag overrides the file, the file overrides the default. A mistake in the file
// is rendered like any diagnostic and nothing starts (exit 1). `delivery` and `lattice` are checked but not used
// yet (the bus and the NATS lattice take them when they land). The flag checks, the app dir and its `starc.yaml`, and
// the report of a failed start are cli/run-settings.ts, shared with the embedded `starc repl`.

import { startHost } from '../../runtime/host.ts';
import { checkChoice, parseArgs, reportUsage, type FlagSpec } from '../args.ts';
import { autoColor, type CliIo } from '../io.ts';
import { checkPortFlags, effectiveRunSettings, openAppDir, portOf, reportStartFailure } from '../run-settings.ts';

export { effectiveRunSettings, readSettingsFile, type RunSettings } from '../run-settings.ts';

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

  const badPort = checkPortFlags(flags);
  if (badPort) return reportUsage(io, badPort);
  const appArg = positionals[0] ?? '.';
  const app = openAppDir(appArg, io, color);
  if (typeof app === 'number') return app;
  const { appDir } = app;
  const portFlag = flags.get('port');
  const dataFlag = flags.get('data');
  const { port, dataDir, requestTimeoutMs } = effectiveRunSettings(
    { port: typeof portFlag === 'string' ? portFlag : undefined, data: typeof dataFlag === 'string' ? dataFlag : undefined },
    app.settings,
    io.cwd,
    appDir,
  );

  const adminPortFlag = flags.get('admin-port');
  const adminPort = typeof adminPortFlag === 'string' ? portOf(adminPortFlag) : undefined;
  const started = await startHost({ appDir, dataDir, port, requestTimeoutMs, host: '127.0.0.1', adminPort, pid: process.pid, log: (line) => io.stdout.write(`${line}\n`) });
  if (!started.ok) return reportStartFailure(started.failure, appArg, io, color);
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

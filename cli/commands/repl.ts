// `starc repl [APP_DIR]`: the interactive shell of SPEC §8 (cli/repl/). Embedded by default: a mesh started in
// this process exactly as `starc run` starts it (HTTP and admin endpoint included), on `--data` or a temporary
// data dir; `--connect URL` drives a running host through its admin endpoint instead. On a terminal it is the Ink
// app; with piped input it runs the input as a script and prints plain text (CI).
//
// Decisions:
// - Ink and React are imported only on the terminal path, after the session started: importing them costs
//   ~0.3 s, which no other command (and no piped run) should pay.
// - The token for `--connect`: `--token`, else `<--data>/admin.json`, else STARC_ADMIN_TOKEN.
// - The history file: `<data dir>/repl-history` with `--data` (embedded or connected); a temporary data dir keeps
//   the history for the session only.

import { resolve } from 'node:path';
import { readAdminFile } from '../../runtime/admin/client.ts';
import { checkChoice, parseArgs, reportUsage, type FlagSpec } from '../args.ts';
import { autoColor, type CliIo } from '../io.ts';
import { History } from '../repl/history.ts';
import type { ReplSession } from '../repl/session.ts';
import { checkPortFlags, effectiveRunSettings, openAppDir, portOf, reportError, reportStartFailure } from '../run-settings.ts';

const REPL_FLAGS: readonly FlagSpec[] = [
  { name: 'connect', kind: 'value' },
  { name: 'token', kind: 'value' },
  { name: 'data', kind: 'value' },
  { name: 'port', kind: 'value', short: 'p' },
  { name: 'admin-port', kind: 'value' },
  { name: 'color', kind: 'value' },
];

export async function runRepl(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, REPL_FLAGS, 'repl');
  if (!parsed.ok) return reportUsage(io, parsed.problem);
  const { flags, positionals } = parsed.args;
  const text = (name: string): string | undefined => {
    const v = flags.get(name);
    return typeof v === 'string' ? v : undefined;
  };
  const colorFlag = text('color') ?? 'auto';
  const badColor = checkChoice('color', colorFlag, ['auto', 'always', 'never']);
  if (badColor) return reportUsage(io, badColor);
  const interactive = process.stdin.isTTY === true && io.stdout.isTTY;
  const color = colorFlag === 'always' ? true : colorFlag === 'never' ? false : interactive && autoColor(io.stdout, io.env);
  if (positionals.length > 1) return reportUsage(io, { message: '`starc repl` takes at most one app dir', help: 'start one app at a time' });
  const badPort = checkPortFlags(flags);
  if (badPort) return reportUsage(io, badPort);
  const dataDir = text('data') !== undefined ? resolve(io.cwd, text('data')!) : undefined;

  let session: ReplSession;
  const connect = text('connect');
  if (connect !== undefined) {
    if (positionals.length > 0) return reportUsage(io, { message: '`--connect` drives a running host: it takes no app dir', help: 'run the app with `starc run APP_DIR`, then connect' });
    for (const name of ['port', 'admin-port']) {
      if (text(name) !== undefined) return reportUsage(io, { message: `\`--${name}\` is for an embedded mesh, not with \`--connect\`` });
    }
    if (!/^https?:\/\/[^/]+\/?$/.test(connect)) return reportUsage(io, { message: `\`--connect ${connect}\` is not an admin url`, help: 'give the url `starc run` printed: `admin on http://127.0.0.1:PORT`' });
    let token = text('token');
    if (token === undefined && dataDir !== undefined) {
      const file = readAdminFile(dataDir);
      if (!file.ok) return reportError(io, color, file.error.message);
      token = file.value.token;
    }
    token ??= io.env['STARC_ADMIN_TOKEN'] || undefined;
    if (token === undefined) {
      return reportUsage(io, { message: '`--connect` needs the admin token', help: 'give `--token TOKEN`, `--data DIR` (its admin.json holds it), or set STARC_ADMIN_TOKEN' });
    }
    const { connectRemoteSession } = await import('../repl/remote-session.ts');
    const connected = await connectRemoteSession({ url: connect, token, cwd: io.cwd, historyFile: dataDir === undefined ? undefined : `${dataDir}/repl-history` });
    if (!connected.ok) return reportError(io, color, connected.message);
    session = connected.session;
  } else {
    if (text('token') !== undefined) return reportUsage(io, { message: '`--token` goes with `--connect URL`' });
    const started = await startEmbedded(positionals[0], dataDir, text('port'), text('admin-port'), io, color);
    if (typeof started === 'number') return started;
    session = started;
  }

  // A closed terminal (SIGHUP) or a kill (SIGTERM) still stops the embedded mesh, as `:quit` does.
  const open = session;
  const onSignal = (signal: NodeJS.Signals): void => {
    void open.close().finally(() => process.exit(signal === 'SIGHUP' ? 129 : 143));
  };
  // `on`, not `once`: Ink's signal-exit re-raises a signal that no other listener is left to handle, which would
  // kill the process before the clean-up ran.
  process.on('SIGHUP', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const history = History.load(session.historyFile);
    if (!interactive) {
      let input = '';
      process.stdin.setEncoding('utf8');
      for await (const chunk of process.stdin) input += chunk as string;
      const { runPlainRepl } = await import('../repl/plain.ts');
      return await runPlainRepl(input, session, io.cwd, { out: (t) => io.stdout.write(t), err: (t) => io.stderr.write(t) });
    }
    return await runInk(session, history, color, io.cwd);
  } finally {
    process.off('SIGHUP', onSignal);
    process.off('SIGTERM', onSignal);
    await session.close();
  }
}

async function runInk(session: ReplSession, history: History, color: boolean, cwd: string): Promise<number> {
  // Ink draws nothing until exit when it believes it runs in CI (is-in-ci reads CI and CONTINUOUS_INTEGRATION
  // when first imported). This path is only taken with a terminal on both ends, where a person (or tmux) is
  // watching, so the interactive rendering is the right one whatever those variables say.
  delete process.env['CI'];
  delete process.env['CONTINUOUS_INTEGRATION'];
  const [{ render }, { default: React }, { ReplApp }] = await Promise.all([import('ink'), import('react'), import('../repl/app.ts')]);
  let exit: () => void = () => undefined;
  const exited = new Promise<void>((r) => (exit = r));
  const instance = render(
    React.createElement(ReplApp, {
      session,
      history,
      color,
      cwd,
      onExit: () => exit(),
      onClear: () => {
        instance.clear();
        process.stdout.write('\x1b[2J\x1b[3J\x1b[H');
      },
    }),
    { exitOnCtrlC: false },
  );
  await exited;
  instance.unmount();
  await instance.waitUntilExit();
  return 0;
}

/** The embedded mesh: settings as `starc run` takes them (flags over the app dir's starc.yaml over defaults). */
async function startEmbedded(
  appArg: string | undefined,
  dataDir: string | undefined,
  portFlag: string | undefined,
  adminPortFlag: string | undefined,
  io: CliIo,
  color: boolean,
): Promise<ReplSession | number> {
  let appDir: string | undefined;
  let port = portFlag === undefined ? 8080 : portOf(portFlag)!;
  let requestTimeoutMs: number | undefined;
  if (appArg !== undefined) {
    const app = openAppDir(appArg, io, color);
    if (typeof app === 'number') return app;
    appDir = app.appDir;
    const settings = effectiveRunSettings({ port: portFlag, data: undefined }, app.settings, io.cwd, appDir);
    port = settings.port;
    requestTimeoutMs = settings.requestTimeoutMs;
  }
  const { startEmbeddedSession } = await import('../repl/embedded-session.ts');
  const started = await startEmbeddedSession({
    appDir,
    dataDir,
    port,
    adminPort: adminPortFlag === undefined ? undefined : portOf(adminPortFlag),
    requestTimeoutMs,
    cwd: io.cwd,
    pid: process.pid,
  });
  return started.ok ? started.session : reportStartFailure(started.failure, appArg, io, color);
}

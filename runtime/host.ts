// One machine's mesh, as `starc run` starts it (DESIGN.md §1, §5): open the store under the data dir, run the app
// dir's `install.script`, mark what the script made Ready, and serve HTTP. Touches no process or stdio: the CLI
// passes `log` and renders what comes back.
//
// Decisions:
// - Re-running the install script on an existing data dir must be safe. That is the script's job: it should use
//   `create?` and `publish?` (as samples/site does). A plain `create`/`publish` of something already there
//   fails with `exists`, and `startHost` reports that failure like any other (the message says what exists).
// - After the script, particles still `Pending` whose kind needs no guest (everything but `Mechtron` and `App`,
//   which come with issue 5) become `Ready`; each change is one `log` line. On a restart nothing changes, so
//   nothing is logged but the listening line.
// - A failing script is returned as a value (the command, its error, and the reports to render for a script with
//   errors); the store is closed and no server starts.

import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { executeScript, type CommandError, type CommandResult } from './commands/execute.ts';
import { createIngressServer } from './http/server.ts';
import { openStore, type Store } from './store/store.ts';

export interface HostOptions {
  readonly appDir: string;
  readonly dataDir: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly host?: string;
  /** One line per event worth showing (particles becoming Ready, request bugs). */
  readonly log: (line: string) => void;
  /** How long an HTTP request's Ping waits for its Pong (`timeouts.request` in starc.yaml); default 15 s. */
  readonly requestTimeoutMs?: number | undefined;
}

export interface RunningHost {
  /** `http://127.0.0.1:8080`, with the real port. */
  readonly url: string;
  readonly port: number;
  readonly store: Store;
  /** Stops accepting, drops idle keep-alive connections, closes the store. */
  close(): Promise<void>;
}

export type HostFailure =
  | { readonly stage: 'store'; readonly message: string }
  | { readonly stage: 'install'; readonly message: string; readonly command?: string; readonly error?: CommandError }
  | { readonly stage: 'listen'; readonly message: string };

export type HostResult = { readonly ok: true; readonly host: RunningHost } | { readonly ok: false; readonly failure: HostFailure };

/** Kinds that need a guest to become Ready (issue 5). */
const NEEDS_GUEST = new Set(['Mechtron', 'App']);

export async function startHost(options: HostOptions): Promise<HostResult> {
  const opened = openStore(options.dataDir);
  if (!opened.ok) return { ok: false, failure: { stage: 'store', message: opened.error.message } };
  const store = opened.value;

  const installed = await install(store, options);
  if (installed) {
    store.close();
    return { ok: false, failure: installed };
  }
  markReady(store, options.log);

  const server = createIngressServer({ store, log: options.log, requestTimeoutMs: options.requestTimeoutMs });
  const listenHost = options.host ?? '127.0.0.1';
  const listening = await new Promise<string | undefined>((resolve) => {
    server.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'EADDRINUSE' ? `port ${options.port} is already in use` : e.message));
    server.listen(options.port, listenHost, () => resolve(undefined));
  });
  if (listening !== undefined) {
    store.close();
    return { ok: false, failure: { stage: 'listen', message: `cannot listen on ${listenHost}:${options.port}: ${listening}` } };
  }
  server.on('error', (e) => options.log(`server error: ${e.message}`));
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    ok: true,
    host: {
      url: `http://${listenHost.includes(':') ? `[${listenHost}]` : listenHost}:${port}`,
      port,
      store,
      close: () =>
        (closing ??= new Promise<void>((resolve) => {
          server.close(() => {
            store.close();
            resolve();
          });
          server.closeIdleConnections();
          // Requests in flight get a moment; then their connections go too.
          setTimeout(() => server.closeAllConnections(), 500).unref();
        })),
    },
  };
}

async function install(store: Store, options: HostOptions): Promise<HostFailure | undefined> {
  const scriptPath = join(options.appDir, 'install.script');
  let text: string;
  try {
    text = readFileSync(scriptPath, 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return {
      stage: 'install',
      message: code === 'ENOENT' ? `\`${scriptPath}\` does not exist: an app dir holds an install.script beside its bundle` : `cannot read \`${scriptPath}\`: ${(e as Error).message}`,
    };
  }
  const results: CommandResult[] = await executeScript(text, { store, baseDir: options.appDir, scriptPath: 'install.script' });
  const failed = results.find((r) => !r.ok);
  if (failed && !failed.ok) {
    return { stage: 'install', message: failed.error.message, command: failed.error.code === 'check-failed' ? undefined : failed.command, error: failed.error };
  }
  return undefined;
}

function markReady(store: Store, log: (line: string) => void): void {
  const all = store.select('**');
  if (!all.ok) return;
  for (const p of all.value) {
    if (p.status !== 'Pending') continue;
    const base = p.kind.split('<')[0]!;
    if (NEEDS_GUEST.has(base)) {
      log(`pending ${p.point} <${p.kind}> (mechtrons run with issue 5)`);
      continue;
    }
    const set = store.setStatus(p.point, 'Ready');
    if (set.ok) log(`ready   ${p.point} <${p.kind}>`);
  }
}

// One machine's mesh, as `starc run` starts it (DESIGN.md §1, §5): open the store under the data dir, run the app
// dir's `install.script`, mark what the script made Ready, and serve HTTP. Touches no process or stdio: the CLI
// passes `log` and renders what comes back.
//
// Decisions:
// - Re-running the install script on an existing data dir must be safe. That is the script's job: it should use
//   `create?` and `publish?` (as samples/site does). A plain `create`/`publish` of something already there
//   fails with `exists`, and `startHost` reports that failure like any other (the message says what exists).
// - The mesh (runtime/mesh/) starts before the script, so the script's `send` reaches the mechtrons it creates.
//   Particles that need no guest become `Ready` as they are created; Mechtrons load their guest (Init → Ready,
//   or Fatal with the reason). Each change is one `log` line. On a restart the Mechtrons load again.
// - A failing script is returned as a value (the command, its error, and the reports to render for a script with
//   errors); the store is closed and no server starts.

import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { executeScript, type CommandContext, type CommandError, type CommandResult } from './commands/execute.ts';
import { createIngressServer } from './http/server.ts';
import { Mesh } from './mesh/mesh.ts';
import type { ParticleLogs } from './mesh/particle-logs.ts';
import { openStore, type Store } from './store/store.ts';
import { startAdminEndpoint } from './admin/server.ts';

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
  /** Guest worker threads (one per CPU, at least two, when absent). */
  readonly workers?: number;
  /** The admin endpoint's port on loopback (runtime/admin/); 0 or absent: any free port. */
  readonly adminPort?: number;
  /** This process's id, recorded in `<data dir>/admin.json` (runtime/ does not read `process`). */
  readonly pid?: number;
  /** false: skip the app dir's install.script (`starc repl` without an app starts an empty mesh). */
  readonly install?: boolean;
}

/** What a caller may add to the context commands run in (the store and the mesh's `send` are the host's). */
export type ExecuteExtras = Partial<Pick<CommandContext, 'onEvent' | 'watches' | 'baseDir' | 'scriptPath' | 'variables'>>;

export interface RunningHost {
  /** `http://127.0.0.1:8080`, with the real port. */
  readonly url: string;
  readonly port: number;
  readonly store: Store;
  readonly mesh: Mesh;
  /** Runs SPEC §8 commands against this host, `send` included (relative paths: the app dir). */
  execute(text: string, extra?: ExecuteExtras): Promise<CommandResult[]>;
  /** Particles' log lines (guests' `log`, panics, restarts). */
  readonly logs: ParticleLogs;
  /** Stops accepting, drops idle keep-alive connections, stops the guests, closes the store. */
  close(): Promise<void>;
  /** The admin endpoint (runtime/admin/): its url and the file holding its token. */
  readonly admin: { readonly url: string; readonly tokenFile: string };
}

export type HostFailure =
  | { readonly stage: 'store'; readonly message: string }
  | { readonly stage: 'install'; readonly message: string; readonly command?: string; readonly error?: CommandError }
  | { readonly stage: 'listen'; readonly message: string };

export type HostResult = { readonly ok: true; readonly host: RunningHost } | { readonly ok: false; readonly failure: HostFailure };

export async function startHost(options: HostOptions): Promise<HostResult> {
  const opened = openStore(options.dataDir);
  if (!opened.ok) return { ok: false, failure: { stage: 'store', message: opened.error.message } };
  const store = opened.value;
  const mesh = new Mesh({ store, log: options.log, requestTimeoutMs: options.requestTimeoutMs, ...(options.workers !== undefined ? { workers: options.workers } : {}) });
  await mesh.start();
  const shutDown = async () => {
    await mesh.close();
    store.close();
  };

  const installed = await install(mesh, options);
  if (installed) {
    await shutDown();
    return { ok: false, failure: installed };
  }
  await mesh.settled();

  const server = createIngressServer({ store, log: options.log, requestTimeoutMs: options.requestTimeoutMs, deliver: (ping) => mesh.request(ping), bundles: mesh.bundles, schemas: mesh.schemas });
  const listenHost = options.host ?? '127.0.0.1';
  const listening = await new Promise<string | undefined>((resolve) => {
    server.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'EADDRINUSE' ? `port ${options.port} is already in use` : e.message));
    server.listen(options.port, listenHost, () => resolve(undefined));
  });
  if (listening !== undefined) {
    await shutDown();
    return { ok: false, failure: { stage: 'listen', message: `cannot listen on ${listenHost}:${options.port}: ${listening}` } };
  }
  server.on('error', (e) => options.log(`server error: ${e.message}`));
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  const host: Omit<RunningHost, 'admin'> = {
      url: `http://${listenHost.includes(':') ? `[${listenHost}]` : listenHost}:${port}`,
      port,
      store,
      mesh,
      logs: mesh.logs,
      execute: (text, extra = {}) => executeScript(text, { ...extra, baseDir: extra.baseDir ?? options.appDir, store, send: mesh.send }),
      close: () =>
        (closing ??= new Promise<void>((resolve) => {
          server.close(() => {
            void shutDown().then(resolve);
          });
          server.closeIdleConnections();
          // Requests in flight get a moment; then their connections go too.
          setTimeout(() => server.closeAllConnections(), 500).unref();
        })),
  };
  // ---- admin endpoint (runtime/admin/, for `starc repl --connect` and scripts) ----
  const admin = await startAdminEndpoint({ target: host, dataDir: options.dataDir, port: options.adminPort ?? 0, pid: options.pid ?? 0, baseDir: options.appDir, log: options.log });
  if (!admin.ok) {
    await host.close();
    return { ok: false, failure: { stage: 'listen', message: admin.message } };
  }
  const endpoint = admin.endpoint;
  return { ok: true, host: { ...host, admin: { url: endpoint.url, tokenFile: endpoint.tokenFile }, close: () => endpoint.close().then(() => host.close()) } };
  // ---- end admin endpoint ----
}

async function install(mesh: Mesh, options: HostOptions): Promise<HostFailure | undefined> {
  if (options.install === false) return undefined;
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
  const results: CommandResult[] = await executeScript(text, { store: mesh.store, baseDir: options.appDir, scriptPath: 'install.script', send: mesh.send });
  const failed = results.find((r) => !r.ok);
  if (failed && !failed.ok) {
    return { stage: 'install', message: failed.error.message, command: failed.error.code === 'check-failed' ? undefined : failed.command, error: failed.error };
  }
  return undefined;
}

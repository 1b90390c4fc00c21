// A session on a mesh started in this process (`starc repl [APP_DIR]`): the same `startHost` as `starc run`,
// HTTP ingress and admin endpoint included, on the given data dir or on a temporary one that is removed when the
// session closes. Without an app dir no install script runs: the mesh starts empty.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeWatches, type WatchHandle } from '../../runtime/commands/execute.ts';
import { isPlainPoint } from '../../runtime/admin/protocol.ts';
import { startHost, type HostFailure } from '../../runtime/host.ts';
import type { LiveStream, ReplSession, SessionProblem } from './session.ts';

export interface EmbeddedOptions {
  /** An app dir whose install.script runs first; undefined: an empty mesh. */
  readonly appDir: string | undefined;
  /** undefined: a temporary data dir, removed on close. */
  readonly dataDir: string | undefined;
  readonly port: number;
  readonly adminPort?: number | undefined;
  readonly requestTimeoutMs?: number | undefined;
  /** Relative `publish` paths resolve here (the REPL's folder). */
  readonly cwd: string;
  readonly pid: number;
  /** Guest worker threads; the host's default when absent. */
  readonly workers?: number;
}

export type EmbeddedStart = { readonly ok: true; readonly session: ReplSession } | { readonly ok: false; readonly failure: HostFailure };

export async function startEmbeddedSession(options: EmbeddedOptions): Promise<EmbeddedStart> {
  const temporary = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'starc-repl-'));
  // A temporary data dir goes when the process does, however it ends (a closed terminal ends it with EIO on the
  // next write, before any async clean-up could run).
  const removeTemporary = (): void => rmSync(dataDir, { recursive: true, force: true });
  if (temporary) process.once('exit', removeTemporary);
  const logLines: string[] = [];
  const logListeners = new Set<(line: string) => void>();
  const log = (line: string): void => {
    logLines.push(line);
    if (logLines.length > 200) logLines.shift();
    for (const l of logListeners) l(line);
  };
  const started = await startHost({
    appDir: options.appDir ?? options.cwd,
    install: options.appDir !== undefined,
    dataDir,
    port: options.port,
    host: '127.0.0.1',
    adminPort: options.adminPort,
    requestTimeoutMs: options.requestTimeoutMs,
    pid: options.pid,
    ...(options.workers !== undefined ? { workers: options.workers } : {}),
    log,
  });
  if (!started.ok) {
    if (temporary) {
      process.off('exit', removeTemporary);
      removeTemporary();
    }
    return started;
  }
  const { host } = started;
  const liveEnds = new Set<(reason: SessionProblem) => void>();

  const live = (close: () => void): LiveStream => {
    let settle: (reason: SessionProblem | undefined) => void = () => undefined;
    const ended = new Promise<SessionProblem | undefined>((resolve) => (settle = resolve));
    const onHostEnd = (reason: SessionProblem): void => {
      close();
      settle(reason);
    };
    liveEnds.add(onHostEnd);
    return {
      close: () => {
        liveEnds.delete(onHostEnd);
        close();
        settle(undefined);
      },
      ended,
    };
  };

  return {
    ok: true,
    session: {
      banner: [
        `embedded mesh, data in ${dataDir}${temporary ? ' (temporary)' : ''}`,
        `listening on ${host.url}`,
        `admin on ${host.admin.url} (token in ${host.admin.tokenFile})`,
        'type :help for help, :quit to leave',
      ],
      historyFile: temporary ? undefined : join(dataDir, 'repl-history'),
      execute: async (script) => ({ ok: true, value: await host.execute(script, { baseDir: options.cwd, scriptPath: '<repl>' }) }),
      async watch(point, onEvent) {
        if (!isPlainPoint(point)) return { ok: false, error: { code: 'E0402', message: `\`${point}\` is not a point` } };
        const watches: WatchHandle[] = [];
        const results = await host.execute(`watch ${point};`, { baseDir: options.cwd, scriptPath: '<repl>', watches, onEvent: (_p, e) => onEvent(e) });
        const result = results[0];
        if (!result?.ok) {
          closeWatches(watches);
          const first = result?.error.reports?.flatMap((r) => r.diagnostics).find((d) => d.severity === 'error');
          return { ok: false, error: { code: result?.error.code ?? 'bad-request', message: first ? `${first.code}: ${first.message}` : (result?.error.message ?? `cannot watch \`${point}\``) } };
        }
        return { ok: true, value: live(() => closeWatches(watches)) };
      },
      async tail(point, onEntry) {
        if (!isPlainPoint(point)) return { ok: false, error: { code: 'E0402', message: `\`${point}\` is not a point` } };
        const unsubscribe = host.logs.tail(point, onEntry, { replay: 20 });
        return { ok: true, value: live(unsubscribe) };
      },
      onHostLog(listener) {
        for (const line of logLines) listener(line);
        logListeners.add(listener);
        return () => logListeners.delete(listener);
      },
      async close() {
        for (const end of [...liveEnds]) end({ code: 'closed', message: 'the session closed' });
        await host.close();
        if (temporary) {
          process.off('exit', removeTemporary);
          removeTemporary();
        }
      },
    },
  };
}

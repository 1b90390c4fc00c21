// A session on a running host (`starc repl --connect URL`), through its admin endpoint (runtime/admin/client.ts).
// Relative `publish` paths resolve against the REPL's folder: the endpoint is on loopback, so it is the same
// machine and the same files.

import { adminClient } from '../../runtime/admin/client.ts';
import type { ReplSession } from './session.ts';

export interface RemoteOptions {
  readonly url: string;
  readonly token: string;
  readonly cwd: string;
  readonly historyFile: string | undefined;
}

/** Connects (one health request, so a wrong URL or token is reported before the prompt appears). */
export async function connectRemoteSession(options: RemoteOptions): Promise<{ ok: true; session: ReplSession } | { ok: false; message: string }> {
  const client = adminClient(options.url, options.token);
  const health = await client.health();
  if (!health.ok) return { ok: false, message: health.error.message };
  return {
    ok: true,
    session: {
      banner: [`connected to ${options.url} (host pid ${health.value.pid})`],
      historyFile: options.historyFile,
      execute: (script) => client.execute(script, { baseDir: options.cwd }),
      watch: (point, onEvent) => client.watch(point, onEvent),
      tail: (point, onEntry) => client.tail(point, onEntry, { replay: 20 }),
      close: async () => undefined,
    },
  };
}

// A client of the admin endpoint (server.ts, protocol.ts): what `starc repl --connect` and the tests use to drive
// a running host. Every failure is a value: an unreachable host, a refused token or a broken stream come back as
// `{ ok: false, error: { code, message } }`, never as an exception.

import { readFileSync } from 'node:fs';
import { request, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import type { StoreEvent } from '../store/types.ts';
import { ADMIN_FILE, type AdminFile, type AdminResult, type LogEntry } from './protocol.ts';

export interface ClientError {
  /** `unreachable`, `unauthorized`, `bad-reply`, `stream-ended`, or the endpoint's code (`bad-request`, ...). */
  readonly code: string;
  readonly message: string;
}

export type ClientResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ClientError };

/** A live stream (watch or log tail): `close` ends it; `ended` settles when it ends for any reason. */
export interface AdminStream {
  close(): void;
  /** Resolves with undefined when closed by `close`, or with the reason it ended otherwise. */
  readonly ended: Promise<ClientError | undefined>;
}

export interface AdminClient {
  readonly url: string;
  health(): Promise<ClientResult<{ readonly pid: number; readonly url: string }>>;
  /** Runs a script (one or more commands); `baseDir` (absolute) is where relative `publish` paths resolve. */
  execute(script: string, options?: { readonly baseDir?: string }): Promise<ClientResult<AdminResult[]>>;
  watch(point: string, onEvent: (event: StoreEvent) => void): Promise<ClientResult<AdminStream>>;
  tail(point: string, onEntry: (entry: LogEntry) => void, options?: { readonly replay?: number }): Promise<ClientResult<AdminStream>>;
}

/** `<dataDir>/admin.json`, checked. */
export function readAdminFile(dataDir: string): ClientResult<AdminFile> {
  const path = join(dataDir, ADMIN_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return fail('no-admin-file', code === 'ENOENT' ? `\`${path}\` does not exist: is \`starc run\` running on this data dir?` : `cannot read \`${path}\`: ${(e as Error).message}`);
  }
  try {
    const value = JSON.parse(text) as Partial<AdminFile>;
    if (typeof value.url === 'string' && typeof value.token === 'string' && typeof value.pid === 'number') return { ok: true, value: value as AdminFile };
  } catch {
    // reported below
  }
  return fail('bad-admin-file', `\`${path}\` is not an admin file (\`{ url, token, pid }\`)`);
}

/** A client of the endpoint at `url` (`http://127.0.0.1:PORT`); nothing is sent until a method is called. */
export function adminClient(url: string, token: string): AdminClient {
  const base = new URL(url);
  const headers = { authorization: `Bearer ${token}` };

  function call(method: string, path: string, body?: { type: string; text: string }): Promise<ClientResult<unknown>> {
    return new Promise((resolve) => {
      const req = request(
        new URL(path, base),
        { method, headers: { ...headers, ...(body ? { 'content-type': body.type, 'content-length': Buffer.byteLength(body.text) } : {}) } },
        (res) => {
          readAll(res).then((text) => resolve(replyOf(res.statusCode ?? 0, text)), (e: Error) => resolve(fail('unreachable', `the admin endpoint at ${url} broke off: ${e.message}`)));
        },
      );
      req.on('error', (e) => resolve(fail('unreachable', unreachableMessage(url, e))));
      req.end(body?.text);
    });
  }

  function stream<T>(path: string, onValue: (value: T) => void, first: string): Promise<ClientResult<AdminStream>> {
    return new Promise((resolve) => {
      let settle: (reason: ClientError | undefined) => void = () => undefined;
      const ended = new Promise<ClientError | undefined>((r) => (settle = r));
      let closedByUs = false;
      const req = request(new URL(path, base), { method: 'GET', headers }, (res) => {
        if (res.statusCode !== 200) {
          readAll(res).then(
            (text) => resolve(replyOf(res.statusCode ?? 0, text) as ClientResult<never>),
            (e: Error) => resolve(fail('unreachable', e.message)),
          );
          return;
        }
        res.setEncoding('utf8');
        let pending = '';
        let opened = false;
        res.on('data', (chunk: string) => {
          pending += chunk;
          for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
            const line = pending.slice(0, nl);
            pending = pending.slice(nl + 1);
            if (line.trim() === '') continue;
            let value: unknown;
            try {
              value = JSON.parse(line);
            } catch {
              settle({ code: 'bad-reply', message: `the admin endpoint sent a line that is not JSON: ${line.slice(0, 80)}` });
              res.destroy();
              return;
            }
            if (!opened) {
              opened = true;
              if (typeof value !== 'object' || value === null || !(first in value)) {
                settle({ code: 'bad-reply', message: 'the admin endpoint did not open the stream' });
                res.destroy();
              }
              continue;
            }
            onValue(value as T);
          }
        });
        res.on('close', () => settle(closedByUs ? undefined : { code: 'stream-ended', message: `the stream from ${url} ended (the host stopped?)` }));
        resolve({
          ok: true,
          value: {
            close: () => {
              closedByUs = true;
              req.destroy();
              settle(undefined);
            },
            ended,
          },
        });
      });
      req.on('error', (e) => {
        if (closedByUs) return;
        settle({ code: 'unreachable', message: unreachableMessage(url, e) });
        resolve(fail('unreachable', unreachableMessage(url, e)));
      });
      req.end();
    });
  }

  return {
    url,
    health: () => call('GET', '/v1/health') as Promise<ClientResult<{ pid: number; url: string }>>,
    async execute(script, options = {}) {
      const reply = await call('POST', '/v1/commands', { type: 'application/json', text: JSON.stringify({ script, ...(options.baseDir ? { baseDir: options.baseDir } : {}) }) });
      if (!reply.ok) return reply;
      const results = (reply.value as { results?: unknown }).results;
      if (!Array.isArray(results)) return fail('bad-reply', 'the admin endpoint answered without `results`');
      return { ok: true, value: results as AdminResult[] };
    },
    watch: (point, onEvent) => stream<StoreEvent>(`/v1/watch?point=${encodeURIComponent(point)}`, onEvent, 'watching'),
    tail: (point, onEntry, options = {}) =>
      stream<LogEntry>(`/v1/logs?point=${encodeURIComponent(point)}${options.replay ? `&replay=${options.replay}` : ''}`, onEntry, 'tailing'),
  };
}

function readAll(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (text += chunk));
    res.on('end', () => resolve(text));
    res.on('error', reject);
  });
}

function replyOf(status: number, text: string): ClientResult<unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return fail('bad-reply', `the admin endpoint answered ${status} with a body that is not JSON`);
  }
  if (status === 200) return { ok: true, value };
  const error = (value as { error?: ClientError }).error;
  if (error && typeof error.code === 'string' && typeof error.message === 'string') return { ok: false, error: { code: error.code, message: error.message } };
  return fail('bad-reply', `the admin endpoint answered ${status}`);
}

function unreachableMessage(url: string, e: Error): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED') return `nothing answers at ${url}: is \`starc run\` running?`;
  return `cannot reach ${url}: ${e.message}`;
}

function fail<T = never>(code: string, message: string): ClientResult<T> {
  return { ok: false, error: { code, message } };
}

// The admin endpoint (runtime/admin/) over real sockets: the token file, authentication, the command route with
// results and rendered diagnostics, NDJSON watch and log streams, and every malformed request answered with a
// clear 4xx. The target is a real store driven by `executeScript` (what a host's `execute` does).

import { mkdtempSync, rmSync, statSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { executeScript } from '../runtime/commands/execute.ts';
import { openStore, type Store } from '../runtime/store/store.ts';
import type { StoreEvent } from '../runtime/store/types.ts';
import { startAdminEndpoint, type AdminEndpoint } from '../runtime/admin/server.ts';
import { adminClient, readAdminFile, type AdminClient } from '../runtime/admin/client.ts';
import { startHost } from '../runtime/host.ts';
import type { AdminTarget, LogEntry } from '../runtime/admin/protocol.ts';
import { httpRequest } from './helpers/http-request.ts';

interface Fixture {
  readonly dir: string;
  readonly store: Store;
  readonly endpoint: AdminEndpoint;
  readonly client: AdminClient;
  readonly token: string;
  readonly logLines: string[];
  readonly log: (point: string, message: string) => void;
}

const open: Fixture[] = [];

/** A particle log kept in memory: what the endpoint streams from `logs.tail`. */
function memoryLogs(): { logs: NonNullable<AdminTarget['logs']>; append: (point: string, message: string) => void } {
  const lines = new Map<string, LogEntry[]>();
  const listeners = new Map<string, Set<(e: LogEntry) => void>>();
  return {
    logs: {
      tail(point, listener, options = {}) {
        for (const e of (lines.get(point) ?? []).slice(-(options.replay ?? 0) || Infinity)) if (options.replay) listener(e);
        const set = listeners.get(point) ?? new Set();
        listeners.set(point, set.add(listener));
        return () => set.delete(listener);
      },
    },
    append(point, message) {
      const entry = { at: Date.now(), level: 'info', message };
      lines.set(point, [...(lines.get(point) ?? []), entry]);
      for (const l of listeners.get(point) ?? []) l(entry);
    },
  };
}

async function start(): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'starc-admin-'));
  const opened = openStore(dir, { durability: 'normal' });
  if (!opened.ok) throw new Error(opened.error.message);
  const store = opened.value;
  const { logs, append } = memoryLogs();
  const target: AdminTarget = {
    execute: (text, extra = {}) => executeScript(text, { store, baseDir: extra.baseDir ?? dir, ...extra }),
    logs,
  };
  const logLines: string[] = [];
  const started = await startAdminEndpoint({ target, dataDir: dir, port: 0, pid: 4242, baseDir: dir, log: (l) => logLines.push(l) });
  if (!started.ok) throw new Error(started.message);
  const file = readAdminFile(dir);
  if (!file.ok) throw new Error(file.error.message);
  const fixture = { dir, store, endpoint: started.endpoint, client: adminClient(started.endpoint.url, file.value.token), token: file.value.token, logLines, log: append };
  open.push(fixture);
  return fixture;
}

test.after.each(async () => {
  for (const f of open.splice(0)) {
    await f.endpoint.close();
    f.store.close();
    rmSync(f.dir, { recursive: true, force: true });
  }
});

function waitFor<T>(items: T[], count: number, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  return new Promise((resolve, reject) => {
    const poll = (): void => {
      if (items.length >= count) return resolve();
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}: have ${JSON.stringify(items)}`));
      setTimeout(poll, 10);
    };
    poll();
  });
}

test('admin.json holds url, token and pid with mode 0600, and is removed on close', async () => {
  const f = await start();
  const path = join(f.dir, 'admin.json');
  assert.is(f.endpoint.tokenFile, path);
  assert.is(statSync(path).mode & 0o777, 0o600);
  const content = JSON.parse(readFileSync(path, 'utf8')) as { url: string; token: string; pid: number };
  assert.is(content.url, f.endpoint.url);
  assert.match(content.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.match(content.token, /^[0-9a-f]{64}$/);
  assert.is(content.pid, 4242);
  const health = await f.client.health();
  assert.ok(health.ok);
  await f.endpoint.close();
  assert.not.ok(existsSync(path), 'removed on a clean close');
});

test('a missing or wrong token is a 401 that says how to authenticate; nothing runs', async () => {
  const f = await start();
  for (const headers of [{} as Record<string, string>, { authorization: `Bearer ${'0'.repeat(64)}` }, { authorization: f.token }, { authorization: `Bearer ${f.token}x` }]) {
    const reply = await httpRequest(f.endpoint.url, '/v1/commands', { method: 'POST', headers: { ...headers, 'content-type': 'text/plain' }, body: 'create a<Space>;' });
    assert.is(reply.status, 401);
    assert.match(reply.text, /"code":"unauthorized"/);
    assert.match(reply.text, /admin\.json/);
  }
  assert.not.ok(f.store.get('a').ok, 'nothing ran');
  const wrong = await adminClient(f.endpoint.url, 'nope').execute('select *;');
  assert.equal(wrong.ok ? undefined : wrong.error.code, 'unauthorized');
});

test('bad requests: 400 for a broken body, 404 unknown route, 405 wrong method, 413 too large', async () => {
  const f = await start();
  const auth = { authorization: `Bearer ${f.token}` };
  const cases: Array<[string, { method?: string; headers?: Record<string, string>; body?: string }, number, RegExp]> = [
    ['/v1/commands', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"script": ' }, 400, /the body is not JSON/],
    ['/v1/commands', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[1]' }, 400, /must be a JSON object/],
    ['/v1/commands', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"script": 3}' }, 400, /`script` must be a string/],
    ['/v1/commands', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"script": "", "scrpt": 1}' }, 400, /unknown field `scrpt`/],
    ['/v1/commands', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"script": "", "baseDir": "rel"}' }, 400, /`baseDir` must be an absolute path/],
    ['/v1/commands', { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<x/>' }, 400, /content-type `application\/xml` is not accepted/],
    ['/v1/commands', { method: 'GET' }, 405, /takes POST, not GET/],
    ['/v1/watch', {}, 400, /`point` query parameter is missing/],
    ['/v1/watch?point=a%3B%20delete%20b', {}, 400, /is not a point/],
    ['/v1/logs?point=a&replay=x', {}, 400, /`replay=x` is not a count/],
    ['/v2/nothing', {}, 404, /no admin route `\/v2\/nothing`/],
  ];
  for (const [path, options, status, message] of cases) {
    const reply = await httpRequest(f.endpoint.url, path, { ...options, headers: { ...auth, ...options.headers } });
    assert.is(reply.status, status, `${path}: ${reply.text}`);
    assert.match(reply.text, message);
    assert.ok(JSON.parse(reply.text).error.code, 'an error code');
  }
  const invalid = await httpRequest(f.endpoint.url, '/v1/commands', { method: 'POST', headers: { ...auth, 'content-type': 'text/plain' }, body: Buffer.from([0x63, 0xff, 0xfe]) });
  assert.is(invalid.status, 400);
  assert.match(invalid.text, /not UTF-8/);
  const huge = await httpRequest(f.endpoint.url, '/v1/commands', { method: 'POST', headers: { ...auth, 'content-type': 'text/plain' }, body: 'x'.repeat(5 * 1024 * 1024) }).catch(
    (e: Error) => ({ status: -1, text: e.message }),
  );
  // The server answers 413 and closes; a client still writing may instead see the socket reset.
  assert.ok(huge.status === 413 || huge.status === -1, `${huge.status}`);
  assert.ok((await f.client.health()).ok, 'the endpoint still serves');
});

test('commands run through the target: results as values, errors with their code, script errors rendered like the compiler', async () => {
  const f = await start();
  const made = await f.client.execute('create localhost<Space>;\ncreate localhost:app<Base>{ +title=Hello };');
  assert.ok(made.ok);
  if (!made.ok) return;
  assert.is(made.value.length, 2);
  assert.ok(made.value.every((r) => r.ok));

  const listed = await f.client.execute('select localhost:*;');
  assert.ok(listed.ok && listed.value[0]!.ok);
  if (listed.ok && listed.value[0]!.ok) assert.equal(listed.value[0]!.value, [{ point: 'localhost:app', kind: 'Base', status: 'Pending' }]);

  const got = await f.client.execute('get localhost:app;');
  assert.ok(got.ok && got.value[0]!.ok);
  if (got.ok && got.value[0]!.ok) assert.is((got.value[0]!.value as { properties: Record<string, { value: string }> }).properties['title']!.value, 'Hello');

  const exists = await f.client.execute('create localhost<Space>;');
  assert.ok(exists.ok);
  if (exists.ok) {
    const r = exists.value[0]!;
    assert.not.ok(r.ok);
    if (!r.ok) {
      assert.is(r.error.code, 'exists');
      assert.is(r.error.rendered, undefined);
    }
  }

  const mistyped = await f.client.execute('create localhost:x<Spce>;');
  assert.ok(mistyped.ok);
  if (mistyped.ok) {
    const r = mistyped.value[0]!;
    assert.not.ok(r.ok);
    if (!r.ok) {
      assert.is(r.error.code, 'check-failed');
      assert.is(r.error.reports?.[0]?.path, '<admin>');
      assert.match(r.error.rendered ?? '', /error\[E0401\]: unknown kind `Spce`/);
      assert.match(r.error.rendered ?? '', /--> <admin>:1:20/);
      assert.match(r.error.rendered ?? '', /\^\^\^\^/);
    }
  }
  assert.not.ok(f.store.get('localhost:x').ok);
});

test('a relative publish path resolves against the request baseDir', async () => {
  const f = await start();
  const made = await f.client.execute('create repo<Repo>; create repo:site<BundleSeries>; publish ^[ site/bundle ]-> repo:site:1.0.0;', {
    baseDir: join(import.meta.dirname, '..', 'samples'),
  });
  assert.ok(made.ok);
  if (made.ok) assert.ok(made.value.every((r) => r.ok), JSON.stringify(made.value));
  assert.ok(f.store.artifact('repo:site:1.0.0:/html/index.html').ok);
});

test('watch streams store events as NDJSON until the client closes; a malformed point is a 400', async () => {
  const f = await start();
  await f.client.execute('create localhost<Space>;');
  const events: StoreEvent[] = [];
  const watched = await f.client.watch('localhost', (e) => events.push(e));
  assert.ok(watched.ok);
  if (!watched.ok) return;
  await f.client.execute('set localhost{ +title=One };');
  f.store.setStatus('localhost', 'Ready');
  await waitFor(events, 2, 'two events');
  assert.equal(events[0], { type: 'property', point: 'localhost', key: 'title', value: 'One', locked: false });
  assert.equal(events[1], { type: 'status', point: 'localhost', status: 'Ready' }, 'undefined fields are left out on the wire');
  watched.value.close();
  assert.is(await watched.value.ended, undefined);

  // A point that does not exist yet may be watched (its creation is an event); a malformed one may not.
  const malformed = await f.client.watch('Local:x', () => undefined);
  assert.not.ok(malformed.ok);
  if (!malformed.ok) assert.match(malformed.error.message, /^cannot watch `Local:x`: E0\d{3}: ./, JSON.stringify(malformed.error));
});

test('a stream ends with a reason when the endpoint closes', async () => {
  const f = await start();
  await f.client.execute('create localhost<Space>;');
  const watched = await f.client.watch('localhost', () => undefined);
  assert.ok(watched.ok);
  if (!watched.ok) return;
  await f.endpoint.close();
  const reason = await watched.value.ended;
  assert.is(reason?.code, 'stream-ended');
});

test('logs stream a particle log, replaying recent lines first', async () => {
  const f = await start();
  f.log('localhost:app', 'one');
  f.log('localhost:app', 'two');
  const entries: LogEntry[] = [];
  const tailed = await f.client.tail('localhost:app', (e) => entries.push(e), { replay: 1 });
  assert.ok(tailed.ok);
  if (!tailed.ok) return;
  f.log('localhost:app', 'three');
  await waitFor(entries, 2, 'two log lines');
  assert.equal(
    entries.map((e) => e.message),
    ['two', 'three'],
  );
  assert.is(entries[0]!.level, 'info');
  tailed.value.close();
});

test('the client reports an unreachable endpoint and a missing admin.json as values', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'starc-admin-none-'));
  try {
    const file = readAdminFile(dir);
    assert.not.ok(file.ok);
    if (!file.ok) assert.match(file.error.message, /admin\.json` does not exist: is `starc run` running/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const f = await start();
  const url = f.endpoint.url;
  await f.endpoint.close();
  const result = await adminClient(url, f.token).execute('select *;');
  assert.not.ok(result.ok);
  if (!result.ok) {
    assert.is(result.error.code, 'unreachable');
    assert.match(result.error.message, /nothing answers at http:\/\/127\.0\.0\.1:\d+: is `starc run` running\?/);
  }
});

test('startHost serves the admin endpoint: commands run on the host, admin.json goes away on close', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'starc-admin-host-'));
  const lines: string[] = [];
  const started = await startHost({ appDir: join(import.meta.dirname, '..', 'samples', 'site'), dataDir: join(dir, 'data'), port: 0, pid: 777, workers: 1, log: (l) => lines.push(l) });
  if (!started.ok) throw new Error(JSON.stringify(started.failure));
  const { host } = started;
  try {
    assert.is(host.admin.tokenFile, join(dir, 'data', 'admin.json'));
    const file = readAdminFile(join(dir, 'data'));
    assert.ok(file.ok);
    if (!file.ok) return;
    assert.is(file.value.url, host.admin.url);
    assert.is(file.value.pid, 777);
    const client = adminClient(host.admin.url, file.value.token);
    const listed = await client.execute('select localhost;');
    assert.ok(listed.ok && listed.value[0]!.ok, JSON.stringify(listed));
    if (listed.ok && listed.value[0]!.ok) assert.equal(listed.value[0]!.value, [{ point: 'localhost', kind: 'Space', status: 'Ready' }]);
    const entries: LogEntry[] = [];
    const tailed = await client.tail('localhost', (e) => entries.push(e));
    assert.ok(tailed.ok, 'the host offers particle logs');
    if (tailed.ok) tailed.value.close();
  } finally {
    await host.close();
  }
  assert.not.ok(existsSync(join(dir, 'data', 'admin.json')));
  rmSync(dir, { recursive: true, force: true });
});

test.run();

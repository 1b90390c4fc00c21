// The HTTP ingress in-process (runtime/host.ts + runtime/http/server.ts): a throwaway app dir, startHost on port 0,
// and real requests. The built binary's end-to-end run is test/run.e2e.test.ts.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startHost, type RunningHost } from '../runtime/host.ts';

const FILES: Record<string, string> = {
  'install.script': [
    'create? localhost<Space>;',
    'create? bare<Space>;',
    'create? repo<Repo>;',
    'create? repo:app<BundleSeries>;',
    'publish? ^[ bundle ]-> repo:app:1.0.0;',
    'set localhost{ +router=repo:app:1.0.0:/router/app.router };',
    'create? api<Space>{ +bind=repo:app:1.0.0:/bind/api.bind };',
  ].join('\n') + '\n',
  'bundle/router/app.router': `Router(version=1.0.0) {
  Route<Http<Post>>/echo -> ${'${doc.bundle}'}:/html/index.html => &;
  Route<Http<Get>>/(?P<file>.*) -> ${'${doc.bundle}'}:/html/${'${file}'} => &;
}
`,
  'bundle/bind/api.bind': 'Bind(version=1.0.0) {\n  Route<Http<Get>>/core -> (( )) => &;\n}\n',
  'bundle/html/index.html': '<p>home</p>\n',
  'bundle/html/docs/index.html': '<p>docs</p>\n',
};

let dir = '';
let host: RunningHost;
const logged: string[] = [];

test.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'starc-ingress-'));
  for (const [path, text] of Object.entries(FILES)) {
    mkdirSync(dirname(join(dir, 'app', path)), { recursive: true });
    writeFileSync(join(dir, 'app', path), text);
  }
  const started = await startHost({ appDir: join(dir, 'app'), dataDir: join(dir, 'data'), port: 0, log: (l) => logged.push(l) });
  if (!started.ok) throw new Error(JSON.stringify(started.failure));
  host = started.host;
});

test.after(async () => {
  await host?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Reply {
  readonly status: number;
  text(): Promise<string>;
}

/** node:http rather than fetch: fetch drops a Host header it is given. */
function call(path: string, init: { host?: string; method?: string; body?: string | Uint8Array; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${host.url}${path}`,
      { method: init.method ?? 'GET', headers: { host: init.host ?? 'localhost', ...init.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: async () => Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

test('install marks what it made Ready, one line each', () => {
  assert.ok(logged.includes('ready   localhost <Space>'), logged.join('\n'));
  const bundle = host.store.get('repo:app:1.0.0');
  assert.is(bundle.ok && bundle.value.status, 'Ready');
});

test('an empty capture and a directory-like path answer index.html', async () => {
  assert.is(await (await call('/')).text(), '<p>home</p>\n');
  assert.is(await (await call('/docs')).text(), '<p>docs</p>\n');
  assert.is(await (await call('/docs/')).text(), '<p>docs</p>\n');
});

test('a Space with a bind: a core stop is 501, saying a Space has no core', async () => {
  const res = await call('/core', { host: 'api' });
  assert.is(res.status, 501);
  assert.match(await res.text(), /the space `api` has no core: its bind's `\(\( \)\)` has nothing to run; route to a mechtron instead/);
});

test('a Space without a router, and a host that is no Space, are clear 404s', async () => {
  const bare = await call('/', { host: 'bare' });
  assert.is(bare.status, 404);
  assert.match(await bare.text(), /`bare` has no `router`/);
  const repo = await call('/', { host: 'repo:app' });
  assert.is(repo.status, 404);
  assert.match(await repo.text(), /no space `repo:app`/);
});

test('a body over the limit is 413; a bad JSON body is 400; a file route for POST is 405', async () => {
  const big = await call('/echo', { method: 'POST', body: new Uint8Array(1024 * 1024 + 1) });
  assert.is(big.status, 413);
  const bad = await call('/echo', { method: 'POST', body: '{', headers: { 'content-type': 'application/json' } });
  assert.is(bad.status, 400);
  const post = await call('/echo', { method: 'POST', body: 'x', headers: { 'content-type': 'text/plain' } });
  assert.is(post.status, 405);
});

test.run();

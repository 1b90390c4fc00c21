// End-to-end tests of `starc run`: the built binary serves a copy of samples/site over real HTTP (port 0, the
// real port parsed from the "listening on" line), stops on SIGINT with exit 0, and serves again after a restart
// on the same data dir (the install script re-runs safely).

import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copySample, removeProjects, requireBuiltBinary, starc, type SampleCopy } from './helpers/project.ts';
import { startRun } from './helpers/run-process.ts';

let site: SampleCopy;

test.before(() => {
  requireBuiltBinary();
  site = copySample('site', 'starc-run-');
});

test.after(removeProjects);

const start = () => startRun(site.appDir, { data: site.dataDir, cwd: site.work });

test('starc run serves samples/site: HTML, CSS, ETag/304, Range, 404s, traversal, then SIGINT and a restart', async () => {
  const first = await start();
  try {
    assert.match(first.output(), /ready {3}localhost <Space>\n/);
    assert.match(first.output(), /ready {3}repo:site:1\.0\.0 <Bundle>\n/);

    const home = await first.get('/');
    assert.is(home.status, 200, home.text);
    assert.is(home.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(home.text, /<h1>Hello from Starlane<\/h1>/);
    const etag = home.headers['etag'];
    assert.type(etag, 'string');
    assert.is(home.headers[`x-starc-blob`], undefined, 'internal headers never reach the client');

    const cached = await first.get('/', { 'if-none-match': etag as string });
    assert.is(cached.status, 304);
    assert.is(cached.text, '');

    const partial = await first.get('/index.html', { range: 'bytes=0-8' });
    assert.is(partial.status, 206);
    assert.is(partial.text, '<!doctype');
    assert.match(String(partial.headers['content-range']), /^bytes 0-8\/\d+$/);

    const css = await first.get('/style.css');
    assert.is(css.status, 200);
    assert.is(css.headers['content-type'], 'text/css; charset=utf-8');

    const head = await first.request('HEAD', '/style.css');
    assert.is(head.status, 200);
    assert.is(head.text, '');

    const missing = await first.get('/missing.html');
    assert.is(missing.status, 404);
    assert.match(missing.text, /missing\.html/);

    for (const path of ['/..%2f..%2fetc/passwd', '/a/../../router/site.router', '/%2e%2e/router/site.router']) {
      const traversal = await first.get(path);
      assert.is(traversal.status, 400, `${path}: ${traversal.text}`);
    }

    const stranger = await first.get('/', { host: 'example.com' });
    assert.is(stranger.status, 404);
    assert.match(stranger.text, /`example\.com`/);

    const post = await first.request('POST', '/');
    assert.is(post.status, 404);
    assert.match(post.text, /no route for Http<Post>/);
  } finally {
    const stopped = await first.stop();
    assert.is(stopped.code, 0, first.output());
    assert.ok(stopped.ms < 2000, `took ${stopped.ms} ms to stop`);
  }

  const second = await start();
  try {
    assert.not.match(second.output(), /ready /, 'nothing new on a restart');
    const home = await second.get('/');
    assert.is(home.status, 200, home.text);
    assert.match(home.text, /Hello from Starlane/);
  } finally {
    const stopped = await second.stop('SIGTERM');
    assert.is(stopped.code, 0, second.output());
  }
});

test('starc run refuses an install script with errors, rendered like the compiler, exit 1', () => {
  const bad = join(site.work, 'bad');
  cpSync(site.appDir, bad, { recursive: true });
  writeFileSync(join(bad, 'install.script'), 'create? localhost<Spce>;\n');
  const r = starc(site.work, ['run', bad, '--port', '0', '--data', join(site.work, 'bad-data')], { env: { NO_COLOR: '1' } });
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, /error\[E0401\]: unknown kind `Spce`/);
  assert.match(r.stderr, /install\.script:1:19/);
});

test.run();

// End-to-end tests of `starc run`: the built binary serves a copy of samples/site over real HTTP (port 0, the
// real port parsed from the "listening on" line), stops on SIGINT with exit 0, and serves again after a restart
// on the same data dir (the install script re-runs safely).

import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { requireBuiltBinary, ROOT, STARC_BIN } from './helpers/project.ts';

interface Running {
  readonly child: ChildProcess;
  readonly port: number;
  output(): string;
}

interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

let work = '';
let appDir = '';
let dataDir = '';

test.before(() => {
  requireBuiltBinary();
  work = mkdtempSync(join(tmpdir(), 'starc-run-'));
  appDir = join(work, 'site');
  dataDir = join(work, 'data');
  cpSync(join(ROOT, 'samples', 'site'), appDir, { recursive: true });
});

test.after(() => {
  rmSync(work, { recursive: true, force: true });
});

function start(): Promise<Running> {
  const child = spawn(process.execPath, [STARC_BIN, 'run', appDir, '--port', '0', '--data', dataDir], {
    cwd: work,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => (out += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`starc run did not start in 5 s:\n${out}`));
    }, 5000);
    let started = false;
    const early = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`starc run exited with ${code}:\n${out}`));
    };
    child.once('exit', early);
    child.stdout!.on('data', (chunk: string) => {
      out += chunk;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)\n/.exec(out);
      if (m && !started) {
        started = true;
        clearTimeout(timer);
        child.off('exit', early);
        resolve({ child, port: Number(m[1]), output: () => out });
      }
    });
  });
}

function stop(run: Running, signal: NodeJS.Signals = 'SIGINT'): Promise<{ code: number | null; ms: number }> {
  const began = Date.now();
  return new Promise((resolve) => {
    if (run.child.exitCode !== null) return resolve({ code: run.child.exitCode, ms: 0 });
    const timer = setTimeout(() => run.child.kill('SIGKILL'), 5000);
    run.child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, ms: Date.now() - began });
    });
    run.child.kill(signal);
  });
}

function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers: { host: `localhost:${port}`, ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('starc run serves samples/site: HTML, CSS, ETag/304, Range, 404s, traversal, then SIGINT and a restart', async () => {
  const first = await start();
  try {
    assert.match(first.output(), /ready {3}localhost <Space>\n/);
    assert.match(first.output(), /ready {3}repo:site:1\.0\.0 <Bundle>\n/);

    const home = await get(first.port, '/');
    assert.is(home.status, 200, home.body);
    assert.is(home.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(home.body, /<h1>Hello from Starlane<\/h1>/);
    const etag = home.headers['etag'];
    assert.type(etag, 'string');
    assert.is(home.headers[`x-starc-blob`], undefined, 'internal headers never reach the client');

    const cached = await get(first.port, '/', { 'if-none-match': etag as string });
    assert.is(cached.status, 304);
    assert.is(cached.body, '');

    const partial = await get(first.port, '/index.html', { range: 'bytes=0-8' });
    assert.is(partial.status, 206);
    assert.is(partial.body, '<!doctype');
    assert.match(String(partial.headers['content-range']), /^bytes 0-8\/\d+$/);

    const css = await get(first.port, '/style.css');
    assert.is(css.status, 200);
    assert.is(css.headers['content-type'], 'text/css; charset=utf-8');

    const head = await get(first.port, '/style.css', {}, 'HEAD');
    assert.is(head.status, 200);
    assert.is(head.body, '');

    const missing = await get(first.port, '/missing.html');
    assert.is(missing.status, 404);
    assert.match(missing.body, /missing\.html/);

    for (const path of ['/..%2f..%2fetc/passwd', '/a/../../router/site.router', '/%2e%2e/router/site.router']) {
      const traversal = await get(first.port, path);
      assert.is(traversal.status, 400, `${path}: ${traversal.body}`);
    }

    const stranger = await get(first.port, '/', { host: 'example.com' });
    assert.is(stranger.status, 404);
    assert.match(stranger.body, /`example\.com`/);

    const post = await get(first.port, '/', {}, 'POST');
    assert.is(post.status, 404);
    assert.match(post.body, /no route for Http<Post>/);
  } finally {
    const stopped = await stop(first);
    assert.is(stopped.code, 0, first.output());
    assert.ok(stopped.ms < 2000, `took ${stopped.ms} ms to stop`);
  }

  const second = await start();
  try {
    assert.not.match(second.output(), /ready /, 'nothing new on a restart');
    const home = await get(second.port, '/');
    assert.is(home.status, 200, home.body);
    assert.match(home.body, /Hello from Starlane/);
  } finally {
    const stopped = await stop(second, 'SIGTERM');
    assert.is(stopped.code, 0, second.output());
  }
});

test('starc run refuses an install script with errors, rendered like the compiler, exit 1', async () => {
  const bad = join(work, 'bad');
  cpSync(appDir, bad, { recursive: true });
  writeFileSync(join(bad, 'install.script'), 'create? localhost<Spce>;\n');
  const child = spawn(process.execPath, [STARC_BIN, 'run', bad, '--port', '0', '--data', join(work, 'bad-data')], {
    cwd: work,
    env: { ...process.env, NO_COLOR: '1' },
  });
  let err = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (c: string) => (err += c));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.is(code, 1, err);
  assert.match(err, /error\[E0401\]: unknown kind `Spce`/);
  assert.match(err, /install\.script:1:19/);
});

test.run();

// End-to-end tests of files over real HTTP: the built binary runs a copy of samples/site, whose router serves
// `/notes/...` from the FileStore `localhost:files` (written by the install script's `send ... Cmd<Update>`) and
// takes uploads with PUT. Before the first start the test writes a 5 MB File into the data dir with the store
// itself (more than the 1 MiB request body limit allows to upload), to check it streams back byte for byte.

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openStore } from '../runtime/store/store.ts';
import { requireBuiltBinary, ROOT, STARC_BIN } from './helpers/project.ts';

interface Running {
  readonly child: ChildProcess;
  readonly port: number;
  output(): string;
}

interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

const BIG = randomBytes(5 * 1024 * 1024 + 123);
let work = '';
let appDir = '';
let dataDir = '';

test.before(() => {
  requireBuiltBinary();
  work = mkdtempSync(join(tmpdir(), 'starc-files-e2e-'));
  appDir = join(work, 'site');
  dataDir = join(work, 'data');
  cpSync(join(ROOT, 'samples', 'site'), appDir, { recursive: true });
  const opened = openStore(dataDir);
  if (!opened.ok) throw new Error(opened.error.message);
  const s = opened.value;
  for (const [point, kind] of [['localhost', 'Space'], ['localhost:files', 'FileStore']] as const) {
    const r = s.create(point, kind);
    if (!r.ok) throw new Error(r.error.message);
  }
  const big = s.writeFile('localhost:files:/notes/big.bin', BIG, { create: true });
  if (!big.ok) throw new Error(big.error.message);
  s.close();
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
      reject(new Error(`starc run did not start in 10 s:\n${out}`));
    }, 10_000);
    const early = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`starc run exited with ${code}:\n${out}`));
    };
    child.once('exit', early);
    let started = false;
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

function stop(run: Running): Promise<number | null> {
  return new Promise((resolve) => {
    if (run.child.exitCode !== null) return resolve(run.child.exitCode);
    const timer = setTimeout(() => run.child.kill('SIGKILL'), 5000);
    run.child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    run.child.kill('SIGINT');
  });
}

function http(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: Uint8Array): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers: { host: `localhost:${port}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('files over HTTP: FileStore pages, ETag/304, Range, HEAD, PUT uploads, traversal, 404, a 5 MB stream, a restart', async () => {
  const first = await start();
  const get = (path: string, headers?: Record<string, string>) => http(first.port, 'GET', path, headers);
  try {
    assert.match(first.output(), /ready {3}localhost:files:\/notes\/first\.html <File>\n/);

    // Pages from the FileStore, written by the install script's `send ... Cmd<Update>`.
    const index = await get('/notes/');
    assert.is(index.status, 200, index.body.toString());
    assert.is(index.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(index.body.toString(), /<h1>Notes<\/h1>/);
    assert.is((await get('/notes')).body.toString(), index.body.toString(), '/notes is the File<Dir>: its index.html');
    const note = await get('/notes/first.html');
    assert.is(note.status, 200);
    assert.match(note.body.toString(), /Cmd&lt;Update&gt;/);
    assert.is(note.headers['x-starc-blob'], undefined, 'internal headers never reach the client');
    const etag = String(note.headers['etag']);
    assert.match(etag, /^"[0-9a-f]{64}"$/);

    // Bundle pages beside them.
    const home = await get('/');
    assert.match(home.body.toString(), /href="\/notes\/"/);
    assert.is((await get('/static/style.css')).headers['content-type'], 'text/css; charset=utf-8');

    // ETag/304, Range, HEAD.
    const cached = await get('/notes/first.html', { 'if-none-match': etag });
    assert.equal([cached.status, cached.body.length], [304, 0]);
    const partial = await get('/notes/first.html', { range: 'bytes=0-8' });
    assert.equal([partial.status, partial.body.toString()], [206, '<!doctype']);
    assert.is(partial.headers['content-range'], `bytes 0-8/${note.body.length}`);
    const head = await http(first.port, 'HEAD', '/notes/first.html');
    assert.equal([head.status, head.body.length, head.headers['content-length'], head.headers['etag']], [200, 0, String(note.body.length), etag]);

    // PUT uploads: 201 created (with its File<Dir>), then 200 replaced; the bytes come back exactly.
    const bytes = Buffer.from([0, 1, 2, 255, 254, 10, 13]);
    const created = await http(first.port, 'PUT', '/notes/uploads/raw.bin', { 'content-type': 'application/octet-stream' }, bytes);
    assert.is(created.status, 201, created.body.toString());
    assert.is(JSON.parse(created.body.toString()).point, 'localhost:files:/notes/uploads/raw.bin');
    const uploaded = await get('/notes/uploads/raw.bin');
    assert.equal([uploaded.status, uploaded.headers['content-type']], [200, 'application/octet-stream']);
    assert.ok(uploaded.body.equals(bytes));
    assert.is(uploaded.headers['etag'], created.headers['etag']);
    const replaced = await http(first.port, 'PUT', '/notes/uploads/raw.bin', { 'content-type': 'text/plain' }, Buffer.from('now text'));
    assert.is(replaced.status, 200);
    assert.is((await get('/notes/uploads/raw.bin')).body.toString(), 'now text');
    const tooBig = await http(first.port, 'PUT', '/notes/huge.bin', { 'content-type': 'application/octet-stream' }, Buffer.alloc(2 * 1024 * 1024));
    assert.is(tooBig.status, 413);

    // Traversal in any encoding is a 400, for reads and writes; unknown files are a 404 that says which.
    for (const path of ['/notes/..%2f..%2frouter/site.router', '/notes/%2e%2e/%2e%2e/etc/passwd', '/notes/%252e%252e/x', '/notes/a%5c..%5cb']) {
      const r = await get(path);
      assert.is(r.status, 400, `${path}: ${r.body.toString()}`);
    }
    const put = await http(first.port, 'PUT', '/notes/..%2f..%2fescape.txt', { 'content-type': 'text/plain' }, Buffer.from('x'));
    assert.is(put.status, 400);
    const missing = await get('/notes/missing.html');
    assert.is(missing.status, 404);
    assert.match(missing.body.toString(), /`localhost:files:\/notes\/missing\.html`/);

    // 5 MB, streamed from its blob: whole, a middle range, a suffix, HEAD.
    const whole = await get('/notes/big.bin');
    assert.is(whole.status, 200);
    assert.is(whole.headers['content-length'], String(BIG.length));
    assert.ok(whole.body.equals(BIG), 'the 5 MB file arrives byte for byte');
    const middle = await get('/notes/big.bin', { range: 'bytes=3000000-3999999' });
    assert.equal([middle.status, middle.headers['content-range']], [206, `bytes 3000000-3999999/${BIG.length}`]);
    assert.ok(middle.body.equals(BIG.subarray(3_000_000, 4_000_000)));
    const suffix = await get('/notes/big.bin', { range: 'bytes=-10' });
    assert.ok(suffix.body.equals(BIG.subarray(BIG.length - 10)));
    const bigHead = await http(first.port, 'HEAD', '/notes/big.bin');
    assert.equal([bigHead.status, bigHead.body.length, bigHead.headers['content-length']], [200, 0, String(BIG.length)]);
    const bigCached = await get('/notes/big.bin', { 'if-none-match': String(whole.headers['etag']) });
    assert.is(bigCached.status, 304);
  } finally {
    assert.is(await stop(first), 0, first.output());
  }

  // A restart keeps the uploads; the install script runs again without complaint.
  const second = await start();
  try {
    assert.is((await http(second.port, 'GET', '/notes/uploads/raw.bin')).body.toString(), 'now text');
    assert.match((await http(second.port, 'GET', '/notes/first.html')).body.toString(), /The first note/);
  } finally {
    assert.is(await stop(second), 0, second.output());
  }
});

test.run();

// End-to-end tests of files over real HTTP: the built binary runs a copy of samples/site, whose router serves
// `/notes/...` from the FileStore `localhost:files` (written by the install script's `send ... Cmd<Update>`) and
// takes uploads with PUT. Before the first start the test writes a 5 MB File into the data dir with the store
// itself (more than the 1 MiB request body limit allows to upload), to check it streams back byte for byte.

import { randomBytes } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openStore } from '../runtime/store/store.ts';
import { copySample, removeProjects, requireBuiltBinary, type SampleCopy } from './helpers/project.ts';
import { startRun } from './helpers/run-process.ts';
import { createParticles, value } from './helpers/temp-store.ts';

const BIG = randomBytes(5 * 1024 * 1024 + 123);
let site: SampleCopy;

test.before(() => {
  requireBuiltBinary();
  site = copySample('site', 'starc-files-e2e-');
  const opened = openStore(site.dataDir);
  if (!opened.ok) throw new Error(opened.error.message);
  const s = opened.value;
  createParticles(s, [
    ['localhost', 'Space'],
    ['localhost:files', 'FileStore'],
  ]);
  value(s.writeFile('localhost:files:/notes/big.bin', BIG, { create: true }));
  s.close();
});

test.after(removeProjects);

const start = () => startRun(site.appDir, { data: site.dataDir, cwd: site.work });

test('files over HTTP: FileStore pages, ETag/304, Range, HEAD, PUT uploads, traversal, 404, a 5 MB stream, a restart', async () => {
  const first = await start();
  const { get } = first;
  try {
    assert.match(first.output(), /ready {3}localhost:files:\/notes\/first\.html <File>\n/);

    // Pages from the FileStore, written by the install script's `send ... Cmd<Update>`.
    const index = await get('/notes/');
    assert.is(index.status, 200, index.text);
    assert.is(index.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(index.text, /<h1>Notes<\/h1>/);
    assert.is((await get('/notes')).text, index.text, '/notes is the File<Dir>: its index.html');
    const note = await get('/notes/first.html');
    assert.is(note.status, 200);
    assert.match(note.text, /Cmd&lt;Update&gt;/);
    assert.is(note.headers['x-starc-blob'], undefined, 'internal headers never reach the client');
    const etag = String(note.headers['etag']);
    assert.match(etag, /^"[0-9a-f]{64}"$/);

    // Bundle pages beside them.
    const home = await get('/');
    assert.match(home.text, /href="\/notes\/"/);
    assert.is((await get('/static/style.css')).headers['content-type'], 'text/css; charset=utf-8');

    // ETag/304, Range, HEAD.
    const cached = await get('/notes/first.html', { 'if-none-match': etag });
    assert.equal([cached.status, cached.body.length], [304, 0]);
    const partial = await get('/notes/first.html', { range: 'bytes=0-8' });
    assert.equal([partial.status, partial.text], [206, '<!doctype']);
    assert.is(partial.headers['content-range'], `bytes 0-8/${note.body.length}`);
    const head = await first.request('HEAD', '/notes/first.html');
    assert.equal([head.status, head.body.length, head.headers['content-length'], head.headers['etag']], [200, 0, String(note.body.length), etag]);

    // PUT uploads: 201 created (with its File<Dir>), then 200 replaced; the bytes come back exactly.
    const bytes = Buffer.from([0, 1, 2, 255, 254, 10, 13]);
    const created = await first.request('PUT', '/notes/uploads/raw.bin', { headers: { 'content-type': 'application/octet-stream' }, body: bytes });
    assert.is(created.status, 201, created.text);
    assert.is(JSON.parse(created.text).point, 'localhost:files:/notes/uploads/raw.bin');
    const uploaded = await get('/notes/uploads/raw.bin');
    assert.equal([uploaded.status, uploaded.headers['content-type']], [200, 'application/octet-stream']);
    assert.ok(uploaded.body.equals(bytes));
    assert.is(uploaded.headers['etag'], created.headers['etag']);
    const replaced = await first.request('PUT', '/notes/uploads/raw.bin', { headers: { 'content-type': 'text/plain' }, body: Buffer.from('now text') });
    assert.is(replaced.status, 200);
    assert.is((await get('/notes/uploads/raw.bin')).text, 'now text');
    const tooBig = await first.request('PUT', '/notes/huge.bin', { headers: { 'content-type': 'application/octet-stream' }, body: Buffer.alloc(2 * 1024 * 1024) });
    assert.is(tooBig.status, 413);

    // Traversal in any encoding is a 400, for reads and writes; unknown files are a 404 that says which.
    for (const path of ['/notes/..%2f..%2frouter/site.router', '/notes/%2e%2e/%2e%2e/etc/passwd', '/notes/%252e%252e/x', '/notes/a%5c..%5cb']) {
      const r = await get(path);
      assert.is(r.status, 400, `${path}: ${r.text}`);
    }
    const put = await first.request('PUT', '/notes/..%2f..%2fescape.txt', { headers: { 'content-type': 'text/plain' }, body: Buffer.from('x') });
    assert.is(put.status, 400);
    const missing = await get('/notes/missing.html');
    assert.is(missing.status, 404);
    assert.match(missing.text, /`localhost:files:\/notes\/missing\.html`/);

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
    const bigHead = await first.request('HEAD', '/notes/big.bin');
    assert.equal([bigHead.status, bigHead.body.length, bigHead.headers['content-length']], [200, 0, String(BIG.length)]);
    const bigCached = await get('/notes/big.bin', { 'if-none-match': String(whole.headers['etag']) });
    assert.is(bigCached.status, 304);
  } finally {
    assert.is((await first.stop()).code, 0, first.output());
  }

  // A restart keeps the uploads; the install script runs again without complaint.
  const second = await start();
  try {
    assert.is((await second.get('/notes/uploads/raw.bin')).text, 'now text');
    assert.match((await second.get('/notes/first.html')).text, /The first note/);
  } finally {
    assert.is((await second.stop()).code, 0, second.output());
  }
});

test.run();

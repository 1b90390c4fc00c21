// Files through the HTTP ingress in-process (runtime/http/server.ts + the file driver): large Files stream from
// their blob (whole and ranged, byte for byte), a client that leaves mid-stream does not hurt the server, a blob
// missing from disk is a clean 500 (never a cut-off 200), and uploads are refused past the body limit.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createIngressServer, IN_MEMORY_MAX_BYTES } from '../runtime/http/server.ts';
import { openStore, type Store } from '../runtime/store/store.ts';

const ROUTER = `Router(version=1.0.0) {
  Route<Http<Get>>/f/(?P<f>.+) -> localhost:files:/\${f} => &;
  Route<Http<Put>>/f/(?P<f>.+) -> localhost:files:/\${f} => &;
}
`;
const BIG = randomBytes(IN_MEMORY_MAX_BYTES * 8 + 17);
const SMALL = Buffer.from('small file');

let dir = '';
let store: Store;
let server: Server;
let port = 0;
const logged: string[] = [];

test.before.each(async () => {
  dir = mkdtempSync(join(tmpdir(), 'starc-ingress-files-'));
  const opened = openStore(dir, { durability: 'normal' });
  if (!opened.ok) throw new Error(opened.error.message);
  store = opened.value;
  const steps = [
    store.create('localhost', 'Space'),
    store.create('localhost:files', 'FileStore'),
    store.create('repo', 'Repo'),
    store.create('repo:site', 'BundleSeries'),
    store.publishBundle('repo:site:1.0.0', new Map([['router/site.router', new TextEncoder().encode(ROUTER)]])),
    store.set('localhost', [{ op: 'set', key: 'router', value: 'repo:site:1.0.0:/router/site.router' }]),
    store.writeFile('localhost:files:/big.bin', BIG, { create: true }),
    store.writeFile('localhost:files:/small.txt', SMALL, { create: true }),
  ];
  for (const s of steps) if (!s.ok) throw new Error(s.error.message);
  logged.length = 0;
  server = createIngressServer({ store, log: (line) => logged.push(line), maxBodyBytes: 64 * 1024 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

test.after.each(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function http(method: string, path: string, headers: Record<string, string> = {}, body?: Uint8Array): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers: { host: 'localhost', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('a large File streams whole and in ranges, byte for byte; a small one comes from memory', async () => {
  const whole = await http('GET', '/f/big.bin');
  assert.is(whole.status, 200);
  assert.ok(whole.body.equals(BIG));
  const ranged = await http('GET', '/f/big.bin', { range: `bytes=${IN_MEMORY_MAX_BYTES - 5}-${IN_MEMORY_MAX_BYTES * 3}` });
  assert.is(ranged.status, 206);
  assert.ok(ranged.body.equals(BIG.subarray(IN_MEMORY_MAX_BYTES - 5, IN_MEMORY_MAX_BYTES * 3 + 1)));
  const small = await http('GET', '/f/small.txt');
  assert.equal([small.status, small.body.toString()], [200, 'small file']);
});

test('a client that leaves mid-stream does not hurt the server', async () => {
  await new Promise<void>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/f/big.bin', headers: { host: 'localhost' } }, (res) => {
      res.once('data', () => {
        req.destroy();
        resolve();
      });
    });
    req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(e)));
    req.end();
  });
  const again = await http('GET', '/f/big.bin');
  assert.ok(again.body.equals(BIG));
  assert.equal(logged, []);
});

test('a blob missing from disk is a clean 500, logged', async () => {
  const content = store.fileContent('localhost:files:/big.bin');
  if (!content.ok) throw new Error(content.error.message);
  const path = store.blobPath(content.value.hash);
  if (!path.ok) throw new Error(path.error.message);
  rmSync(path.value);
  const r = await http('GET', '/f/big.bin');
  assert.is(r.status, 500);
  assert.match(r.body.toString(), /missing its bytes/);
  assert.ok(logged.some((l) => /no blob|cannot open the blob/.test(l)), logged.join('\n'));
});

test('PUT writes through the ingress; past the body limit it is a 413 and nothing is written', async () => {
  const put = await http('PUT', '/f/new/up.txt', { 'content-type': 'text/plain' }, Buffer.from('uploaded'));
  assert.is(put.status, 201, put.body.toString());
  assert.is((await http('GET', '/f/new/up.txt')).body.toString(), 'uploaded');
  const big = await http('PUT', '/f/too-big.bin', { 'content-type': 'application/octet-stream' }, Buffer.alloc(128 * 1024));
  assert.is(big.status, 413);
  assert.is(store.get('localhost:files:/too-big.bin').ok, false);
});

test.run();

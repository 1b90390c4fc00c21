// The byte-serving half of the HTTP ingress (SPEC §5, DESIGN.md §5): traversal refused with 400 for hostile
// paths, Content-Types by extension, ETag/304, Range/206/416, HEAD, Pong → HTTP and HTTP → Substance; and one
// real node:http round trip through fetch.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolveServedPath, percentDecodeStrict } from '../runtime/http/safe-path.ts';
import { contentTypeFor } from '../runtime/http/content-type.ts';
import {
  httpToSubstance,
  parseRange,
  respondWithBytes,
  substanceToHttp,
  type ServedFile,
} from '../runtime/http/serve-bytes.ts';
import type { Substance } from '../runtime/waves/wave.ts';

// ---------------------------------------------------------------- safe-path

const ALLOWED: [string, string, string][] = [
  ['/html', 'index.html', '/html/index.html'],
  ['/html', 'css/site.css', '/html/css/site.css'],
  ['/html', 'a//b', '/html/a/b'],
  ['/html', './a/./b/', '/html/a/b'],
  ['/html', '', '/html'],
  ['/html', '.', '/html'],
  ['/html/', 'x', '/html/x'],
  ['/', 'x.js', '/x.js'],
  ['', 'x.js', '/x.js'],
  ['/', '', '/'],
  ['/html', 'my%20page.html', '/html/my page.html'],
  ['/html', 'caf%C3%A9.txt', '/html/café.txt'],
  ['/html', 'café.txt', '/html/café.txt'],
  ['/html', '100%25.txt', '/html/100%.txt'],
  ['/html', '..foo', '/html/..foo'],
  ['/html', 'foo..', '/html/foo..'],
  ['/html', '.well-known/x', '/html/.well-known/x'],
  ['/html', 'a%2Fb', '/html/a/b'],
];

test('resolveServedPath: ordinary paths stay under base, normalised', () => {
  for (const [base, captured, path] of ALLOWED) {
    assert.equal(resolveServedPath(base, captured), { ok: true, path }, `${base} + ${captured}`);
  }
});

const HOSTILE: string[] = [
  '..',
  '../etc/passwd',
  'a/../../etc/passwd',
  'a/..',
  '%2e%2e/etc/passwd',
  '%2E%2E/secret',
  '.%2e/secret',
  '%2e./secret',
  '..%2fetc%2fpasswd',
  '..%2Fsecret',
  'a%2f..%2f..%2fsecret',
  '..\\secret',
  'a\\..\\..\\secret',
  '..%5csecret',
  '..%5Csecret',
  '%252e%252e/secret',
  '%252e%252e%252fsecret',
  'a%00.html',
  'a\u0000.html',
  'a%0a.html',
  'a%7f',
  '/etc/passwd',
  '%2fetc/passwd',
  '//etc/passwd',
  'C:/Windows/win.ini',
  'C:%5cWindows',
  'file.txt::$DATA',
  '%',
  '%2',
  '%zz',
  'a%2',
  '%c0%ae%c0%ae/secret',
  '%e0%80%ae',
  '%ff',
  '%ed%a0%80',
  '.. /secret',
  '.../secret',
  '%ef%bc%8e%ef%bc%8e/secret',
  '\uff0e\uff0e/secret',
  'a/%2e%2e',
  'a/%2e%2e/',
];

test('resolveServedPath: hostile inputs are a 400 with a reason', () => {
  for (const captured of HOSTILE) {
    const result = resolveServedPath('/html', captured);
    assert.equal(result.ok, false, `${JSON.stringify(captured)} → ${JSON.stringify(result)}`);
    if (!result.ok) {
      assert.is(result.status, 400);
      assert.ok(result.reason.length > 0);
    }
  }
});

test('resolveServedPath: whatever it accepts is under base and has no dot-dot segment', () => {
  // A cheap exhaustive sweep over short strings of the dangerous alphabet.
  const alphabet = ['.', '/', '%2e', '%2f', '%5c', 'a', '%', '%25'];
  let layer: string[] = [''];
  const inputs: string[] = [];
  for (let len = 1; len <= 4; len++) {
    layer = layer.flatMap((prefix) => alphabet.map((piece) => prefix + piece));
    inputs.push(...layer);
  }
  let accepted = 0;
  for (const captured of inputs) {
    const result = resolveServedPath('/html', captured);
    if (!result.ok) continue;
    assert.ok(result.path === '/html' || result.path.startsWith('/html/'), `${captured} → ${result.path}`);
    assert.not.ok(result.path.split('/').includes('..'), `${captured} → ${result.path}`);
    assert.not.ok(result.path.includes('\\'), `${captured} → ${result.path}`);
    accepted++;
  }
  assert.ok(accepted > 100 && accepted < inputs.length, `${accepted} of ${inputs.length} accepted`);
});

test('percentDecodeStrict: exact, once, strict', () => {
  assert.is(percentDecodeStrict('a%20b'), 'a b');
  assert.is(percentDecodeStrict('%252e'), '%2e');
  assert.is(percentDecodeStrict('%E2%9C%93'), '✓');
  assert.is(percentDecodeStrict('a%'), undefined);
  assert.is(percentDecodeStrict('%G0'), undefined);
  assert.is(percentDecodeStrict('%80'), undefined);
  assert.is(percentDecodeStrict('😀%20'), '😀 ');
});

// ---------------------------------------------------------------- content-type

test('contentTypeFor: by extension, charset on text, octet-stream otherwise', () => {
  const table: [string, string][] = [
    ['/html/index.html', 'text/html; charset=utf-8'],
    ['/a/INDEX.HTM', 'text/html; charset=utf-8'],
    ['site.css', 'text/css; charset=utf-8'],
    ['app.js', 'text/javascript; charset=utf-8'],
    ['app.mjs', 'text/javascript; charset=utf-8'],
    ['data.json', 'application/json; charset=utf-8'],
    ['logo.svg', 'image/svg+xml; charset=utf-8'],
    ['logo.png', 'image/png'],
    ['photo.jpg', 'image/jpeg'],
    ['photo.JPEG', 'image/jpeg'],
    ['anim.gif', 'image/gif'],
    ['pic.webp', 'image/webp'],
    ['favicon.ico', 'image/x-icon'],
    ['guest.wasm', 'application/wasm'],
    ['notes.txt', 'text/plain; charset=utf-8'],
    ['README.md', 'text/markdown; charset=utf-8'],
    ['feed.xml', 'application/xml; charset=utf-8'],
    ['doc.pdf', 'application/pdf'],
    ['font.woff2', 'font/woff2'],
    ['font.woff', 'font/woff'],
    ['a.tar.gz', 'application/gzip'],
    ['README', 'application/octet-stream'],
    ['.bashrc', 'application/octet-stream'],
    ['dir.d/file', 'application/octet-stream'],
    ['x.unknownext', 'application/octet-stream'],
    ['x.constructor', 'application/octet-stream'],
    ['x.__proto__', 'application/octet-stream'],
    ['x.', 'application/octet-stream'],
  ];
  for (const [path, type] of table) assert.is(contentTypeFor(path), type, path);
});

// ---------------------------------------------------------------- serve-bytes

const TEXT = 'Hello, Starlane! 0123456789';
const BYTES = new TextEncoder().encode(TEXT);
const HASH = createHash('sha256').update(BYTES).digest('hex');
const ETAG = `"${HASH}"`;
const FILE: ServedFile = { path: '/html/hello.txt', size: BYTES.length, hash: HASH, bytes: BYTES };

const get = (headers: Record<string, string> = {}, method = 'GET') => respondWithBytes({ method, headers }, FILE);
const text = (body: Uint8Array | undefined) => (body === undefined ? undefined : new TextDecoder().decode(body));

test('respondWithBytes: 200 with type, length, strong ETag, Accept-Ranges', () => {
  const r = get();
  assert.is(r.status, 200);
  assert.is(text(r.body), TEXT);
  assert.equal(r.headers, {
    'content-type': 'text/plain; charset=utf-8',
    etag: ETAG,
    'accept-ranges': 'bytes',
    'x-content-type-options': 'nosniff',
    'content-length': String(BYTES.length),
  });
});

test('respondWithBytes: If-None-Match', () => {
  const table: [string, number][] = [
    [ETAG, 304],
    [`W/${ETAG}`, 304],
    ['*', 304],
    [`"other", ${ETAG}`, 304],
    [`"other",W/${ETAG} , "x"`, 304],
    ['"other"', 200],
    [HASH, 200], // unquoted is not an entity tag
    ['', 200],
    ['garbage', 200],
  ];
  for (const [value, status] of table) {
    const r = get({ 'if-none-match': value });
    assert.is(r.status, status, value);
    if (status === 304) {
      assert.is(r.body, undefined);
      assert.equal(r.headers, { etag: ETAG });
    }
  }
  // Header names are matched case-insensitively; If-None-Match wins over Range.
  assert.is(get({ 'If-None-Match': ETAG, range: 'bytes=0-1' }).status, 304);
  assert.is(get({ 'if-none-match': ETAG }, 'HEAD').status, 304);
});

test('respondWithBytes: Range', () => {
  const size = BYTES.length;
  // [Range, status, Content-Range, body]
  const table: [string, number, string | undefined, string | undefined][] = [
    ['bytes=0-4', 206, `bytes 0-4/${size}`, 'Hello'],
    ['bytes=7-', 206, `bytes 7-${size - 1}/${size}`, TEXT.slice(7)],
    ['bytes=-10', 206, `bytes ${size - 10}-${size - 1}/${size}`, TEXT.slice(-10)],
    ['bytes=-1000', 206, `bytes 0-${size - 1}/${size}`, TEXT],
    ['bytes=5-1000', 206, `bytes 5-${size - 1}/${size}`, TEXT.slice(5)],
    [`bytes=${size - 1}-${size - 1}`, 206, `bytes ${size - 1}-${size - 1}/${size}`, TEXT.slice(-1)],
    ['BYTES = 0-0', 206, `bytes 0-0/${size}`, 'H'],
    ['bytes=0-0,', 206, `bytes 0-0/${size}`, 'H'],
    [`bytes=${size}-`, 416, `bytes */${size}`, undefined],
    ['bytes=1000-2000', 416, `bytes */${size}`, undefined],
    ['bytes=-0', 416, `bytes */${size}`, undefined],
    ['bytes=99999999999999999999999-', 416, `bytes */${size}`, undefined],
    ['bytes=0-1,3-4', 200, undefined, TEXT], // several ranges: the whole file
    ['bytes=5-2', 200, undefined, TEXT], // last < first: invalid, ignored
    ['bytes=a-b', 200, undefined, TEXT],
    ['bytes=-', 200, undefined, TEXT],
    ['bytes=', 200, undefined, TEXT],
    ['items=0-1', 200, undefined, TEXT],
    ['0-1', 200, undefined, TEXT],
  ];
  for (const [range, status, contentRange, body] of table) {
    const r = get({ range });
    assert.is(r.status, status, range);
    assert.is(r.headers['content-range'], contentRange, range);
    assert.is(text(r.body), status === 416 ? undefined : body, range);
    if (r.body !== undefined) assert.is(r.headers['content-length'], String(r.body.length), range);
  }
  assert.equal(parseRange('bytes=0-', 0), { kind: 'unsatisfiable' });
  assert.equal(parseRange('bytes=-5', 0), { kind: 'unsatisfiable' });
  assert.equal(parseRange(undefined, 10), { kind: 'none' });
});

test('respondWithBytes: If-Range keeps the range only on a strong ETag match', () => {
  assert.is(get({ range: 'bytes=0-1', 'if-range': ETAG }).status, 206);
  assert.is(get({ range: 'bytes=0-1', 'if-range': `W/${ETAG}` }).status, 200);
  assert.is(get({ range: 'bytes=0-1', 'if-range': '"stale"' }).status, 200);
  assert.is(get({ range: 'bytes=0-1', 'if-range': 'Wed, 21 Oct 2015 07:28:00 GMT' }).status, 200);
});

test('respondWithBytes: HEAD has the headers of GET and no body; other methods are 405', () => {
  const head = get({}, 'HEAD');
  assert.is(head.status, 200);
  assert.is(head.body, undefined);
  assert.equal(head.headers, get().headers);
  const headRange = get({ range: 'bytes=0-4' }, 'HEAD');
  assert.is(headRange.status, 206);
  assert.is(headRange.body, undefined);
  assert.is(headRange.headers['content-length'], '5');
  const post = get({}, 'POST');
  assert.is(post.status, 405);
  assert.is(post.headers.allow, 'GET, HEAD');
});

test('respondWithBytes: a range reader is asked for exactly the range', () => {
  const calls: [number, number][] = [];
  const file: ServedFile = {
    ...FILE,
    path: '/x/app.wasm',
    bytes: (start, end) => {
      calls.push([start, end]);
      return BYTES.slice(start, end);
    },
  };
  const r = respondWithBytes({ method: 'GET', headers: { range: 'bytes=2-5' } }, file);
  assert.is(text(r.body), TEXT.slice(2, 6));
  assert.equal(calls, [[2, 6]]);
  assert.is(r.headers['content-type'], 'application/wasm');
  respondWithBytes({ method: 'HEAD', headers: {} }, file);
  respondWithBytes({ method: 'GET', headers: { 'if-none-match': ETAG } }, file);
  assert.equal(calls, [[2, 6]], 'HEAD and 304 read nothing');
});

test('respondWithBytes: a file on disk is never read, the response names the range to stream', () => {
  const file: ServedFile = { ...FILE, bytes: { file: '/data/blobs/abc' } };
  const whole = respondWithBytes({ method: 'GET', headers: {} }, file);
  assert.equal([whole.status, whole.body, whole.stream], [200, undefined, { path: '/data/blobs/abc', start: 0, end: BYTES.length }]);
  const part = respondWithBytes({ method: 'GET', headers: { range: 'bytes=-4' } }, file);
  assert.equal([part.status, part.stream], [206, { path: '/data/blobs/abc', start: BYTES.length - 4, end: BYTES.length }]);
  for (const r of [
    respondWithBytes({ method: 'HEAD', headers: {} }, file),
    respondWithBytes({ method: 'GET', headers: { 'if-none-match': ETAG } }, file),
    respondWithBytes({ method: 'GET', headers: { range: 'bytes=999-' } }, file),
  ]) {
    assert.equal([r.body, r.stream], [undefined, undefined], `${r.status} streams nothing`);
  }
  const empty = respondWithBytes({ method: 'GET', headers: {} }, { ...file, size: 0, hash: HASH });
  assert.equal([empty.status, empty.body?.length, empty.stream], [200, 0, undefined], 'an empty file is an empty body');
});

// ---------------------------------------------------------------- Pong → HTTP

test('substanceToHttp: each substance kind', () => {
  type Row = [Substance, number, Record<string, string>, number, string | undefined, string | undefined];
  const table: Row[] = [
    [{ kind: 'Text', value: 'hi é' }, 200, {}, 200, 'text/plain; charset=utf-8', 'hi é'],
    [{ kind: 'Text', value: '<b>x</b>' }, 200, { 'Content-Type': 'text/html' }, 200, 'text/html', '<b>x</b>'],
    [{ kind: 'Json', value: { a: [1, 'x'] } }, 201, {}, 201, 'application/json', '{"a":[1,"x"]}'],
    [{ kind: 'Json', value: { e: 1 } }, 400, { 'content-type': 'application/problem+json' }, 400, 'application/problem+json', '{"e":1}'],
    [{ kind: 'Bin', base64: Buffer.from([0, 1, 255]).toString('base64') }, 200, {}, 200, 'application/octet-stream', '\u0000\u0001\ufffd'],
    [{ kind: 'Bin', base64: Buffer.from('PNG').toString('base64') }, 200, { 'content-type': 'image/png' }, 200, 'image/png', 'PNG'],
    [{ kind: 'Empty' }, 200, {}, 200, undefined, undefined],
    [{ kind: 'Empty' }, 204, {}, 204, undefined, undefined],
    [{ kind: 'Text', value: 'dropped' }, 304, {}, 304, undefined, undefined],
    [{ kind: 'Err', status: 404, message: 'no such page' }, 404, {}, 404, 'text/plain; charset=utf-8', 'no such page'],
    [{ kind: 'Err', status: 403, message: 'nope' }, 200, { 'content-type': 'text/html' }, 403, 'text/plain; charset=utf-8', 'nope'],
    [{ kind: 'Err', status: 42, message: 'odd' }, 200, {}, 500, 'text/plain; charset=utf-8', 'odd'],
    [{ kind: 'Int', value: 7 }, 200, {}, 200, 'application/json', '7'],
    [{ kind: 'Boolean', value: true }, 200, {}, 200, 'application/json', 'true'],
    [{ kind: 'Point', value: 'localhost:app' }, 200, {}, 200, 'text/plain; charset=utf-8', 'localhost:app'],
    [
      { kind: 'Map', value: { n: { kind: 'Int', value: 1 }, l: { kind: 'List', value: [{ kind: 'Text', value: 'a' }] } } },
      200, {}, 200, 'application/json', '{"n":1,"l":["a"]}',
    ],
    [{ kind: 'Json', value: undefined }, 200, {}, 200, 'application/json', 'null'],
    [{ kind: 'Bin', base64: 'not base64!' }, 200, {}, 502, 'text/plain; charset=utf-8', undefined],
    [{ kind: 'Text', value: 'x' }, 99, {}, 502, 'text/plain; charset=utf-8', undefined],
    [{ kind: 'Text', value: 'x' }, 600, {}, 502, 'text/plain; charset=utf-8', undefined],
    [{ kind: 'Text', value: 'x' }, 200.5, {}, 502, 'text/plain; charset=utf-8', undefined],
  ];
  for (const [body, status, headers, wantStatus, wantType, wantBody] of table) {
    const label = `${JSON.stringify(body)} ${status}`;
    const r = substanceToHttp(body, status, headers);
    assert.is(r.status, wantStatus, label);
    assert.is(r.headers['content-type'], wantType, label);
    if (wantBody !== undefined) assert.is(text(r.body), wantBody, label);
    if (wantStatus === 204 || wantStatus === 304) assert.is(r.body, undefined, label);
    if (r.body !== undefined) assert.is(r.headers['content-length'], String(r.body.length), label);
    if (body.kind === 'Empty' && wantStatus === 200) assert.is(r.headers['content-length'], '0');
  }
});

test('substanceToHttp: headers node would throw on are dropped; framing is the server\'s', () => {
  const r = substanceToHttp({ kind: 'Text', value: 'hi' }, 200, {
    'X-Ok': 'yes',
    'bad name': 'x',
    'x-split': 'a\r\nSet-Cookie: evil=1',
    'x-nul': 'a\0b',
    'Content-Length': '999',
    'Transfer-Encoding': 'chunked',
    Connection: 'close',
  });
  assert.equal(r.headers, { 'content-type': 'text/plain; charset=utf-8', 'x-ok': 'yes', 'content-length': '2' });
});

// ---------------------------------------------------------------- HTTP → Substance

test('httpToSubstance: by content type', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  type Row = [string | undefined, Uint8Array, { ok: boolean; status?: number; body?: Substance }];
  const table: Row[] = [
    ['application/json', enc('{"a":1}'), { ok: true, body: { kind: 'Json', value: { a: 1 } } }],
    ['Application/JSON; charset=UTF-8', enc('[1]'), { ok: true, body: { kind: 'Json', value: [1] } }],
    ['application/vnd.api+json', enc('1'), { ok: true, body: { kind: 'Json', value: 1 } }],
    ['application/json', enc('\ufeff{"a":1}'), { ok: true, body: { kind: 'Json', value: { a: 1 } } }],
    ['application/json', enc('{"a":'), { ok: false, status: 400 }],
    ['application/json', new Uint8Array([0x22, 0xff, 0x22]), { ok: false, status: 400 }],
    ['text/plain', enc('héllo'), { ok: true, body: { kind: 'Text', value: 'héllo' } }],
    ['text/csv; charset=utf-8', enc('a,b'), { ok: true, body: { kind: 'Text', value: 'a,b' } }],
    ['text/plain', new Uint8Array([0x61, 0xc3]), { ok: false, status: 400 }],
    ['text/plain', new Uint8Array([0xc0, 0xaf]), { ok: false, status: 400 }],
    ['text/plain; charset=iso-8859-1', enc('x'), { ok: false, status: 415 }],
    ['application/octet-stream', new Uint8Array([0, 255]), { ok: true, body: { kind: 'Bin', base64: 'AP8=' } }],
    [undefined, new Uint8Array([1]), { ok: true, body: { kind: 'Bin', base64: 'AQ==' } }],
    ['image/png', new Uint8Array([0x89]), { ok: true, body: { kind: 'Bin', base64: 'iQ==' } }],
    ['application/json', new Uint8Array(), { ok: true, body: { kind: 'Empty' } }],
    [undefined, new Uint8Array(), { ok: true, body: { kind: 'Empty' } }],
  ];
  for (const [type, bytes, want] of table) {
    const r = httpToSubstance(type, bytes);
    const label = `${type} ${Buffer.from(bytes).toString('hex')}`;
    assert.is(r.ok, want.ok, label);
    if (r.ok) assert.equal(r.body, want.body, label);
    else {
      assert.is(r.status, want.status, label);
      assert.ok(r.reason.length > 0, label);
    }
  }
});

// ---------------------------------------------------------------- a real round trip

async function withServer(run: (origin: string, port: number) => Promise<void>): Promise<void> {
  const files = new Map<string, ServedFile>([[FILE.path, FILE]]);
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '/';
    const rawPath = url.split('?')[0]!;
    if (!rawPath.startsWith('/static/')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no such route');
      return;
    }
    const served = resolveServedPath('/html', rawPath.slice('/static/'.length));
    if (!served.ok) {
      res.writeHead(served.status, { 'content-type': 'text/plain; charset=utf-8' }).end(served.reason);
      return;
    }
    const file = files.get(served.path);
    if (file === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no such file');
      return;
    }
    const out = respondWithBytes({ method: req.method ?? 'GET', headers: req.headers }, file);
    res.writeHead(out.status, out.headers);
    res.end(out.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    await run(`http://127.0.0.1:${port}`, port);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** A request with the path sent exactly as written (fetch would resolve `..` and `%2e%2e` itself). */
function rawGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('node:http round trip: 200, 304, 206, 416, HEAD, traversal 400', async () => {
  await withServer(async (origin, port) => {
    const ok = await fetch(`${origin}/static/hello.txt`);
    assert.is(ok.status, 200);
    assert.is(await ok.text(), TEXT);
    assert.is(ok.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.is(ok.headers.get('etag'), ETAG);
    assert.is(ok.headers.get('accept-ranges'), 'bytes');
    assert.is(ok.headers.get('content-length'), String(BYTES.length));

    const cached = await fetch(`${origin}/static/hello.txt`, { headers: { 'if-none-match': ETAG } });
    assert.is(cached.status, 304);
    assert.is(await cached.text(), '');

    const part = await fetch(`${origin}/static/hello.txt`, { headers: { range: 'bytes=0-4' } });
    assert.is(part.status, 206);
    assert.is(part.headers.get('content-range'), `bytes 0-4/${BYTES.length}`);
    assert.is(await part.text(), 'Hello');

    const tail = await fetch(`${origin}/static/./hello.txt`, { headers: { range: 'bytes=-6' } });
    assert.is(tail.status, 206);
    assert.is(await tail.text(), TEXT.slice(-6));

    const beyond = await fetch(`${origin}/static/hello.txt`, { headers: { range: 'bytes=1000-' } });
    assert.is(beyond.status, 416);
    assert.is(beyond.headers.get('content-range'), `bytes */${BYTES.length}`);
    await beyond.arrayBuffer();

    const head = await fetch(`${origin}/static/hello.txt`, { method: 'HEAD' });
    assert.is(head.status, 200);
    assert.is(head.headers.get('content-length'), String(BYTES.length));
    assert.is(await head.text(), '');

    const encoded = await fetch(`${origin}/static/..%2f..%2fetc%2fpasswd`);
    assert.is(encoded.status, 400);
    assert.match(await encoded.text(), /\.\./);

    for (const path of ['/static/../secret', '/static/%2e%2e/secret', '/static/a/%2E%2E/%2e%2e/secret', '/static/..%5csecret', '/static/%c0%ae%c0%ae/x']) {
      const r = await rawGet(port, path);
      assert.is(r.status, 400, path);
    }

    const missing = await fetch(`${origin}/static/nope.txt`);
    assert.is(missing.status, 404);
    await missing.arrayBuffer();
  });
});

test.run();

// The file driver (runtime/files/file-driver.ts) and scripts' `send` to files (file-send.ts), against a real
// store: Cmd<Read>/Cmd<Update> as .scratch/MESH-PROTOCOL.md says, Http<Get> identities for Files, File<Dir>s
// and artifacts, Http<Put> uploads (201/200), traversal 400s, and the statuses of every refusal.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { executeScript } from '../runtime/commands/execute.ts';
import { BLOB_HEADER, BLOB_PATH_HEADER, BLOB_SIZE_HEADER, driveFile } from '../runtime/files/file-driver.ts';
import { fileSend } from '../runtime/files/file-send.ts';
import { hashOf } from '../runtime/store/blobs.ts';
import type { Store } from '../runtime/store/store.ts';
import type { Ping, Pong, Substance } from '../runtime/waves/wave.ts';
import { createParticles, openTempStore, removeTempStores, tempDataDir, value } from './helpers/temp-store.ts';

const UTF8 = new TextEncoder();
let dir = '';
let store: Store;

test.before.each(() => {
  dir = tempDataDir('starc-driver-');
  store = openTempStore(dir);
  createParticles(store, [
    ['localhost', 'Space'],
    ['localhost:files', 'FileStore'],
    ['localhost:files:/notes', 'File<Dir>'],
    ['localhost:files:/notes/index.html', 'File'],
    ['localhost:files:/a.txt', 'File'],
    ['localhost:app', 'App'],
  ]);
  value(store.writeFile('localhost:files:/notes/index.html', UTF8.encode('<h1>Notes</h1>')));
  value(store.writeFile('localhost:files:/a.txt', UTF8.encode('hello')));
  createParticles(store, [
    ['repo', 'Repo'],
    ['repo:site', 'BundleSeries'],
  ]);
  value(
    store.publishBundle(
      'repo:site:1.0.0',
      new Map([
        ['html/index.html', UTF8.encode('<p>home</p>')],
        ['html/logo.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0xff, 0x00])],
      ]),
    ),
  );
});

test.after.each(removeTempStores);

function ping(to: string, method: string, body: Substance = { kind: 'Empty' }): Ping {
  return { kind: 'Ping', id: 'p1', from: 'localhost:app', to, method, uri: '/', headers: {}, body, handling: { timeoutMs: 1000, retries: 0 } };
}

function drive(to: string, method: string, body?: Substance, fileIdentity?: boolean): Pong {
  return driveFile(store, ping(to, method, body), fileIdentity === undefined ? {} : { fileIdentity });
}

function err(pong: Pong): string {
  return pong.body.kind === 'Err' ? pong.body.message : `(${pong.body.kind})`;
}

test('Cmd<Read>: a File or artifact as Text when UTF-8, else Bin, with its content-type; the Pong answers the Ping', () => {
  const file = drive('localhost:files:/a.txt', 'Cmd<Read>');
  assert.is(file.status, 200);
  assert.equal(file.body, { kind: 'Text', value: 'hello' });
  assert.is(file.headers['content-type'], 'text/plain; charset=utf-8');
  assert.equal([file.reflectionOf, file.from, file.to], ['p1', 'localhost:files:/a.txt', 'localhost:app']);

  const html = drive('repo:site:1.0.0:/html/index.html', 'Cmd<Read>');
  assert.equal([html.status, html.body, html.headers['content-type']], [200, { kind: 'Text', value: '<p>home</p>' }, 'text/html; charset=utf-8']);
  const png = drive('repo:site:1.0.0:/html/logo.png', 'Cmd<Read>');
  assert.equal(png.body, { kind: 'Bin', base64: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0x00]).toString('base64') });
  assert.is(png.headers['content-type'], 'image/png');

  assert.is(drive('localhost:files:/missing.txt', 'Cmd<Read>').status, 404);
  assert.is(drive('repo:site:1.0.0:/html/missing.html', 'Cmd<Read>').status, 404);
  const dirRead = drive('localhost:files:/notes', 'Cmd<Read>');
  assert.is(dirRead.status, 405);
  assert.match(err(dirRead), /directory/);
});

test('Cmd<Update>: Text, Bin, Json and Empty bodies; a missing File is 404; artifacts and Dirs are 405', () => {
  const cases: [Substance, string][] = [
    [{ kind: 'Text', value: 'héllo' }, 'héllo'],
    [{ kind: 'Bin', base64: Buffer.from('bytes').toString('base64') }, 'bytes'],
    [{ kind: 'Json', value: { a: [1, 2] } }, '{"a":[1,2]}'],
    [{ kind: 'Empty' }, ''],
  ];
  for (const [body, expected] of cases) {
    const pong = drive('localhost:files:/a.txt', 'Cmd<Update>', body);
    assert.is(pong.status, 200, err(pong));
    const etag = `"${hashOf(UTF8.encode(expected))}"`;
    assert.equal(pong.body, { kind: 'Json', value: { point: 'localhost:files:/a.txt', size: UTF8.encode(expected).length, etag } });
    const read = drive('localhost:files:/a.txt', 'Cmd<Read>');
    assert.equal(read.body, { kind: 'Text', value: expected });
  }
  const missing = drive('localhost:files:/new.txt', 'Cmd<Update>', { kind: 'Text', value: 'x' });
  assert.is(missing.status, 404);
  assert.match(err(missing), /create it as a `File` first/);
  assert.is(drive('repo:site:1.0.0:/html/index.html', 'Cmd<Update>', { kind: 'Text', value: 'x' }).status, 405);
  assert.is(drive('localhost:files:/notes', 'Cmd<Update>', { kind: 'Text', value: 'x' }).status, 405);
  assert.is(drive('localhost:files:/a.txt', 'Cmd<Update>', { kind: 'Int', value: 3 }).status, 400);
  assert.is(drive('localhost:files:/a.txt', 'Cmd<Update>', { kind: 'Bin', base64: 'not base64!' }).status, 400);
});

test('Http<Get>: the file identity for a File, a File<Dir> (index.html), a FileStore root, an artifact and a bundle dir', () => {
  const identity = (to: string): [number, string | undefined, string | undefined, string | undefined] => {
    const pong = drive(to, 'Http<Get>');
    assert.is(pong.body.kind, pong.status === 200 ? 'Empty' : 'Err');
    return [pong.status, pong.headers[BLOB_HEADER], pong.headers[BLOB_PATH_HEADER], pong.headers[BLOB_SIZE_HEADER]];
  };
  assert.equal(identity('localhost:files:/a.txt'), [200, hashOf(UTF8.encode('hello')), 'a.txt', '5']);
  assert.equal(identity('localhost:files:/notes'), [200, hashOf(UTF8.encode('<h1>Notes</h1>')), 'notes/index.html', '14']);
  assert.equal(identity('localhost:files:/notes/'), identity('localhost:files:/notes'));
  assert.equal(identity('repo:site:1.0.0:/html/index.html'), [200, hashOf(UTF8.encode('<p>home</p>')), 'html/index.html', '11']);
  assert.equal(identity('repo:site:1.0.0:/html'), identity('repo:site:1.0.0:/html/index.html'));
  // The FileStore's root has no index.html yet; then it has one.
  assert.is(identity('localhost:files:/')[0], 404);
  store.writeFile('localhost:files:/index.html', UTF8.encode('root'), { create: true });
  assert.equal(identity('localhost:files:/').slice(0, 3), [200, hashOf(UTF8.encode('root')), 'index.html']);
  // Http<Head> is the same.
  assert.is(drive('localhost:files:/a.txt', 'Http<Head>').headers[BLOB_HEADER], hashOf(UTF8.encode('hello')));
});

test('Http<Get> with fileIdentity false: the bytes in the body, with content-type and etag', () => {
  const pong = drive('localhost:files:/a.txt', 'Http<Get>', undefined, false);
  assert.equal(pong.body, { kind: 'Text', value: 'hello' });
  assert.is(pong.headers['etag'], `"${hashOf(UTF8.encode('hello'))}"`);
  assert.is(pong.headers[BLOB_HEADER], undefined);
});

test('Http<Get> refusals: unknown files, owners and kinds are 404 with a reason; traversal in any encoding is 400', () => {
  const cases: [string, number, RegExp][] = [
    ['localhost:files:/nope.txt', 404, /no File `localhost:files:\/nope.txt`/],
    ['localhost:files:/notes/nope/', 404, /no File/],
    ['localhost:nothing:/a.txt', 404, /no `localhost:nothing`/],
    ['localhost:app:/a.txt', 404, /`localhost:app` is App, which holds no files/],
    ['repo:site:1.0.0:/nope.html', 404, /no artifact `repo:site:1.0.0:\/nope.html`/],
    ['localhost:files:/../a.txt', 400, /'\.\.'/],
    ['localhost:files:/notes/%2e%2e/%2e%2e/etc/passwd', 400, /'\.\.'/],
    ['localhost:files:/%252e%252e/x', 400, /percent-encoded twice/],
    ['localhost:files:/a%5c..%5cb', 400, /backslash/],
    ['repo:site:1.0.0:/html/..%2f..%2fx', 400, /'\.\.'/],
    ['localhost:files:/bad%20name.txt', 400, /malformed point/],
    ['localhost:files', 400, /has no `:\/path`/],
  ];
  for (const [to, status, message] of cases) {
    const pong = drive(to, 'Http<Get>');
    assert.is(pong.status, status, `${to}: ${err(pong)}`);
    assert.match(err(pong), message, to);
  }
});

test('Http<Put>: 201 when the File (and its Dirs) had to be created, 200 when it existed; bundles are 405', () => {
  const created = drive('localhost:files:/uploads/2024/x.bin', 'Http<Put>', { kind: 'Bin', base64: Buffer.from([1, 2, 3]).toString('base64') });
  assert.is(created.status, 201, err(created));
  assert.is(created.headers['etag'], `"${hashOf(new Uint8Array([1, 2, 3]))}"`);
  const again = drive('localhost:files:/uploads/2024/x.bin', 'Http<Put>', { kind: 'Text', value: 'text now' });
  assert.is(again.status, 200);
  assert.equal(drive('localhost:files:/uploads/2024/x.bin', 'Cmd<Read>').body, { kind: 'Text', value: 'text now' });
  const dir = store.get('localhost:files:/uploads/2024');
  assert.ok(dir.ok && dir.value.kind === 'File<Dir>' && dir.value.status === 'Ready');

  const intoBundle = drive('repo:site:1.0.0:/html/index.html', 'Http<Put>', { kind: 'Text', value: 'x' });
  assert.equal([intoBundle.status, intoBundle.headers['allow']], [405, 'GET, HEAD']);
  assert.is(drive('localhost:files:/notes', 'Http<Put>', { kind: 'Text', value: 'x' }).status, 405, 'a Dir has no content');
  assert.is(drive('localhost:files:/a.txt/under', 'Http<Put>', { kind: 'Text', value: 'x' }).status, 409, 'a File is in the way');
  assert.is(drive('localhost:files:/', 'Http<Put>', { kind: 'Text', value: 'x' }).status, 405);
  assert.is(drive('localhost:files:/../x', 'Http<Put>', { kind: 'Text', value: 'x' }).status, 400);
});

test('other methods are 405 with allow', () => {
  const pong = drive('localhost:files:/a.txt', 'Http<Delete>');
  assert.equal([pong.status, pong.headers['allow']], [405, 'GET, HEAD, PUT']);
  assert.match(err(pong), /does not take Http<Delete>/);
  assert.is(drive('repo:site:1.0.0:/html/index.html', 'Ext<Hello>').headers['allow'], 'GET, HEAD');
});

test('send in a script: Cmd<Update> writes, Cmd<Read> returns the text, a failure stops the script', async () => {
  const others: string[] = [];
  const send = fileSend(store, async (point) => {
    others.push(point);
    return 'mesh';
  });
  const results = await executeScript(
    [
      'create? localhost:files:/notes/hello.md<File>;',
      'send localhost:files:/notes/hello.md Cmd<Update> "# Hello\\nfrom a script";',
      'send localhost:files:/notes/hello.md Cmd<Read>;',
      'send localhost:app Ext<Hello> "world";',
      'send localhost:files:/nope.md Cmd<Update> "x";',
      'send localhost:files:/a.txt Cmd<Read>;',
    ].join('\n'),
    { store, baseDir: dir, send },
  );
  assert.equal(results.map((r) => r.ok), [true, true, true, true, false]);
  assert.equal(results[2]!.ok && results[2]!.value, '# Hello\nfrom a script');
  assert.equal(results[3]!.ok && results[3]!.value, 'mesh');
  assert.equal(others, ['localhost:app']);
  const failed = results[4]!;
  assert.ok(!failed.ok && failed.error.code === 'send-failed' && /404: .*create it as a `File` first/.test(failed.error.message));

  const noMesh = await fileSend(store)('localhost:app', 'Ext<Hello>', undefined, undefined).then(
    () => 'resolved',
    (e: Error) => e.message,
  );
  assert.match(noMesh, /needs a running mesh/);
});

test.run();

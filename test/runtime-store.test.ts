// The registry (runtime/store): particles with SPEC §3's parent rules, ensure/override, properties with locks,
// select patterns, watch events, blobs, bundles, and R5 (acknowledged writes survive `kill -9`).

import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SCHEMA_VERSION } from '../runtime/store/schema.ts';
import { openStore, type Store } from '../runtime/store/store.ts';
import type { Result, StoreEvent } from '../runtime/store/types.ts';
import { ROOT as REPO_ROOT } from './helpers/project.ts';
import { expectError, openTempStore, removeTempStores, tempDataDir, value } from './helpers/temp-store.ts';

/** localhost (Space) with an App, a Mechtron in it, a FileStore with a dir and a file; repo with a series. */
function sampleStore(): Store {
  const s = openTempStore();
  value(s.create('localhost', 'Space'));
  value(s.create('localhost:app', 'App'));
  value(s.create('localhost:app:hello', 'Mechtron', [{ op: 'set', key: 'config', value: 'repo:hello:1.0.0:/config/hello.mechtron' }]));
  value(s.create('localhost:files', 'FileStore'));
  value(s.create('localhost:files:/html/', 'File<Dir>'));
  value(s.create('localhost:files:/html/index.html', 'File'));
  value(s.create('echo', 'Mechtron')); // Starlane's scripts create top-level mechtrons
  value(s.create('repo', 'Repo'));
  value(s.create('repo:hello', 'BundleSeries'));
  return s;
}

const points = (r: Result<readonly { point: string }[]>): string[] => value(r).map((p) => p.point);

test.after.each(removeTempStores);

// ---------------------------------------------------------------- create and parent rules

test('create and get: a particle has its kind, parent, status, owner and properties', () => {
  const s = sampleStore();
  const p = value(s.get('localhost:app:hello'));
  assert.is(p.kind, 'Mechtron');
  assert.is(p.parent, 'localhost:app');
  assert.is(p.status, 'Pending');
  assert.is(p.owner, 'HYPERUSER');
  assert.equal(p.properties, { config: { value: 'repo:hello:1.0.0:/config/hello.mechtron', locked: false } });
  assert.is(value(s.get('localhost')).parent, 'ROOT');
  assert.is(value(s.get('ROOT')).kind, 'Root');
  expectError(s.get('localhost:nope'), 'not-found', '`localhost:nope` does not exist');
});

test('create: the parent must exist; a single segment sits under ROOT', () => {
  const s = openTempStore();
  expectError(s.create('localhost:app', 'App'), 'parent-missing', 'cannot create `localhost:app`: its parent `localhost` does not exist');
  value(s.create('localhost', 'Space'));
  value(s.create('localhost:app', 'App'));
});

test('create: the kind must fit its parent (SPEC §3), and the error says which rule broke', () => {
  const s = sampleStore();
  expectError(s.create('repo:x', 'Bundle'), 'E0402', /its last segment is its version/);
  expectError(s.create('repo:other', 'Base'), 'E0406', 'a `Base` must be under a `Root`, `Space` or `Base`; `repo` is a `Repo`');
  value(s.create('localhost:other', 'Base'));
  expectError(s.create('localhost:other:1.0.0', 'Bundle'), 'E0406', 'a `Bundle` must be under a `BundleSeries`; `localhost:other` is a `Base`');
  expectError(s.create('repo:1.0.0', 'Bundle'), 'E0406', 'a `Bundle` must be under a `BundleSeries`; `repo` is a `Repo`');
  expectError(s.create('localhost:files:/x.txt', 'Artifact'), 'E0406', 'an `Artifact` must be under a `Bundle`; `localhost:files` is a `FileStore`');
  expectError(s.create('localhost:app:db:users', 'User'), 'parent-missing');
  expectError(s.create('localhost:app:hello:x', 'Mechtron'), 'E0406', 'a `Mechtron` must be under a `Root`, `Space`, `Base` or `App`; `localhost:app:hello` is a `Mechtron`');
  expectError(s.create('top-db', 'Database'), 'E0406', 'a `Database` must be under a `Space`, `Base` or `App`; `top-db` would be at the top level, under `ROOT`');
  // File under File<Dir> but not under a plain File.
  expectError(s.create('localhost:files:/html/index.html/x', 'File'), 'E0406', 'a `File` must be under a `FileStore` or `File<Dir>`; `localhost:files:/html/index.html` is a `File`');
  value(s.create('localhost:files:/html/about.html', 'File'));
  // Starlane's own scripts put a Mechtron and a Base at the top level.
  value(s.create('profiles', 'Base'));
});

test('create: kinds and points are checked with the compiler’s rules', () => {
  const s = sampleStore();
  expectError(s.create('localhost:x', 'Mechtorn'), 'E0401', /unknown kind `Mechtorn`: did you mean `Mechtron`\?/);
  expectError(s.create('localhost:x', 'Space<App>'), 'E0403');
  expectError(s.create('localhost:Bad', 'Base'), 'E0402', /malformed point `localhost:Bad`/);
  expectError(s.create('localhost:${x}', 'Base'), 'E0402', /variables/);
  expectError(s.create('GLOBAL::x', 'Space'), 'E0402', /route/);
  expectError(s.create('localhost:host', 'Host'), 'system-kind', 'a `Host` cannot be created by a script: only the runtime creates it');
  value(s.create('star1', 'Star', [], 'plain', { system: true }));
  assert.is(value(s.get('localhost:files:/html/')).point, 'localhost:files:/html', 'a dir is keyed without its trailing `/`');
  value(s.create('localhost:fs2', 'FileSystem'));
  assert.is(value(s.get('localhost:fs2')).kind, 'FileStore', 'aliases resolve to the canonical kind');
});

test('create: plain refuses an existing particle; ensure keeps it when the kind matches', () => {
  const s = sampleStore();
  expectError(s.create('localhost:app', 'App'), 'exists', '`localhost:app` already exists (an `App`); `create?` keeps it, `create!` replaces it');
  value(s.set('localhost:app', [{ op: 'set', key: 'a', value: '1' }]));
  const kept = value(s.create('localhost:app', 'App', [{ op: 'set', key: 'a', value: '2' }], 'ensure'));
  assert.equal(kept.properties, { a: { value: '1', locked: false } }, 'ensure leaves the existing particle as it is');
  expectError(s.create('localhost:app', 'Mechtron', [], 'ensure'), 'kind-mismatch', '`localhost:app` already exists as an `App`, not a `Mechtron`');
  value(s.create('localhost:new', 'Base', [], 'ensure'));
});

test('create: override replaces kind, properties and status; children stay only for the same kind', () => {
  const s = sampleStore();
  value(s.set('localhost:app:hello', [{ op: 'lock', key: 'config', value: 'x' }]));
  value(s.setStatus('localhost:app:hello', 'Ready'));
  const replaced = value(s.create('localhost:app:hello', 'Mechtron', [{ op: 'set', key: 'config', value: 'y' }], 'override'));
  assert.equal(replaced.properties, { config: { value: 'y', locked: false } });
  assert.is(replaced.status, 'Pending');
  value(s.create('localhost:app', 'App', [], 'override'));
  assert.ok(s.get('localhost:app:hello').ok, 'same kind: children kept');
  expectError(s.create('localhost:app', 'Base', [], 'override'), 'has-children', /cannot replace `localhost:app` \(an `App`\) by a `Base`: it has children, e.g. `localhost:app:hello`/);
  value(s.create('localhost:app:hello', 'FileStore', [], 'override'));
  assert.is(value(s.get('localhost:app:hello')).kind, 'FileStore');
  expectError(s.create('localhost:app:hello', 'Bundle', [], 'override'), 'E0402');
});

// ---------------------------------------------------------------- properties

test('set, lock and unset; a locked property cannot change or be unset', () => {
  const s = sampleStore();
  const props = value(
    s.set('localhost:app', [
      { op: 'set', key: 'title', value: 'Hello' },
      { op: 'lock', key: 'bind', value: 'repo:hello:1.0.0:/bind/app.bind' },
      { op: 'set', key: 'wasm.src', value: 'a' },
    ]),
  );
  assert.equal(Object.keys(props), ['title', 'bind', 'wasm.src']);
  value(s.set('localhost:app', [{ op: 'unset', key: 'title' }, { op: 'unset', key: 'never-set' }]));
  assert.equal(value(s.getProperties('localhost:app', ['title', 'bind'])), { bind: { value: 'repo:hello:1.0.0:/bind/app.bind', locked: true } });
  expectError(s.set('localhost:app', [{ op: 'set', key: 'bind', value: 'other' }]), 'locked', 'property `bind` of `localhost:app` is locked (`+@bind`) and cannot be changed');
  expectError(s.set('localhost:app', [{ op: 'unset', key: 'bind' }]), 'locked', 'property `bind` of `localhost:app` is locked (`+@bind`) and cannot be unset');
  // Re-running an install script is safe: the same value again is no change.
  value(s.set('localhost:app', [{ op: 'lock', key: 'bind', value: 'repo:hello:1.0.0:/bind/app.bind' }]));
  // All or nothing: the failing op rolls back the ones before it.
  expectError(s.set('localhost:app', [{ op: 'set', key: 'x', value: '1' }, { op: 'set', key: 'bind', value: 'no' }]), 'locked');
  assert.not.ok('x' in value(s.getProperties('localhost:app')));
  expectError(s.set('localhost:app', [{ op: 'set', key: 'Bad Key', value: '1' }]), 'bad-property');
  expectError(s.set('localhost:none', [{ op: 'set', key: 'a', value: '1' }]), 'not-found');
  expectError(s.getProperties('localhost:none'), 'not-found');
});

test('create with `+@` locks at creation', () => {
  const s = sampleStore();
  value(s.create('localhost:m', 'Mechtron', [{ op: 'lock', key: 'config', value: 'c' }]));
  expectError(s.set('localhost:m', [{ op: 'set', key: 'config', value: 'd' }]), 'locked');
});

// ---------------------------------------------------------------- status

test('setStatus with a message; unknown statuses refused', () => {
  const s = sampleStore();
  assert.equal(value(s.setStatus('localhost:app:hello', 'Panic', 'trap: unreachable')), { point: 'localhost:app:hello', kind: 'Mechtron', status: 'Panic' });
  const p = value(s.get('localhost:app:hello'));
  assert.is(p.statusMessage, 'trap: unreachable');
  expectError(s.setStatus('localhost:app:hello', 'Happy' as never), 'bad-status', /unknown status `Happy`/);
  expectError(s.setStatus('localhost:none', 'Ready'), 'not-found');
});

// ---------------------------------------------------------------- delete

test('delete refuses a particle with children unless recursive; delete? tolerates a missing one', () => {
  const s = sampleStore();
  expectError(s.delete('localhost:app'), 'has-children', '`localhost:app` has 1 child, e.g. `localhost:app:hello`; delete them first, or delete recursively');
  assert.equal(value(s.delete('localhost:app:hello')), { deleted: 1 });
  assert.equal(value(s.delete('localhost:app')), { deleted: 1 });
  expectError(s.delete('localhost:app'), 'not-found');
  assert.equal(value(s.delete('localhost:app', { ensure: true })), { deleted: 0 });
  assert.equal(value(s.delete('localhost', { recursive: true })), { deleted: 4 }); // itself, files, html, index.html
  assert.equal(points(s.select('localhost:**')), []);
  expectError(s.delete('ROOT', { recursive: true }), 'has-children');
});

// ---------------------------------------------------------------- select

test('select: `*` is one level, `**` one or more, `<Kind>` filters', () => {
  const s = sampleStore();
  assert.equal(points(s.select('localhost:*')), ['localhost:app', 'localhost:files']);
  assert.equal(points(s.select('localhost:**')), [
    'localhost:app',
    'localhost:app:hello',
    'localhost:files',
    'localhost:files:/html',
    'localhost:files:/html/index.html',
  ]);
  assert.equal(points(s.select('**<Mechtron>')), ['echo', 'localhost:app:hello']);
  assert.equal(points(s.select('*<Mechtron>')), ['echo']);
  assert.equal(points(s.select('*')), ['echo', 'localhost', 'repo']);
  assert.equal(points(s.select('localhost:*:*')), ['localhost:app:hello', 'localhost:files:/html']);
  assert.equal(points(s.select('localhost:*<FileStore>:**')), ['localhost:files:/html', 'localhost:files:/html/index.html']);
  assert.equal(points(s.select('**<File<Dir>>')), ['localhost:files:/html']);
  assert.equal(points(s.select('**<File>')), ['localhost:files:/html', 'localhost:files:/html/index.html']);
  assert.equal(points(s.select('localhost:files:/**')), ['localhost:files:/html', 'localhost:files:/html/index.html']);
  assert.equal(points(s.select('localhost:files:/html/*.html')), ['localhost:files:/html/index.html']);
  assert.equal(points(s.select('**:hello')), ['localhost:app:hello', 'repo:hello']);
  assert.equal(points(s.select('localhost:app')), ['localhost:app'], 'an exact pattern selects one particle');
  assert.equal(points(s.select('localhost:**', 'Mechtron')), ['localhost:app:hello'], 'a kind filter argument');
  assert.equal(points(s.select('localhost:**<App>', 'Mechtron')), []);
});

test('select: version ranges', () => {
  const s = sampleStore();
  for (const v of ['0.9.0', '1.0.0', '1.2.0', '2.0.0-beta', '2.0.0']) value(s.create(`repo:hello:${v}`, 'Bundle'));
  assert.equal(points(s.select('repo:hello:(^1.0.0)')), ['repo:hello:1.0.0', 'repo:hello:1.2.0']);
  assert.equal(points(s.select('repo:hello:(>=2.0.0-beta)')), ['repo:hello:2.0.0', 'repo:hello:2.0.0-beta']);
  assert.equal(points(s.select('repo:hello:(~1.2.0)')), ['repo:hello:1.2.0']);
  assert.equal(points(s.select('repo:*:1.0.0')), ['repo:hello:1.0.0']);
});

test('select: a malformed pattern or kind is E0603', () => {
  const s = sampleStore();
  expectError(s.select('localhost:a*'), 'E0603', /`\*` must be a whole segment/);
  expectError(s.select('**<Mechtorn>'), 'E0603', /unknown kind `Mechtorn`/);
  expectError(s.select('localhost:${x}'), 'E0603', /variables/);
  expectError(s.select('**', 'Nope'), 'E0603');
});

// ---------------------------------------------------------------- watch

test('watch: status and property changes after commit, created and deleted; unsubscribe stops them', () => {
  const s = sampleStore();
  const events: StoreEvent[] = [];
  const stop = value(s.watch('localhost:app:hello', (e) => events.push(e)));
  value(s.setStatus('localhost:app:hello', 'Ready'));
  value(s.setStatus('localhost:app:hello', 'Ready')); // no change, no event
  value(s.set('localhost:app:hello', [{ op: 'set', key: 'x', value: '1' }, { op: 'lock', key: 'x', value: '1' }, { op: 'unset', key: 'config' }]));
  expectError(s.set('localhost:app:hello', [{ op: 'set', key: 'y', value: '1' }, { op: 'set', key: 'x', value: '2' }]), 'locked');
  value(s.setStatus('localhost:app', 'Ready')); // another point
  value(s.delete('localhost:app', { recursive: true }));
  value(s.create('localhost:app', 'App'));
  value(s.create('localhost:app:hello', 'Mechtron'));
  assert.equal(events, [
    { type: 'status', point: 'localhost:app:hello', status: 'Ready', message: undefined },
    { type: 'property', point: 'localhost:app:hello', key: 'x', value: '1', locked: false },
    { type: 'property', point: 'localhost:app:hello', key: 'x', value: '1', locked: true },
    { type: 'property', point: 'localhost:app:hello', key: 'config', value: undefined, locked: false },
    { type: 'deleted', point: 'localhost:app:hello' },
    { type: 'created', point: 'localhost:app:hello', kind: 'Mechtron' },
    { type: 'status', point: 'localhost:app:hello', status: 'Pending', message: undefined },
  ]);
  stop();
  value(s.setStatus('localhost:app:hello', 'Ready'));
  assert.is(events.length, 7);
  expectError(s.watch('Bad', () => {}), 'E0402');
});

test('batch: one transaction; events wait for the commit', () => {
  const s = sampleStore();
  const events: string[] = [];
  value(s.watch('localhost:b', (e) => events.push(e.type)));
  s.batch(() => {
    value(s.create('localhost:b', 'Base'));
    value(s.setStatus('localhost:b', 'Ready'));
    assert.equal(events, [], 'nothing before the commit');
  });
  assert.equal(events, ['created', 'status', 'status']);
  assert.throws(() =>
    s.batch(() => {
      value(s.create('localhost:c', 'Base'));
      throw new Error('bug');
    }),
  );
  expectError(s.get('localhost:c'), 'not-found');
  // A refused call inside a batch undoes only itself, and its events are dropped.
  value(s.set('localhost:app', [{ op: 'lock', key: 'bind', value: 'b' }]));
  value(s.watch('localhost:app', (e) => events.push(`app ${e.type} ${e.type === 'property' ? e.key : ''}`)));
  s.batch(() => {
    expectError(s.set('localhost:app', [{ op: 'set', key: 'x', value: '1' }, { op: 'set', key: 'bind', value: 'c' }]), 'locked');
    value(s.create('localhost:d', 'Base'));
    value(s.set('localhost:app', [{ op: 'set', key: 'y', value: '1' }]));
  });
  assert.ok(s.get('localhost:d').ok);
  assert.equal(events.filter((e) => e.startsWith('app')), ['app property y']);
  assert.not.ok('x' in value(s.getProperties('localhost:app')));
});

// ---------------------------------------------------------------- blobs and bundles

test('blobs: stored by SHA-256, written once, read back; bad hashes refused', () => {
  const dir = tempDataDir();
  const s = openTempStore(dir);
  const bytes = new TextEncoder().encode('hello');
  const hash = s.putBlob(bytes);
  assert.is(hash, '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
  assert.is(s.putBlob(bytes), hash);
  assert.ok(existsSync(join(dir, 'blobs', hash)));
  assert.equal(readdirSync(join(dir, 'blobs')), [hash], 'no temporary files left behind');
  assert.equal([...value(s.getBlob(hash))], [...bytes]);
  expectError(s.getBlob('../registry.sqlite'), 'bad-hash');
  expectError(s.getBlob('0'.repeat(64)), 'not-found');
});

const enc = (t: string): Uint8Array => new TextEncoder().encode(t);

test('publishBundle: a Bundle under its series, one Artifact per file, files as blobs', () => {
  const s = sampleStore();
  const files = new Map([
    ['bind/app.bind', enc('Bind(version=1.0.0) { }')],
    ['/wasm/hello.wasm', new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])],
    ['schema/user.json', enc('{}')],
    ['html/index.html', enc('<h1>hi</h1>')],
  ]);
  const published = value(s.publishBundle('repo:hello:1.0.0', files));
  assert.is(published.bundle.kind, 'Bundle');
  assert.is(published.bundle.parent, 'repo:hello');
  assert.equal(published.artifacts, [
    'repo:hello:1.0.0:/bind/app.bind',
    'repo:hello:1.0.0:/html/index.html',
    'repo:hello:1.0.0:/schema/user.json',
    'repo:hello:1.0.0:/wasm/hello.wasm',
  ]);
  assert.equal(
    value(s.select('repo:hello:1.0.0:/**')).map((p) => p.kind),
    ['Artifact<Bind>', 'Artifact<Raw>', 'Artifact<Schema>', 'Artifact<Wasm>'],
  );
  assert.is(value(s.get('repo:hello:1.0.0:/wasm/hello.wasm')).parent, 'repo:hello:1.0.0', 'artifacts sit directly under the Bundle');
  const a = value(s.artifact('repo:hello:1.0.0:/html/index.html'));
  assert.is(a.size, 11);
  assert.is(new TextDecoder().decode(value(s.getBlob(a.hash))), '<h1>hi</h1>');
  assert.is(value(s.bundleFiles('repo:hello:1.0.0')).length, 4);
  expectError(s.artifact('repo:hello:1.0.0:/nope'), 'not-found');
  // Published versions never change; `publish?` accepts the very same contents.
  expectError(s.publishBundle('repo:hello:1.0.0', files), 'exists', '`repo:hello:1.0.0` is already published; a published version never changes: publish another version');
  assert.is(value(s.publishBundle('repo:hello:1.0.0', files, { ensure: true })).created, false);
  expectError(s.publishBundle('repo:hello:1.0.0', new Map([['a.txt', enc('x')]]), { ensure: true }), 'exists', /with other contents/);
  // Rules: the series must exist; paths stay inside the bundle.
  expectError(s.publishBundle('repo:nope:1.0.0', files), 'parent-missing');
  expectError(s.publishBundle('localhost:app:1.0.0', files), 'E0406', 'a `Bundle` must be under a `BundleSeries`; `localhost:app` is an `App`');
  expectError(s.publishBundle('repo:hello:2.0.0', new Map([['html/../../x', enc('x')]])), 'bad-path');
  expectError(s.get('repo:hello:2.0.0'), 'not-found'); // a refused publish leaves nothing behind
  // Deleting the bundle takes its artifacts and file rows.
  assert.equal(value(s.delete('repo:hello:1.0.0', { recursive: true })), { deleted: 5 });
  expectError(s.artifact('repo:hello:1.0.0:/html/index.html'), 'not-found');
});

// ---------------------------------------------------------------- persistence and R5

test('a store reopens with its data; the schema version is recorded', () => {
  const dir = tempDataDir();
  const s = openTempStore(dir);
  value(s.create('localhost', 'Space', [{ op: 'lock', key: 'router', value: 'r' }]));
  s.close();
  const again = openTempStore(dir);
  assert.equal(value(again.get('localhost')).properties, { router: { value: 'r', locked: true } });
  again.close();
  const db = new Database(join(dir, 'registry.sqlite'));
  assert.is(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
  assert.is(db.pragma('journal_mode', { simple: true }), 'wal');
  db.pragma('user_version = 99');
  db.close();
  expectError(openStore(dir), 'store-open', /newer than this starc/);
});

/** Starts the writer, lets it acknowledge at least `atLeast` creates, SIGKILLs it; returns what it acknowledged. */
function killWriterMidStream(dir: string, durability: 'full' | 'normal', atLeast: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/store-writer.ts', dir, durability], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let killed = false;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      if (!killed && out.split('\n').length > atLeast + 2) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`writer ended without being killed: ${err}`));
      // Only whole lines were acknowledged; a torn last line was not.
      const lines = out.split('\n');
      lines.pop();
      resolve(lines.filter((l) => l.startsWith('r5:')));
    });
  });
}

for (const durability of ['full', 'normal'] as const) {
  test(`R5 (${durability}): every acknowledged create survives kill -9; the store opens clean`, async () => {
    const dir = tempDataDir();
    const acknowledged = await killWriterMidStream(dir, durability, 300);
    assert.ok(acknowledged.length >= 300, `acknowledged ${acknowledged.length}`);
    if (process.env['STORE_R5_VERBOSE']) console.log(`R5 ${durability}: ${acknowledged.length} acknowledged`);
    const db = new Database(join(dir, 'registry.sqlite'));
    assert.is(db.pragma('integrity_check', { simple: true }), 'ok');
    db.close();
    const s = openTempStore(dir);
    const present = new Set(points(s.select('r5:*')));
    const missing = acknowledged.filter((p) => !present.has(p));
    assert.equal(missing, [], `${missing.length} of ${acknowledged.length} acknowledged creates lost`);
    const last = acknowledged[acknowledged.length - 1]!;
    assert.is(value(s.get(last)).properties['n']?.value, last.slice('r5:p'.length));
    // The store still takes writes after the crash.
    value(s.create('r5:after', 'Base'));
  });
}

test('cached reads follow every write, and a rolled-back write leaves nothing stale', () => {
  const store = sampleStore();
  const before = value(store.getProperties('localhost'));
  value(store.set('localhost', [{ op: 'set', key: 'router', value: 'repo:a:1.0.0:/router/a.router' }]));
  assert.is(value(store.getProperties('localhost'))['router']?.value, 'repo:a:1.0.0:/router/a.router');
  assert.not.equal(value(store.getProperties('localhost')), before);
  value(store.set('localhost', [{ op: 'lock', key: 'owner', value: 'scott' }]));
  // all or none: the unset of a locked key fails, so the first op must not show through the cache
  expectError(store.set('localhost', [{ op: 'set', key: 'title', value: 'x' }, { op: 'unset', key: 'owner' }]), 'locked');
  assert.is(value(store.getProperties('localhost'))['title'], undefined);
  value(store.delete('localhost', { recursive: true }));
  expectError(store.get('localhost'), 'not-found');
});

test.run();

// File contents in the store (runtime/store): SPEC §3's rules (only a `File` has content, the point must exist),
// `writeFile` with `create` (File<Dir>s made up to the FileStore, Ready), content events, create! and delete,
// garbage collection of unnamed blobs, the 1 → 2 schema migration of an existing data dir, and R5 for writes.

import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EMPTY_HASH, hashOf } from '../runtime/store/blobs.ts';
import { SCHEMA_VERSION } from '../runtime/store/schema.ts';
import type { Store } from '../runtime/store/store.ts';
import type { StoreEvent } from '../runtime/store/types.ts';
import { ROOT as REPO_ROOT } from './helpers/project.ts';
import { createParticles, expectError, openTempStore, removeTempStores, tempDataDir, value } from './helpers/temp-store.ts';

const UTF8 = new TextEncoder();
/** localhost with a FileStore `files` holding `notes/` (Dir) and `a.txt`, and a published bundle. */
function sample(dir?: string): Store {
  const s = openTempStore(dir);
  createParticles(s, [
    ['localhost', 'Space'],
    ['localhost:files', 'FileStore'],
    ['localhost:files:/notes', 'File<Dir>'],
    ['localhost:files:/a.txt', 'File'],
    ['repo', 'Repo'],
    ['repo:site', 'BundleSeries'],
  ]);
  value(s.publishBundle('repo:site:1.0.0', new Map([['html/index.html', UTF8.encode('<p>hi</p>')]])));
  return s;
}

const text = (s: Store, hash: string): string => new TextDecoder().decode(value(s.getBlob(hash)));

test.after.each(removeTempStores);

test('a File never written is empty; writeFile replaces its content whole', () => {
  const s = sample();
  const empty = value(s.fileContent('localhost:files:/a.txt'));
  assert.equal({ hash: empty.hash, size: empty.size }, { hash: EMPTY_HASH, size: 0 });
  assert.is(value(s.getBlob(EMPTY_HASH)).length, 0);

  const first = value(s.writeFile('localhost:files:/a.txt', UTF8.encode('hello')));
  assert.equal({ hash: first.hash, size: first.size, created: first.created }, { hash: hashOf(UTF8.encode('hello')), size: 5, created: false });
  assert.is(text(s, value(s.fileContent('localhost:files:/a.txt')).hash), 'hello');

  value(s.writeFile('localhost:files:/a.txt', UTF8.encode('bye')));
  const now = value(s.fileContent('localhost:files:/a.txt'));
  assert.is(now.size, 3);
  assert.is(text(s, now.hash), 'bye');
  assert.ok(now.updated >= first.updated);
  assert.ok(existsSync(value(s.blobPath(now.hash))), 'the blob is a file on disk');
});

test('SPEC §3: only a File has content; the point must exist; bundles are read-only', () => {
  const s = sample();
  expectError(s.writeFile('localhost:files:/notes', UTF8.encode('x')), 'not-a-file', /`localhost:files:\/notes` is a `File<Dir>`: a directory has no content/);
  expectError(s.fileContent('localhost:files:/notes'), 'not-a-file');
  expectError(s.writeFile('localhost:files', UTF8.encode('x')), 'not-a-file', /is a `FileStore`: only a `File` has content/);
  expectError(s.writeFile('localhost:files:/nope.txt', UTF8.encode('x')), 'not-found', /create it as a `File` first/);
  expectError(s.fileContent('localhost:files:/nope.txt'), 'not-found');
  expectError(s.writeFile('repo:site:1.0.0:/html/index.html', UTF8.encode('x')), 'read-only', /never changes/);
  expectError(s.fileContent('repo:site:1.0.0:/html/index.html'), 'not-a-file', /bundle file/);
  expectError(s.writeFile('localhost:files:/bad name.txt', UTF8.encode('x')), 'E0402');
});

test('writeFile with create: the File and missing File<Dir>s up to the FileStore, Ready, in one transaction', () => {
  const s = sample();
  const made = value(s.writeFile('localhost:files:/notes/2024/may.md', UTF8.encode('# May'), { create: true }));
  assert.is(made.created, true);
  for (const [point, kind] of [['localhost:files:/notes/2024', 'File<Dir>'], ['localhost:files:/notes/2024/may.md', 'File']] as const) {
    const p = value(s.get(point));
    assert.is(p.kind, kind);
    assert.is(p.status, 'Ready');
  }
  assert.is(value(s.writeFile('localhost:files:/notes/2024/may.md', UTF8.encode('# May!'), { create: true })).created, false);

  // A File in the way of a directory: refused, nothing created.
  expectError(s.writeFile('localhost:files:/a.txt/b/c.txt', UTF8.encode('x'), { create: true }), 'kind-mismatch', /already exists as a `File`, not a `File<Dir>`/);
  expectError(s.get('localhost:files:/a.txt/b'), 'not-found');
  expectError(s.writeFile('localhost:nofiles:/a.txt', UTF8.encode('x'), { create: true }), 'not-found', /`localhost:nofiles` does not exist/);
  value(s.create('localhost:app', 'App'));
  expectError(s.writeFile('localhost:app:/a.txt', UTF8.encode('x'), { create: true }), 'E0406', /`File` must be under a `FileStore` or `File<Dir>`/);
  expectError(s.writeFile('repo:site:1.0.0:/html/new.html', UTF8.encode('x'), { create: true }), 'read-only');
});

test('watch: a content event after the write commits', () => {
  const s = sample();
  const events: StoreEvent[] = [];
  value(s.watch('localhost:files:/a.txt', (e) => events.push(e)));
  s.batch(() => {
    value(s.writeFile('localhost:files:/a.txt', UTF8.encode('hi')));
    assert.equal(events, [], 'nothing before the commit');
  });
  assert.equal(events, [{ type: 'content', point: 'localhost:files:/a.txt', hash: hashOf(UTF8.encode('hi')), size: 2 }]);
});

test('create! makes a new, empty File; delete drops the content and keeps the blob until collectGarbage', () => {
  const s = sample();
  const hash = value(s.writeFile('localhost:files:/a.txt', UTF8.encode('keep me?'))).hash;
  value(s.create('localhost:files:/a.txt', 'File', [], 'override'));
  assert.is(value(s.fileContent('localhost:files:/a.txt')).size, 0);

  value(s.writeFile('localhost:files:/a.txt', UTF8.encode('keep me?')));
  const shared = value(s.writeFile('localhost:files:/notes/b.txt', UTF8.encode('<p>hi</p>'), { create: true })).hash; // same bytes as the bundle's file
  value(s.delete('localhost:files:/a.txt'));
  value(s.delete('localhost:files:/notes', { recursive: true }));
  assert.ok(value(s.getBlob(hash)).length > 0, 'the blob outlives its File');

  const gc = s.collectGarbage();
  assert.is(gc.removed, 1);
  assert.is(gc.bytes, 8);
  expectError(s.getBlob(hash), 'not-found');
  expectError(s.blobPath(hash), 'not-found');
  assert.is(text(s, shared), '<p>hi</p>', 'a blob a bundle still names stays');
  assert.is(s.collectGarbage().removed, 0);
});

test('migration 1 → 2: a data dir made before file contents opens, keeps its data and takes contents', () => {
  const dir = tempDataDir();
  // Version 1 exactly as the first schema made it.
  const db = new Database(join(dir, 'registry.sqlite'));
  db.pragma('journal_mode = WAL');
  db.exec(`
    CREATE TABLE particles (point TEXT PRIMARY KEY, parent TEXT REFERENCES particles(point) ON DELETE CASCADE, kind TEXT NOT NULL,
      base_kind TEXT NOT NULL, sub_kind TEXT, depth INTEGER NOT NULL, status TEXT NOT NULL, status_message TEXT, owner TEXT NOT NULL,
      created INTEGER NOT NULL) WITHOUT ROWID;
    CREATE INDEX particles_parent ON particles(parent);
    CREATE INDEX particles_kind ON particles(base_kind, depth);
    CREATE TABLE properties (point TEXT NOT NULL REFERENCES particles(point) ON DELETE CASCADE, key TEXT NOT NULL, value TEXT NOT NULL,
      locked INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (point, key)) WITHOUT ROWID;
    CREATE TABLE bundle_files (bundle TEXT NOT NULL REFERENCES particles(point) ON DELETE CASCADE, path TEXT NOT NULL, hash TEXT NOT NULL,
      size INTEGER NOT NULL, PRIMARY KEY (bundle, path)) WITHOUT ROWID;
    INSERT INTO particles VALUES ('ROOT', NULL, 'Root', 'Root', NULL, 0, 'Ready', NULL, 'HYPERUSER', 0);
    INSERT INTO particles VALUES ('localhost', 'ROOT', 'Space', 'Space', NULL, 1, 'Ready', NULL, 'HYPERUSER', 1);
    INSERT INTO particles VALUES ('localhost:files', 'localhost', 'FileStore', 'FileStore', NULL, 2, 'Ready', NULL, 'HYPERUSER', 2);
    INSERT INTO particles VALUES ('localhost:files:/a.txt', 'localhost:files', 'File', 'File', NULL, 3, 'Ready', NULL, 'HYPERUSER', 3);
    PRAGMA user_version = 1;
  `);
  db.close();

  const s = openTempStore(dir);
  assert.is(value(s.get('localhost:files:/a.txt')).kind, 'File');
  assert.equal(value(s.fileContent('localhost:files:/a.txt')), { point: 'localhost:files:/a.txt', hash: EMPTY_HASH, size: 0, updated: 3 });
  value(s.writeFile('localhost:files:/a.txt', UTF8.encode('after the migration')));
  s.close();
  const again = openTempStore(dir);
  assert.is(text(again, value(again.fileContent('localhost:files:/a.txt')).hash), 'after the migration');
  const check = new Database(join(dir, 'registry.sqlite'), { readonly: true });
  assert.is(check.pragma('user_version', { simple: true }), SCHEMA_VERSION);
  check.close();
});

// A writer process that writes a File's content in a loop and prints each write after `writeFile` returned.
const WRITER = `
const { openStore } = await import(${JSON.stringify(join(REPO_ROOT, 'runtime/store/store.ts'))});
const opened = openStore(process.argv[1]);
if (!opened.ok) { process.stderr.write(opened.error.message + '\\n'); process.exit(1); }
const s = opened.value;
for (const [p, k] of [['w', 'Space'], ['w:files', 'FileStore']]) s.create(p, k, [], 'ensure');
process.stdout.write('ready\\n');
for (let i = 0; ; i++) {
  const body = 'write ' + i + ' ' + 'x'.repeat(i % 5000);
  const r = s.writeFile('w:files:/f' + (i % 7) + '.txt', new TextEncoder().encode(body), { create: true });
  if (!r.ok) throw new Error(r.error.message);
  process.stdout.write('f' + (i % 7) + ' ' + i + '\\n');
}
`;

test('R5 for files: every acknowledged write survives kill -9 with its bytes', async () => {
  const dir = tempDataDir();
  const acked = await new Promise<string[]>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', WRITER, dir], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      if (out.split('\n').length > 300 && child.exitCode === null) child.kill('SIGKILL');
    });
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve(out.split('\n').filter((l) => /^f\d /.test(l))) : reject(new Error(`writer exited: ${err}`))));
  });
  assert.ok(acked.length >= 250, `acknowledged ${acked.length}`);
  const last = new Map<string, number>();
  for (const line of acked) {
    const [file, n] = line.split(' ');
    last.set(file!, Number(n));
  }
  const s = openTempStore(dir);
  for (const [file, n] of last) {
    const content = value(s.fileContent(`w:files:/${file}.txt`));
    const bytes = readFileSync(value(s.blobPath(content.hash)));
    const got = new TextDecoder().decode(bytes);
    // The last acknowledged write, or a later one that committed before the kill (never an earlier one).
    const written = Number(/^write (\d+) /.exec(got)?.[1]);
    assert.ok(written >= n && written % 7 === n % 7, `${file}: acknowledged write ${n}, found ${written}`);
    assert.is(hashOf(bytes), content.hash, 'the blob is whole');
  }
});

test.run();

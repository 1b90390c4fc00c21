// Commands against the registry (runtime/commands): the v1 corpus install scripts, ensure/override, locks,
// select, publish of a bundle folder and a zip (and refusal with diagnostics), check failures that run nothing.

import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeZip } from '../compiler/bundle/zip.ts';
import { bundleFileList } from '../compiler/ir/build.ts';
import { renderHuman } from '../compiler/diagnostics/render-human.ts';
import { openStore, type Store } from '../runtime/store/store.ts';
import type { StoreEvent } from '../runtime/store/types.ts';
import {
  buildStoredBundle,
  closeWatches,
  executeScript,
  type CommandContext,
  type CommandResult,
  type WatchHandle,
} from '../runtime/commands/execute.ts';
import { project, removeProjects, ROOT } from './helpers/project.ts';

const CORPUS = join(ROOT, '..', 'shared', 'corpus', 'starlane', 'v1');
const SMALL_BUNDLE = join(ROOT, 'bench', 'fixtures', 'small-bundle');

const stores: Store[] = [];
const dataDirs: string[] = [];

function freshStore(): Store {
  const dir = mkdtempSync(join(tmpdir(), 'starc-commands-'));
  dataDirs.push(dir);
  const opened = openStore(dir, { durability: 'normal' });
  if (!opened.ok) throw new Error(opened.error.message);
  stores.push(opened.value);
  return opened.value;
}

test.after.each(() => {
  for (const s of stores.splice(0)) s.close();
  for (const d of dataDirs.splice(0)) rmSync(d, { recursive: true, force: true });
  removeProjects();
});

/** A folder holding a copy of small-bundle (as `small-bundle/`) and its zip (as `bundle.zip`). */
function appDir(): string {
  const dir = project({});
  cpSync(SMALL_BUNDLE, join(dir, 'small-bundle'), { recursive: true });
  const files = bundleFileList(SMALL_BUNDLE);
  writeFileSync(join(dir, 'bundle.zip'), writeZip(files.map((f) => ({ path: f, bytes: readFileSync(join(SMALL_BUNDLE, f)) }))));
  return dir;
}

function ctxOf(store: Store, baseDir: string, extra: Partial<CommandContext> = {}): CommandContext {
  return { store, baseDir, ...extra };
}

/** Every result ok; returns the values. */
function values(results: readonly CommandResult[]): unknown[] {
  const bad = results.find((r) => !r.ok);
  if (bad && !bad.ok) assert.unreachable(`\`${bad.command}\` failed: ${bad.error.code} ${bad.error.message}`);
  return results.map((r) => (r.ok ? r.value : undefined));
}

function lastError(results: readonly CommandResult[]): { command: string; code: string; message: string } {
  const last = results[results.length - 1];
  if (!last || last.ok) return assert.unreachable('expected the last command to fail') as never;
  return { command: last.command, code: last.error.code, message: last.error.message };
}

const pointsOf = (v: unknown): string[] => (v as { point: string }[]).map((p) => p.point);

// ---------------------------------------------------------------- the corpus

for (const file of readdirSync(CORPUS).filter((f) => f.endsWith('.script')).sort()) {
  test(`v1 corpus: ${file} runs, twice when it only ensures`, async () => {
    const store = freshStore();
    const dir = appDir();
    const text = readFileSync(join(CORPUS, file), 'utf8');
    const results = await executeScript(text, ctxOf(store, dir));
    values(results);
    const commands = text.split(';').filter((c) => c.trim() !== '').length;
    assert.is(results.length, commands);
    assert.ok(store.get(`repo`).ok);
    // `publish?` makes a script safe to re-run; plain `publish` refuses an existing version.
    const again = await executeScript(text, ctxOf(store, dir));
    if (text.includes('publish?')) values(again);
    else assert.is(lastError(again).code, 'exists');
  });
}

test('tutorial lesson 3 leaves the particles it names, with their properties', async () => {
  const store = freshStore();
  values(await executeScript(readFileSync(join(CORPUS, 'tutorial-lesson-3--install.script'), 'utf8'), ctxOf(store, appDir())));
  const uberscott = store.get('profiles:uberscott');
  assert.ok(uberscott.ok);
  if (uberscott.ok) {
    assert.is(uberscott.value.kind, 'Mechtron');
    assert.is(uberscott.value.properties['config']?.value, 'repo:profile:1.0.0:/config/my-mechtron.mechtron');
  }
});

// ---------------------------------------------------------------- create, set, get, delete

test('create? ensures, create! overrides, plain create refuses an existing particle', async () => {
  const store = freshStore();
  const ctx = ctxOf(store, tmpdir());
  values(await executeScript('create localhost<Space>{ +title=one };', ctx));
  const ensured = values(await executeScript('create? localhost<Space>{ +title=two };', ctx));
  assert.is((ensured[0] as { properties: Record<string, { value: string }> }).properties['title']?.value, 'one');
  const plain = await executeScript('create localhost<Space>;', ctx);
  assert.is(lastError(plain).code, 'exists');
  values(await executeScript('create! localhost<Space>{ +other=x };', ctx));
  const props = store.getProperties('localhost');
  assert.ok(props.ok && props.value['title'] === undefined && props.value['other']?.value === 'x');
});

test('a locked property cannot be set or unset; create! clears it', async () => {
  const store = freshStore();
  const ctx = ctxOf(store, tmpdir());
  values(await executeScript('create localhost<Space>{ +@owner=scott, +title=hi };', ctx));
  const set = await executeScript('set localhost{ +owner=bob };', ctx);
  assert.is(lastError(set).code, 'locked');
  assert.is(lastError(await executeScript('set localhost{ !owner };', ctx)).code, 'locked');
  const got = values(await executeScript('set localhost{ !title, +x=1 }; get localhost{ owner, x };', ctx));
  assert.equal(got[1], { owner: { value: 'scott', locked: true }, x: { value: '1', locked: false } });
  values(await executeScript('create! localhost<Space>{ +owner=bob };', ctx));
  const props = store.getProperties('localhost');
  assert.ok(props.ok && props.value['owner']?.value === 'bob' && !props.value['owner'].locked);
});

test('create under a missing parent fails with the store message, and the script stops there', async () => {
  const store = freshStore();
  const results = await executeScript('create localhost:app<App>;\ncreate? repo<Repo>;', ctxOf(store, tmpdir()));
  assert.is(results.length, 1);
  const direct = store.create('localhost:app', 'App');
  assert.ok(!direct.ok);
  if (!direct.ok) assert.equal(lastError(results), { command: 'create localhost:app<App>;', code: direct.error.code, message: direct.error.message });
  assert.not.ok(store.get('repo').ok, 'nothing after the failure ran');
});

test('get without keys returns the particle; delete? tolerates a missing one', async () => {
  const store = freshStore();
  const ctx = ctxOf(store, tmpdir());
  const got = values(await executeScript('create localhost<Space>; get localhost; delete localhost; delete? localhost;', ctx));
  assert.is((got[1] as { kind: string }).kind, 'Space');
  assert.equal(got[2], { deleted: 1 });
  assert.is(lastError(await executeScript('delete localhost;', ctx)).code, 'not-found');
});

test('select lists matches in key order, with kind selectors', async () => {
  const store = freshStore();
  const ctx = ctxOf(store, tmpdir());
  values(
    await executeScript(
      `create localhost<Space>;
       create localhost:app<App>;
       create localhost:app:hello<Mechtron>{ +config=repo:x:1.0.0:/config/a.mechtron };
       create localhost:files<FileStore>;`,
      ctx,
    ),
  );
  const [all, mechtrons, children] = values(await executeScript('select localhost:**; select **<Mechtron>; select localhost:*;', ctx));
  assert.equal(pointsOf(all), ['localhost:app', 'localhost:app:hello', 'localhost:files']);
  assert.equal(pointsOf(mechtrons), ['localhost:app:hello']);
  assert.equal(pointsOf(children), ['localhost:app', 'localhost:files']);
});

test('variables are substituted into points; an unknown one is an error', async () => {
  const store = freshStore();
  const ctx = ctxOf(store, tmpdir(), { variables: { self: 'localhost' } });
  values(await executeScript('create ${self}<Space>; set ${self}{ +title=hi };', ctx));
  assert.ok(store.get('localhost').ok);
  const bad = await executeScript('set ${doc.bundle}:x{ +a=b };', ctx);
  assert.equal(lastError(bad).code, 'unknown-variable');
  assert.is(lastError(bad).message, '`${doc.bundle}` has no value here');
});

// ---------------------------------------------------------------- check failures

test('a script with a syntax error runs nothing and returns its diagnostics', async () => {
  const store = freshStore();
  const text = 'create? localhost<Space>;\ncreate localhost:app<App> { +config=x ;\ncreat repo<Repo>;';
  const results = await executeScript(text, ctxOf(store, tmpdir(), { scriptPath: 'install.script' }));
  assert.is(results.length, 1);
  const r = results[0]!;
  assert.ok(!r.ok);
  if (r.ok) return;
  assert.is(r.error.code, 'check-failed');
  const codes = r.error.reports!.flatMap((f) => f.diagnostics.map((d) => d.code));
  assert.ok(codes.length > 0 && codes.every((c) => /^[EW]\d{4}$/.test(c)), codes.join(', '));
  assert.not.ok(store.get('localhost').ok, 'the first command did not run');
  const rendered = renderHuman(r.error.reports!, { color: false });
  assert.match(rendered, /install\.script:\d+:\d+/);
});

test('a semantic error (unknown kind) also runs nothing', async () => {
  const store = freshStore();
  const results = await executeScript('create? localhost<Space>;\ncreate localhost:x<Nope>;', ctxOf(store, tmpdir()));
  const r = results[0]!;
  assert.ok(!r.ok && r.error.reports![0]!.diagnostics.some((d) => d.code === 'E0401'));
  assert.not.ok(store.get('localhost').ok);
});

// ---------------------------------------------------------------- publish

test('publish a bundle folder: Bundle and Artifacts stored, IR rebuilt from the store', async () => {
  const store = freshStore();
  const dir = appDir();
  const script = 'create? repo<Repo>; create? repo:site<BundleSeries>; publish ^[ small-bundle ]-> repo:site:1.0.0;';
  const [, , published] = values(await executeScript(script, ctxOf(store, dir)));
  const p = published as { bundle: string; artifacts: string[]; created: boolean };
  assert.is(p.bundle, 'repo:site:1.0.0');
  assert.ok(p.artifacts.includes('repo:site:1.0.0:/bind/app.bind'), p.artifacts.join(', '));
  assert.ok(p.created);
  const art = store.artifact('repo:site:1.0.0:/router/site.router');
  assert.ok(art.ok);
  const ir = buildStoredBundle(store, 'repo:site:1.0.0');
  assert.ok(ir.ok && ir.ir.documents.some((d) => d.path === 'bind/app.bind'));
  // publish? of the same contents (here: its zip) is a no-op
  const again = values(await executeScript('publish? ^[ bundle.zip ]-> repo:site:1.0.0;', ctxOf(store, dir)));
  assert.is((again[0] as { created: boolean }).created, false);
});

test('a bundle with an error is refused with its diagnostics and nothing is stored', async () => {
  const store = freshStore();
  const dir = appDir();
  writeFileSync(join(dir, 'small-bundle', 'bind', 'app.bind'), 'Bind(version=1.0.0) {\n  Route<Http<Fetch>> -> (()) => &;\n}\n');
  const results = await executeScript('create? repo<Repo>; create? repo:site<BundleSeries>; publish ^[ small-bundle ]-> repo:site:1.0.0;', ctxOf(store, dir));
  const last = results[results.length - 1]!;
  assert.ok(!last.ok);
  if (last.ok) return;
  assert.is(last.error.code, 'bundle-errors');
  assert.match(last.error.message, /not published/);
  const report = last.error.reports!.find((r) => r.path === 'small-bundle/bind/app.bind');
  assert.ok(report && report.diagnostics.some((d) => d.code === 'E0102'), JSON.stringify(last.error.reports?.map((r) => r.diagnostics.map((d) => d.code))));
  assert.not.ok(store.get('repo:site:1.0.0').ok);
});

test('a missing publish source is an error naming it', async () => {
  const store = freshStore();
  const results = await executeScript('create? repo<Repo>; create? repo:site<BundleSeries>; publish ^[ nowhere ]-> repo:site:1.0.0;', ctxOf(store, project({})));
  assert.equal({ ...lastError(results), command: '' }, { command: '', code: 'bad-source', message: 'bundle source `nowhere` does not exist' });
});

// ---------------------------------------------------------------- watch, send, exit

test('watch records a handle that streams events until closed', async () => {
  const store = freshStore();
  const watches: WatchHandle[] = [];
  const seen: StoreEvent[] = [];
  const ctx = ctxOf(store, tmpdir(), { watches, onEvent: (_p, e) => seen.push(e) });
  values(await executeScript('watch localhost; create localhost<Space>; set localhost{ +a=1 };', ctx));
  assert.is(watches.length, 1);
  assert.equal(seen.map((e) => e.type).filter((t) => t !== 'status'), ['created', 'property']);
  const before = seen.length;
  closeWatches(watches);
  values(await executeScript('set localhost{ +a=2 };', ctx));
  assert.is(seen.length, before);
});

test('send without a mesh fails; with one it delegates; exit stops the script', async () => {
  const store = freshStore();
  const noMesh = await executeScript('send localhost:hello Ext<Hello> "world";', ctxOf(store, tmpdir()));
  assert.equal({ code: lastError(noMesh).code, message: lastError(noMesh).message }, { code: 'no-mesh', message: 'send needs a running mesh (starc run)' });
  const calls: unknown[] = [];
  const ctx = ctxOf(store, tmpdir(), {
    send: async (point, method, path, body) => {
      calls.push({ point, method, path, body });
      return { status: 200 };
    },
  });
  const results = await executeScript('send localhost:hello Ext<Hello> "world"; exit; create localhost<Space>;', ctx);
  assert.equal(calls, [{ point: 'localhost:hello', method: 'Ext<Hello>', path: undefined, body: 'world' }]);
  assert.is(results.length, 2);
  assert.not.ok(store.get('localhost').ok);
});

test.run();

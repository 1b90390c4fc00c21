// IR lowering and `buildBundle`: route tables flattened and anchored, payload checks pushed down, stops,
// configs and commands as data; every IR validates against compiler/ir/schema.ts; bundles with errors refused;
// bundle archives read back.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { FileKind } from '../grammar/ast.ts';
import { parseDocument } from '../grammar/parser.ts';
import { checkSource } from '../compiler/check-file.ts';
import { lowerDocument } from '../compiler/ir/lower.ts';
import { buildBundle, locateBundle } from '../compiler/ir/build.ts';
import { IR_SCHEMA } from '../compiler/ir/schema.ts';
import type { Ir, IrDocument, IrRoute, IrRouteDocument } from '../compiler/ir/types.ts';
import { readZip, writeZip } from '../compiler/bundle/zip.ts';

/** Shapes picked apart by key in the assertions below. */
type Loose = Record<string, any>;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const validate = new Ajv({ allErrors: true, strict: true }).compile(IR_SCHEMA);

function expectValid(ir: unknown): void {
  if (!validate(ir)) assert.unreachable(`IR does not validate: ${JSON.stringify(validate.errors, null, 2)}`);
}

/** Lower a clean source text; fails the test when it has an error. Validates the result wrapped in an IR. */
function lower(text: string, kind: FileKind, path = `x.${kind}`): IrDocument {
  const errors = checkSource(text, kind).filter((d) => d.severity === 'error');
  assert.equal(errors.map((d) => `${d.code} ${d.message}`), [], 'the source has errors');
  const doc = lowerDocument(parseDocument(text, kind).ast, path, text);
  expectValid({ irVersion: 1, bundle: { files: [path] }, documents: [doc] });
  return doc;
}

function routes(text: string, kind: 'bind' | 'router' = 'bind'): IrRoute[] {
  return [...(lower(text, kind) as IrRouteDocument).routes];
}

const cleanups: (() => void)[] = [];
test.after.each(() => {
  for (const c of cleanups.splice(0)) c();
});

function folder(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), 'starc-ir-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function build(dir: string) {
  const located = locateBundle(dir);
  if ('problem' in located) throw new Error(located.problem);
  return { ...buildBundle(located.ok, (abs) => abs.slice(dir.length + 1) || '.'), location: located.ok };
}

// ---------------------------------------------------------------- bind and router

test('stacked and nested selectors flatten to one ordered table; absent levels are `*`', () => {
  const table = routes(`Bind(version=1.0.0) {
  Route<Ext<Hello>> -> (()) => &;
  Route -> {
    Http<Get>/(?P<path>.*) -> \${doc.bundle}:/html/\${path} => &;
    Ext<*> -> (()) => &;
  }
  Route -> (()) => &;
}`);
  assert.equal(
    table.map((r) => [r.waveKind, r.method, r.span.line]),
    [['Ext', 'Hello', 2], ['Http', 'Get', 4], ['Ext', '*', 5], ['*', '*', 7]],
  );
  assert.equal(table[1]!.captures, ['path']);
  assert.equal(table[1]!.pipeline.map((s) => s.stop), [
    { kind: 'point', point: '${doc.bundle}:/html/${path}' },
    { kind: 'reply' },
  ]);
  assert.equal(table[1]!.pipeline.map((s) => s.step.pass), ['request', 'response']);
});

test('angle-bracket levels (SPEC §10) nest like stacked ones', () => {
  const table = routes('Bind(version=1.0.0) { Route -> { <*> -> { <Get>/users/(?P<user>[^/]+)/.* -> localhost:users:${user} => &; } } }');
  assert.equal(table.length, 1);
  assert.equal([table[0]!.waveKind, table[0]!.method], ['*', 'Get']);
  assert.equal(table[0]!.paths, [{ regex: '^(?:/users/(?<user>[^/]+)/.*)$', whole: true }]);
});

test('paths: innermost whole-match, enclosing ones prefix-anchored; captures of every level', () => {
  const [route] = routes(`Bind(version=1.0.0) {
  Route<Http>/(?P<space>[a-z]+)/ -> {
    Get/[a-z]+/files/(?<file>.+) -> \${space}:files:/\${file} => &;
  }
}`);
  assert.equal(route!.paths, [
    { regex: '^(?:/(?<space>[a-z]+)/)', whole: false },
    { regex: '^(?:/[a-z]+/files/(?<file>.+))$', whole: true },
  ]);
  assert.equal(route!.captures, ['space', 'file']);
  // The anchors do what SPEC §4.2 says, each level against the whole request path.
  const matches = (path: string) => route!.paths.every((p) => new RegExp(p.regex, 'u').test(path));
  assert.ok(matches('/acme/files/a.txt'));
  assert.not.ok(matches('/x/acme/files/a.txt'));
  assert.not.ok(matches('/acme/files/'));
});

test('a stacked selector with a path matches the whole path only', () => {
  const [route] = routes('Bind(version=1.0.0) { Route<Http<Get>>/index.html -> (()) => &; }');
  const re = new RegExp(route!.paths[0]!.regex, 'u');
  assert.ok(re.test('/index.html'));
  assert.not.ok(re.test('/x/index.html'));
  assert.not.ok(re.test('/index.html/x'));
});

test('a block step check is pushed down as the first check of each inner route, filters accumulate', () => {
  const table = routes(
    'Bind(version=1.0.0) { Route<Http>(auth)/users/ -[ Text ]-> { Get -> (()) => &; <Put>(auth role=admin) -[ Map{a<Int>, *} ]-> localhost:app => &; Post/users/scott -> localhost:app^Ext<SuperScott> => &; } }',
  );
  assert.equal(table.map((r) => r.method), ['Get', 'Put', 'Post']);
  const text = { kind: 'structure', structure: { kind: 'kind', name: 'Text' } };
  for (const r of table) assert.equal(r.pipeline[0]!.step.checks[0], { flow: 'request', pattern: text });
  assert.equal(table[0]!.pipeline[1]!.step.checks, [], 'only the first step takes the block check');
  assert.equal(table[1]!.pipeline[0]!.step.checks[1], {
    flow: 'request',
    pattern: { kind: 'structure', structure: { kind: 'map', entries: [{ key: 'a', optional: false, pattern: { kind: 'structure', structure: { kind: 'kind', name: 'Int' } } }], rest: {}, open: true } },
  });
  assert.equal(table[1]!.filters, [{ name: 'auth' }, { name: 'auth', role: 'admin' }]);
  assert.equal(table[0]!.paths, [{ regex: '^(?:/users/)', whole: false }]);
  assert.equal(table[2]!.paths.map((p) => p.whole), [false, true]);
  assert.equal(table[2]!.pipeline[0]!.stop, { kind: 'call', point: 'localhost:app', method: 'Ext<SuperScott>' });
});

test('router (SPEC §5): status, point and call stops, schema validator, filters', () => {
  const table = routes(
    `Router(version=1.0.0) {
  Route<Http<Get>>/ -> localhost:site:/index.html => &;
  Route<Http<Post>>/api/signup -[ Json~schema(\${doc.bundle}:/schema/signup.json) ]-> localhost:app:users^Ext<SignUp>/v2/signup => &;
  Route<Http<*>>(auth role=admin)(timeout 2s)(limit 100/m)/admin/.* -> localhost:app:admin => &;
  Route<Http<*>>/.* -> !404 "no such page";
  Route<Http<Delete>>/x -> !403;
}`,
    'router',
  );
  assert.equal(table[0]!.pipeline[0]!.stop, { kind: 'point', point: 'localhost:site:/index.html' });
  assert.equal(table[1]!.pipeline[0]!.step.checks, [
    { flow: 'request', pattern: { kind: 'structure', structure: { kind: 'kind', name: 'Json' }, validator: { kind: 'schema', point: '${doc.bundle}:/schema/signup.json' } } },
  ]);
  assert.equal(table[1]!.pipeline[0]!.stop, { kind: 'call', point: 'localhost:app:users', method: 'Ext<SignUp>', path: '/v2/signup' });
  assert.equal(table[2]!.filters, [{ name: 'auth', role: 'admin' }, { name: 'timeout', timeoutMs: 2000 }, { name: 'limit', count: 100, perMs: 60_000 }]);
  assert.equal(table[2]!.method, '*');
  assert.equal(table[3]!.pipeline, [{ step: { checks: [], pass: 'request' }, stop: { kind: 'status', status: 404, message: 'no such page' } }]);
  assert.equal(table[4]!.pipeline[0]!.stop, { kind: 'status', status: 403 });
});

test('payload patterns: lists with ranges, optional keys, formats, mechtron validators, empty and any', () => {
  const table = routes(`Bind(version=1.0.0) {
  Route<Ext<A>> -[ Text[] ]-> (()) => &;
  Route<Ext<B>> -[ Text[5] ]-> (()) => &;
  Route<Ext<C>> -[ Int[1-5] ]-> (()) => &;
  Route<Ext<D>> -[ Map{name<Text>, age?<Int>, *<Text>} ]-> (()) => &;
  Route<Ext<E>> -[ Bin~image~localhost:checker^Ext<Validate> ]-> (()) => &;
  Route<Ext<F>> -[ ]-> (()) =[ * ]=> &;
  Route<Ext<G>> -[ Map ]-> {{ }} => &;
}`);
  const first = (i: number) => table[i]!.pipeline[0]!.step.checks[0]!.pattern;
  assert.equal(first(0), { kind: 'structure', structure: { kind: 'list', item: 'Text' } });
  assert.equal(first(1), { kind: 'structure', structure: { kind: 'list', item: 'Text', min: 5, max: 5 } });
  assert.equal(first(2), { kind: 'structure', structure: { kind: 'list', item: 'Int', min: 1, max: 5 } });
  const map = first(3) as unknown as Loose;
  assert.equal(map.structure.entries[1], { key: 'age', optional: true, pattern: { kind: 'structure', structure: { kind: 'kind', name: 'Int' } } });
  assert.equal(map.structure.rest, { pattern: { kind: 'structure', structure: { kind: 'kind', name: 'Text' } } });
  assert.equal(first(4), {
    kind: 'structure',
    structure: { kind: 'kind', name: 'Bin' },
    format: 'image',
    validator: { kind: 'mechtron', point: 'localhost:checker', method: 'Ext<Validate>' },
  });
  assert.equal(first(5), { kind: 'empty' });
  assert.equal(table[5]!.pipeline[1]!.step.checks, [{ flow: 'response', pattern: { kind: 'any' } }]);
  assert.equal(first(6), { kind: 'structure', structure: { kind: 'kind', name: 'Map' } }, 'a bare `Map`: any map');
  assert.equal(table[6]!.pipeline[0]!.stop, { kind: 'core' }, 'the legacy `{{ }}` is a core stop');
});

test("Starlane's `${doc.bundle}/x` is normalised to `${doc.bundle}:/x`", () => {
  const [route] = routes('Bind(version=1.0.0) { Route<Http<Get>>/ -> ${doc.bundle}/html/index.html => &; }');
  assert.equal(route!.pipeline[0]!.stop, { kind: 'point', point: '${doc.bundle}:/html/index.html' });
});

// ---------------------------------------------------------------- mechtron, app, script

test('mechtron: bin, name and limits as numbers', () => {
  const doc = lower(
    `Mechtron(version=1.0.0) {
  Wasm { +bin=\${doc.bundle}:/wasm/hello.wasm; +name=hello; }
  Limits { +timeout=250ms; +memory=16MiB; +instances=4; }
}`,
    'mechtron',
  );
  assert.equal(doc, {
    path: 'x.mechtron',
    kind: 'mechtron',
    bin: '${doc.bundle}:/wasm/hello.wasm',
    name: 'hello',
    limits: { timeoutMs: 250, memoryBytes: 16 * 1024 * 1024, instances: 4 },
  });
  const bare = lower('Mechtron(version=1.0.0) { Wasm { +bin=repo:x:1.0.0:/w.wasm; +name=x; } }', 'mechtron');
  assert.equal((bare as { limits: unknown }).limits, {});
});

test('app: set (locked too), require as kind text, install as commands', () => {
  const doc = lower(
    `App(version=1.0.0) {
  Set {
    +bind=\${doc.bundle}:/bind/app.bind;
    +@owner=scott;
  }
  Require {
    FileStore;
    Database<Relational<postgresql.org:postgres:server:15.0.0>>;
  }
  Install {
    create? \${self}:files<FileStore>;
    create? \${self}:hello<Mechtron>{ +config=\${doc.bundle}:/config/hello.mechtron };
  }
}`,
    'app',
  );
  assert.equal(doc, {
    path: 'x.app',
    kind: 'app',
    set: [
      { op: 'set', key: 'bind', value: '${doc.bundle}:/bind/app.bind', locked: false },
      { op: 'set', key: 'owner', value: 'scott', locked: true },
    ],
    require: ['FileStore', 'Database<Relational<postgresql.org:postgres:server:15.0.0>>'],
    install: [
      { kind: 'create', mode: 'ensure', point: '${self}:files', generated: false, particleKind: 'FileStore', props: [], span: { file: 'x.app', line: 11 } },
      {
        kind: 'create',
        mode: 'ensure',
        point: '${self}:hello',
        generated: false,
        particleKind: 'Mechtron',
        props: [{ op: 'set', key: 'config', value: '${doc.bundle}:/config/hello.mechtron', locked: false }],
        span: { file: 'x.app', line: 12 },
      },
    ],
  });
});

test('script: every command kind as data', () => {
  const doc = lower(
    `create? localhost<Space>;
create! localhost:app<App>{ +config=repo:site:1.0.0:/config/app.app };
publish ^[ bundle.zip ]-> repo:site:1.0.0;
select localhost:**<Mechtron>;
set localhost{ +router=repo:site:1.0.0:/router/site.router, !old };
get localhost:app{ config, bind };
delete? localhost:app;
watch localhost:app;
send localhost:hello Ext<Hello> "world";
exit;`,
    'script',
  ) as unknown as { commands: Loose[] };
  assert.equal(doc.commands.map((c) => c.kind), ['create', 'create', 'publish', 'select', 'set', 'get', 'delete', 'watch', 'send', 'exit']);
  const [, override, publish, select, set, get, del, , send] = doc.commands;
  assert.equal(override!.mode, 'override');
  assert.equal(set!.props[1], { op: 'unset', key: 'old' });
  assert.equal(publish, { kind: 'publish', ensure: false, source: 'bundle.zip', target: 'repo:site:1.0.0', span: { file: 'x.script', line: 3 } });
  assert.equal(select, { kind: 'select', pattern: 'localhost:**', particleKind: 'Mechtron', span: { file: 'x.script', line: 4 } });
  assert.equal(get!.keys, ['config', 'bind']);
  assert.equal(del!.ensure, true);
  assert.equal(send, { kind: 'send', point: 'localhost:hello', method: 'Ext<Hello>', body: 'world', span: { file: 'x.script', line: 9 } });
});

test('every clean file of the v1 corpus lowers to an IR that validates', () => {
  const dir = join(ROOT, '../shared/corpus/starlane/v1');
  let lowered = 0;
  for (const name of readdirSync(dir)) {
    const kind = name.slice(name.lastIndexOf('.') + 1) as FileKind;
    if (!['bind', 'router', 'app', 'mechtron', 'script'].includes(kind)) continue;
    lower(readFileSync(join(dir, name), 'utf8'), kind, name);
    lowered++;
  }
  assert.ok(lowered >= 10, `only ${lowered} corpus files`);
});

// ---------------------------------------------------------------- schema

test('the schema refuses what the runtime must not load', () => {
  const good = { irVersion: 1, bundle: { files: [] }, documents: [] };
  expectValid(good);
  assert.not.ok(validate({ ...good, irVersion: 2 }), 'another version');
  assert.not.ok(validate({ ...good, extra: true }), 'an unknown key');
  const route = { waveKind: 'Http', method: 'Get', paths: [], captures: [], filters: [], span: { file: 'a', line: 1 } };
  const doc = (r: object) => ({ ...good, documents: [{ path: 'a.bind', kind: 'bind', routes: [r] }] });
  const seg = { step: { checks: [], pass: 'request' }, stop: { kind: 'reply' } };
  expectValid(doc({ ...route, pipeline: [seg] }));
  assert.not.ok(validate(doc({ ...route, pipeline: [] })), 'a route without a pipeline');
  assert.not.ok(validate(doc({ ...route, waveKind: 'Foo', pipeline: [seg] })), 'an unknown wave kind');
  assert.not.ok(validate(doc({ ...route, pipeline: [{ ...seg, stop: { kind: 'status', status: 99 } }] })), 'a status out of range');
  assert.not.ok(validate(doc({ ...route, paths: [{ regex: 'x', whole: true }], pipeline: [seg] })), 'an unanchored path');
  assert.not.ok(
    validate({ ...good, documents: [{ path: 'm', kind: 'mechtron', bin: 'b', name: 'n', limits: { timeout: '5s' } }] }),
    'limits not converted to numbers',
  );
});

// ---------------------------------------------------------------- buildBundle

test('building bench/fixtures/small-bundle: every document, every file, a valid IR', () => {
  const { ir, reports } = build(join(ROOT, 'bench/fixtures/small-bundle'));
  assert.ok(ir, JSON.stringify(reports.flatMap((r) => r.diagnostics.map((d) => `${r.path}: ${d.code} ${d.message}`))));
  expectValid(ir);
  assert.equal(ir!.bundle.name, 'small-bundle');
  assert.equal(ir!.bundle.files, ['bind/app.bind', 'config/app.app', 'config/hello.mechtron', 'install.script', 'router/site.router', 'schema/signup.json']);
  assert.equal(ir!.documents.map((d) => `${d.kind} ${d.path}`), [
    'bind bind/app.bind',
    'app config/app.app',
    'mechtron config/hello.mechtron',
    'script install.script',
    'router router/site.router',
  ]);
  assert.equal(reports.length, 5);
});

test('a bundle with an error is refused with its diagnostics', () => {
  const dir = folder({
    'bind/app.bind': 'Bind(version=1.0.0) { Route<Http<Fetch>> -> (()) => &; }\n',
    'config/m.mechtron': 'Mechtron(version=1.0.0) { Wasm { +bin=${doc.bundle}:/wasm/missing.wasm; +name=m; } }\n',
  });
  const { ir, reports } = build(dir);
  assert.is(ir, undefined);
  const codes = reports.flatMap((r) => r.diagnostics.map((d) => `${r.path} ${d.code}`));
  assert.ok(codes.includes('bind/app.bind E0102'), codes.join(', '));
  assert.ok(codes.some((c) => c.startsWith('config/m.mechtron ')), 'the missing wasm is reported');
});

test('warnings do not stop a build', () => {
  const dir = folder({ 'bind/app.bind': 'Bind(version=1.0.0) { Route<Http<Get>> -> {{ }} => &; }\n' });
  const { ir, reports } = build(dir);
  assert.ok(ir);
  assert.equal(reports[0]!.diagnostics.map((d) => d.code), ['W0101']);
});

test('an app dir builds its one bundle (named after the app) and checks its install.script', () => {
  const app = folder({
    'install.script': 'create? localhost<Space>;\npublish ^[ bundle ]-> repo:site:1.0.0;\n',
    'bundle/router/site.router': 'Router(version=1.0.0) { Route<Http<Get>>/ -> localhost:files:/index.html => &; }\n',
    'bundle/html/index.html': '<h1>hi</h1>\n',
  });
  const { ir, location } = build(app);
  assert.equal(location.root, join(app, 'bundle'));
  assert.ok(ir);
  assert.equal(ir!.bundle.name, app.slice(app.lastIndexOf('/') + 1));
  assert.equal(ir!.bundle.files, ['html/index.html', 'router/site.router']);
  assert.equal(ir!.documents.map((d) => d.path), ['router/site.router']);

  writeFileSync(join(app, 'install.script'), 'create? localhost<Spaace>;\n');
  const broken = build(app);
  assert.is(broken.ir, undefined, 'an error in the app dir script refuses the build');
  assert.equal(broken.reports.map((r) => r.path), ['router/site.router', 'install.script'].map((p) => (p === 'install.script' ? p : `bundle/${p}`)));
});

test('locateBundle: not a bundle, several bundles', () => {
  const empty = folder({ 'readme.txt': 'x' });
  const none = locateBundle(empty);
  assert.ok('problem' in none && none.problem.startsWith('no bundle'));
  const two = folder({ 'a/bind/x.bind': 'Bind(version=1.0.0) { }', 'b/config/y.app': 'App(version=1.0.0) { }' });
  const several = locateBundle(two);
  assert.ok('problem' in several && several.problem.includes('2 bundles'));
});

// ---------------------------------------------------------------- zip

test('zip: what writeZip writes, readZip reads back byte for byte (stored and deflated)', () => {
  const random = new Uint8Array(4096).map((_, i) => (i * 2654435761) >>> 24);
  const entries = [
    { path: 'bind/app.bind', bytes: new TextEncoder().encode('Bind(version=1.0.0) { }\n'.repeat(50)) },
    { path: 'wasm/hello.wasm', bytes: random },
    { path: 'html/é.html', bytes: new Uint8Array() },
  ];
  const archive = writeZip(entries);
  const back = readZip(archive);
  assert.ok('entries' in back, 'problem' in back ? back.problem : '');
  assert.equal(back.entries.map((e) => [e.path, Buffer.from(e.bytes).toString('base64')]), entries.map((e) => [e.path, Buffer.from(e.bytes).toString('base64')]));
  assert.equal(Buffer.from(writeZip(entries)).equals(Buffer.from(archive)), true, 'reproducible');
  assert.ok('problem' in readZip(new Uint8Array(10)));
});

test('zip: the system unzip accepts the archive (when installed)', () => {
  const dir = folder({});
  const path = join(dir, 'b.zip');
  writeFileSync(path, writeZip([{ path: 'bind/a.bind', bytes: new TextEncoder().encode('x'.repeat(1000)) }, { path: 'b.txt', bytes: new TextEncoder().encode('hi') }]));
  const run = spawnSync('unzip', ['-t', path], { encoding: 'utf8' });
  if (run.error) return; // not installed
  assert.is(run.status, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /No errors detected/);
});

test.run();

export type { Ir };

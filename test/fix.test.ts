// `starc check --fix`: applyEdits and fixSource (compiler/fix/apply-edits.ts) on real sources, and the CLI
// in-process (files written back, line breaks and BOM kept, clean files untouched, the report of what remains).
// The built binary is exercised in test/fix.e2e.test.ts.

import { readdirSync, readFileSync, statSync, utimesSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkFile } from '../compiler/check-file.ts';
import { applyEdits, fixSource, machineSuggestion, summarizeCodes } from '../compiler/fix/apply-edits.ts';
import { makeDiagnostic, type Diagnostic, type Edit } from '../grammar/diagnostic.ts';
import { runCli } from '../cli/main.ts';
import { project, removeProjects } from './helpers/project.ts';
import { memoryIo, type MemoryIo } from './helpers/memory-io.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CORPUS = resolve(ROOT, '..', 'shared', 'corpus', 'starlane', 'v1');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'diagnostics');

const edit = (start: number, end: number, newText: string): Edit => ({ span: { start, end }, newText });
const fix = (path: string, text: string) => fixSource(text, (t) => checkFile(path, t));
const codes = (diagnostics: readonly Diagnostic[]) => diagnostics.map((d) => d.code);

// ---------------------------------------------------------------------------------------------------------------
// applyEdits

test('applyEdits: edits in any order apply against the original offsets', () => {
  assert.is(applyEdits('abcdef', [edit(4, 5, 'E'), edit(0, 1, 'A'), edit(2, 3, 'CC')]), 'AbCCdEf');
  assert.is(applyEdits('abc', []), 'abc');
  assert.is(applyEdits('abc', [edit(0, 3, '')]), '');
  assert.is(applyEdits('', [edit(0, 0, 'x')]), 'x');
});

test('applyEdits: of colliding edits the one given first is kept, the rest dropped', () => {
  assert.is(applyEdits('abcdef', [edit(1, 4, 'X'), edit(2, 5, 'Y')]), 'aXef');
  assert.is(applyEdits('abcdef', [edit(2, 5, 'Y'), edit(1, 4, 'X')]), 'abYf');
  assert.is(applyEdits('abcdef', [edit(1, 3, 'X'), edit(1, 3, 'Y')]), 'aXdef');
  // an insertion strictly inside a replaced range collides with it
  assert.is(applyEdits('abcdef', [edit(1, 4, 'X'), edit(2, 2, '!')]), 'aXef');
  // touching ranges do not collide
  assert.is(applyEdits('abcdef', [edit(1, 3, 'X'), edit(3, 5, 'Y')]), 'aXYf');
});

test('applyEdits: insertions at one offset go in the order given, before a replacement starting there', () => {
  assert.is(applyEdits('ab', [edit(1, 1, '1'), edit(1, 1, '2'), edit(1, 1, '3')]), 'a123b');
  assert.is(applyEdits('abcd', [edit(1, 3, 'X'), edit(1, 1, '<')]), 'a<Xd');
  assert.is(applyEdits('abcd', [edit(1, 3, 'X'), edit(3, 3, '>')]), 'aX>d');
});

test('applyEdits: edits outside the text are dropped', () => {
  assert.is(applyEdits('abc', [edit(2, 9, 'X'), edit(-1, 0, 'Y'), edit(2, 1, 'Z'), edit(0, 0, '>')]), '>abc');
});

// ---------------------------------------------------------------------------------------------------------------
// fixSource on the codes whose suggestions are machine-applicable

const CASES: { code: string; path: string; before: string; after: string }[] = [
  { code: 'W0101', path: 'app.bind', before: 'Bind(version=1.0.0) {\n  Route<Http<Get>> -> {{ }} => &;\n}\n', after: 'Bind(version=1.0.0) {\n  Route<Http<Get>> -> (( )) => &;\n}\n' },
  { code: 'W0102', path: 'app.bind', before: 'Bind(version=1.0.0) {\n  Route<Http<*>>/admin/.* -> !403 "no" => &;\n}\n', after: 'Bind(version=1.0.0) {\n  Route<Http<*>>/admin/.* -> !403 "no";\n}\n' },
  { code: 'W0301', path: 'a.mechtron', before: 'Mechtron(version=1.0.0) {\n  Wasm {\n    +bin=${doc.bundle}/wasm/a.wasm;\n    +name=a;\n  }\n}\n', after: 'Mechtron(version=1.0.0) {\n  Wasm {\n    +bin=${doc.bundle}:/wasm/a.wasm;\n    +name=a;\n  }\n}\n' },
  { code: 'W0302', path: 'a.app', before: 'App(version=1.0.0) {\n  Set {\n    +bind=${doc.bundle}:/bind/app.bind,\n    +title=hello;\n  }\n}\n', after: 'App(version=1.0.0) {\n  Set {\n    +bind=${doc.bundle}:/bind/app.bind;\n    +title=hello;\n  }\n}\n' },
  { code: 'W0303', path: 'a.mechtron', before: 'Mechtron(version=1.0.0) {\n  Wasm {\n    +bin=${doc.bundle}:/wasm/a.wasm;\n    name=a\n  }\n}\n', after: 'Mechtron(version=1.0.0) {\n  Wasm {\n    +bin=${doc.bundle}:/wasm/a.wasm;\n    +name=a;\n  }\n}\n' },
  { code: 'W0304', path: 'a.mechtron', before: 'Mechtron(version=1.0.0) {\n  Wasm {\n    +bin=${doc.bundle}:/wasm/a.wasm;\n    +name=a\n  }\n}\n', after: 'Mechtron(version=1.0.0) {\n  Wasm {\n    +bin=${doc.bundle}:/wasm/a.wasm;\n    +name=a;\n  }\n}\n' },
  { code: 'E0008', path: 'app.bind', before: 'Bind(version=1.0.0) {\n  Route<Http<Get>> /users -> (()) => &;\n}\n', after: 'Bind(version=1.0.0) {\n  Route<Http<Get>>/users -> (()) => &;\n}\n' },
  { code: 'E0001', path: 'app.bind', before: 'Bind(verison=1.0.0) { }\n', after: 'Bind(version=1.0.0) { }\n' },
  { code: 'E0101', path: 'app.bind', before: 'Bind(version=1.0.0) {\n  Http<Get>/x -> (()) => &;\n}\n', after: 'Bind(version=1.0.0) {\n  Route<Http<Get>>/x -> (()) => &;\n}\n' },
  { code: 'E0503', path: 'app.bind', before: 'Bind(version=1.0.0) {\n  Route<Http<Post>>/t -[ Text[1..5] ]-> (()) => &;\n}\n', after: 'Bind(version=1.0.0) {\n  Route<Http<Post>>/t -[ Text[1-5] ]-> (()) => &;\n}\n' },
  { code: 'E0004', path: 'install.script', before: 'create? repo<Repo>;\ncreate? repo:t<ArtifactBundleSeries>;\n', after: 'create? repo<Repo>;\ncreate? repo:t<BundleSeries>;\n' },
];

for (const { code, path, before, after } of CASES) {
  test(`fixSource: ${code} is fixed, and nothing else in the file changes`, () => {
    const found = codes(checkFile(path, before));
    assert.ok(found.includes(code), `the source should show ${code}, got ${found.join(', ')}`);
    const result = fix(path, before);
    assert.is(result.text, after);
    assert.ok(codes(result.fixed).includes(code));
    assert.equal(codes(result.remaining), [], 'the fixed file re-checks clean');
    assert.equal(codes(checkFile(path, result.text)), []);
  });
}

test('fixSource: fixes that only show after another round converge (E0001, then W0101 past it)', () => {
  const before = 'Bind(verison=1.0.0) {\n  Route<Http<Get>> -> {{ }} => &;\n  Route<Http<Post>> -> {{ }} => &;\n}\n';
  // After a syntax error the semantic warnings past it are held back: round one sees E0001 alone.
  assert.equal(codes(checkFile('app.bind', before)), ['E0001']);
  const result = fix('app.bind', before);
  assert.equal(codes(result.fixed), ['E0001', 'W0101', 'W0101']);
  assert.is(result.text, 'Bind(version=1.0.0) {\n  Route<Http<Get>> -> (( )) => &;\n  Route<Http<Post>> -> (( )) => &;\n}\n');
  assert.equal(result.remaining, []);
});

test('fixSource: W0303 with W0301 in its value (edits side by side in one round)', () => {
  const before = 'Mechtron(version=1.0.0) {\n  Wasm {\n    bin=${doc.bundle}/wasm/a.wasm,\n    name=a\n  }\n}\n';
  const result = fix('a.mechtron', before);
  assert.is(result.text, 'Mechtron(version=1.0.0) {\n  Wasm {\n    +bin=${doc.bundle}:/wasm/a.wasm;\n    +name=a;\n  }\n}\n');
  assert.is(summarizeCodes(result.fixed), 'W0301, W0303 ×2');
  assert.equal(result.remaining, []);
});

test('fixSource: `maybe` suggestions are never applied', () => {
  const before = 'Bind(version=2.0.0) { }\n'; // E0003: `use version 1.0.0` is a guess
  const [e0003] = checkFile('app.bind', before);
  assert.is(e0003?.code, 'E0003');
  assert.ok(e0003!.suggestions.length > 0 && machineSuggestion(e0003!) === undefined);
  const result = fix('app.bind', before);
  assert.is(result.text, before);
  assert.equal(result.fixed, []);
  assert.equal(codes(result.remaining), ['E0003']);
});

// A tiny checker for the engine's own rules: every `aa` is a problem fixed by `b`.
function pairs(text: string): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (let i = text.indexOf('aa'); i >= 0; i = text.indexOf('aa', i + 1)) {
    found.push(makeDiagnostic('W9999', 'warning', 'pair', { span: { start: i, end: i + 2 }, label: '' }, {
      suggestions: [{ message: 'write b', edits: [edit(i, i + 2, 'b')], applicability: 'machine' }],
    }));
  }
  return found;
}

test('fixSource: colliding suggestions wait for the next round (never applied together)', () => {
  // `aaa` has two overlapping `aa`: the first is fixed, the second is gone after the re-check.
  const result = fixSource('aaa aaaa', pairs);
  assert.is(result.text, 'ba bb');
  assert.is(result.fixed.length, 3);
  assert.equal(result.remaining, []);
});

test('fixSource: a fix that brings back an earlier text, or never ends, stops', () => {
  const flip = (text: string) => [makeDiagnostic('W9999', 'warning', 'flip', { span: { start: 0, end: 1 }, label: '' }, {
    suggestions: [{ message: 'flip', edits: [edit(0, 1, text[0] === 'x' ? 'y' : 'x')], applicability: 'machine' }],
  })];
  const cycle = fixSource('x', flip);
  assert.is(cycle.text, 'y');
  assert.is(cycle.fixed.length, 1);
  const grow = (text: string) => [makeDiagnostic('W9999', 'warning', 'grow', { span: { start: 0, end: 0 }, label: '' }, {
    suggestions: [{ message: 'grow', edits: [edit(0, 0, `${text.length}`)], applicability: 'machine' }],
  })];
  const endless = fixSource('', grow, { maxRounds: 4 });
  assert.is(endless.fixed.length, 4);
  assert.is(endless.remaining.length, 1);
});

test('fixSource: line breaks in inserted text follow the file (eol)', () => {
  const insert = (text: string) => (text.includes('b') ? [] : [makeDiagnostic('W9999', 'warning', 'x', { span: { start: 0, end: 0 }, label: '' }, {
    suggestions: [{ message: 'x', edits: [edit(1, 1, '\nb\n')], applicability: 'machine' }],
  })]);
  assert.is(fixSource('a\r\nc', insert, { eol: '\r\n' }).text, 'a\r\nb\r\n\r\nc');
  assert.is(fixSource('a\nc', insert).text, 'a\nb\n\nc');
});

test('fixSource: CRLF sources keep their line breaks', () => {
  const before = 'Bind(version=1.0.0) {\r\n  Route<Http<Get>> -> {{ }} => &;\r\n}\r\n';
  assert.is(fix('app.bind', before).text, 'Bind(version=1.0.0) {\r\n  Route<Http<Get>> -> (( )) => &;\r\n}\r\n');
});

// ---------------------------------------------------------------------------------------------------------------
// Every fixture and corpus file

test('every diagnostics fixture with a machine fix: fixed, no new problem, no machine fix left', () => {
  let seen = 0;
  for (const name of readdirSync(FIXTURES)) {
    if (name.endsWith('.stderr') || !statSync(join(FIXTURES, name)).isFile()) continue;
    const text = readFileSync(join(FIXTURES, name), 'utf8');
    const before = checkFile(name, text);
    if (!before.some((d) => machineSuggestion(d))) continue;
    seen++;
    const result = fix(name, text);
    assert.ok(result.text !== text, `${name}: nothing changed`);
    assert.ok(result.fixed.length > 0, name);
    const was = new Set(codes(before));
    for (const d of result.remaining) {
      assert.ok(was.has(d.code), `${name}: the fix brought ${d.code}: ${d.message}\n${result.text}`);
      assert.not.ok(machineSuggestion(d), `${name}: ${d.code} still has a machine fix`);
    }
    for (const code of new Set(codes(result.fixed))) {
      assert.ok(codes(result.remaining).filter((c) => c === code).length < codes(before).filter((c) => c === code).length, `${name}: ${code} not fixed`);
    }
  }
  assert.ok(seen >= 10, `only ${seen} fixtures with machine fixes`);
});

test('every v1 corpus file: after --fix no error and no warning with a machine fix', () => {
  const files = readdirSync(CORPUS);
  assert.ok(files.length > 0);
  for (const name of files) {
    const text = readFileSync(join(CORPUS, name), 'utf8');
    const result = fix(name, text);
    const left = result.remaining.filter((d) => d.severity === 'error' || machineSuggestion(d));
    assert.equal(left.map((d) => `${d.code} ${d.message}`), [], name);
    if (result.fixed.length === 0) assert.is(result.text, text, `${name}: changed with nothing fixed`);
    // Fixing is idempotent: a fixed file has nothing more to fix.
    assert.is(fix(name, result.text).text, result.text, name);
  }
});

// ---------------------------------------------------------------------------------------------------------------
// The CLI in-process

const capture = (cwd: string): MemoryIo => memoryIo(cwd);

test.after.each(removeProjects);

const LEGACY_BIND = 'Bind(version=1.0.0) {\n  Route<Http<Get>> -> {{ }} => &;\n  Route<Http<Post>> -> {{ }} => &;\n}\n';
const FIXED_BIND = 'Bind(version=1.0.0) {\n  Route<Http<Get>> -> (( )) => &;\n  Route<Http<Post>> -> (( )) => &;\n}\n';
const LEGACY_MECHTRON = 'Mechtron(version=1.0.0) {\n  Wasm {\n    bin=${doc.bundle}/wasm/a.wasm;\n    +name=a;\n  }\n}\n';
const FIXED_MECHTRON = 'Mechtron(version=1.0.0) {\n  Wasm {\n    +bin=${doc.bundle}:/wasm/a.wasm;\n    +name=a;\n  }\n}\n';

test('check --fix: writes the fixed files, one line per file, then reports what remains', async () => {
  const dir = project({ 'bind/app.bind': LEGACY_BIND, 'conf/a.mechtron': LEGACY_MECHTRON, 'clean.bind': 'Bind(version=1.0.0) { }\n' });
  const run = capture(dir);
  assert.is(await runCli(['check', '--fix', '.'], run.io), 0, run.stderr());
  assert.is(readFileSync(join(dir, 'bind/app.bind'), 'utf8'), FIXED_BIND);
  assert.is(readFileSync(join(dir, 'conf/a.mechtron'), 'utf8'), FIXED_MECHTRON);
  assert.is(run.stdout(), '');
  assert.is(
    run.stderr(),
    'fixed 2 problems in bind/app.bind (W0101 ×2)\nfixed 2 problems in conf/a.mechtron (W0301, W0303)\nchecked 3 files: no problems found\n',
  );
});

test('check --fix: an error that has no machine fix stays, the exit code comes from it', async () => {
  const dir = project({ 'app.bind': 'Bind(version=2.0.0) {\n  Route<Http<Get>> -> {{ }} => &;\n}\n' });
  const run = capture(dir);
  assert.is(await runCli(['check', '--fix', '--format', 'short', 'app.bind'], run.io), 1);
  assert.is(readFileSync(join(dir, 'app.bind'), 'utf8'), 'Bind(version=2.0.0) {\n  Route<Http<Get>> -> (( )) => &;\n}\n');
  assert.match(run.stdout(), /^app\.bind:1:\d+: error\[E0003\]/);
  assert.not.match(run.stdout(), /W0101/);
  assert.match(run.stderr(), /^fixed 1 problem in app\.bind \(W0101\)\n/);
});

test('check --fix: a file with nothing to fix is not written', async () => {
  const dir = project({ 'app.bind': 'Bind(version=1.0.0) { }\n', 'bad.bind': 'Bind(version=2.0.0) { }\n' });
  const old = new Date('2001-01-01T00:00:00Z');
  for (const name of ['app.bind', 'bad.bind']) utimesSync(join(dir, name), old, old);
  const run = capture(dir);
  assert.is(await runCli(['check', '--fix', '.'], run.io), 1);
  for (const name of ['app.bind', 'bad.bind']) assert.is(statSync(join(dir, name)).mtimeMs, old.getTime(), name);
  assert.not.match(run.stderr(), /fixed/);
});

test('check --fix: a BOM and CRLF line breaks are kept', async () => {
  const crlf = LEGACY_BIND.replace(/\n/g, '\r\n');
  const dir = project({ 'app.bind': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(crlf)]) });
  const run = capture(dir);
  assert.is(await runCli(['check', '--fix', 'app.bind'], run.io), 0);
  const bytes = readFileSync(join(dir, 'app.bind'));
  assert.equal([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  assert.is(bytes.subarray(3).toString('utf8'), FIXED_BIND.replace(/\n/g, '\r\n'));
});

test('check --fix --format json: files written, the document reports what remains and a fixed count', async () => {
  const dir = project({ 'app.bind': LEGACY_BIND, 'bad.bind': 'Bind(version=2.0.0) { }\n' });
  const run = capture(dir);
  assert.is(await runCli(['check', '--fix', '--format', 'json', '.'], run.io), 1);
  assert.is(readFileSync(join(dir, 'app.bind'), 'utf8'), FIXED_BIND);
  const document = JSON.parse(run.stdout());
  assert.equal(document.files.map((f: { path: string; diagnostics: { code: string }[] }) => [f.path, f.diagnostics.map((d) => d.code)]), [
    ['app.bind', []],
    ['bad.bind', ['E0003']],
  ]);
  assert.is(document.summary.fixed, 2);
  assert.is(document.summary.errors, 1);
  assert.is(document.summary.warnings, 0);
});

test('check --fix --format sarif: files written, the log has what remains', async () => {
  const dir = project({ 'app.bind': LEGACY_BIND });
  const run = capture(dir);
  assert.is(await runCli(['check', '--fix', '--format', 'sarif', '.'], run.io), 0);
  assert.is(readFileSync(join(dir, 'app.bind'), 'utf8'), FIXED_BIND);
  const log = JSON.parse(run.stdout());
  assert.equal(log.runs[0].results, []);
});

test('check without --fix writes nothing and json has no fixed count', async () => {
  const dir = project({ 'app.bind': LEGACY_BIND });
  const run = capture(dir);
  assert.is(await runCli(['check', '--format', 'json', '.'], run.io), 0);
  assert.is(readFileSync(join(dir, 'app.bind'), 'utf8'), LEGACY_BIND);
  assert.is(JSON.parse(run.stdout()).summary.fixed, undefined);
});

test.run();

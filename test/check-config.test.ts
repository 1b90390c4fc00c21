// `.app` and `.mechtron` bodies (SPEC §6, §7): sections, keys, value forms, required keys, older spellings.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkConfigDocument } from '../compiler/check/config.ts';
import { Reporter } from '../compiler/check/report.ts';
import { parseDocument } from '../grammar/parser.ts';
import { diagnosticsOf, expectClean, expectDiagnostic } from './helpers/expect-diagnostics.ts';

const mechtron = (body: string): string => `Mechtron(version=1.0.0) {\n${body}\n}\n`;
const app = (body: string): string => `App(version=1.0.0) {\n${body}\n}\n`;
const WASM = '  Wasm { +bin=${doc.bundle}:/wasm/hello.wasm; +name=hello; }';

test('the spec examples are clean', () => {
  expectClean(
    mechtron(`${WASM}\n  Limits {\n    +timeout=5s;\n    +memory=16MiB;\n    +instances=4;\n  }`),
    'mechtron',
    { noWarnings: true },
  );
  expectClean(
    app(`  Set {
    +bind=\${doc.bundle}:/bind/app.bind;
  }
  Require {
    FileStore;
    Database<Relational<postgresql.org:postgres:server:15.0.0>>;
  }
  Install {
    create? \${self}:files<FileStore>;
    create? \${self}:hello<Mechtron>{ +config=\${doc.bundle}:/config/hello.mechtron };
  }`),
    'app',
    { noWarnings: true },
  );
});

test('E0301: a repeated section, with the first one as a secondary label', () => {
  const d = expectDiagnostic(app('  Set { }\n  Set { }'), 'app', 'E0301', { line: 3, col: 3, only: true });
  assert.equal(d.secondary.map((s) => s.label), ['first defined here']);
});

test('E0302: `bin` and `name` are required in Wasm; without a Wasm section the header is labelled', () => {
  const d = expectDiagnostic(mechtron('  Wasm { +bin=${doc.bundle}:/wasm/x.wasm; }'), 'mechtron', 'E0302', { line: 2, col: 3, only: true });
  assert.is(d.message, 'required `bin` and `name` in Wasm scope');
  assert.is(d.primary.label, 'missing `name`');
  expectDiagnostic(mechtron('  Limits { +timeout=5s; }'), 'mechtron', 'E0302', { line: 1, col: 1, only: true });
});

test('E0304: unknown sections and keys list the known ones and suggest the close one', () => {
  const section = expectDiagnostic(mechtron(`${WASM}\n  Limts { }`), 'mechtron', 'E0304', { line: 3, only: true });
  assert.equal(section.notes, ['Mechtron sections are `Wasm`, `Limits`']);
  assert.is(section.suggestions[0]!.message, 'did you mean `Limits`?');
  const key = expectDiagnostic(mechtron(`${WASM}\n  Limits { +memroy=16MiB; }`), 'mechtron', 'E0304', { line: 3, col: 13, only: true });
  assert.is(key.suggestions[0]!.edits[0]!.newText, 'memory');
  expectDiagnostic(app('  Wasm { }'), 'app', 'E0304', { message: /unknown section `Wasm` in an `App`/ });
});

test('E0305: durations, sizes, instance counts and names, each with the fix it likely meant', () => {
  const limits = (props: string): string => mechtron(`${WASM}\n  Limits { ${props} }`);
  assert.is(expectDiagnostic(limits('+timeout=5sec;'), 'mechtron', 'E0305', { only: true }).suggestions[0]!.edits[0]!.newText, '5s');
  expectDiagnostic(limits('+timeout=5000;'), 'mechtron', 'E0305', { message: /`5000` for `timeout`/ });
  assert.is(expectDiagnostic(limits('+memory=16MB;'), 'mechtron', 'E0305').suggestions[0]!.edits[0]!.newText, '16MiB');
  expectDiagnostic(limits('+memory=8GiB;'), 'mechtron', 'E0305', { message: /`8GiB`/ });
  expectDiagnostic(limits('+instances=0;'), 'mechtron', 'E0305', { message: /`0` for `instances`/ });
  const name = expectDiagnostic(mechtron('  Wasm { +bin=${doc.bundle}:/wasm/x.wasm; +name=My_Mechtron; }'), 'mechtron', 'E0305', { only: true });
  assert.is(name.suggestions[0]!.edits[0]!.newText, 'my-mechtron');
});

test('E0305: `bin` is a point that names a `.wasm` file', () => {
  expectDiagnostic(mechtron('  Wasm { +bin=${doc.bundle}:/wasm/x.wat; +name=x; }'), 'mechtron', 'E0305', { line: 2, col: 35, only: true });
  expectDiagnostic(mechtron('  Wasm { +bin=repo:hello:1.0.0; +name=x; }'), 'mechtron', 'E0305', { line: 2, col: 15, only: true });
  expectDiagnostic(mechtron('  Wasm { +bin=repo:Hello:1.0.0:/x.wasm; +name=x; }'), 'mechtron', 'E0402', { only: true });
  expectDiagnostic(mechtron('  Wasm { +bin=${bundle}:/x.wasm; +name=x; }'), 'mechtron', 'E0405', { only: true });
});

test('E0306: a key set twice, with the first assignment as a secondary label', () => {
  const d = expectDiagnostic(mechtron(`${WASM}\n  Limits { +timeout=5s; +timeout=2s; }`), 'mechtron', 'E0306', { line: 3, col: 26, only: true });
  assert.equal(d.secondary.map((s) => s.label), ['first set here']);
});

test('E0604: a Mechtron section only sets values', () => {
  expectDiagnostic(mechtron(`${WASM}\n  Limits { !timeout; }`), 'mechtron', 'E0604', { only: true });
  expectClean(app('  Set { !bind; +@owner=me; }'), 'app', { noWarnings: true });
});

test('Require holds kinds: unknown kinds and sub-kinds are reported', () => {
  expectDiagnostic(app('  Require { FileStorage; }'), 'app', 'E0401', { only: true });
  expectDiagnostic(app('  Require { Database<Relational<postgres:15.0.0>>; }'), 'app', 'E0404', { only: true });
});

test('Install holds commands, checked like a script', () => {
  expectDiagnostic(app('  Install { create ${self}:hello<Mechtorn>; }'), 'app', 'E0401', { only: true });
  expectDiagnostic(app('  Install { create ${self}:x<Mechtron>{ +config=${doc.bundle}:/config/x.mechtron }; exit; delete ${self}:x; }'), 'app', 'W0601', { only: true });
});

test('W0303: `key=value` gets one warning that adds `+` and the missing `;`', () => {
  const text = mechtron('  Wasm {\n    bin=${doc.bundle}:/wasm/x.wasm;\n    name=x\n  }');
  const d = expectDiagnostic(text, 'mechtron', 'W0303', { line: 4, col: 5 });
  assert.equal(d.suggestions[0]!.edits.map((e) => e.newText), ['+', ';']);
  assert.is(d.suggestions[0]!.applicability, 'machine');
  assert.is(diagnosticsOf(text, 'mechtron').length, 2);
});

test('W0302 for `,` and W0304 for a missing `;` in sections, but not in command blocks', () => {
  const text = mechtron('  Wasm { +bin=${doc.bundle}:/wasm/x.wasm, +name=x }');
  const comma = expectDiagnostic(text, 'mechtron', 'W0302', { line: 2, col: 41 });
  assert.equal(comma.suggestions[0]!.edits, [{ span: comma.primary.span, newText: ';' }]);
  const last = expectDiagnostic(text, 'mechtron', 'W0304', { line: 2, col: 43 });
  assert.is(last.suggestions[0]!.edits[0]!.newText, ';');
  assert.is(diagnosticsOf(text, 'mechtron').length, 2);
  expectClean('create? localhost:a<App>{ +config=repo:a:1.0.0:/config/a.app, +bind=repo:a:1.0.0:/bind/a.bind };\n', 'script', { noWarnings: true });
});

test('W0301: `${doc.bundle}/wasm/x.wasm` is accepted with a fix inserting `:`', () => {
  const d = expectDiagnostic(mechtron('  Wasm { +bin=${doc.bundle}/wasm/x.wasm; +name=x; }'), 'mechtron', 'W0301', { line: 2, col: 28, only: true });
  assert.equal(d.suggestions[0]!.edits, [{ span: { start: 53, end: 53 }, newText: ':' }]);
});

test('after a syntax error, missing-key checks stay quiet: recovery may have dropped the keys', () => {
  const { ast, diagnostics } = parseDocument(mechtron('  Wasm {\n    +bin=${doc.bundle:/wasm/x.wasm;\n    +name=x;\n  }'), 'mechtron');
  assert.ok(diagnostics.length > 0);
  const reporter = new Reporter();
  if (ast.kind !== 'ConfigDocument') throw new Error('expected a config document');
  checkConfigDocument(ast, reporter, { recovered: true });
  assert.equal(reporter.diagnostics.map((d) => d.code), []);
});

test.run();

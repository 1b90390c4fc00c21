// Commands (SPEC §8) in `.script` files: points, kinds, props, publish sources, select patterns, send methods,
// parent rules visible within one script, and commands after `exit`.

import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkFile } from '../compiler/check-file.ts';
import { expectClean, expectDiagnostic } from './helpers/expect-diagnostics.ts';

const CORPUS = new URL('../../shared/corpus/starlane/', import.meta.url);

// conformance.test.ts holds the corpus to its bar; this adds that legacy names do not cascade.
test('every legacy corpus file is rejected with E0004 only', () => {
  const dir = new URL('legacy/', CORPUS);
  for (const name of readdirSync(dir)) {
    const errors = checkFile(name, readFileSync(new URL(name, dir), 'utf8')).filter((d) => d.severity === 'error');
    assert.ok(errors.length > 0, name);
    assert.equal([...new Set(errors.map((d) => d.code))], ['E0004'], name);
  }
});

test('the v1 install scripts: top-level Space, Mechtron and Base; a Bundle under its BundleSeries', () => {
  expectClean(
    `create? localhost<Space>;
create? repo<Repo>;
create? repo:hello<BundleSeries>;
publish ^[ bundle.zip ]-> repo:hello:1.0.0;
create hello-goodbye<Mechtron>{ +config=repo:hello:1.0.0:/config/hello-goodbye.mechtron };
create! localhost<Mechtron>{ +config=repo:hello:1.0.0:/config/my-mechtron.mechtron };
create? profiles<Base>;
set localhost{ +bind=repo:hello:1.0.0:/bind/localhost.bind };
exit;
`,
    'script',
    { noWarnings: true },
  );
});

test('E0406: a parent created earlier in the script must be able to hold the kind', () => {
  const d = expectDiagnostic('create? repo<Repo>;\ncreate? repo:x<Repo>;\n', 'script', 'E0406', { line: 2, col: 16, only: true });
  assert.is(d.message, 'a `Repo` cannot be placed under a `Repo`');
  assert.equal(d.secondary.map((s) => s.label), ['`repo` is created as a `Repo` here']);
  expectDiagnostic('create? repo<Repo>;\npublish ^[ bundle.zip ]-> repo:1.0.0;\n', 'script', 'E0406', { line: 2, only: true });
  expectDiagnostic('create profiles<UserBase>;\n', 'script', 'E0406', { message: /at the top level/, only: true });
  expectDiagnostic('create star<Star>;\n', 'script', 'E0406', { message: /cannot be created by a script/, only: true });
});

test('parent rules are not guessed: an unknown parent is fine', () => {
  expectClean('create repo:x:1.0.0:/a.txt<File>;\ncreate ${self}:files<FileStore>;\n', 'script', { noWarnings: true });
});

test('a Bundle is named by a version; other kinds are not', () => {
  expectDiagnostic('publish ^[ bundle.zip ]-> repo:hello;\n', 'script', 'E0402', { col: 32, only: true });
  expectDiagnostic('create repo:x:1.0.0<Space>;\n', 'script', 'E0402', { col: 15, only: true });
});

test('E0605: a publish source is a directory or a .zip', () => {
  expectDiagnostic('publish ^[ bundle.tar.gz ]-> repo:x:1.0.0;\n', 'script', 'E0605', { col: 12, only: true });
  expectClean('publish ^[ ./bundle/ ]-> repo:x:1.0.0;\npublish ^[ bundle ]-> repo:x:2.0.0;\npublish ^[ out/b.ZIP ]-> repo:x:3.0.0;\n', 'script', { noWarnings: true });
});

test('E0602: a Mechtron is created with its `config`', () => {
  expectDiagnostic('create localhost:hello<Mechtron>;\n', 'script', 'E0602', { col: 24, only: true });
});

test('E0604: nothing to unset in a `create`', () => {
  expectDiagnostic('create localhost:a<App>{ !bind };\n', 'script', 'E0604', { col: 26, only: true });
  expectClean('set localhost{ !bind };\n', 'script', { noWarnings: true });
});

test('point values: E0405 for variables that do not exist, E0305 for the wrong artifact', () => {
  expectDiagnostic('set localhost{ +bind=${docs}:/bind/x.bind };\n', 'script', 'E0405', { col: 22, only: true });
  expectDiagnostic('create a:b<Mechtron>{ +config=repo:a:1.0.0:/config/b.app };\n', 'script', 'E0305', { col: 52, only: true });
});

test('E0401, E0403 and E0004 on kinds in commands', () => {
  expectDiagnostic('create localhost:x<Mechtorn>;\n', 'script', 'E0401', { col: 20, only: true });
  expectDiagnostic('create localhost:x<Base<Usr>>;\n', 'script', 'E0403', { col: 25, only: true });
  const legacy = expectDiagnostic('create? repo:tutorial<ArtifactBundleSeries>;\n', 'script', 'E0004', { only: true });
  assert.is(legacy.suggestions[0]!.edits[0]!.newText, 'BundleSeries');
});

test('select: patterns are E0603, kinds are checked', () => {
  expectDiagnostic('select localhost:a*;\n', 'script', 'E0603', { col: 18, only: true });
  expectDiagnostic('select localhost:**<Mechtorn>;\n', 'script', 'E0401', { only: true });
  expectClean('select **<Mechtron>;\nselect localhost:app:*<File>;\nselect repo:hello:1.0.0;\n', 'script', { noWarnings: true });
});

test('send: the wave kind must be sendable and the method must exist', () => {
  expectClean('send localhost:hello Ext<Hello> "world";\nsend localhost:site Http<Get>;\n', 'script', { noWarnings: true });
  const http = expectDiagnostic('send localhost:hello Http<Fetch>;\n', 'script', 'E0102', { col: 27, only: true });
  assert.is(http.message, 'unknown Http method `Fetch`');
  expectDiagnostic('send localhost:hello Htp<Get>;\n', 'script', 'E0108', { only: true });
  expectDiagnostic('send localhost:hello Hyp<Init>;\n', 'script', 'E0115', { only: true });
});

test('get keys are property keys', () => {
  expectClean('get localhost{ bind, wasm.src };\n', 'script', { noWarnings: true });
});

test('W0601: one warning for everything after `exit`', () => {
  const d = expectDiagnostic('create? localhost<Space>;\nexit;\ncreate a<Space>;\ncreate b<Space>;\n', 'script', 'W0601', { line: 3, col: 1, only: true });
  assert.is(d.message, '2 commands after `exit` are never run');
  assert.equal(d.secondary.map((s) => s.label), ['the script ends here']);
});

test.run();

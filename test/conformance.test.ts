// Conformance: Starlane's own files (v1 must check with zero errors, legacy must be rejected with E0004
// pointing at `starc migrate`) and SPEC §10's accept/reject cases from Starlane's parser tests.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkFile, checkSource } from '../compiler/check-file.ts';

const CORPUS = '../shared/corpus/starlane';

for (const file of readdirSync(join(CORPUS, 'v1')).sort()) {
  test(`v1 corpus: ${file} checks with zero errors`, () => {
    const diagnostics = checkFile(file, readFileSync(join(CORPUS, 'v1', file), 'utf8'));
    const errors = diagnostics.filter((d) => d.severity === 'error');
    assert.equal(errors.map((d) => `${d.code} ${d.message}`), []);
  });
}

for (const file of readdirSync(join(CORPUS, 'legacy')).sort()) {
  test(`legacy corpus: ${file} is rejected with E0004 naming starc migrate`, () => {
    const diagnostics = checkFile(file, readFileSync(join(CORPUS, 'legacy', file), 'utf8'));
    const legacy = diagnostics.filter((d) => d.code === 'E0004');
    assert.ok(legacy.length >= 1, `expected E0004, got ${diagnostics.map((d) => d.code).join(', ') || 'nothing'}`);
    assert.ok(legacy.every((d) => d.help.some((h) => h.includes('starc migrate'))), 'E0004 help names `starc migrate`');
  });
}

const ACCEPT = [
  'Bind(version=1.0.0)  { Route<Http> -> { <Get> -> ((*)) => &; } }',
  'Bind(version=1.0.0) { Route -> { <*> -> { <Get>/users/(?P<user>[^/]+)/.* -> localhost:users:${user} => &; } } }',
  'Bind(version=1.0.0) { Route<Http>(auth)/users/ -[ Text ]-> { Get -> (()) => &; <Put>(auth role=admin) -> localhost:app => &; Post/users/scott -> localhost:app^Ext<SuperScott> => &; } }',
];

for (const text of ACCEPT) {
  test(`SPEC §10 accepts: ${text}`, () => {
    assert.equal(checkSource(text, 'bind').map((d) => `${d.code} ${d.message}`), []);
  });
}

const REJECT: [string, string, RegExp][] = [
  ['Bind(version=1.0.0) { * -> { } }', 'E0101', /`Route` needs to be defined/],
  ['Bind(version=1.0.0) { Route<Http<Get>> -> ; }', 'E0111', /step without a stop/],
  ['Bind(version=1.0.0) { Route<Http<Get>> = (()); }', 'E0110', /`=` is not a step/],
  ['Bind(version=1.0.0) { Route<Http<Get>> -[ Bin ]= &; }', 'E0110', /unterminated step/],
  ['Bind(version=2.0.0) { }', 'E0003', /unsupported version/],
  ['Bind { Http { <Get>/(.*) -> {{ }} => &; } }', 'E0004', /legacy/],
];

for (const [text, code, message] of REJECT) {
  test(`SPEC §10 rejects with one ${code}: ${text}`, () => {
    const diagnostics = checkSource(text, 'bind');
    assert.equal(diagnostics.map((d) => d.code), [code]);
    assert.match(diagnostics[0]!.message, message);
  });
}

test('the `=` step suggests `=>` and the broken close suggests `]=>`', () => {
  const [eq] = checkSource('Bind(version=1.0.0) { Route<Http<Get>> = (()); }', 'bind');
  assert.equal(eq!.suggestions[0]!.edits[0]!.newText, '=>');
  const [close] = checkSource('Bind(version=1.0.0) { Route<Http<Get>> -[ Bin ]= &; }', 'bind');
  assert.equal(close!.suggestions[0]!.edits[0]!.newText, ']=>');
});

test('E0004 on a legacy document says to run starc migrate', () => {
  const [d] = checkSource('Bind { Http { <Get>/(.*) -> {{ }} => &; } }', 'bind');
  assert.ok(d!.help.some((h) => h.includes('starc migrate')));
});

test.run();

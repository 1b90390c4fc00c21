// Points (SPEC §2), select patterns and kinds (SPEC §3): parsing, spans and the diagnostics they raise.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { KindRef, PointRef } from '../grammar/ast.ts';
import { canContain, checkKind, KINDS, parseKindText } from '../compiler/check/kind.ts';
import { checkPointVariables, DOCUMENT_VARIABLES, parsePoint, parseSelectPattern } from '../compiler/check/point.ts';
import { Reporter } from '../compiler/check/report.ts';
import { expectClean, expectDiagnostic } from './helpers/expect-diagnostics.ts';

/** A point written at offset `at` of some source. */
function ref(text: string, at = 0): PointRef {
  return { text, span: { start: at, end: at + text.length } };
}

function kindRef(text: string, at = 0): KindRef {
  const k = parseKindText(text, at);
  if (!k) throw new Error(`test kind \`${text}\` is not kind-shaped`);
  return k;
}

function point(text: string, at = 0) {
  const reporter = new Reporter();
  return { parsed: parsePoint(ref(text, at), reporter), diagnostics: reporter.diagnostics };
}

/** The source characters a diagnostic's primary span covers, for a point written at offset `at`. */
function underlined(text: string, at: number, d: { primary: { span: { start: number; end: number } } }): string {
  return text.slice(d.primary.span.start - at, d.primary.span.end - at);
}

// ---------------------------------------------------------------- points

test('the spec examples parse into segments of the right kinds', () => {
  const shapes: Record<string, string[]> = {
    localhost: ['space:localhost'],
    'localhost:my-app': ['space:localhost', 'base:my-app'],
    'repo:hello:1.0.0:/wasm/hello.wasm': ['space:repo', 'base:hello', 'version:1.0.0', 'dir:wasm', 'file:hello.wasm'],
    'GLOBAL::registry': ['space:registry'],
    '${doc.bundle}:/html/index.html': ['space:${doc.bundle}', 'dir:html', 'file:index.html'],
    'profiles:${user}': ['space:profiles', 'base:${user}'],
    'localhost:site:/html/': ['space:localhost', 'base:site', 'dir:html'],
  };
  for (const [text, expected] of Object.entries(shapes)) {
    const { parsed, diagnostics } = point(text);
    assert.equal(diagnostics, [], text);
    assert.equal(parsed?.segments.map((s) => `${s.kind}:${s.text}`), expected, text);
  }
});

test('routes, ROOT, versions and variables are reported with their spans', () => {
  const { parsed } = point('[hub]::repo:hello:2.1.0-beta:/site/${page}.html', 100);
  assert.is(parsed?.route?.kind, 'tag');
  assert.is(parsed?.version?.text, '2.1.0-beta');
  assert.is(parsed?.filePath?.text, '/site/${page}.html');
  assert.equal(parsed?.variables.map((v) => [v.name, v.span, v.nameSpan]), [
    ['page', { start: 135, end: 142 }, { start: 137, end: 141 }],
  ]);
  assert.ok(point('ROOT').parsed?.root);
  assert.is(point('GLOBAL::ROOT').parsed?.route?.kind, 'global');
});

test('a malformed point is one E0402 at the offending characters, with what was expected', () => {
  const cases: [string, string, RegExp][] = [
    ['localhost:MyApp', 'MyApp', /lowercase/],
    ['localhost:my_app', '_', /use `-`/],
    ['localhost:', ':', /expected a segment/],
    ['repo:hello:1.0.0:extra', ':extra', /only `:\/` may follow a version/],
    ['localhost:site/index.html', '/', /expected `:\/`/],
    ['localhost:site:/html//x', '/', /empty path segment/],
    ['localhost:site:/a?b', '?', /not allowed in a file path/],
    ['Global::x', 'Global', /not a route/],
    ['localhost:2fa', '2', /must start with a letter/],
    ['$x', '$', /expected `\{` after `\$`/],
  ];
  for (const [text, chars, label] of cases) {
    const { parsed, diagnostics } = point(text, 7);
    assert.is(parsed, undefined, text);
    assert.is(diagnostics.length, 1, text);
    assert.is(diagnostics[0]!.code, 'E0402', text);
    assert.is(diagnostics[0]!.message, `malformed point \`${text}\``);
    assert.is(underlined(text, 7, diagnostics[0]!), chars, text);
    assert.match(diagnostics[0]!.primary.label, label, text);
  }
});

test('close misses come with a fix: lowercase skewer segments, route keywords', () => {
  const [skewer] = point('localhost:MyApp').diagnostics;
  assert.equal(skewer!.suggestions[0]!.edits, [{ span: { start: 10, end: 15 }, newText: 'my-app' }]);
  const [route] = point('Global::x').diagnostics;
  assert.is(route!.suggestions[0]!.message, 'did you mean `GLOBAL`?');
});

test('a malformed version is E0407 with the semver it likely meant', () => {
  const { diagnostics } = point('repo:hello:1.0:/x.wasm');
  assert.is(diagnostics[0]!.code, 'E0407');
  assert.is(diagnostics[0]!.message, 'malformed version `1.0`');
  assert.equal(diagnostics[0]!.primary.span, { start: 11, end: 14 });
  assert.equal(diagnostics[0]!.suggestions[0]!.edits[0]!.newText, '1.0.0');
});

test('W0301: `${doc.bundle}/path` parses as `${doc.bundle}:/path`, with a machine fix inserting `:`', () => {
  const { parsed, diagnostics } = point('${doc.bundle}/wasm/x.wasm', 20);
  assert.is(parsed?.filePath?.text, '/wasm/x.wasm');
  assert.is(diagnostics.length, 1);
  const [d] = diagnostics;
  assert.is(d!.code, 'W0301');
  assert.equal(d!.primary.span, { start: 33, end: 34 });
  assert.equal(d!.suggestions[0]!.edits, [{ span: { start: 33, end: 33 }, newText: ':' }]);
  assert.is(d!.suggestions[0]!.applicability, 'machine');
});

test('checkPointVariables lists the names in scope and suggests the nearest', () => {
  const reporter = new Reporter();
  const parsed = parsePoint(ref('${doc.bundel}:/x', 4), reporter)!;
  assert.is(checkPointVariables(parsed, DOCUMENT_VARIABLES, reporter, 'E0405'), 1);
  const [d] = reporter.diagnostics;
  assert.is(d!.code, 'E0405');
  assert.is(d!.message, 'unknown variable `${doc.bundel}`');
  assert.equal(d!.primary.span, { start: 4, end: 17 });
  assert.match(d!.notes[0]!, /`\$\{doc\}`, `\$\{doc.bundle\}`, `\$\{self\}`/);
  assert.equal(d!.suggestions[0]!.edits, [{ span: { start: 6, end: 16 }, newText: 'doc.bundle' }]);
});

test('checkPointVariables maps Starlane 0.2 names and leaves positional captures to the caller if asked', () => {
  const reporter = new Reporter();
  const legacy = parsePoint(ref('${self.config.bundle}:/bind/app.bind'), reporter)!;
  checkPointVariables(legacy, DOCUMENT_VARIABLES, reporter, 'E0405');
  assert.is(reporter.diagnostics[0]!.suggestions[0]!.edits[0]!.newText, 'doc.bundle');
  const positional = parsePoint(ref('localhost:files:/$1'), reporter)!;
  assert.is(checkPointVariables(positional, new Set(), reporter, 'E0106', { skipPositional: true }), 0);
  assert.is(checkPointVariables(positional, new Set(['$1']), reporter, 'E0106'), 0);
});

// ---------------------------------------------------------------- select patterns

test('select patterns: `*`, `**`, versions, ranges and kind selectors', () => {
  const reporter = new Reporter();
  for (const text of ['**', 'localhost:**', 'localhost:app:*', 'repo:hello:(^1.0.0)', 'repo:hello:1.0.0', 'localhost:*<App>:**']) {
    assert.ok(parseSelectPattern(ref(text), reporter), text);
  }
  assert.equal(reporter.diagnostics, []);
  const s = parseSelectPattern(ref('localhost:*<File<Dir>>'), reporter)!;
  assert.equal(s.segments[1]!.kindSelector, { text: 'File<Dir>', span: { start: 12, end: 21 } });
});

test('a malformed select pattern is E0603 at the bad segment', () => {
  const reporter = new Reporter();
  assert.is(parseSelectPattern(ref('localhost:a*b'), reporter), undefined);
  assert.is(parseSelectPattern(ref('repo:hello:(^1.0)'), reporter), undefined);
  const [star, range] = reporter.diagnostics;
  assert.is(star!.code, 'E0603');
  assert.equal(star!.primary.span, { start: 10, end: 13 });
  assert.is(range!.suggestions[0]!.edits[0]!.newText, '(^1.0.0)');
});

// ---------------------------------------------------------------- kinds

function kind(text: string) {
  const reporter = new Reporter();
  return { resolved: checkKind(kindRef(text), reporter), diagnostics: reporter.diagnostics };
}

test('every kind of the spec resolves; aliases resolve to their kind', () => {
  for (const text of ['Space', 'Base<Repo>', 'File<Dir>', 'Artifact<Wasm>', 'UserBase<OAuth<keycloak.org:keycloak:server:21.0.0>>', 'Database<Relational<postgresql.org:postgres:server:15.0.0>>']) {
    const { resolved, diagnostics } = kind(text);
    assert.equal(diagnostics, [], text);
    assert.is(resolved?.text, text);
  }
  assert.is(kind('FileSystem').resolved?.base, 'FileStore');
  assert.is(kind('Database<Relational<aws:postgresql.org:postgres:server:15.0.0>>').resolved?.specific?.provider, 'aws');
});

test('E0401 unknown kind: lists the kinds, suggests the close one', () => {
  const { resolved, diagnostics } = kind('Mechtorn');
  assert.is(resolved, undefined);
  const [d] = diagnostics;
  assert.is(d!.code, 'E0401');
  assert.is(d!.message, 'unknown kind `Mechtorn`');
  assert.is(d!.primary.label, 'not a kind');
  assert.match(d!.notes[0]!, /^kinds are Space, Base, App, Mechtron/);
  assert.is(d!.suggestions[0]!.message, 'did you mean `Mechtron`?');
  assert.is(kind('Spreadsheet').diagnostics[0]!.suggestions.length, 0);
});

test('E0004 legacy kind names resolve to their v1 kind, with `starc migrate` and a fix', () => {
  const { resolved, diagnostics } = kind('ArtifactBundleSeries');
  assert.is(resolved?.base, 'BundleSeries');
  assert.is(diagnostics[0]!.code, 'E0004');
  assert.match(diagnostics[0]!.help[0]!, /starc migrate/);
  assert.equal(diagnostics[0]!.suggestions[0]!.edits[0]!.newText, 'BundleSeries');
  assert.is(kind('ArtifactBundle').resolved?.base, 'Bundle');
});

test('E0403: a sub-kind the kind does not take, listing the ones it takes', () => {
  const d = kind('Base<Usr>').diagnostics[0]!;
  assert.is(d.code, 'E0403');
  assert.equal(d.primary.span, { start: 5, end: 8 });
  assert.match(d.notes[0]!, /`Base` takes User, App, Mechtron, Database, Repo, Any/);
  assert.is(d.suggestions[0]!.message, 'did you mean `User`?');
  assert.is(kind('Space<App>').diagnostics[0]!.code, 'E0403');
  assert.is(kind('File<Dir<X>>').diagnostics[0]!.code, 'E0403');
});

test('E0404: a malformed specific points at the bad part', () => {
  const parts = kind('Database<Relational<postgresql.org:postgres:server:15.0>>').diagnostics[0]!;
  assert.is(parts.code, 'E0404');
  assert.equal(parts.primary.span, { start: 51, end: 55 });
  assert.is(parts.suggestions[0]!.edits[0]!.newText, '15.0.0');
  const count = kind('Database<Relational<postgres:15.0.0>>').diagnostics[0]!;
  assert.match(count.primary.label, /expected 4 or 5 parts/);
  assert.is(kind('Database<Relational<Postgres:pg:server:1.0.0>>').diagnostics[0]!.code, 'E0404');
});

test('canContain follows the parent column of SPEC §3', () => {
  assert.ok(canContain('Root', 'Space'));
  assert.ok(canContain('Root', 'Mechtron'));
  assert.ok(canContain('BundleSeries', 'Bundle'));
  assert.ok(canContain('File<Dir>', 'File'));
  assert.ok(canContain('Base<Repo>', 'BundleSeries'));
  assert.not.ok(canContain('File<File>', 'File'));
  assert.not.ok(canContain('Repo', 'Bundle'));
  assert.not.ok(canContain('Root', 'UserBase'));
  assert.not.ok(canContain('Space', 'Star'));
  assert.ok(KINDS.get('Star')?.system);
});

// ---------------------------------------------------------------- through the whole checker

test('points inside documents get absolute spans', () => {
  expectDiagnostic('create localhost:My-App<App>;', 'script', 'E0402', { line: 1, col: 18, only: true });
  expectDiagnostic('create repo:x:1.0<Bundle>;', 'script', 'E0407', { line: 1, col: 15, only: true });
  expectClean('create? localhost<Space>;\nselect localhost:**<Mechtron>;\n', 'script', { noWarnings: true });
});

test.run();

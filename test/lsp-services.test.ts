// The language services in-process, on an in-memory bundle: completion and hover as data (fixtures with a
// `<|>` cursor beside golden answers; `UPDATE=1` rewrites them), then definition, references, rename,
// symbols, semantic tokens, folding, formatting, code actions, diagnostics and the workspace's dependencies.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkFile } from '../compiler/check-file.ts';
import { sortByPosition } from '../compiler/diagnostics/render.ts';
import { completionsAt } from '../lsp/services/completion.ts';
import { hoverAt } from '../lsp/services/hover.ts';
import { definitionAt, prepareRenameAt, referencesAt, renameAt } from '../lsp/services/navigation.ts';
import { documentSymbols, type OutlineSymbol } from '../lsp/services/document-symbols.ts';
import { semanticTokens } from '../lsp/services/semantic-tokens.ts';
import { foldingRanges } from '../lsp/services/folding.ts';
import { formatDocument } from '../lsp/services/formatting.ts';
import { codeActions } from '../lsp/services/code-actions.ts';
import { diagnosticsOf } from '../lsp/services/diagnostics.ts';
import { applyEdits } from '../compiler/fix/apply-edits.ts';
import { memoryFileSystem } from '../lsp/workspace/file-system.ts';
import { Workspace } from '../lsp/workspace/workspace.ts';
import { ROOT } from './helpers/project.ts';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'lsp');
const CURSOR = '<|>';
const WASM_WITHOUT_ABI = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

/** An app dir in memory: a bundle with html, a schema, a wasm binary, and the install script that publishes it. */
function workspace(extra: Record<string, string | Uint8Array> = {}) {
  const fs = memoryFileSystem({
    '/app/install.script': 'publish ^[ bundle ]-> repo:site:1.0.0;\n',
    '/app/bundle/html/index.html': '<h1>hi</h1>',
    '/app/bundle/schema/user.json': '{"type":"object"}',
    '/app/bundle/wasm/hello.wasm': WASM_WITHOUT_ABI,
    '/app/bundle/router/site.router': 'Router(version=1.0.0) {\n}\n',
    ...extra,
  });
  return { fs, ws: new Workspace(fs) };
}

const FOLDER: Record<string, string> = { bind: 'bind', router: 'router', app: 'config', mechtron: 'config' };

function pathFor(name: string): string {
  const ext = name.slice(name.lastIndexOf('.') + 1);
  return ext === 'script' ? '/app/install.script' : `/app/bundle/${FOLDER[ext]}/${name}`;
}

/** Open `source` (with one `<|>`) in a fresh workspace; returns the document and the cursor offset. */
function openAt(name: string, source: string, extra: Record<string, string | Uint8Array> = {}) {
  const offset = source.indexOf(CURSOR);
  const { ws } = workspace(extra);
  const path = pathFor(name);
  const doc = ws.open(path, path, 1, offset >= 0 ? source.replace(CURSOR, '') : source);
  return { ws, doc, offset };
}

function golden(file: string, actual: string): void {
  const expected = `${file}.golden`;
  if (process.env['UPDATE'] === '1' || !existsSync(expected)) writeFileSync(expected, actual);
  assert.fixture(actual, readFileSync(expected, 'utf8'), file);
}

for (const service of ['completion', 'hover'] as const) {
  const dir = join(FIXTURES, service);
  for (const name of readdirSync(dir).filter((n) => !n.endsWith('.golden')).sort()) {
    test(`${service}: ${name}`, () => {
      const { ws, doc, offset } = openAt(name, readFileSync(join(dir, name), 'utf8'));
      let actual: string;
      if (service === 'completion') {
        const items = completionsAt(ws, doc, offset);
        assert.ok(items.length > 0, 'something is offered');
        for (const i of items) assert.ok(i.replace.start <= offset && i.replace.end === offset, `${i.label}: replaces the word before the cursor`);
        actual = items.map((i) => `${i.kind.padEnd(10)} ${i.label}${i.insertText !== i.label ? `  →  ${JSON.stringify(i.insertText)}` : ''}`).join('\n') + '\n';
      } else {
        const hover = hoverAt(ws, doc, offset);
        assert.ok(hover, 'a hover');
        assert.ok(hover.span.start <= offset && offset <= hover.span.end, 'the hover covers the cursor');
        actual = `${JSON.stringify(doc.text.slice(hover.span.start, hover.span.end))}\n${hover.contents}\n`;
      }
      golden(join(dir, name), actual);
    });
  }
}

// ------------------------------------------------------------------------------------------ navigation

const NESTED = `Bind(version=1.0.0) {
  Route<Http>/users/(?P<user>[a-z]+) -> {
    Get/(?P<tab>[a-z]+) -> profiles:\${user} => localhost^Cmd<Read>/\${tab}/\${user} => &;
    Post -> profiles:\${user} => &;
  }
  Route<Http<Get>>/other/(?P<user>.+) -> profiles:\${user} => &;
}
`;

const at = (text: string, needle: string, nth = 0, delta = 1) => {
  let i = -1;
  for (let k = 0; k <= nth; k++) i = text.indexOf(needle, i + 1);
  assert.ok(i >= 0, `${needle} #${nth} in the text`);
  return i + delta;
};
const texts = (text: string, spans: readonly { start: number; end: number }[]) => spans.map((s) => `${s.start}:${text.slice(s.start, s.end)}`);

test('definition of ${name} is the group of the enclosing path that defines it', () => {
  const { ws, doc } = openAt('a.bind', NESTED);
  const [def] = definitionAt(ws, doc, at(NESTED, '${user}', 0, 3));
  assert.equal(def!.span.start, NESTED.indexOf('user>'));
  const [other] = definitionAt(ws, doc, at(NESTED, '${user}', 3, 3));
  assert.equal(other!.span.start, NESTED.indexOf('user>', NESTED.indexOf('other')), 'a sibling route has its own `user`');
});

test('references of a capture: the group and every use that resolves to it, not a namesake elsewhere', () => {
  const { ws, doc } = openAt('a.bind', NESTED);
  const refs = referencesAt(ws, doc, at(NESTED, 'user>'), true);
  assert.equal(refs.length, 4);
  assert.ok(refs.every((r) => NESTED.slice(r.span.start, r.span.end) === 'user'));
  assert.ok(refs.every((r) => r.span.start < NESTED.indexOf('other')));
  assert.equal(referencesAt(ws, doc, at(NESTED, 'user>'), false).length, 3);
});

test('rename of a capture rewrites the group and its uses, and the result checks as before', () => {
  const { ws, doc } = openAt('a.bind', NESTED);
  const result = renameAt(doc, at(NESTED, '${user}', 1, 3), 'who');
  assert.ok('edits' in result);
  const renamed = applyEdits(NESTED, result.edits);
  assert.equal((renamed.match(/\$\{who\}/g) ?? []).length, 3);
  assert.ok(renamed.includes('(?P<who>') && renamed.includes('(?P<user>.+) -> profiles:${user}'));
  assert.equal(checkFile('a.bind', renamed).length, checkFile('a.bind', NESTED).length);
  void ws;
});

test('rename refuses a bad name, a name already in scope, and what is not a capture', () => {
  const { doc } = openAt('a.bind', NESTED);
  const use = at(NESTED, '${user}', 0, 3);
  assert.match(String((renameAt(doc, use, 'my-name') as { error: string }).error), 'not a capture name');
  assert.match(String((renameAt(doc, use, 'tab') as { error: string }).error), 'already a capture');
  assert.match(String((renameAt(doc, use, 'self') as { error: string }).error), 'document variable');
  assert.ok('error' in prepareRenameAt(doc, at(NESTED, 'Get')));
  const ok = prepareRenameAt(doc, use);
  assert.ok('span' in ok && ok.placeholder === 'user');
});

test('a point goes to its file: ${doc.bundle} in a bundle, a published point through install.script', () => {
  const bind = 'Bind(version=1.0.0) {\n  Route<Http<Get>>/ -> ${doc.bundle}:/html/index.html => &;\n  Route<Http<Get>>/r -> repo:site:1.0.0:/html/index.html => &;\n}\n';
  const { ws, doc } = openAt('a.bind', bind);
  assert.equal(definitionAt(ws, doc, at(bind, 'index'))[0]?.key, '/app/bundle/html/index.html');
  assert.equal(definitionAt(ws, doc, at(bind, 'index', 1))[0]?.key, '/app/bundle/html/index.html');
  const refs = referencesAt(ws, doc, at(bind, 'index'), false);
  assert.equal(texts(bind, refs.map((r) => r.span)), [`${bind.indexOf('${doc')}:\${doc.bundle}:/html/index.html`]);
  const script = 'publish ^[ bundle ]-> repo:site:1.0.0;\nset localhost{ +router=repo:site:1.0.0:/router/site.router };\n';
  const s = openAt('install.script', script);
  assert.equal(definitionAt(s.ws, s.doc, at(script, 'site.router'))[0]?.key, '/app/bundle/router/site.router');
});

// ------------------------------------------------------------------------------------------ document-wide

test('document symbols are the route outline', () => {
  const { doc } = openAt('a.bind', NESTED);
  const outline = (symbols: readonly OutlineSymbol[], depth = 0): string[] =>
    symbols.flatMap((s) => [`${'  '.repeat(depth)}${s.role} ${s.name}${s.detail ? ` ${s.detail}` : ''}`, ...outline(s.children, depth + 1)]);
  assert.equal(outline(documentSymbols(doc)), [
    'document Bind(version=1.0.0)',
    '  block Route<Http>/users/(?P<user>[a-z]+) { … }',
    '    route Get/(?P<tab>[a-z]+) -> profiles:${user} => localhost^Cmd<Read>/${tab}/${user} => &',
    '    route Post -> profiles:${user} => &',
    '  route Route<Http<Get>>/other/(?P<user>.+) -> profiles:${user} => &',
  ]);
  const mechtron = openAt('m.mechtron', 'Mechtron(version=1.0.0) {\n  Wasm {\n    +bin=${doc.bundle}:/wasm/hello.wasm;\n    +name=hello;\n  }\n}\n');
  assert.equal(documentSymbols(mechtron.doc)[0]!.children.map((s) => `${s.name}: ${s.children.map((c) => c.name).join(',')}`), ['Wasm: bin,name']);
});

test('semantic tokens classify levels, paths with captures, points with variables, steps and stops', () => {
  const text = '# routes\nBind(version=1.0.0) {\n  Route<Http<Get>>/u/(?P<user>.+) -> profiles:${user} => &;\n}\n';
  const { doc } = openAt('a.bind', text);
  const tokens = semanticTokens(doc).map((t) => `${t.type}:${text.slice(t.span.start, t.span.end)}`);
  assert.equal(tokens, [
    'comment:# routes', 'keyword:Bind', 'number:1.0.0', 'keyword:Route', 'type:Http', 'method:Get', 'regexp:/u/(?P<',
    'variable:user', 'regexp:>.+)', 'operator:->', 'string:profiles:', 'variable:${user}', 'operator:=>', 'operator:&',
  ]);
});

test('folding ranges: blocks and runs of comment lines', () => {
  const text = '# one\n# two\nBind(version=1.0.0) {\n  Route -> {\n    Http<Get> -> (( )) => &;\n  }\n}\n';
  const { doc } = openAt('a.bind', text);
  assert.equal(foldingRanges(doc), [
    { startLine: 0, endLine: 1, kind: 'comment' },
    { startLine: 2, endLine: 5, kind: 'region' },
    { startLine: 3, endLine: 4, kind: 'region' },
  ]);
});

test('formatting gives starc fmt\'s layout as the smallest edit, and refuses broken text', () => {
  const text = 'Bind(version=1.0.0) {\n  Route<Http<Get>>/ ->(( ))=>&;\n}\n';
  const { doc } = openAt('a.bind', text);
  const outcome = formatDocument(doc);
  assert.ok('edits' in outcome);
  assert.is(applyEdits(text, outcome.edits), 'Bind(version=1.0.0) {\n  Route<Http<Get>>/ -> (( )) => &;\n}\n');
  assert.ok(outcome.edits[0]!.span.start > 20, 'the unchanged start is kept');
  const broken = openAt('b.bind', 'Bind(version=1.0.0) {\n  Route<Http<Get>> -> ;\n}\n');
  assert.ok('refused' in formatDocument(broken.doc));
});

test('code actions: every suggestion as a quick fix (machine ones preferred), and fix-all as check --fix', () => {
  const text = 'Bind(version=1.0.0) {\n  Route<Http<Get>>/a -> {{ }} => &;\n  Route<Http<Get>>/b -> {{ }} => &;\n}\n';
  const { ws, doc } = openAt('a.bind', text);
  const actions = codeActions(ws, doc, { start: at(text, '{{'), end: at(text, '{{') });
  const quick = actions.filter((a) => a.kind === 'quickfix');
  assert.equal(quick.map((a) => `${a.diagnostic?.code} ${a.title} ${a.preferred}`), ['W0101 write `(( ))` true']);
  const all = actions.find((a) => a.kind === 'source.fixAll');
  assert.ok(all);
  assert.is(applyEdits(text, all.edits), text.replaceAll('{{ }}', '(( ))'));
  assert.equal(codeActions(ws, doc, { start: 0, end: 0 }, ['quickfix']).length, 0);
});

// ------------------------------------------------------------------------------------------ diagnostics and workspace

test('diagnostics are starc check\'s, with the bundle: artifacts, wasm ABI, schemas', () => {
  const text = 'Mechtron(version=1.0.0) {\n  Wasm {\n    +bin=${doc.bundle}:/wasm/hello.wasm;\n    +name=hello;\n  }\n}\n';
  const { ws, doc, fs } = { ...openAt('m.mechtron', text), fs: undefined };
  void fs;
  const diagnostics = diagnosticsOf(ws, doc);
  assert.equal(diagnostics.map((d) => d.code), ['E0303']);
  assert.equal(diagnostics, sortByPosition(checkFile(doc.path!, text, ws.bundleOf(doc))));
});

test('a change to a file re-checks the open documents that name it, not the others', () => {
  const { ws, fs } = workspace();
  const bind = ws.open('/app/bundle/bind/a.bind', '/app/bundle/bind/a.bind', 1, 'Bind(version=1.0.0) {\n  Route<Http<Get>>/ -> ${doc.bundle}:/html/new.html => &;\n}\n');
  const other = ws.open('/app/bundle/bind/b.bind', '/app/bundle/bind/b.bind', 1, 'Bind(version=1.0.0) {\n  Route<Ext<Hello>> -> (( )) => &;\n}\n');
  assert.equal(diagnosticsOf(ws, bind).map((d) => d.code), ['E0408']);
  fs.write('/app/bundle/html/new.html', 'new');
  ws.fileChanged('/app/bundle/html/new.html');
  assert.equal(ws.dependentsOf('/app/bundle/html/new.html').map((d) => d.key), [bind.key]);
  const again = ws.get(bind.key)!.withText(2, bind.text);
  assert.equal(diagnosticsOf(ws, again), [], 'the file now exists');
  void other;
  // An unsaved mechtron config is read from the editor, not the disk.
  const app = ws.open('/app/bundle/config/app.app', '/app/bundle/config/app.app', 1, 'App(version=1.0.0) {\n  Set {\n    +config=${doc.bundle}:/config/m.mechtron;\n  }\n}\n');
  assert.equal(diagnosticsOf(ws, app).map((d) => d.code), ['E0408']);
  ws.open('/app/bundle/config/m.mechtron', '/app/bundle/config/m.mechtron', 1, 'Mechtron(version=1.0.0) {\n}\n');
  assert.equal(ws.dependentsOf('/app/bundle/config/m.mechtron').map((d) => d.key), [app.key]);
  assert.equal(diagnosticsOf(ws, app.withText(2, app.text)), []);
});

test('incremental edits apply in order, each against the text before it', () => {
  const { ws } = workspace();
  ws.open('k', undefined, 1, 'Bind(version=1.0.0) {\n}\n', 'starlane-bind');
  const doc = ws.change('k', 2, [
    { span: { start: 22, end: 22 }, newText: '  Route<Ext<Hello>> -> (( ));\n' },
    { span: { start: 50, end: 50 }, newText: ' => &' },
  ])!;
  assert.is(doc.text, 'Bind(version=1.0.0) {\n  Route<Ext<Hello>> -> (( )) => &;\n}\n');
  assert.is(doc.kind, 'bind', 'an unsaved document takes its kind from the language id');
  assert.equal(diagnosticsOf(ws, doc), []);
});

test.run();

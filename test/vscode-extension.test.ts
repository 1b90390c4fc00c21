// The VS Code extension (vscode-extension/): its manifest's contributions point at files that exist and agree
// with the compiler (extensions, file kinds, grammars); the language configuration behaves; every snippet,
// expanded with its placeholders' defaults, checks clean. End to end: scripts/package-vscode.mjs packs a .vsix
// whose bundles need nothing but Node and VS Code, and whose server, run from a folder with no node_modules,
// answers an editor over stdio.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { checkSource, FILE_EXTENSIONS } from '../compiler/check-file.ts';
import { readZip, type ZipEntry } from '../compiler/bundle/zip.ts';
import type { FileKind } from '../grammar/ast.ts';
import { TEXTMATE_GRAMMARS } from '../grammar/textmate/grammars.ts';
import { documentKindOf } from '../lsp/workspace/document.ts';
import { ROOT } from './helpers/project.ts';

const EXTENSION = join(ROOT, 'vscode-extension');
const read = (path: string): string => readFileSync(join(EXTENSION, path), 'utf8');

interface Manifest {
  name: string;
  version: string;
  publisher: string;
  main: string;
  engines: { vscode: string };
  activationEvents: string[];
  devDependencies?: Record<string, string>;
  contributes: {
    languages: { id: string; extensions: string[]; configuration: string; aliases: string[] }[];
    grammars: { language: string; scopeName: string; path: string }[];
    snippets: { language: string; path: string }[];
    commands: { command: string; title: string }[];
    configuration: { properties: Record<string, { type: string }> };
  };
}
const manifest = JSON.parse(read('package.json')) as Manifest;
const contributes = manifest.contributes;
/** The file kind a contributed language id stands for, as the language server reads it. */
const kindOfLanguage = (id: string): FileKind => documentKindOf(undefined, id) as FileKind;

// ---------------------------------------------------------------- the manifest

test('the manifest names the extension, its engine, its entry and its activation', () => {
  assert.is(manifest.name, 'starc');
  assert.ok(manifest.publisher, 'a publisher is required to package');
  assert.is(manifest.engines.vscode, '^1.91.0');
  // vsce refuses @types/vscode newer than the engine.
  assert.is(manifest.devDependencies?.['@types/vscode'], '1.91.0');
  assert.is(manifest.main, './dist/extension.js');
  assert.ok(manifest.activationEvents.some((e) => e.startsWith('workspaceContains:')));
  assert.ok(!manifest.activationEvents.includes('*'), 'activation on startup slows every window');
  assert.ok(contributes.configuration.properties['starc.server.path']);
  assert.equal(contributes.commands.map((c) => c.command).sort(), ['starc.restartServer', 'starc.showOutput']);
});

test('the five languages: one per file kind, with the extensions starc check reads', () => {
  const byKind = new Map(contributes.languages.map((l) => [kindOfLanguage(l.id), l]));
  assert.is(byKind.size, 5);
  for (const [extension, kind] of Object.entries(FILE_EXTENSIONS)) {
    const language = byKind.get(kind);
    assert.ok(language, `no language for ${kind}`);
    assert.equal(language!.extensions, [extension]);
    assert.ok(existsSync(join(EXTENSION, language!.configuration)), language!.configuration);
  }
});

test('each language has the grammar grammar/textmate/ writes for its kind, and its snippets', () => {
  for (const language of contributes.languages) {
    const grammar = contributes.grammars.filter((g) => g.language === language.id);
    assert.is(grammar.length, 1, language.id);
    const source = TEXTMATE_GRAMMARS.find((g) => g.fileKind === kindOfLanguage(language.id))!;
    assert.is(grammar[0]!.scopeName, source.scopeName);
    // Written by scripts/package-vscode.mjs; the e2e test below checks the packed files.
    assert.is(grammar[0]!.path, `./syntaxes/${source.fileName}`);
    const snippets = contributes.snippets.filter((s) => s.language === language.id);
    assert.is(snippets.length, 1, language.id);
    assert.ok(existsSync(join(EXTENSION, snippets[0]!.path)), snippets[0]!.path);
  }
});

test('the client serves exactly the contributed languages and starts the bundled server', () => {
  const source = read('src/extension.ts');
  const languages = /const LANGUAGES = \[([^\]]*)\]/.exec(source)?.[1]?.match(/'[^']+'/g)?.map((s) => s.slice(1, -1));
  assert.equal(languages?.sort(), contributes.languages.map((l) => l.id).sort());
  assert.match(source, /path\.join\('dist', 'server\.js'\)/);
  assert.match(source, /\['lsp', '--stdio'\]/);
});

// ---------------------------------------------------------------- language configuration

test('the language configuration parses and its rules behave', () => {
  const config = JSON.parse(read('language-configuration.json')) as {
    comments: { lineComment: string };
    brackets: [string, string][];
    autoClosingPairs: { open: string; close: string }[];
    surroundingPairs: [string, string][];
    indentationRules: { increaseIndentPattern: string; decreaseIndentPattern: string };
    folding: { markers: { start: string; end: string } };
    wordPattern: string;
  };
  assert.is(config.comments.lineComment, '#');
  // `<` `>` are not brackets: `->` and `=>` would count as unmatched closers.
  assert.equal(config.brackets.map((b) => b.join('')).sort(), ['()', '[]', '{}']);
  for (const pair of ['{}', '[]', '()', '<>', '""', "''"]) {
    assert.ok(config.autoClosingPairs.some((p) => p.open + p.close === pair), `auto-closing ${pair}`);
    assert.ok(config.surroundingPairs.some((p) => p.join('') === pair), `surrounding ${pair}`);
  }
  const increase = new RegExp(config.indentationRules.increaseIndentPattern);
  const decrease = new RegExp(config.indentationRules.decreaseIndentPattern);
  for (const line of ['Bind(version=1.0.0) {', '  Route -> {', '  Route<Http> -> { # api', '  Wasm {']) assert.ok(increase.test(line), line);
  for (const line of ['create? x<Mechtron>{ +config=a:b };', '  Route<Http<Get>> -> (()) => &;', '# {']) assert.ok(!increase.test(line), line);
  assert.ok(decrease.test('  }') && !decrease.test('  Route -> {'));
  assert.ok(new RegExp(config.folding.markers.start).test('  # region routes') && new RegExp(config.folding.markers.end).test('# endregion'));
  const word = new RegExp(config.wordPattern, 'g');
  assert.equal('create? localhost:my-app<App> ${doc.bundle}'.match(word), ['create', 'localhost', 'my-app', 'App', '${doc.bundle}']);
});

// ---------------------------------------------------------------- snippets

/** A snippet body with every placeholder at its default (the first choice; a mirror takes its tabstop's). */
function expandSnippet(body: string): string {
  const defaults = new Map<string, string>();
  const expand = (text: string, from: number, nested: boolean): [string, number] => {
    let out = '';
    let i = from;
    while (i < text.length) {
      const c = text[i]!;
      if (c === '\\' && i + 1 < text.length && '$}\\,|'.includes(text[i + 1]!)) {
        out += text[i + 1];
        i += 2;
      } else if (c === '}' && nested) {
        return [out, i + 1];
      } else if (c === '$' && /[0-9]/.test(text[i + 1] ?? '')) {
        const n = /^[0-9]+/.exec(text.slice(i + 1))![0];
        out += defaults.get(n) ?? '';
        i += 1 + n.length;
      } else if (c === '$' && text[i + 1] === '{') {
        const head = /^\$\{([0-9]+|[A-Z_]+)(:|\||\})/.exec(text.slice(i));
        assert.ok(head, `bad placeholder at ${text.slice(i, i + 12)}`);
        const [whole, id, kind] = head!;
        i += whole.length;
        if (kind === '}') out += defaults.get(id!) ?? '';
        else if (kind === '|') {
          const end = text.indexOf('|}', i);
          const first = text.slice(i, end).split(',')[0]!;
          if (!defaults.has(id!)) defaults.set(id!, first);
          out += first;
          i = end + 2;
        } else {
          const [value, next] = expand(text, i, true);
          if (!defaults.has(id!)) defaults.set(id!, value);
          out += value;
          i = next;
        }
      } else {
        out += c;
        i++;
      }
    }
    return [out, i];
  };
  expand(body, 0, false); // the first pass learns every tabstop's default, for mirrors written before it
  return expand(body, 0, false)[0];
}

/** A route snippet is checked inside its document; a whole-document snippet as it is. */
function snippetDocument(kind: FileKind, text: string): string {
  if (kind === 'script' || /^(Bind|Router|App|Mechtron)\(/.test(text)) return text;
  const root = kind === 'router' ? 'Router' : 'Bind';
  return `${root}(version=1.0.0) {\n${text}\n}\n`;
}

test('snippet expansion follows the snippet syntax', () => {
  assert.is(expandSnippet('a ${1:x ${2:y}} $2 \\${doc} ${3|p,q|} $0'), 'a x y y ${doc} p ');
});

for (const { language, path } of contributes.snippets) {
  const kind = kindOfLanguage(language);
  test(`snippets of ${language} parse and each checks clean at its defaults`, () => {
    const snippets = JSON.parse(read(path)) as Record<string, { prefix: string | string[]; body: string | string[]; description: string }>;
    assert.ok(Object.keys(snippets).length > 0);
    for (const [name, snippet] of Object.entries(snippets)) {
      assert.ok(snippet.prefix.length > 0 && snippet.description, `${name}: prefix and description`);
      const body = Array.isArray(snippet.body) ? snippet.body.join('\n') : snippet.body;
      const text = snippetDocument(kind, expandSnippet(body));
      const problems = checkSource(text, kind).map((d) => `${d.code} ${d.message}`);
      assert.equal(problems, [], `${path} "${name}" expands to:\n${text}`);
    }
  });
}

// ---------------------------------------------------------------- packaging, end to end

/**
 * The `require("x")` calls of a CommonJS bundle that are not Node built-ins. One that starts a string literal
 * is code ajv writes for standalone validators (`'require("ajv/dist/runtime/equal").default'`), not a call.
 */
function externalRequires(bundle: string): string[] {
  const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
  const calls = [...bundle.matchAll(/(?<!['"`])\brequire\("([^"]+)"\)/g)].map((m) => m[1]!);
  return [...new Set(calls)].filter((m) => !builtins.has(m)).sort();
}

let packed: ZipEntry[] = [];

test('npm run package:vscode packs a .vsix with the bundles, grammars, snippets and manifest', () => {
  const run = spawnSync(process.execPath, ['scripts/package-vscode.mjs'], { cwd: ROOT, encoding: 'utf8' });
  assert.is(run.status, 0, `${run.stdout}\n${run.stderr}`);
  const vsix = join(EXTENSION, `starc-${manifest.version}.vsix`);
  const zip = readZip(readFileSync(vsix));
  assert.ok('entries' in zip, 'problem' in zip ? zip.problem : '');
  packed = 'entries' in zip ? zip.entries : [];
  const names = packed.map((e) => e.path);
  for (const required of [
    'extension.vsixmanifest',
    'extension/package.json',
    'extension/dist/extension.js',
    'extension/dist/server.js',
    'extension/dist/explanations/E0102.md',
    'extension/language-configuration.json',
    'extension/LICENSE.txt',
    ...contributes.grammars.map((g) => `extension/${g.path.slice(2)}`),
    ...contributes.snippets.map((s) => `extension/${s.path.slice(2)}`),
  ]) {
    assert.ok(names.includes(required), `${required} is missing from the .vsix`);
  }
  assert.ok(!names.some((n) => /(^|\/)(node_modules|src)\//.test(n) || n.endsWith('.ts')), `sources or node_modules packed: ${names.join(', ')}`);
  const entry = (name: string): string => Buffer.from(packed.find((e) => e.path === name)!.bytes).toString('utf8');
  assert.equal(JSON.parse(entry('extension/package.json')).contributes, contributes);
  for (const g of TEXTMATE_GRAMMARS) assert.equal(JSON.parse(entry(`extension/syntaxes/${g.fileName}`)), JSON.parse(JSON.stringify(g.grammar)));
  // Everything is bundled: the client needs only `vscode`, the server only Node.
  assert.equal(externalRequires(entry('extension/dist/extension.js')), ['vscode']);
  assert.equal(externalRequires(entry('extension/dist/server.js')), []);
});

/** One LSP message over stdio, framed as the base protocol frames it. */
function frame(message: object): string {
  const body = JSON.stringify({ jsonrpc: '2.0', ...message });
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

test("the packed server runs alone (no node_modules) and answers an editor's requests", async () => {
  assert.ok(packed.length > 0, 'the packaging test must run first');
  const dir = mkdtempSync(join(tmpdir(), 'starc-vsix-'));
  try {
    for (const e of packed.filter((e) => e.path.startsWith('extension/dist/'))) {
      const path = join(dir, e.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, e.bytes);
    }
    const server = spawn(process.execPath, [join(dir, 'extension/dist/server.js'), '--stdio'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
    const messages: { id?: number; method?: string; params?: any; result?: any }[] = [];
    let buffer = Buffer.alloc(0);
    let stderr = '';
    server.stderr.on('data', (d) => (stderr += d));
    const arrived = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer in time; got ${JSON.stringify(messages)}; stderr: ${stderr}`)), 20_000);
      server.stdout.on('data', (chunk: Buffer) => {
        buffer = Buffer.concat([buffer, chunk]);
        for (;;) {
          const head = buffer.indexOf('\r\n\r\n');
          if (head < 0) break;
          const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, head).toString())?.[1]);
          if (buffer.length < head + 4 + length) break;
          messages.push(JSON.parse(buffer.subarray(head + 4, head + 4 + length).toString()));
          buffer = buffer.subarray(head + 4 + length);
        }
        const hasDiagnostics = messages.some((m) => m.method === 'textDocument/publishDiagnostics');
        if (hasDiagnostics && messages.some((m) => m.id === 2)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const exited = new Promise<number | null>((resolve) => server.on('exit', resolve));
    server.stdin.write(frame({ id: 1, method: 'initialize', params: { processId: process.pid, rootUri: null, capabilities: {} } }));
    server.stdin.write(frame({ method: 'initialized', params: {} }));
    const text = 'Bind(version=1.0.0) {\n  Route<Http<Fetch>>/x -> (()) => &;\n}\n';
    server.stdin.write(frame({ method: 'textDocument/didOpen', params: { textDocument: { uri: 'untitled:Untitled-1', languageId: 'starlane-bind', version: 1, text } } }));
    server.stdin.write(frame({ id: 2, method: 'textDocument/hover', params: { textDocument: { uri: 'untitled:Untitled-1' }, position: { line: 1, character: 9 } } }));
    await arrived;
    const init = messages.find((m) => m.id === 1)?.result;
    assert.ok(init?.capabilities?.textDocumentSync, 'initialize answered with capabilities');
    const diagnostics = messages.find((m) => m.method === 'textDocument/publishDiagnostics')!.params.diagnostics as { code: string }[];
    // The same diagnostics as starc check, found through the language id alone (an unsaved document).
    assert.equal(diagnostics.map((d) => d.code), checkSource(text, 'bind').map((d) => d.code));
    assert.ok(diagnostics.some((d) => d.code === 'E0102'));
    server.stdin.write(frame({ id: 3, method: 'shutdown' }));
    server.stdin.write(frame({ method: 'exit' }));
    assert.is(await exited, 0, stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();

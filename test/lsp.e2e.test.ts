// `starc lsp --stdio` end to end: the built binary as a child process, spoken to over JSON-RPC as an editor
// does (vscode-jsonrpc's stream reader and writer): initialize, open files of a bundle, of the corpus and of a
// sample, await their diagnostics, ask every feature at chosen positions, edit, shut down and exit.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { project, removeProjects, requireBuiltBinary, ROOT, STARC_BIN } from './helpers/project.ts';
import { findCorpusDir } from './fuzz/generators.ts';

interface Published { uri: string; version?: number; diagnostics: { code?: string; message: string; range: Range; codeDescription?: { href: string }; relatedInformation?: unknown[] }[] }
interface Range { start: { line: number; character: number }; end: { line: number; character: number } }

const BIND = `Bind(version=1.0.0) {
  Route<Http>/users/(?P<user>[a-z]+) -> {
    Get -> profiles:\${user} => &;
    Post -> profiles:\${user} => &;
  }
  Route<Http<Fetch>>/x -> \${doc.bundle}:/html/index.html => &;
  Route<Ext<Hello>> -> {{ }} => &;
}
`;
const ROUTER = 'Router(version=1.0.0) {\n  Route<Http<Get>>/ ->${doc.bundle}:/html/index.html=>&;\n}\n';
const MECHTRON = 'Mechtron(version=1.0.0) {\n  Wasm {\n    +bin=${doc.bundle}:/wasm/hello.wasm;\n    +name=hello;\n  }\n}\n';

let child: ChildProcess;
let rpc: MessageConnection;
let dir: string;
const published = new Map<string, Published[]>();
const waiters: (() => void)[] = [];
let stderr = '';

const uriOf = (path: string) => pathToFileURL(path).href;
const pos = (line: number, character: number) => ({ line, character });

/** The next diagnostics published for `uri` after `since` earlier ones. */
async function diagnosticsFor(uri: string, since = 0): Promise<Published> {
  for (let i = 0; i < 200; i++) {
    const list = published.get(uri) ?? [];
    if (list.length > since) return list[list.length - 1]!;
    await new Promise<void>((resolve) => {
      waiters.push(resolve);
      setTimeout(resolve, 50);
    });
  }
  throw new Error(`no diagnostics for ${uri}; server stderr: ${stderr}`);
}

function open(path: string, languageId: string, text = readFileSync(path, 'utf8')): string {
  const uri = uriOf(path);
  rpc.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  return uri;
}

test.before(async () => {
  requireBuiltBinary();
  dir = project({
    'install.script': 'publish ^[ bundle ]-> repo:site:1.0.0;\nset localhost{ +router=repo:site:1.0.0:/router/site.router };\n',
    'bundle/bind/app.bind': BIND,
    'bundle/router/site.router': ROUTER,
    'bundle/config/hello.mechtron': MECHTRON,
    'bundle/html/index.html': '<h1>hi</h1>',
    'bundle/wasm/hello.wasm': new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]),
  }, 'starc-lsp-');
  child = spawn(process.execPath, [STARC_BIN, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stderr!.on('data', (d) => (stderr += d));
  rpc = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  rpc.onNotification('textDocument/publishDiagnostics', (p: Published) => {
    published.set(p.uri, [...(published.get(p.uri) ?? []), p]);
    for (const w of waiters.splice(0)) w();
  });
  rpc.onNotification("window/logMessage", (p: { message: string }) => {
    stderr += `${p.message}\n`;
  });
  rpc.listen();
  const init = await rpc.sendRequest<{ capabilities: Record<string, unknown>; serverInfo: { name: string } }>('initialize', {
    processId: process.pid,
    rootUri: uriOf(dir),
    workspaceFolders: [{ uri: uriOf(dir), name: 'app' }],
    capabilities: {},
  });
  assert.is(init.serverInfo.name, 'starc');
  assert.equal((init.capabilities['textDocumentSync'] as { change: number }).change, 2, 'incremental sync');
  rpc.sendNotification('initialized', {});
});

test.after(async () => {
  removeProjects();
  if (child.exitCode === null) child.kill();
});

test('diagnostics are those of starc check, with codes, explanation links and related spans', async () => {
  const uri = open(join(dir, 'bundle/bind/app.bind'), 'starlane-bind');
  const { diagnostics } = await diagnosticsFor(uri);
  assert.equal(diagnostics.map((d) => d.code), ['E0102', 'W0101']);
  const [e0102] = diagnostics;
  assert.equal(e0102!.range, { start: pos(5, 13), end: pos(5, 18) });
  assert.is(e0102!.message.split('\n')[0], 'unknown Http method `Fetch`');
  const href = e0102!.codeDescription?.href ?? '';
  assert.match(href, /^file:\/\/.*\/explanations\/E0102\.md$/);
  assert.ok(existsSync(fileURLToPath(href)), `the explanation ${href} exists`);
  const mechtron = open(join(dir, 'bundle/config/hello.mechtron'), 'starlane-mechtron');
  assert.equal((await diagnosticsFor(mechtron)).diagnostics.map((d) => d.code), ['E0303'], 'the wasm beside it is read');
});

test('corpus and sample files open clean', async () => {
  const corpus = findCorpusDir();
  const files = [join(ROOT, 'samples/site/bundle/router/site.router'), ...(corpus ? [join(corpus, 'v1/tutorial-lesson-3-bundle-bind--localhost.bind'), join(corpus, 'v1/tutorial-hello--install.script')] : [])];
  for (const file of files) {
    const uri = open(file, 'starlane');
    const { diagnostics } = await diagnosticsFor(uri);
    assert.equal(diagnostics.filter((d) => !d.code?.startsWith('W')).map((d) => d.code), [], file);
  }
});

test('completion, hover, definition, references, rename, symbols', async () => {
  const uri = uriOf(join(dir, 'bundle/bind/app.bind'));
  const at = { textDocument: { uri } };
  const completion = await rpc.sendRequest<{ items: { label: string }[] }>('textDocument/completion', { ...at, position: pos(2, 20) });
  assert.ok(completion.items.some((i) => i.label === '${user}'), 'the capture in scope');
  const methods = await rpc.sendRequest<{ items: { label: string }[] }>('textDocument/completion', { ...at, position: pos(5, 13) });
  assert.ok(methods.items.some((i) => i.label === 'Patch'));
  const hover = await rpc.sendRequest<{ contents: { value: string } }>('textDocument/hover', { ...at, position: pos(1, 9) });
  assert.match(hover.contents.value, 'wave kind **Http**');
  const definition = await rpc.sendRequest<{ uri: string; range: Range }[]>('textDocument/definition', { ...at, position: pos(2, 26) });
  assert.equal(definition, [{ uri, range: { start: pos(1, 24), end: pos(1, 28) } }]);
  const file = await rpc.sendRequest<{ uri: string }[]>('textDocument/definition', { ...at, position: pos(5, 40) });
  assert.is(file[0]?.uri, uriOf(join(dir, 'bundle/html/index.html')));
  const refs = await rpc.sendRequest<unknown[]>('textDocument/references', { ...at, position: pos(1, 25), context: { includeDeclaration: true } });
  assert.is(refs.length, 3);
  const rename = await rpc.sendRequest<{ changes: Record<string, unknown[]> }>('textDocument/rename', { ...at, position: pos(3, 24), newName: 'who' });
  assert.is(rename.changes[uri]!.length, 3);
  const refused = await rpc.sendRequest('textDocument/rename', { ...at, position: pos(1, 3), newName: 'who' }).then(() => 'accepted', (e: Error) => e.message);
  assert.match(String(refused), 'only capture variables');
  const symbols = await rpc.sendRequest<{ name: string; children: { name: string }[] }[]>('textDocument/documentSymbol', at);
  assert.equal(symbols[0]!.children.map((s) => s.name), ['Route<Http>/users/(?P<user>[a-z]+)', 'Route<Http<Fetch>>/x', 'Route<Ext<Hello>>']);
  const tokens = await rpc.sendRequest<{ data: number[] }>('textDocument/semanticTokens/full', at);
  assert.ok(tokens.data.length > 0 && tokens.data.length % 5 === 0);
  const folds = await rpc.sendRequest<unknown[]>('textDocument/foldingRange', at);
  assert.is(folds.length, 2);
});

test('formatting and code actions', async () => {
  const router = open(join(dir, 'bundle/router/site.router'), 'starlane-router');
  await diagnosticsFor(router);
  const edits = await rpc.sendRequest<{ newText: string }[]>('textDocument/formatting', { textDocument: { uri: router }, options: { tabSize: 2, insertSpaces: true } });
  assert.is(edits.length, 1);
  assert.match(edits[0]!.newText, ' => ');
  const bind = uriOf(join(dir, 'bundle/bind/app.bind'));
  const actions = await rpc.sendRequest<{ title: string; kind: string; isPreferred?: boolean }[]>('textDocument/codeAction', {
    textDocument: { uri: bind },
    range: { start: pos(6, 23), end: pos(6, 23) },
    context: { diagnostics: [] },
  });
  assert.equal(actions.map((a) => `${a.kind} ${a.title}`), ['quickfix write `(( ))`', 'source.fixAll Fix all auto-fixable problems (1)']);
  assert.ok(actions[0]!.isPreferred);
});

test('an incremental edit re-publishes, and a change to a named file re-checks its dependents', async () => {
  const uri = uriOf(join(dir, 'bundle/bind/app.bind'));
  const before = published.get(uri)!.length;
  rpc.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: pos(5, 13), end: pos(5, 18) }, text: 'Patch' }] });
  const after = await diagnosticsFor(uri, before);
  assert.is(after.version, 2);
  assert.equal(after.diagnostics.map((d) => d.code), ['W0101']);
  // The app names a mechtron config that exists only once the editor opens it.
  const app = open(join(dir, 'bundle/config/app.app'), 'starlane-app', 'App(version=1.0.0) {\n  Set {\n    +config=${doc.bundle}:/config/new.mechtron;\n  }\n}\n');
  assert.equal((await diagnosticsFor(app)).diagnostics.map((d) => d.code), ['E0408']);
  const seen = published.get(app)!.length;
  open(join(dir, 'bundle/config/new.mechtron'), 'starlane-mechtron', MECHTRON);
  assert.equal((await diagnosticsFor(app, seen)).diagnostics, [], 'the app is re-checked when the file it names appears');
});

test('shutdown and exit end the process with status 0', async () => {
  await rpc.sendRequest('shutdown');
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  rpc.sendNotification('exit');
  assert.is(await exited, 0);
  assert.not.match(stderr, 'internal error');
});

test.run();

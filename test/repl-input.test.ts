// The REPL's pure parts: when input is complete, how piped input splits into entries, meta commands by unique
// prefix, completion candidates, syntax colouring from the lexer, and the history file.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { completionsAt, commonPrefix, type CompletionSource } from '../cli/repl/completion.ts';
import { helpFor, lookupMeta } from '../cli/repl/help.ts';
import { highlightLines } from '../cli/repl/highlight.ts';
import { History } from '../cli/repl/history.ts';
import { isCompleteInput, splitEntries } from '../cli/repl/input.ts';
import { colorPaint, plainPaint } from '../cli/repl/paint.ts';
import { formatResult } from '../cli/repl/format.ts';

test('input is complete at a top-level `;`, not inside braces or strings', () => {
  for (const text of ['select **;', 'create a<Space>{ +x="a;b" };', ':q', '# only a comment', 'get a;\n']) assert.ok(isCompleteInput(text), text);
  for (const text of ['select **', 'set a{ +x=1;', 'create a<Space>{ +x="a;', 'set a{\n +x=1 }']) assert.not.ok(isCompleteInput(text), text);
});

test('piped input splits into meta lines and complete scripts', () => {
  assert.equal(splitEntries(':help get\ncreate a<Space>;\nset a{\n +x=1\n};\n\n# c\nselect *'), [
    { kind: 'meta', name: 'help', args: 'get' },
    { kind: 'script', text: 'create a<Space>;' },
    { kind: 'script', text: 'set a{\n +x=1\n};' },
    { kind: 'script', text: 'select *' },
  ]);
});

test('meta commands by unique prefix; help per command', () => {
  assert.equal(lookupMeta('q'), { ok: true, name: 'quit' });
  assert.equal(lookupMeta('EXP'), { ok: true, name: 'explain' });
  const unknown = lookupMeta('x');
  assert.not.ok(unknown.ok);
  if (!unknown.ok) assert.match(unknown.message, /unknown meta command `:x`: the meta commands are `:help`/);
  assert.match(helpFor('create?') ?? '', /^create\[\?\|!\] POINT/);
  assert.match(helpFor(':l') ?? '', /^:load FILE/);
  assert.is(helpFor('nothing'), undefined);
});

const source: CompletionSource = {
  cwd: '/',
  childPoints: async (parent) => (parent === undefined ? ['localhost', 'repo'] : parent === 'localhost' ? ['localhost:app', 'localhost:api'] : []),
  propertyKeys: async (point) => (point === 'localhost' ? ['router', 'title'] : []),
};

test('completion: commands, points, kinds, sub-kinds, property keys, meta names and codes', async () => {
  const at = async (text: string) => (await completionsAt(text, text.length, source)).candidates;
  assert.equal(await at('se'), ['select', 'set', 'send']);
  assert.equal(await at('get lo'), ['localhost']);
  assert.equal(await at('get localhost:a'), ['localhost:api', 'localhost:app']);
  assert.equal(await at('create localhost:x<Ba'), ['Base']);
  assert.equal(await at('create localhost:x<File<D'), ['Dir']);
  assert.equal(await at('set localhost{ +ti'), ['title']);
  assert.equal(await at('get localhost{ r'), ['router']);
  assert.equal(await at('select a; del'), ['delete', 'delete?']);
  assert.equal(await at(':wa'), ['watch']);
  const codes = await at(':explain e040');
  assert.ok(codes.includes('E0401') && codes.every((c) => c.startsWith('E040')), codes.join());
  assert.equal(await at(':watch loc'), ['localhost']);
  assert.is(commonPrefix(['localhost:app', 'localhost:api']), 'localhost:ap');
  const replaced = await completionsAt('get localhost{ +ti', 18, source);
  assert.is(replaced.start, 'get localhost{ +'.length, 'the sign stays');
});

test('colouring follows the lexer: keywords, points, kinds, strings, refused characters', () => {
  const [line] = highlightLines('create? a:b<Base>{ +t="x" }; @', undefined, colorPaint);
  assert.match(line!, /\x1b\[35mcreate\x1b\[0m/);
  assert.match(line!, /\x1b\[36ma:b\x1b\[0m/);
  assert.match(line!, /\x1b\[33mBase\x1b\[0m/);
  assert.match(line!, /\x1b\[32m"x"\x1b\[0m/);
  assert.match(line!, /\x1b\[31m@\x1b\[0m/);
  assert.equal(highlightLines('get a;\nb', undefined, plainPaint), ['get a;', 'b']);
  assert.equal(highlightLines('ab', 1, (s, t) => (s === 'inverse' ? `[${t}]` : t)), ['a[b]']);
});

test('history: entries across sessions (multi-line ones too), no repeats, a torn line skipped', () => {
  const dir = mkdtempSync(join(tmpdir(), 'starc-history-'));
  try {
    const file = join(dir, 'repl-history');
    const first = History.load(file);
    first.add('select *;');
    first.add('select *;');
    first.add('set a{\n +x=1 };');
    writeFileSync(file, readFileSync(file, 'utf8') + '"torn');
    const second = History.load(file);
    assert.equal(second.all(), ['select *;', 'set a{\n +x=1 };']);
    assert.is(second.entryBack(1), 'set a{\n +x=1 };');
    assert.equal(second.search('sel'), { back: 2, entry: 'select *;' });
    assert.is(second.search('sel', 2), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('send shows the Pong: status, headers, body pretty-printed; errors carry their code', () => {
  const pong = { kind: 'Pong', status: 200, headers: { 'content-type': 'application/json' }, body: { kind: 'Json', value: { hello: 'world', n: [1, 2] } } };
  assert.is(
    formatResult({ command: 'send localhost:hello Ext<Hello>', ok: true, value: pong }, plainPaint, { color: false }),
    '200 Pong\ncontent-type: application/json\n{\n  "hello": "world",\n  "n": [\n    1,\n    2\n  ]\n}',
  );
  assert.match(formatResult({ command: 'send a Ext<X>', ok: true, value: { status: 404, headers: {}, body: { kind: 'Err', status: 404, message: 'no route' } } }, colorPaint, { color: true }), /\x1b\[31m404\x1b\[0m/);
  assert.is(formatResult({ command: 'delete a', ok: false, error: { code: 'not-found', message: 'no particle `a`' } }, plainPaint, { color: false }), 'error[not-found]: no particle `a`');
});

test.run();

// `starc explain`: every registry code has an explanation in the agreed shape, and every explanation a code;
// the examples parse as their language; the command prints, lists and reports unknown codes.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { FileKind } from '../grammar/ast.ts';
import { parseDocument } from '../grammar/parser.ts';
import {
  examplesOfMarkdown,
  explainedCodes,
  explanationExamples,
  explanationOf,
  nearestCodes,
} from '../compiler/diagnostics/explain.ts';
import { CODES } from '../compiler/diagnostics/registry.ts';
import { runExplain } from '../cli/commands/explain.ts';
import type { CliIo } from '../cli/io.ts';
import { memoryIo } from './helpers/memory-io.ts';

const LANGUAGES: ReadonlySet<string> = new Set<FileKind>(['bind', 'router', 'app', 'mechtron', 'script']);
/** Files an example may carry beside the Starlane file it checks (a JSON Schema in the bundle). */
const SUPPORTING = new Set(['json']);
/** The settings codes (E08xx) are about `starc.yaml`: their examples are `yaml` blocks (checked in explain-examples). */
const SETTINGS_LANGUAGES = new Set(['yaml']);
const isSettingsCode = (code: string) => code.startsWith('E08');

test('every registry code has an explanation file, and every file a registry code', () => {
  const files = explainedCodes();
  assert.equal(files, [...CODES.keys()].sort());
});

test('each explanation starts with a `# CODE: title` line in lowercase and stays short', () => {
  for (const code of CODES.keys()) {
    const text = explanationOf(code)!;
    const first = text.split('\n')[0]!;
    assert.ok(new RegExp(`^# ${code}: [a-z\`]`).test(first), `${code}: title line is \`${first}\``);
    assert.not.ok(first.endsWith('.'), `${code}: title ends with a period`);
    const lines = text.trimEnd().split('\n').length;
    assert.ok(lines >= 15 && lines <= 40, `${code}: ${lines} lines (keep to 15-40)`);
  }
});

test('each explanation has an erroneous and a fixed example, led by a Starlane file', () => {
  for (const code of CODES.keys()) {
    const { erroneous, fixed } = explanationExamples(code);
    for (const [name, group] of [['erroneous', erroneous], ['fixed', fixed]] as const) {
      assert.ok(group.length > 0, `${code}: no ${name} example`);
      const leading = isSettingsCode(code) ? SETTINGS_LANGUAGES : LANGUAGES;
      assert.ok(leading.has(group[0]!.lang), `${code}: the ${name} example starts with a \`${group[0]!.lang}\` block`);
      for (const block of group) {
        const known = isSettingsCode(code) ? SETTINGS_LANGUAGES.has(block.lang) : LANGUAGES.has(block.lang) || SUPPORTING.has(block.lang);
        assert.ok(known, `${code}: unknown fence language \`${block.lang}\``);
        assert.ok(block.text.trim().length > 0, `${code}: empty ${name} block`);
      }
    }
    const text = (g: typeof erroneous) => g.map((b) => `${b.file}\n${b.text}`).join('\n');
    assert.not.equal(text(erroneous), text(fixed), `${code}: the fixed example is the erroneous one`);
  }
});

test('fixed examples parse clean as their language; erroneous ones parse', () => {
  for (const code of CODES.keys()) {
    const { erroneous, fixed } = explanationExamples(code);
    for (const block of fixed.filter((b) => LANGUAGES.has(b.lang))) {
      const { diagnostics } = parseDocument(block.text, block.lang as FileKind);
      assert.equal(diagnostics.map((d) => `${d.code}: ${d.message}`), [], `${code}: fixed ${block.file}`);
    }
    for (const block of erroneous.filter((b) => LANGUAGES.has(b.lang))) {
      parseDocument(block.text, block.lang as FileKind);
    }
  }
});

test('examples are the fence runs right after the markers; `file=` names the path', () => {
  const markdown = [
    '# E0000: test',
    '',
    '```bind',
    'not an example',
    '```',
    '',
    'Erroneous code example:',
    '',
    '```bind file=bundle/bind/a.bnd',
    'wrong',
    '```',
    '',
    '```json file=bundle/schema/s.json',
    '{}',
    '```',
    '',
    'Some prose.',
    '',
    '```bind',
    'a note, not an example',
    '```',
    '',
    'Fixed code example:',
    '',
    '```bind',
    'right',
    '',
    '```',
  ].join('\n');
  assert.equal(examplesOfMarkdown(markdown), {
    erroneous: [
      { lang: 'bind', text: 'wrong\n', file: 'bundle/bind/a.bnd' },
      { lang: 'json', text: '{}\n', file: 'bundle/schema/s.json' },
    ],
    fixed: [{ lang: 'bind', text: 'right\n\n', file: 'example.bind' }],
  });
});

test('explanationOf takes codes in any case and knows only registry codes', () => {
  const text = explanationOf('E0102');
  assert.ok(text?.startsWith('# E0102: '));
  assert.is(explanationOf('e0102'), text);
  assert.is(explanationOf(' w0101 ')?.split('\n')[0], explanationOf('W0101')?.split('\n')[0]);
  assert.is(explanationOf('E9999'), undefined);
  assert.is(explanationOf('../registry'), undefined);
});

test('nearestCodes finds the codes one typo away', () => {
  assert.equal(nearestCodes('E0120', 2), ['E0102', 'E0110']);
  assert.equal(nearestCodes('e0120', 2), ['E0102', 'E0110']);
  assert.is(nearestCodes('W0105', 5).length, 5);
});

// ---------------------------------------------------------------- the command

/** The command's io, with `out()` and `err()` for what it wrote. */
function fakeIo(): { io: CliIo; out: () => string; err: () => string } {
  const m = memoryIo();
  return { io: m.io, out: m.stdout, err: m.stderr };
}

test('`starc explain e0102` prints the explanation', async () => {
  const { io, out, err } = fakeIo();
  assert.is(await runExplain(['e0102'], io), 0);
  assert.is(out(), explanationOf('E0102'));
  assert.is(err(), '');
});

test('`starc explain E0120` names the nearest codes and exits 2', async () => {
  const { io, out, err } = fakeIo();
  assert.is(await runExplain(['E0120'], io), 2);
  assert.is(out(), '');
  assert.ok(err().startsWith('error: no such diagnostic code `E0120`\n'), err());
  assert.match(err(), /the nearest codes are\n {2}E0102 {2}a method that does not exist for its wave kind\n/);
  assert.match(err(), /E0110/);
});

test('`starc explain` without a code, or with two, is a usage error', async () => {
  for (const args of [[], ['E0101', 'E0102'], ['--nope']]) {
    const { io, out, err } = fakeIo();
    assert.is(await runExplain(args, io), 2, args.join(' '));
    assert.is(out(), '');
    assert.match(err(), /^error: /);
  }
});

test('`starc explain --list` prints every code with severity and summary', async () => {
  const { io, out } = fakeIo();
  assert.is(await runExplain(['--list'], io), 0);
  const lines = out().trimEnd().split('\n');
  assert.is(lines.length, CODES.size);
  assert.ok(lines.includes('E0102  error    a method that does not exist for its wave kind'));
  assert.ok(lines.includes('W0103  warning  an unreachable route'));
});

test('the explanation is styled only on a colour terminal', async () => {
  const { io, out } = fakeIo();
  const tty: CliIo = { ...io, stdout: { ...io.stdout, isTTY: true }, env: { TERM: 'xterm' } };
  assert.is(await runExplain(['E0102'], tty), 0);
  assert.match(out(), /\x1b\[1m# E0102/);
  const { io: plain, out: plainOut } = fakeIo();
  await runExplain(['E0102'], { ...plain, stdout: { ...plain.stdout, isTTY: true }, env: { NO_COLOR: '1' } });
  assert.not.match(plainOut(), /\x1b\[/);
});

test.run();

// `starc fmt`: golden layouts per file kind (test/fixtures/fmt/<name>.<ext> → <name>.formatted.<ext>), and the
// formatter's three guarantees as properties on generated documents and on the corpus: the output parses to
// the same AST (spans aside), formatting is idempotent, and every comment is kept in order. Also the CLI in
// process: --check, --write, printing, and refusal on syntax errors. `UPDATE=1` rewrites the goldens.

import fc from 'fast-check';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../cli/main.ts';
import type { CliIo } from '../cli/io.ts';
import { formatSource } from '../compiler/format/format.ts';
import { firstAstDifference } from '../compiler/format/same-ast.ts';
import type { FileKind } from '../grammar/ast.ts';
import { parseDocument } from '../grammar/parser.ts';
import { anyValidDocumentArb, loadCorpus, type SourceDoc } from './fuzz/generators.ts';

const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : 20_240_611;
const RUNS = 1_000;
const FIXTURES = 'test/fixtures/fmt';

function format(text: string, kind: FileKind): string {
  const result = formatSource(text, kind);
  if ('error' in result) throw new Error(`cannot format (${result.error}):\n${text}`);
  return result.text;
}

/** The three guarantees for one document; returns what failed, or undefined. */
function guaranteeProblem(doc: SourceDoc): string | undefined {
  const before = parseDocument(doc.text, doc.fileKind);
  const once = format(doc.text, doc.fileKind);
  const after = parseDocument(once, doc.fileKind);
  const errors = after.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) return `output has errors: ${errors.map((d) => d.message).join('; ')}\n${once}`;
  const difference = firstAstDifference(before.ast, after.ast);
  if (difference) return `AST changed at ${difference}\n--- input\n${doc.text}\n--- output\n${once}`;
  const twice = format(once, doc.fileKind);
  if (twice !== once) return `not idempotent\n--- once\n${once}\n--- twice\n${twice}`;
  const comments = (ast: typeof before.ast) => ast.comments.map((c) => c.text.trimEnd());
  if (JSON.stringify(comments(before.ast)) !== JSON.stringify(comments(after.ast))) return `comments changed\n${once}`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------------- goldens

const goldenInputs = readdirSync(FIXTURES).filter((name) => !name.includes('.formatted.'));
for (const name of goldenInputs) {
  test(`golden ${name}`, () => {
    const ext = name.slice(name.lastIndexOf('.') + 1) as FileKind;
    const expectedPath = join(FIXTURES, name.replace(/\.([a-z]+)$/, '.formatted.$1'));
    const actual = format(readFileSync(join(FIXTURES, name), 'utf8'), ext);
    if (process.env.UPDATE === '1') writeFileSync(expectedPath, actual);
    assert.fixture(actual, readFileSync(expectedPath, 'utf8'));
    assert.is(format(actual, ext), actual, 'the golden output is a fixed point');
  });
}

// ---------------------------------------------------------------------------------------------------- properties

test('generated valid documents: same AST, idempotent, comments kept', () => {
  fc.assert(fc.property(anyValidDocumentArb, (doc) => {
    const problem = guaranteeProblem(doc);
    if (problem) throw new Error(`${doc.fileKind}: ${problem}`);
  }), { seed: SEED, numRuns: RUNS });
});

test('every corpus v1 file: same AST, idempotent, comments kept', () => {
  const v1 = loadCorpus().filter((doc) => doc.origin.startsWith('v1/'));
  assert.ok(v1.length > 0, 'the corpus was not found');
  for (const doc of v1) {
    const problem = guaranteeProblem(doc);
    if (problem) assert.unreachable(`${doc.origin}: ${problem}`);
  }
});

test('comments: full-line ones re-indented, trailing ones stay on their line, blank lines collapsed', () => {
  const text = [
    '# head',
    'Bind(version=1.0.0) {   # root',
    '      # first',
    '  Route<Http<Get>>/a -> (()) => &;   # trailing',
    '',
    '',
    '',
    '    Route<Http<Post>>/b',
    '      # inside',
    '      -> (()) => &;',
    '  # last',
    '}',
    '# tail',
    '',
  ].join('\n');
  assert.fixture(format(text, 'bind'), [
    '# head',
    'Bind(version=1.0.0) { # root',
    '  # first',
    '  Route<Http<Get>>/a -> (( )) => &; # trailing',
    '',
    '  # inside',
    '  Route<Http<Post>>/b -> (( )) => &;',
    '  # last',
    '}',
    '# tail',
    '',
  ].join('\n'));
});

test('the header loses its spaces; `((*))` prints as `(( ))`, `{{ }}` stays (fmt is not --fix)', () => {
  const text = 'Bind( version = 1.0.0 ){Route<Http<Get>> -> ((*)) => &; Route<Ext<A>> -> {{ }} => &;}';
  assert.is(format(text, 'bind'), 'Bind(version=1.0.0) {\n  Route<Http<Get>> -> (( )) => &;\n  Route<Ext<A>> -> {{ }} => &;\n}\n');
});

test('CRLF files stay CRLF', () => {
  assert.is(format('exit;\r\nexit;\r\n', 'script'), 'exit;\r\nexit;\r\n');
});

test('syntax errors and legacy documents are refused', () => {
  assert.equal(formatSource('Bind(version=1.0.0) { Route<Http<Get>> -> ; }', 'bind'), { error: 'syntax' });
  assert.equal(formatSource('Bind { Http { <Get>/(.*) -> {{ }} => &; } }', 'bind'), { error: 'legacy' });
});

// ---------------------------------------------------------------------------------------------------- the CLI in process

interface Captured extends CliIo {
  out: string;
  err: string;
}

function io(cwd: string): Captured {
  const captured: Captured = {
    out: '',
    err: '',
    stdout: { write: (t) => void (captured.out += t), isTTY: false },
    stderr: { write: (t) => void (captured.err += t), isTTY: false },
    env: {},
    cwd,
  };
  return captured;
}

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'starc-fmt-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const UGLY = 'Bind(version=1.0.0){Route<Http<Get>>->(())=>&;}\n';
const PRETTY = 'Bind(version=1.0.0) {\n  Route<Http<Get>> -> (( )) => &;\n}\n';

test('cli: prints one formatted file; --check lists changed files; --write rewrites them', async () => {
  const dir = folder({ 'a.bind': UGLY, 'b.bind': PRETTY });
  try {
    let run = io(dir);
    assert.is(await runCli(['fmt', 'a.bind'], run), 0);
    assert.is(run.out, PRETTY);

    run = io(dir);
    assert.is(await runCli(['fmt', '--check', '.'], run), 1);
    assert.is(run.out, 'a.bind\n');

    run = io(dir);
    assert.is(await runCli(['fmt', '--write', '.'], run), 0);
    assert.is(readFileSync(join(dir, 'a.bind'), 'utf8'), PRETTY);

    run = io(dir);
    assert.is(await runCli(['fmt', '--check', '.'], run), 0);
    assert.is(run.out, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('cli: a file with syntax errors is left alone, with one line saying why (exit 1)', async () => {
  const broken = 'Bind(version=1.0.0) { Route<Http<Get>> -> ; }\n';
  const dir = folder({ 'x.bind': broken });
  try {
    for (const flags of [[], ['--check'], ['--write']]) {
      const run = io(dir);
      assert.is(await runCli(['fmt', ...flags, 'x.bind'], run), 1);
      assert.is(run.err, 'error: cannot format `x.bind`: it has syntax errors (run `starc check x.bind`)\n');
      assert.is(run.out, '');
      assert.is(readFileSync(join(dir, 'x.bind'), 'utf8'), broken);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('cli: usage errors (exit 2)', async () => {
  const dir = folder({ 'a.bind': UGLY, 'b.bind': PRETTY });
  try {
    for (const args of [['fmt', '.'], ['fmt', '--check', '--write', 'a.bind'], ['fmt', '--write', '-'], ['fmt', 'nope.bind']]) {
      const run = io(dir);
      assert.is(await runCli(args, run), 2, args.join(' '));
      assert.match(run.err, /^error: /);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();

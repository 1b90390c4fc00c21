// `starc.yaml`, an app dir's runtime settings: parsed with `yaml`, checked against its JSON Schema with ajv; every
// mistake is one E08xx diagnostic at the YAML node at fault. `starc check` checks it by name; `starc run` reads it,
// and its flags override it. The e2e test runs the built binary on an app dir with a bad starc.yaml.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Diagnostic } from '../grammar/diagnostic.ts';
import { LineIndex } from '../grammar/span.ts';
import { checkFile } from '../compiler/check-file.ts';
import { durationMs, isSettingsPath, parseSettings } from '../compiler/settings/settings.ts';
import { effectiveRunSettings, readSettingsFile, runRun } from '../cli/commands/run.ts';
import { project, removeProjects, requireBuiltBinary, starc } from './helpers/project.ts';
import { memoryIo } from './helpers/memory-io.ts';

/** The only diagnostic of `text`, as `code line:col message [label]`. */
function only(text: string): { code: string; line: number; col: number; message: string; label: string; diagnostic: Diagnostic } {
  const { diagnostics } = parseSettings(text);
  assert.is(diagnostics.length, 1, `expected one diagnostic, got ${diagnostics.map((d) => `${d.code} ${d.message}`).join('; ') || 'none'}`);
  const d = diagnostics[0]!;
  const at = new LineIndex(text).lineCol(d.primary.span.start);
  return { code: d.code, ...at, message: d.message, label: d.primary.label, diagnostic: d };
}

test.after.each(removeProjects);

// ------------------------------------------------------------------------------------------------- valid files

test('a valid file gives its settings and no diagnostics', () => {
  const text = [
    '# runtime settings of the app',
    'port: 9090',
    'data: ./state',
    'timeouts:',
    '  request: 15s',
    'delivery:',
    '  ackTimeout: 500ms',
    '  retries: 3',
    '  dedupeWindow: 2m',
    'lattice: nats://127.0.0.1:4222',
    '',
  ].join('\n');
  const { settings, diagnostics } = parseSettings(text);
  assert.equal(diagnostics, []);
  assert.equal(settings, {
    port: 9090,
    data: './state',
    timeouts: { request: '15s' },
    delivery: { ackTimeout: '500ms', retries: 3, dedupeWindow: '2m' },
    lattice: 'nats://127.0.0.1:4222',
  });
});

test('an empty file, or one of comments only, is no settings', () => {
  assert.equal(parseSettings(''), { settings: {}, diagnostics: [] });
  assert.equal(parseSettings('# nothing yet\n'), { settings: {}, diagnostics: [] });
});

test('durations convert to milliseconds', () => {
  assert.is(durationMs('15s'), 15_000);
  assert.is(durationMs('500ms'), 500);
  assert.is(durationMs('2m'), 120_000);
  assert.is(durationMs('1h'), 3_600_000);
  assert.is(durationMs('15'), undefined);
  assert.is(durationMs(undefined), undefined);
});

// ------------------------------------------------------------------------------------------------ E0801 syntax

test('E0801: a value indented under a scalar, at the scalar', () => {
  const d = only('port: 8080\n  data: .starlane\n');
  assert.equal([d.code, d.line, d.col], ['E0801', 1, 7]);
  assert.match(d.message, /^invalid YAML: nested mappings are not allowed/);
});

test('E0801: a key set twice, at the second one', () => {
  const d = only('port: 8080\ndata: x\nport: 9090\n');
  assert.equal([d.code, d.line, d.col], ['E0801', 3, 1]);
  assert.is(d.message, 'invalid YAML: map keys must be unique');
});

test('E0801: a tab used as indentation; an unclosed quote', () => {
  const tab = only('timeouts:\n\trequest: 15s\n');
  assert.equal([tab.code, tab.line, tab.col], ['E0801', 2, 1]);
  const quote = only('data: "x\n');
  assert.is(quote.code, 'E0801');
  assert.match(quote.message, /missing closing "quote/);
});

test('E0801: an alias bomb is refused, not expanded', () => {
  const text = ['a: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]', ''].join('\n');
  assert.is(only(text).code, 'E0801');
});

// ------------------------------------------------------------------------------------------ E0802 unknown keys

test('E0802: an unknown top-level key, at the key, with a suggestion', () => {
  const d = only('prot: 8080\n');
  assert.equal([d.code, d.line, d.col], ['E0802', 1, 1]);
  assert.is(d.message, 'unknown setting `prot` in `starc.yaml`');
  assert.is(d.label, 'did you mean `port`?');
  assert.equal(d.diagnostic.suggestions.map((s) => s.edits.map((e) => [e.span, e.newText])), [[[{ start: 0, end: 4 }, 'port']]]);
  assert.is(d.diagnostic.suggestions[0]!.applicability, 'maybe');
});

test('E0802: an unknown nested key, suggested among its mapping\'s keys', () => {
  const d = only('delivery:\n  retries: 3\n  ackTimout: 5s\n');
  assert.equal([d.code, d.line, d.col], ['E0802', 3, 3]);
  assert.is(d.message, 'unknown setting `ackTimout` in `delivery`');
  assert.equal(d.diagnostic.notes, ['the settings of `delivery` are `ackTimeout`, `retries`, `dedupeWindow`']);
  assert.is(d.diagnostic.suggestions[0]!.edits[0]!.newText, 'ackTimeout');
});

test('E0802: a key like no setting gets no suggestion', () => {
  const d = only('port: 1\nfrobnicate: true\n');
  assert.equal([d.code, d.line, d.col], ['E0802', 2, 1]);
  assert.is(d.label, 'not a setting');
  assert.equal(d.diagnostic.suggestions, []);
});

// ------------------------------------------------------------------------------------------- E0803 bad values

test('E0803: port out of range and port as text, at the value', () => {
  const range = only('data: x\nport: 80800\n');
  assert.equal([range.code, range.line, range.col], ['E0803', 2, 7]);
  assert.is(range.message, '`port` must be a whole number from 0 to 65535 (0: any free port)');
  assert.is(range.label, 'found a number `80800`');
  const text = only('port: "8080"\n');
  assert.equal([text.code, text.line, text.col], ['E0803', 1, 7]);
  assert.is(text.label, 'found text `"8080"`');
});

test('E0803: a duration without a unit, nested', () => {
  const d = only('port: 8080\ntimeouts:\n  request: 15\n');
  assert.equal([d.code, d.line, d.col], ['E0803', 3, 12]);
  assert.match(d.message, /^`timeouts\.request` must be a duration/);
  assert.equal(d.diagnostic.notes, ['a duration is a whole number with `ms`, `s`, `m` or `h`']);
});

test('E0803: retries negative, lattice not nats://, a section that is not a mapping, a root that is a list', () => {
  const retries = only('delivery:\n  retries: -1\n');
  assert.equal([retries.code, retries.line, retries.col, retries.message], ['E0803', 2, 12, '`delivery.retries` must be a whole number from 0 to 100']);
  const lattice = only('lattice: http://127.0.0.1:4222\n');
  assert.equal([lattice.code, lattice.line, lattice.col], ['E0803', 1, 10]);
  const section = only('timeouts: 15s\n');
  assert.equal([section.code, section.line, section.col], ['E0803', 1, 11]);
  assert.match(section.message, /^`timeouts` must be a mapping/);
  const root = only('- port: 1\n');
  assert.equal([root.code, root.line, root.col], ['E0803', 1, 1]);
  assert.is(root.label, 'found a list');
});

test('E0803: a key with no value points at the key', () => {
  const d = only('data: x\nport:\n');
  assert.equal([d.code, d.line, d.col, d.label], ['E0803', 2, 1, 'found nothing']);
});

// -------------------------------------------------------------------------------------------- checkFile, run

test('checkFile tells starc.yaml by name; other .yaml files are still unknown', () => {
  assert.ok(isSettingsPath('app/starc.yaml'));
  assert.ok(isSettingsPath('starc.yaml'));
  assert.not.ok(isSettingsPath('app/other.yaml'));
  assert.equal(checkFile('app/starc.yaml', 'prot: 1\n').map((d) => d.code), ['E0802']);
  assert.equal(checkFile('app/starc.yaml', 'port: 1\n'), []);
  assert.equal(checkFile('app/other.yaml', 'port: 1\n').map((d) => d.code), ['E0009']);
});

test('run settings: flags override the file, the file overrides the defaults', () => {
  const cwd = '/work/here';
  const appDir = '/work/here/app';
  const file = { port: 9090, data: 'state', timeouts: { request: '2s' }, lattice: 'nats://x:4222' };
  assert.equal(effectiveRunSettings({}, {}, cwd, appDir), { port: 8080, dataDir: resolve(cwd, '.starlane'), requestTimeoutMs: undefined, lattice: undefined });
  assert.equal(effectiveRunSettings({}, file, cwd, appDir), { port: 9090, dataDir: resolve(appDir, 'state'), requestTimeoutMs: 2000, lattice: 'nats://x:4222' });
  const flagged = effectiveRunSettings({ port: '0', data: 'elsewhere' }, file, cwd, appDir);
  assert.is(flagged.port, 0);
  assert.is(flagged.dataDir, resolve(cwd, 'elsewhere'));
  assert.is(flagged.requestTimeoutMs, 2000);
});

test('readSettingsFile: no file is no settings; a bad file gives its text and diagnostics', () => {
  const dir = mkdtempSync(join(tmpdir(), 'starc-settings-'));
  try {
    assert.equal(readSettingsFile(dir), { settings: {} });
    writeFileSync(join(dir, 'starc.yaml'), 'port: 7070\n');
    assert.equal(readSettingsFile(dir), { settings: { port: 7070 } });
    writeFileSync(join(dir, 'starc.yaml'), 'port: nope\n');
    const bad = readSettingsFile(dir);
    assert.ok('diagnostics' in bad);
    assert.equal(bad.diagnostics.map((d) => d.code), ['E0803']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('`starc run` on an app dir with a bad starc.yaml renders the diagnostic and exits 1 before starting', async () => {
  const dir = project({ 'app/install.script': 'create? localhost<Space>;\n', 'app/starc.yaml': 'port: 8080\ndelivery:\n  retrys: 3\n' });
  const { io, stdout, stderr } = memoryIo(dir);
  assert.is(await runRun(['app', '--data', 'data'], io), 1);
  assert.is(stdout(), '');
  const err = stderr();
  assert.match(err, /^error\[E0802\]: unknown setting `retrys` in `delivery`\n --> app\/starc\.yaml:3:3\n/);
  assert.match(err, /did you mean `retries`\?/);
});

// ------------------------------------------------------------------------------------------------------- e2e

test('e2e: `starc check <app dir>` checks its starc.yaml with the other files', () => {
  requireBuiltBinary();
  const dir = project({
    'app/install.script': 'create? localhost<Space>;\n',
    'app/starc.yaml': 'port: 8080\ntimeouts:\n  request: 15\n',
  });
  const human = starc(dir, ['check', 'app']);
  assert.is(human.status, 1, human.stderr);
  assert.match(human.stderr, /^error\[E0803\]: `timeouts\.request` must be a duration/);
  assert.match(human.stderr, /\n --> app\/starc\.yaml:3:12\n/);
  assert.ok(human.stderr.endsWith('\nerror: check failed: 1 error in 1 of 2 files\n'), human.stderr);
  const short = starc(dir, ['check', 'app', '--format', 'short']);
  assert.is(short.status, 1, short.stderr);
  assert.match(short.stdout, /^app\/starc\.yaml:3:12: error\[E0803\]: /);

  writeFileSync(join(dir, 'app/starc.yaml'), 'port: 8080\ntimeouts:\n  request: 15s\n');
  const clean = starc(dir, ['check', 'app']);
  assert.is(clean.status, 0, clean.stderr);
  assert.is(clean.stderr, 'checked 2 files: no problems found\n');
});

test('e2e: `starc fmt` leaves starc.yaml alone', () => {
  requireBuiltBinary();
  const dir = project({ 'app/install.script': 'create? localhost<Space>;\n', 'app/starc.yaml': 'prot: 1\n' });
  const run = starc(dir, ['fmt', '--check', 'app']);
  assert.not.match(run.stdout + run.stderr, /starc\.yaml/);
});

test.run();

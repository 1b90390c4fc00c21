// End-to-end test of `starc check --fix`: the built binary (dist/starc.mjs, from `npm run build`) run on a
// temporary bundle, as a user runs it.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = process.env['STARC_E2E_BIN'] ?? join(ROOT, 'dist', 'starc.mjs');

const cleanups: (() => void)[] = [];
test.before(() => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first (npm test does)`);
});
test.after.each(() => {
  while (cleanups.length > 0) cleanups.pop()!();
});

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'starc-fix-e2e-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function starc(cwd: string, args: string[]) {
  const env = { ...process.env };
  for (const name of ['NO_COLOR', 'FORCE_COLOR', 'STARC_BACKTRACE']) delete env[name];
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, env, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const LEGACY_BIND = 'Bind(verison=1.0.0) {\n  Route<Http<Get>> -> {{ }} => &;\n  Route<Http<Post>> -> {{ }} => &;\n}\n';
const FIXED_BIND = 'Bind(version=1.0.0) {\n  Route<Http<Get>> -> (( )) => &;\n  Route<Http<Post>> -> (( )) => &;\n}\n';
const LEGACY_APP = 'App(version=1.0.0) {\n  Set {\n    +title=hello,\n    name=hello\n  }\n}\n';
const FIXED_APP = 'App(version=1.0.0) {\n  Set {\n    +title=hello;\n    +name=hello;\n  }\n}\n';

test('check --fix <dir>: fixes and writes every file, one line per file, then the usual report', () => {
  const dir = project({ 'bundle/bind/app.bind': LEGACY_BIND, 'bundle/hello.app': LEGACY_APP, 'bundle/clean.bind': 'Bind(version=1.0.0) { }\n' });
  const clean = join(dir, 'bundle/clean.bind');
  const old = new Date('2001-01-01T00:00:00Z');
  utimesSync(clean, old, old);

  const run = starc(dir, ['check', '--fix', 'bundle']);
  assert.is(run.status, 0, run.stderr);
  assert.is(readFileSync(join(dir, 'bundle/bind/app.bind'), 'utf8'), FIXED_BIND);
  assert.is(readFileSync(join(dir, 'bundle/hello.app'), 'utf8'), FIXED_APP);
  assert.is(statSync(clean).mtimeMs, old.getTime(), 'a clean file is not written');
  assert.is(run.stdout, '');
  assert.is(
    run.stderr,
    'fixed 3 problems in bundle/bind/app.bind (E0001, W0101 ×2)\n' +
      'fixed 2 problems in bundle/hello.app (W0302, W0303)\n' +
      'checked 3 files: no problems found\n',
  );

  // A second run has nothing left to fix and writes nothing.
  const again = starc(dir, ['check', '--fix', 'bundle']);
  assert.is(again.status, 0, again.stderr);
  assert.is(again.stderr, 'checked 3 files: no problems found\n');
});

test('check --fix --format json: writes the files; stdout is the json of what remains', () => {
  const dir = project({ 'app.bind': 'Bind(version=2.0.0) {\n  Route<Http<Get>> -> {{ }} => &;\n}\n' });
  const run = starc(dir, ['check', '--fix', '--format', 'json', 'app.bind']);
  assert.is(run.status, 1, run.stderr);
  assert.is(readFileSync(join(dir, 'app.bind'), 'utf8'), 'Bind(version=2.0.0) {\n  Route<Http<Get>> -> (( )) => &;\n}\n');
  const document = JSON.parse(run.stdout);
  assert.equal(document.files[0].diagnostics.map((d: { code: string }) => d.code), ['E0003']);
  assert.is(document.summary.fixed, 1);
  assert.is(run.stderr, 'fixed 1 problem in app.bind (W0101)\n');
});

test.run();

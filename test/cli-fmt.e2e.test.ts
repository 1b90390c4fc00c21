// End-to-end tests of `starc fmt`: the built binary (dist/starc.mjs, from `npm run build`) on temporary files
// and on stdin, as a user or CI runs it.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { project, removeProjects, requireBuiltBinary, starc } from './helpers/project.ts';


const UGLY = 'Bind(version=1.0.0){  # routes\nRoute<Http<Get>>->(())=>&;}\n';
const PRETTY = 'Bind(version=1.0.0) { # routes\n  Route<Http<Get>> -> (( )) => &;\n}\n';
const SCRIPT = 'create? localhost<Space>;   set localhost{+bind=repo:a:1.0.0:/bind/a.bind};\n';
const BROKEN = 'Bind(version=1.0.0) { Route<Http<Get>> -> ; }\n';

let dir = '';
test.before(requireBuiltBinary);
test.before.each(() => {
  dir = project({ 'a.bind': UGLY, 'b.bind': PRETTY, 'install.script': SCRIPT }, 'starc-fmt-e2e-');
});
test.after.each(removeProjects);

test('--check lists the files that would change and exits 1, changing nothing', () => {
  const run = starc(dir, ['fmt', '--check', '.']);
  assert.is(run.status, 1);
  assert.is(run.stdout, 'a.bind\ninstall.script\n');
  assert.is(run.stderr, '');
  assert.is(readFileSync(join(dir, 'a.bind'), 'utf8'), UGLY);
});

test('--write rewrites in place; --check then passes', () => {
  const write = starc(dir, ['fmt', '--write', '.']);
  assert.is(write.status, 0, write.stderr);
  assert.is(readFileSync(join(dir, 'a.bind'), 'utf8'), PRETTY);
  assert.is(readFileSync(join(dir, 'install.script'), 'utf8'),
    'create? localhost<Space>;\nset localhost{ +bind=repo:a:1.0.0:/bind/a.bind };\n');
  const check = starc(dir, ['fmt', '--check', '.']);
  assert.is(check.status, 0, check.stdout);
  assert.is(check.stdout, '');
});

test('one file, or stdin, prints the formatted text', () => {
  const file = starc(dir, ['fmt', 'a.bind']);
  assert.is(file.status, 0);
  assert.is(file.stdout, PRETTY);
  const stdin = starc(dir, ['fmt', '-'], { input: UGLY });
  assert.is(stdin.status, 0);
  assert.is(stdin.stdout, PRETTY);
  const script = starc(dir, ['fmt', '--kind', 'script', '-'], { input: SCRIPT });
  assert.is(script.stdout, 'create? localhost<Space>;\nset localhost{ +bind=repo:a:1.0.0:/bind/a.bind };\n');
  const check = starc(dir, ['fmt', '--check', '-'], { input: PRETTY });
  assert.is(check.status, 0);
});

test('a file with syntax errors is left alone: one line, exit 1, other files still formatted', () => {
  writeFileSync(join(dir, 'x.bind'), BROKEN);
  const run = starc(dir, ['fmt', '--write', '.']);
  assert.is(run.status, 1);
  assert.is(run.stderr, 'error: cannot format `x.bind`: it has syntax errors (run `starc check x.bind`)\n');
  assert.is(readFileSync(join(dir, 'x.bind'), 'utf8'), BROKEN);
  assert.is(readFileSync(join(dir, 'a.bind'), 'utf8'), PRETTY);
});

test('several files without --check or --write is a usage error (exit 2)', () => {
  const run = starc(dir, ['fmt', '.']);
  assert.is(run.status, 2);
  assert.match(run.stderr, /^error: 3 files to format: printing works on one file\nhelp: /);
  assert.is(run.stdout, '');
});

test('`starc fmt --help` and the command list', () => {
  const help = starc(dir, ['fmt', '--help']);
  assert.is(help.status, 0);
  assert.match(help.stdout, /Usage: starc fmt/);
  assert.match(starc(dir, ['--help']).stdout, /\n {2}fmt +Format files in the canonical layout\n/);
});

test.run();

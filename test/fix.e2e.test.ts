// End-to-end test of `starc check --fix`: the built binary (dist/starc.mjs, from `npm run build`) run on a
// temporary bundle, as a user runs it.

import { readFileSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { project, removeProjects, requireBuiltBinary, starc } from './helpers/project.ts';


test.before(requireBuiltBinary);
test.after.each(removeProjects);

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

// End to end: the built binary (dist/starc.mjs, from `npm run build`) runs `starc build` on temporary copies of
// bundles: the IR it writes validates against the schema, `--zip` writes an archive that reads back, a bundle
// with errors is refused with check's rendering, and the streams and exit codes are right.

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IR_SCHEMA } from '../compiler/ir/schema.ts';
import { readZip } from '../compiler/bundle/zip.ts';
import { project, removeProjects, starc, STARC_BIN as BIN } from './helpers/project.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const validate = new Ajv({ allErrors: true, strict: true }).compile(IR_SCHEMA);

test.after.each(removeProjects);

/** A temporary copy of bench/fixtures/small-bundle; returns the folder that holds it (as `site/`). */
function copyOfSmallBundle(): string {
  const dir = project({}, 'starc-build-');
  cpSync(join(ROOT, 'bench/fixtures/small-bundle'), join(dir, 'site'), { recursive: true });
  return dir;
}


test.before(() => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first`);
});

test('build -o writes a valid IR and says what it built', () => {
  const dir = copyOfSmallBundle();
  const run = starc(dir, ['build', 'site', '-o', 'out/site.ir.json']);
  assert.is(run.status, 0, run.stderr);
  assert.is(run.stdout, '');
  assert.match(run.stderr, /built `site` \(5 documents, 6 files\) → out\/site\.ir\.json/);
  const ir = JSON.parse(readFileSync(join(dir, 'out/site.ir.json'), 'utf8'));
  assert.ok(validate(ir), JSON.stringify(validate.errors));
  assert.is(ir.bundle.name, 'site');
});

test('build without -o prints the IR on stdout, identical to the file', () => {
  const dir = copyOfSmallBundle();
  const out = starc(dir, ['build', 'site']);
  assert.is(out.status, 0, out.stderr);
  starc(dir, ['build', 'site', '-o', 'a.json']);
  assert.is(out.stdout, readFileSync(join(dir, 'a.json'), 'utf8'));
  assert.ok(validate(JSON.parse(out.stdout)));
});

test('--zip writes <name>.zip beside the IR, holding every bundle file', () => {
  const dir = copyOfSmallBundle();
  const run = starc(dir, ['build', 'site', '-o', 'out/site.ir.json', '--zip']);
  assert.is(run.status, 0, run.stderr);
  assert.match(run.stderr, /out\/site\.zip/);
  const back = readZip(readFileSync(join(dir, 'out/site.zip')));
  assert.ok('entries' in back);
  const ir = JSON.parse(readFileSync(join(dir, 'out/site.ir.json'), 'utf8'));
  assert.equal(back.entries.map((e) => e.path), ir.bundle.files);
  const bind = back.entries.find((e) => e.path === 'bind/app.bind')!;
  assert.is(Buffer.from(bind.bytes).toString('utf8'), readFileSync(join(dir, 'site/bind/app.bind'), 'utf8'));
  const unzip = spawnSync('unzip', ['-t', join(dir, 'out/site.zip')], { encoding: 'utf8' });
  if (!unzip.error) assert.is(unzip.status, 0, unzip.stdout);
});

test('a bundle with errors is refused: check-style diagnostics, nothing written, exit 1', () => {
  const dir = copyOfSmallBundle();
  writeFileSync(join(dir, 'site/bind/app.bind'), 'Bind(version=1.0.0) {\n  Route<Http<Fetch>>/users -> (()) => &;\n}\n');
  const run = starc(dir, ['build', 'site', '-o', 'out.json', '--zip']);
  assert.is(run.status, 1);
  assert.match(run.stderr, /error\[E0102\]: unknown Http method `Fetch`\n --> site\/bind\/app\.bind:2:14/);
  assert.match(run.stderr, /error: could not build `site` due to previous error\n$/);
  assert.not.ok(existsSync(join(dir, 'out.json')));
  assert.not.ok(existsSync(join(dir, 'site.zip')));
});

test('usage errors exit 2', () => {
  const dir = copyOfSmallBundle();
  assert.is(starc(dir, ['build', 'nowhere']).status, 2);
  assert.is(starc(dir, ['build', 'site', 'site']).status, 2);
  const flag = starc(dir, ['build', 'site', '--zipp']);
  assert.is(flag.status, 2);
  assert.match(flag.stderr, /did you mean `--zip`\?/);
  assert.match(starc(dir, ['build', '--help']).stdout, /Usage: starc build \[DIR\]/);
});

test.run();

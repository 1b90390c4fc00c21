// Golden tests: each test/fixtures/diagnostics/<CODE>-<name>.<ext> is checked and rendered as `starc check`
// renders it (human, no colour); the result must equal <CODE>-<name>.stderr. `UPDATE=1 npm test` rewrites them.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkFile, fileKindOfPath } from '../compiler/check-file.ts';
import { CODES } from '../compiler/diagnostics/registry.ts';
import { renderHuman } from '../compiler/diagnostics/render-human.ts';
import { sortByPosition } from '../compiler/diagnostics/render.ts';
import { decodeSource } from '../compiler/source-text.ts';
import { bundleFromDirectory } from '../compiler/bundle/bundle-files.ts';
import { isSettingsPath } from '../compiler/settings/settings.ts';

const DIR = 'test/fixtures/diagnostics';
const update = process.env.UPDATE === '1';
/** Codes only `starc migrate` raises; test/migrate.test.ts covers them. */
const MIGRATION_ONLY = new Set(['W0701', 'W0702']);

// Every fixture but the goldens: E0009's fixtures have extensions no file kind takes, on purpose. A folder is a
// bundle: its files are checked together, with their artifacts (E0303, E0408, E0501). The settings codes
// (E08xx) are folders too, holding a `starc.yaml` (told by name, not extension).
const fixtures = readdirSync(DIR)
  .filter((f) => !f.endsWith('.stderr') && (fileKindOfPath(f) !== undefined || f.startsWith('E0009')))
  .sort();
const bundleFixtures = readdirSync(DIR)
  .filter((f) => statSync(join(DIR, f)).isDirectory())
  .sort();

function filesIn(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => (statSync(join(dir, f)).isDirectory() ? filesIn(join(dir, f)) : fileKindOfPath(f) || isSettingsPath(f) ? [join(dir, f)] : []));
}

function checkGolden(golden: string, rendered: string): void {
  if (update || !existsSync(golden)) writeFileSync(golden, rendered);
  assert.fixture(rendered, readFileSync(golden, 'utf8'));
}

for (const folder of bundleFixtures) {
  const code = folder.slice(0, 5);
  test(`bundle ${folder} renders as its golden file`, () => {
    const root = join(DIR, folder);
    const bundle = bundleFromDirectory(root, root);
    const reports = filesIn(root).map((path) => {
      const text = readFileSync(path, 'utf8');
      return { path, text, diagnostics: sortByPosition(checkFile(path, text, bundle)) };
    });
    const codes = reports.flatMap((r) => r.diagnostics.map((d) => d.code));
    assert.ok(codes.includes(code), `${folder} should raise ${code}; got ${codes.join(', ') || 'nothing'}`);
    checkGolden(`${root}.stderr`, renderHuman(reports, { color: false }));
  });
}

for (const file of fixtures) {
  const code = file.slice(0, 5);
  test(`${file} renders as its golden file`, () => {
    const path = join(DIR, file);
    const source = decodeSource(readFileSync(path));
    const text = source.text;
    const diagnostics = 'problem' in source ? [source.problem] : checkFile(path, text);
    const codes = diagnostics.map((d) => d.code);
    assert.ok(codes.includes(code), `${file} should raise ${code}; got ${codes.join(', ') || 'nothing'}`);
    // Sorted by position, as `starc check` shows them.
    const rendered = renderHuman([{ path, text, diagnostics: sortByPosition(diagnostics) }], { color: false });
    checkGolden(path.replace(/\.[a-z]+$/, '.stderr'), rendered);
  });
}

test('every code in the registry has a fixture', () => {
  const covered = new Set([...fixtures, ...bundleFixtures].map((f) => f.slice(0, 5)));
  const missing = [...CODES.keys()].filter((c) => !covered.has(c) && !MIGRATION_ONLY.has(c));
  assert.equal(missing, [], `codes without a fixture in ${DIR}`);
});

test.run();

// Golden tests: each test/fixtures/diagnostics/<CODE>-<name>.<ext> is checked and rendered as `starc check`
// renders it (human, no colour); the result must equal <CODE>-<name>.stderr. `UPDATE=1 npm test` rewrites them.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkFile, fileKindOfPath } from '../compiler/check-file.ts';
import { CODES } from '../compiler/diagnostics/registry.ts';
import { renderHuman } from '../compiler/diagnostics/render-human.ts';
import { sortByPosition } from '../compiler/diagnostics/render.ts';
import { decodeSource } from '../compiler/source-text.ts';

const DIR = 'test/fixtures/diagnostics';
/** Codes that need a whole bundle to arise (artifacts on disk); their fixtures arrive with bundle checks. */
const BUNDLE_ONLY = new Set(['E0303', 'E0501']);
const update = process.env.UPDATE === '1';

// Every fixture but the goldens: E0009's fixtures have extensions no file kind takes, on purpose.
const fixtures = readdirSync(DIR)
  .filter((f) => !f.endsWith('.stderr') && (fileKindOfPath(f) !== undefined || f.startsWith('E0009')))
  .sort();

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
    const golden = path.replace(/\.[a-z]+$/, '.stderr');
    if (update || !existsSync(golden)) writeFileSync(golden, rendered);
    assert.fixture(rendered, readFileSync(golden, 'utf8'));
  });
}

test('every code in the registry has a fixture', () => {
  const covered = new Set(fixtures.map((f) => f.slice(0, 5)));
  const missing = [...CODES.keys()].filter((c) => !covered.has(c) && !BUNDLE_ONLY.has(c));
  assert.equal(missing, [], `codes without a fixture in ${DIR}`);
});

test.run();

// The examples of `starc explain` are true: every code's erroneous example raises that code (and nothing
// else: one mistake, one diagnostic), and its fixed example checks clean. Run through the real checker, as
// `starc check` would run them, at the path each block names.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkFile } from '../compiler/check-file.ts';
import { explanationExamples, type ExampleBlock } from '../compiler/diagnostics/explain.ts';
import { CODES } from '../compiler/diagnostics/registry.ts';

// `yaml`: the settings codes (E08xx), whose examples are `starc.yaml` files (checkFile tells them by name).
const LANGUAGES: ReadonlySet<string> = new Set(['bind', 'router', 'app', 'mechtron', 'script', 'yaml']);

/**
 * Codes whose erroneous example cannot arise from one file's text, so only their fixed examples are checked:
 * E0303, E0408 and E0501 need the bundle around the file (a Wasm binary, an artifact, a JSON Schema): their
 * fixtures are bundle folders in test/fixtures/diagnostics/; E0011 is about a file's bytes, which a markdown
 * example can only describe; W0701 and W0702 come from `starc migrate`, and test/migrate.test.ts checks their
 * examples through it.
 */
const NOT_FROM_ONE_TEXT = new Set(['E0303', 'E0408', 'E0501', 'E0011', 'W0701', 'W0702']);

function describe(block: ExampleBlock): string {
  const diagnostics = checkFile(block.file, block.text);
  return diagnostics.map((d) => `${d.code} ${d.message}`).join('; ') || 'nothing';
}

for (const code of CODES.keys()) {
  const { erroneous, fixed } = explanationExamples(code);
  if (erroneous.length === 0 && fixed.length === 0) continue;

  if (!NOT_FROM_ONE_TEXT.has(code)) {
    test(`${code}: the erroneous example raises ${code} and nothing else`, () => {
      const first = erroneous[0];
      assert.ok(first, `${code} has no erroneous example`);
      const codes = checkFile(first.file, first.text).map((d) => d.code);
      assert.ok(codes.length > 0 && codes.every((c) => c === code), `${code}: ${first.file} raises ${describe(first)}\n${first.text}`);
    });
  }

  test(`${code}: the fixed example checks clean`, () => {
    const blocks = fixed.filter((b) => LANGUAGES.has(b.lang));
    assert.ok(blocks.length > 0, `${code} has no fixed example in a Starlane language`);
    for (const block of blocks) {
      const bad = checkFile(block.file, block.text).filter((d) => d.severity === 'error' || d.code === code);
      assert.equal(bad.map((d) => `${d.code} ${d.message}`), [], `${code}: fixed ${block.file}\n${block.text}`);
    }
  });
}

test.run();

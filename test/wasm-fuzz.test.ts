// Garbage in, error values out: random bytes, every truncation and random mutations of real modules go through
// readSections, capMemory and meterModule without a throw; and whenever the engine accepts the input, the
// rewritten module is accepted too.

import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { capMemory } from '../runtime/wasm/cap-memory.ts';
import { meterModule } from '../runtime/wasm/meter.ts';
import { readSections } from '../runtime/wasm/module-sections.ts';
import { compileGuests } from './fixtures/wasm/compile-guest.ts';
import { kitchenSink } from './fixtures/wasm/kitchen-sink.ts';

const REAL = [
  ...compileGuests([{ name: 'behaviour' }, { name: 'behaviour', optimizeLevel: 0, debug: true }, { name: 'simd', enable: ['simd'] }, { name: 'grow' }]),
  kitchenSink(),
];

/** Runs every entry point on `bytes`; returns what went wrong, or undefined. */
function checkOne(bytes: Uint8Array<ArrayBuffer>): string | undefined {
  const valid = WebAssembly.validate(bytes);
  try {
    readSections(bytes);
    const capped = capMemory(bytes, 32);
    if (valid && capped.ok && !WebAssembly.validate(capped.value)) return 'capMemory turned a valid module invalid';
    const metered = meterModule(bytes);
    // The one refusal a valid module may get: a proposal the rewriter does not support, named as such (a byte
    // flip can turn an opcode into legacy exception handling's `try`, which Node 20's engine accepts).
    if (valid && !metered.ok && !/is not supported \((exception handling|GC|relaxed SIMD)\)/.test(metered.error.message)) {
      return `meterModule refused a valid module: ${metered.error.message}`;
    }
    if (metered.ok && valid && !WebAssembly.validate(metered.value.bytes)) return 'meterModule turned a valid module invalid';
    if (!metered.ok && !(metered.error.offset >= 0 && metered.error.offset <= bytes.length)) return `error offset ${metered.error.offset} is outside the input`;
  } catch (e) {
    return `threw: ${(e as Error).stack}`;
  }
  return undefined;
}

test('random bytes never throw', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => checkOne(bytes) === undefined),
    { numRuns: 2000 },
  );
  const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (tail) => checkOne(Uint8Array.from([...header, ...tail])) === undefined),
    { numRuns: 3000 },
  );
});

test('every truncation of a real module is an error value, never a throw', () => {
  for (const original of REAL) {
    assert.is(checkOne(original), undefined);
    for (let n = 0; n < original.length; n++) {
      const problem = checkOne(original.subarray(0, n));
      if (problem) assert.unreachable(`truncated at ${n} of ${original.length}: ${problem}`);
    }
  }
});

test('mutated real modules never throw, and stay valid when the engine says they are', () => {
  const mutation = fc.record({
    which: fc.nat(REAL.length - 1),
    edits: fc.array(fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 4 }),
  });
  let stillValid = 0;
  fc.assert(
    fc.property(mutation, ({ which, edits }) => {
      const bytes = REAL[which]!.slice();
      for (const e of edits) bytes[8 + (e.at % (bytes.length - 8))] = e.byte;
      if (WebAssembly.validate(bytes)) stillValid++;
      const problem = checkOne(bytes);
      if (problem) throw new Error(problem);
    }),
    { numRuns: 3000 },
  );
  assert.ok(stillValid > 100, `enough mutants stayed valid to test the rewrite (${stillValid})`);
});

test('a valid module using exception handling is refused with an error naming it, at the opcode', () => {
  const bytes = REAL[0]!.slice();
  // The byte flip fast-check found: an opcode in function body 12 of `behaviour` becomes 0x06 (`try`).
  const at = 8 + (811473095 % (bytes.length - 8));
  bytes[at] = 0x06;
  if (!WebAssembly.validate(bytes)) return; // another engine or build: nothing to check
  const metered = meterModule(bytes);
  assert.is(metered.ok, false);
  if (!metered.ok) {
    assert.match(metered.error.message, /opcode 0x06 is not supported \(exception handling\)/);
    assert.is(metered.error.offset, at);
  }
});

test.run();

// runtime/wasm/cap-memory.ts: a capped guest's memory.grow fails at the cap (-1, as wasm specifies), on a real
// asc-compiled guest and on hand-written modules with defined and imported memories; what is refused is refused
// with a message naming the numbers.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { capMemory, pagesWithin } from '../runtime/wasm/cap-memory.ts';
import { readSections, SECTION, type Result } from '../runtime/wasm/module-sections.ts';
import { limits, section, str, u32, vec, wasmModule, body, funcType, T } from './fixtures/wasm/assemble.ts';
import { compileGuests } from './fixtures/wasm/compile-guest.ts';

const MiB = 16; // pages

function okValue<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected ok, got: ${r.error.message}`);
  return r.value;
}

function errorMessage(r: Result<unknown>): string {
  assert.ok(!r.ok, 'expected an error value');
  return (r as { ok: false; error: { message: string } }).error.message;
}

const [grow] = compileGuests([{ name: 'grow' }]);

/** The declared limits of the only memory, as the engine sees them through instantiation. */
function instantiate(bytes: Uint8Array<ArrayBuffer>, imports: WebAssembly.Imports = {}): Record<string, (...a: number[]) => number> {
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), imports).exports as Record<string, (...a: number[]) => number>;
}

test('a guest that grows in a loop stops at the cap: 2 MiB', () => {
  const capped = okValue(capMemory(grow!, 2 * MiB));
  assert.ok(WebAssembly.validate(capped));
  const guest = instantiate(capped);
  assert.is(guest.growUntilRefused!(), 32);
  assert.is(guest.grow!(1), -1, 'memory.grow past the cap returns -1');
  assert.is(guest.size!(), 32);
  assert.is(guest.grow!(0), 32, 'growing by nothing still works');
});

test('the cap allows growing up to it exactly, in one step', () => {
  const guest = instantiate(okValue(capMemory(grow!, 4)));
  const start = guest.size!();
  assert.is(guest.grow!(4 - start), start);
  assert.is(guest.grow!(1), -1);
});

test('an uncapped guest does grow past the cap (what the cap prevents)', () => {
  const guest = instantiate(grow!);
  assert.ok(guest.grow!(2 * MiB + 1) >= 0);
});

test('a lower existing maximum is kept (same bytes back)', () => {
  const bytes = wasmModule(section(SECTION.memory, vec([limits(1, 3)])));
  assert.is(okValue(capMemory(bytes, 2 * MiB)), bytes);
});

test('a higher existing maximum is lowered to the cap', () => {
  const bytes = wasmModule(
    section(SECTION.type, vec([funcType([T.i32], [T.i32])])),
    section(SECTION.function, vec([u32(0)])),
    section(SECTION.memory, vec([limits(1, 1000)])),
    section(SECTION.export, vec([[...str('grow'), 0x00, ...u32(0)]])),
    section(SECTION.code, vec([body([], [0x20, 0x00, 0x40, 0x00])])),
  );
  const guest = instantiate(okValue(capMemory(bytes, 8)));
  assert.is(guest.grow!(7), 1);
  assert.is(guest.grow!(1), -1);
});

test('an imported memory is capped too: the host cannot hand it a bigger one', () => {
  const bytes = wasmModule(
    section(SECTION.type, vec([funcType([T.i32], [T.i32])])),
    section(SECTION.import, vec([
      [...str('env'), ...str('log'), 0x00, ...u32(0)],
      [...str('env'), ...str('memory'), 0x02, ...limits(1)],
    ])),
    section(SECTION.function, vec([u32(0)])),
    section(SECTION.export, vec([[...str('grow'), 0x00, ...u32(1)]])),
    section(SECTION.code, vec([body([], [0x20, 0x00, 0x40, 0x00])])),
  );
  assert.ok(WebAssembly.validate(bytes));
  const capped = okValue(capMemory(bytes, 4));
  const log = (x: number): number => x;
  // A memory within the cap links, and grows only up to its own maximum (the host's object enforces it).
  const guest = instantiate(capped, { env: { log, memory: new WebAssembly.Memory({ initial: 1, maximum: 4 }) } });
  assert.is(guest.grow!(3), 1);
  assert.is(guest.grow!(1), -1);
  // A memory without a maximum, or with a bigger one, no longer links.
  for (const memory of [new WebAssembly.Memory({ initial: 1 }), new WebAssembly.Memory({ initial: 1, maximum: 5 })]) {
    assert.throws(() => instantiate(capped, { env: { log, memory } }), /memory/i);
  }
  // The original would have linked with the unbounded one.
  instantiate(bytes, { env: { log, memory: new WebAssembly.Memory({ initial: 1 }) } });
});

test('a module without memory comes back unchanged', () => {
  const bytes = wasmModule(section(SECTION.type, vec([funcType([], [])])));
  assert.is(okValue(capMemory(bytes, 1)), bytes);
});

test('a minimum above the cap is an error naming both in MiB', () => {
  const bytes = wasmModule(section(SECTION.memory, vec([limits(80)])));
  assert.is(
    errorMessage(capMemory(bytes, 2 * MiB)),
    'section 5 (memory) at byte 11: memory needs at least 5 MiB (80 pages), more than the cap of 2 MiB (32 pages)',
  );
  const imported = wasmModule(section(SECTION.import, vec([[...str('env'), ...str('memory'), 0x02, ...limits(17, 20)]])));
  assert.match(errorMessage(capMemory(imported, 1)), /imported memory env\.memory needs at least 1\.0625 MiB \(17 pages\), more than the cap of 0\.0625 MiB \(1 pages\)/);
});

test('shared, 64-bit and multiple memories are refused; bad limits and caps are errors', () => {
  const shared = wasmModule(section(SECTION.memory, vec([limits(1, 10, 0x02)])));
  assert.match(errorMessage(capMemory(shared, 4)), /^section 5 \(memory\) at byte 11: memory is shared; shared memory is refused/);
  const memory64 = wasmModule(section(SECTION.memory, vec([limits(1, undefined, 0x04)])));
  assert.match(errorMessage(capMemory(memory64, 4)), /memory is 64-bit \(memory64\), which is not supported/);
  const two = wasmModule(
    section(SECTION.import, vec([[...str('env'), ...str('memory'), 0x02, ...limits(1)]])),
    section(SECTION.memory, vec([limits(1)])),
  );
  assert.match(errorMessage(capMemory(two, 4)), /the module has 2 memories; a guest may have only one/);
  const badFlag = wasmModule(section(SECTION.memory, vec([[0x08, 1]])));
  assert.is(errorMessage(capMemory(badFlag, 4)), 'section 5 (memory) at byte 11: limits flag 0x08 is not valid');
  const trailing = wasmModule(section(SECTION.memory, [...vec([limits(1)]), 0x00]));
  assert.match(errorMessage(capMemory(trailing, 4)), /section 5 \(memory\) at byte 13: 1 unexpected bytes at the end of the section/);
  for (const cap of [-1, 1.5, 65537, Number.NaN]) assert.match(errorMessage(capMemory(grow!, cap)), /the memory cap must be a whole number of pages/);
});

test('capping keeps every other section byte for byte', () => {
  const capped = okValue(capMemory(grow!, 3));
  const before = okValue(readSections(grow!));
  const after = okValue(readSections(capped));
  assert.equal(after.map((s) => s.id), before.map((s) => s.id));
  for (let i = 0; i < before.length; i++) {
    if (before[i]!.id === SECTION.memory) continue;
    assert.equal(capped.subarray(after[i]!.payloadStart, after[i]!.payloadEnd), grow!.subarray(before[i]!.payloadStart, before[i]!.payloadEnd));
  }
});

test('pagesWithin turns a byte limit into whole pages', () => {
  assert.is(pagesWithin(2 * 1024 * 1024), 32);
  assert.is(pagesWithin(65_535), 0);
  assert.is(pagesWithin(2 ** 40), 65_536);
});

test.run();

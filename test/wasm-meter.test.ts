// runtime/wasm/meter.ts: a metered guest behaves exactly as the original (asc-compiled guests at -O3 and -O0,
// SIMD, and a hand-written module with a function index in every place one can be), every rewritten module
// validates, a guest that never returns is stopped by the deadline, and what the rewriter cannot handle is an
// error value.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createDeadlineFuel, meterModule, type MeteredModule, type MeterOptions } from '../runtime/wasm/meter.ts';
import { readSections, SECTION, ByteReader, readFuncTypes, type Result } from '../runtime/wasm/module-sections.ts';
import { body, funcType, i32, section, str, T, u32, vec, wasmModule } from './fixtures/wasm/assemble.ts';
import { compileGuests } from './fixtures/wasm/compile-guest.ts';
import { KITCHEN_SINK_IMPORTS, kitchenSink } from './fixtures/wasm/kitchen-sink.ts';

type Exports = Record<string, (...args: unknown[]) => unknown>;

const [behaviourO3, behaviourDebug, simd, spin, spinDebug] = compileGuests([
  { name: 'behaviour' },
  { name: 'behaviour', optimizeLevel: 0, debug: true },
  { name: 'simd', enable: ['simd'] },
  { name: 'spin' },
  { name: 'spin', debug: true },
]);

function metered(bytes: Uint8Array, options?: MeterOptions): MeteredModule {
  const r = meterModule(bytes, options);
  if (!r.ok) throw new Error(`meterModule failed: ${r.error.message}`);
  assert.ok(WebAssembly.validate(r.value.bytes), 'the metered module validates');
  return r.value;
}

function errorMessage(r: Result<unknown>): string {
  assert.ok(!r.ok, 'expected an error value');
  return (r as { ok: false; error: { message: string } }).error.message;
}

/** asc's debug builds import `env.abort` (failed assertions, out-of-bounds accesses). */
function abort(): never {
  throw new Error('guest aborted');
}

function instantiate(bytes: Uint8Array<ArrayBuffer>, env: Record<string, unknown> = {}): Exports {
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { abort, ...env } }).exports as Exports;
}

/** Results (or trap messages) of each call, in order. */
function outcomes(guest: Exports, calls: readonly [string, ...unknown[]][]): unknown[] {
  return calls.map(([name, ...args]) => {
    try {
      return guest[name]!(...args);
    } catch (e) {
      return `trap: ${(e as Error).message}`;
    }
  });
}

const BEHAVIOUR_CALLS: [string, ...unknown[]][] = [
  ...[0, 1, 2, 10, 20].map((n): [string, number] => ['fib', n]),
  ['sumTo', 0], ['sumTo', 1], ['sumTo', 100_000],
  ...[0, 1, 2, 17, 40].map((n): [string, number] => ['nested', n]),
  ...[0, 1, 100, 4000].map((n): [string, number] => ['memoryChecksum', n]),
  ['viaTable', 3, 0], ['viaTable', 3, 7], ['viaTable', -5, 25], ['viaTable', 123, 100],
  ...[-1, 0, 1, 3, 5, 7, 8, 1000].map((n): [string, number] => ['classify', n]),
  ['floats', 0], ['floats', 2.5], ['floats', -1e300],
  ...[1e10, -1e10, Number.NaN, 300.7, -129.5, 65_535.9].map((x): [string, number] => ['saturate', x]),
  ['mix64', 0n], ['mix64', -1n], ['mix64', 0x0123456789abcdefn],
];

test('asc guests (-O3 and -O0 with names) behave the same metered', () => {
  for (const original of [behaviourO3!, behaviourDebug!]) {
    const m = metered(original);
    assert.ok(m.loops >= 5, `loops instrumented: ${m.loops}`);
    const expected = outcomes(instantiate(original), BEHAVIOUR_CALLS);
    const fuel = createDeadlineFuel();
    fuel.arm(20_000); // a mis-rewritten loop would trap here rather than hang the suite
    assert.equal(outcomes(instantiate(m.bytes, { mechtron_fuel_out: fuel.fuelOut }), BEHAVIOUR_CALLS), expected);
    assert.not.ok(fuel.expired);
    assert.is(expected[1], 1); // the calls did run
  }
});

test('a SIMD guest behaves the same metered', () => {
  const calls: [string, ...unknown[]][] = [['dot', 0], ['dot', 1], ['dot', 8], ['lanes', 3], ['lanes', -0.5]];
  const m = metered(simd!);
  assert.equal(outcomes(instantiate(m.bytes, { mechtron_fuel_out: () => 1000 }), calls), outcomes(instantiate(simd!), calls));
});

test('every function index is fixed: imports, tables, all element forms, ref.func, start, exports, names', () => {
  const original = kitchenSink();
  assert.ok(WebAssembly.validate(original));
  const m = metered(original);
  assert.is(m.functions, 10);
  assert.is(m.loops, 3);
  const run = (bytes: Uint8Array<ArrayBuffer>, env: Record<string, unknown>): unknown[] => {
    const guest = instantiate(bytes, env);
    const started = (guest.started as unknown as WebAssembly.Global).value;
    const calls: [string, ...unknown[]][] = [
      ['callImport', 5], ['sw', 0], ['sw', 1], ['sw', 2], ['sw', 9], ['countdown', 10], ['fromGlobal', 2], ['initPassive'], ['refIsNull'],
      ...[0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i): [string, number] => ['viaTable', i]),
      ...[0, 5, 7, 250, 996, -50].map((x): [string, number] => ['nestedBr', x]),
    ];
    let trapFrame = '';
    try {
      guest.boom!();
    } catch (e) {
      trapFrame = (e as Error).stack!.split('\n')[1]!.replace(/\(.*\)/, '').trim();
    }
    return [started, ...outcomes(guest, calls), trapFrame];
  };
  const expected = run(original, KITCHEN_SINK_IMPORTS.env);
  assert.equal(expected.slice(0, 7), [1234, 11, 100, 101, 102, -1, 55]);
  assert.is(expected.at(-1), 'at boom', 'the name section names the trapping function');
  const deadline = Date.now() + 20_000; // a mis-rewritten loop would trap here rather than hang the suite
  assert.equal(run(m.bytes, { ...KITCHEN_SINK_IMPORTS.env, mechtron_fuel_out: () => (Date.now() < deadline ? 1 : 0) }), expected);
});

test('checkpoints sit at every function entry and loop header', () => {
  let calls = 0;
  const m = metered(kitchenSink(), { initialFuel: 1 });
  const guest = instantiate(m.bytes, { ...KITCHEN_SINK_IMPORTS.env, mechtron_fuel_out: () => (calls++, 1) });
  assert.is(calls, 1, 'the start function ran one checkpoint');
  calls = 0;
  guest.countdown!(10);
  assert.is(calls, 11, 'one entry, ten loop iterations');
  calls = 0;
  guest.callImport!(3);
  assert.is(calls, 1, 'imports are not metered: they are the host');
  calls = 0;
  guest.viaTable!(1);
  assert.is(calls, 2, 'viaTable and the sw it calls');
});

test('a guest that loops forever is stopped by the deadline, and the instance serves again afterwards', () => {
  for (const original of [spin!, spinDebug!]) {
    const fuel = createDeadlineFuel();
    const guest = instantiate(metered(original).bytes, { mechtron_fuel_out: fuel.fuelOut });
    fuel.arm(30);
    assert.throws(() => guest.spin!(), (e: Error) => e instanceof WebAssembly.RuntimeError && /unreachable/.test(e.message));
    assert.ok(fuel.expired, 'the trap was the deadline');
    assert.throws(() => guest.count!(), /unreachable/, 'past its deadline the guest gets no more fuel, even for another call');
    fuel.arm(1000);
    assert.ok((guest.count!() as number) > 1000, 'it did spin; re-armed, it serves again');
    assert.not.ok(fuel.expired);
  }
  // The unmetered `spin` would never return: it is deliberately not called.
});

test('the deadline trap names the refill function in a named guest', () => {
  const fuel = createDeadlineFuel();
  const guest = instantiate(metered(spinDebug!).bytes, { mechtron_fuel_out: fuel.fuelOut });
  fuel.arm(10);
  try {
    guest.spin!();
    assert.unreachable('spin returned');
  } catch (e) {
    const frames = (e as Error).stack!.split('\n').slice(1, 3).map((l) => l.trim().split(' ')[1]);
    assert.equal(frames, ['mechtron_fuel_refill', 'spin/spin']);
  }
});

test('recursion without any loop is stopped at function entries', () => {
  const fuel = createDeadlineFuel();
  const guest = instantiate(metered(behaviourO3!).bytes, { mechtron_fuel_out: fuel.fuelOut });
  fuel.arm(20);
  assert.throws(() => guest.fib!(60), /unreachable/); // some 10^12 calls unmetered
  assert.ok(fuel.expired);
});

test('the host may stop the guest by throwing from the import, too', () => {
  const guest = instantiate(metered(spin!).bytes, {
    mechtron_fuel_out: () => {
      throw new Error('stop');
    },
  });
  assert.throws(() => guest.spin!(), /^stop$/);
});

test('types are reused when present and added when not; the fuel global can be exported', () => {
  const bytes = wasmModule(
    section(SECTION.type, vec([funcType([T.i32], [T.i32])])),
    section(SECTION.function, vec([u32(0)])),
    section(SECTION.export, vec([[...str('inc'), 0x00, ...u32(0)]])),
    section(SECTION.code, vec([body([], [0x20, 0, 0x41, ...i32(1), 0x6a])])),
  );
  const m = metered(bytes, { fuelExport: 'fuel', initialFuel: 5, importModule: 'host', importName: 'more' });
  const types = okTypes(m.bytes);
  assert.equal(types.map((t) => `${t.params.length}->${t.results.length}`), ['1->1', '0->1', '0->0']);
  const imports = WebAssembly.Module.imports(new WebAssembly.Module(m.bytes));
  assert.equal(imports, [{ module: 'host', name: 'more', kind: 'function' }]);
  const guest = new WebAssembly.Instance(new WebAssembly.Module(m.bytes), { host: { more: () => 100 } }).exports as Exports;
  const fuel = guest.fuel as unknown as WebAssembly.Global;
  assert.is(fuel.value, 5);
  assert.is(guest.inc!(1), 2);
  assert.is(fuel.value, 4);
  fuel.value = 1;
  guest.inc!(1);
  assert.is(fuel.value, 100, 'refilled by the host');
  assert.equal(okTypes(metered(kitchenSink()).bytes).length, 4, 'the kitchen sink has both types already');
  assert.match(errorMessage(meterModule(bytes, { fuelExport: 'inc' })), /already exports `inc`/);
});

function okTypes(bytes: Uint8Array): ReturnType<typeof readFuncTypes> {
  const sections = readSections(bytes);
  assert.ok(sections.ok);
  const type = (sections as { value: { id: number; payloadStart: number; payloadEnd: number }[] }).value.find((s) => s.id === SECTION.type)!;
  return readFuncTypes(new ByteReader(bytes, type.payloadStart, type.payloadEnd));
}

test('a module without code is returned as it is; metering twice is refused', () => {
  const empty = wasmModule(section(SECTION.type, vec([funcType([], [])])));
  const m = metered(empty);
  assert.is(m.bytes, empty);
  assert.is(m.functions, 0);
  assert.match(errorMessage(meterModule(metered(spin!).bytes)), /already imports env\.mechtron_fuel_out: is it metered already\?/);
  assert.match(errorMessage(meterModule(spin!, { initialFuel: 0 })), /initial fuel must be a whole number/);
});

test('instructions the rewriter does not know are error values with the place', () => {
  const withCode = (code: number[], extra: number[][] = []): Uint8Array<ArrayBuffer> =>
    wasmModule(section(SECTION.type, vec([funcType([], [])])), section(SECTION.function, vec([u32(0)])), ...extra, section(SECTION.code, vec([body([], code)])));
  const cases: [string, Uint8Array, RegExp][] = [
    ['exception handling', withCode([0x06, 0x40, 0x0b]), /^section 10 \(code\), function body 0 at byte 23: opcode 0x06 is not supported \(exception handling\)$/],
    ['GC prefix', withCode([0xfb, 0x00]), /opcode 0xfb is not supported \(function references or GC\)/],
    ['unknown 0xFC', withCode([0xfc, 18, 0x00]), /opcode 0xfc 18 is not supported/],
    ['a SIMD gap', withCode([0xfd, ...u32(154), 0x1a]), /opcode 0xfd 154 is not supported/],
    ['relaxed SIMD', withCode([0xfd, ...u32(0x100)]), /opcode 0xfd 256 is not supported \(relaxed SIMD\)/],
    ['a reserved opcode', withCode([0x27]), /opcode 0x27 is not supported \(not a WebAssembly 2.0 instruction\)/],
    ['bad block type', withCode([0x02, 0x7a, 0x0b]), /block type 0x7a is not valid/],
    ['bytes after the end', wasmModule(section(1, vec([funcType([], [])])), section(3, vec([u32(0)])), section(10, vec([[4, 0, 0x0b, 0x01, 0x01]]))), /function body 0 at byte \d+: 2 bytes after the end of the function body/],
    ['no end', wasmModule(section(1, vec([funcType([], [])])), section(3, vec([u32(0)])), section(10, vec([[2, 0, 0x01]]))), /unexpected end of data: expected an instruction \(the expression has no `end`\)/],
    ['bodies and functions disagree', wasmModule(section(1, vec([funcType([], [])])), section(3, vec([u32(0), u32(0)])), section(10, vec([body([], [])]))), /the function section declares 2 functions but the code section has 1 bodies/],
    ['a truncated LEB in an immediate', withCode([0x41, 0x80]), /unexpected end of data/],
  ];
  for (const [what, bytes, message] of cases) {
    assert.match(errorMessage(meterModule(bytes)), message, what);
  }
});

test('createDeadlineFuel adapts its refill to the guest pace and refuses past the deadline', () => {
  let clock = 0;
  const fuel = createDeadlineFuel({ chunk: 1000, targetIntervalMs: 1, now: () => clock });
  fuel.arm(100);
  clock += 0.01; // very fast guest: the refill doubles
  assert.is(fuel.fuelOut(), 2000);
  clock += 0.01;
  assert.is(fuel.fuelOut(), 4000);
  clock += 1; // on target: unchanged
  assert.is(fuel.fuelOut(), 4000);
  clock += 10; // too slow: halved
  assert.is(fuel.fuelOut(), 2000);
  assert.not.ok(fuel.expired);
  clock = 100;
  assert.is(fuel.fuelOut(), 0);
  assert.ok(fuel.expired);
  fuel.disarm();
  assert.ok(fuel.fuelOut() > 0);
  assert.not.ok(fuel.expired);
});

test.run();

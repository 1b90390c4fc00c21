// What deadline metering (runtime/wasm/meter.ts) costs a guest: ns per iteration of a tight loop and ns per call
// of a recursive fib, each unmetered and metered (the host's fuel source checking the clock, as in production).
// Run: `npx tsx bench/wasm-meter.ts` (not part of `npm run bench`).

import { createDeadlineFuel, meterModule } from '../runtime/wasm/meter.ts';
import { body, funcType, i32, section, str, T, u32, vec, wasmModule } from '../test/fixtures/wasm/assemble.ts';
import { formatNumber, median, type BenchRow } from './table.ts';

const LOOP_ITERATIONS = 50_000_000;
const FIB_N = 30; // 2.7 million calls
const RUNS = 7;

/** `spin(n)`: a loop of n iterations of a multiply-add; `fib(n)`: naive recursion (a checkpoint per call). */
function guest(): Uint8Array<ArrayBuffer> {
  return wasmModule(
    section(1, vec([funcType([T.i32], [T.i32])])),
    section(3, vec([u32(0), u32(0)])),
    section(7, vec([[...str('spin'), 0x00, 0], [...str('fib'), 0x00, 1]])),
    section(10, vec([
      body([[1, T.i32]], [
        0x03, 0x40, // loop
        0x20, 1, 0x41, ...i32(31), 0x6c, 0x20, 0, 0x6a, 0x21, 1, // acc = acc * 31 + n
        0x20, 0, 0x41, ...i32(1), 0x6b, 0x22, 0, 0x0d, 0, // n -= 1; again while n != 0
        0x0b, 0x20, 1,
      ]),
      body([], [
        0x20, 0, 0x41, ...i32(2), 0x48, // n < 2
        0x04, T.i32, 0x20, 0,
        0x05, 0x20, 0, 0x41, ...i32(1), 0x6b, 0x10, 1, 0x20, 0, 0x41, ...i32(2), 0x6b, 0x10, 1, 0x6a,
        0x0b,
      ]),
    ])),
  );
}

function fibCalls(n: number): number {
  return n < 2 ? 1 : 1 + fibCalls(n - 1) + fibCalls(n - 2);
}

type GuestExports = { spin(n: number): number; fib(n: number): number };

function timeNsPer(run: () => number, units: number): { ns: number; result: number } {
  let result = 0;
  const samples: number[] = [];
  for (let i = 0; i < RUNS + 1; i++) {
    const t = process.hrtime.bigint();
    result = run();
    const ns = Number(process.hrtime.bigint() - t);
    if (i > 0) samples.push(ns / units); // the first run warms up the tiers
  }
  return { ns: median(samples), result };
}

export interface WasmMeterResult {
  readonly loopNs: { readonly plain: number; readonly metered: number };
  readonly callNs: { readonly plain: number; readonly metered: number };
  readonly bytes: { readonly plain: number; readonly metered: number };
}

export function runWasmMeter(): { result: WasmMeterResult; rows: BenchRow[] } {
  const plainBytes = guest();
  const m = meterModule(plainBytes);
  if (!m.ok) throw new Error(m.error.message);
  const fuel = createDeadlineFuel();
  const plain = new WebAssembly.Instance(new WebAssembly.Module(plainBytes)).exports as unknown as GuestExports;
  const metered = new WebAssembly.Instance(new WebAssembly.Module(m.value.bytes), { env: { mechtron_fuel_out: fuel.fuelOut } }).exports as unknown as GuestExports;
  fuel.arm(60_000);

  const calls = fibCalls(FIB_N);
  const loopPlain = timeNsPer(() => plain.spin(LOOP_ITERATIONS), LOOP_ITERATIONS);
  const loopMetered = timeNsPer(() => metered.spin(LOOP_ITERATIONS), LOOP_ITERATIONS);
  const fibPlain = timeNsPer(() => plain.fib(FIB_N), calls);
  const fibMetered = timeNsPer(() => metered.fib(FIB_N), calls);
  if (loopPlain.result !== loopMetered.result || fibPlain.result !== fibMetered.result) throw new Error('the metered guest computed something else');

  const result: WasmMeterResult = {
    loopNs: { plain: loopPlain.ns, metered: loopMetered.ns },
    callNs: { plain: fibPlain.ns, metered: fibMetered.ns },
    bytes: { plain: plainBytes.length, metered: m.value.bytes.length },
  };
  const row = (what: string, p: number, q: number): BenchRow => ({
    bar: 'R3',
    what,
    value: `${formatNumber(q, 2)} ns metered`,
    reference: `${formatNumber(p, 2)} ns plain, ×${formatNumber(q / p, 2)}`,
  });
  return {
    result,
    rows: [row('wasm meter: tight loop, per iteration', loopPlain.ns, loopMetered.ns), row('wasm meter: fib, per call', fibPlain.ns, fibMetered.ns)],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { rows } = runWasmMeter();
  for (const r of rows) console.log(`${r.what}: ${r.value} (${r.reference})`);
}

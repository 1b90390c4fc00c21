// `npm run bench`: runs the benches (all, or those named: `tsx bench/run.ts b1 r1`), prints the table of figures
// and bars, and writes the results to bench/out/results.json; exits 1 when a bar fails.

import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { runB1 } from './b1-throughput.ts';
import { runB2 } from './b2-cold-start.ts';
import { runB3 } from './b3-lsp.ts';
import { runB4 } from './b4-mechtron.ts';
import { runB5 } from './b5-http.ts';
import { runB7Idle } from './b7-idle-mechtron.ts';
import { runB7 } from './b7-store.ts';
import { runWasmMeter } from './wasm-meter.ts';
import { runR1 } from './r1-fuzz.ts';
import { renderTable, statusOf, type BenchRow } from './table.ts';

const BENCHES: Readonly<Record<string, () => Promise<{ result: unknown; rows: BenchRow[] }>>> = {
  b1: runB1,
  b2: async () => runB2(),
  b3: () => runB3(),
  b4: runB4,
  b5: runB5,
  b7: runB7,
  b7idle: runB7Idle,
  meter: async () => runWasmMeter(),
  r1: runR1,
};

async function main(): Promise<number> {
  process.chdir(fileURLToPath(new URL('..', import.meta.url))); // paths below are relative to the repository
  const names = process.argv.slice(2).map((a) => a.toLowerCase());
  const unknown = names.filter((n) => !(n in BENCHES));
  if (unknown.length > 0) {
    console.error(`unknown bench ${unknown.map((n) => `\`${n}\``).join(', ')}; the benches are ${Object.keys(BENCHES).join(', ')}`);
    return 2;
  }
  const selected = names.length > 0 ? names : Object.keys(BENCHES);
  const rows: BenchRow[] = [];
  const results: Record<string, unknown> = {};
  for (const name of selected) {
    process.stderr.write(`running ${name}...\n`);
    const { result, rows: benchRows } = await BENCHES[name]!();
    results[name] = result;
    rows.push(...benchRows);
  }
  console.log(renderTable(rows));
  mkdirSync('bench/out', { recursive: true });
  const report = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cpus: cpus().length,
    rows: rows.map((r) => ({ ...r, status: statusOf(r) || undefined })),
    results,
  };
  writeFileSync('bench/out/results.json', `${JSON.stringify(report, null, 2)}\n`);
  console.log('\nresults: bench/out/results.json');
  return rows.some((r) => r.pass === false) ? 1 : 0;
}

process.exitCode = await main();

// B2: wall time of a cold `node dist/starc.mjs check` of a small bundle, against `node -e 0` in the same run.
// The bundle names a JSON Schema, so the figure includes checking it (compiler/bundle/json-schema.ts).
// The machine is shared: the row reports the load average over the run, without which the ratio means little.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { formatNumber, median, type BenchRow } from './table.ts';

/** `STARC_BIN` measures another build (e.g. one kept for comparison) with the same runs. */
const STARC = process.env.STARC_BIN ?? 'dist/starc.mjs';
const BUNDLE = 'bench/fixtures/small-bundle';
const WARMUP_RUNS = 2;
const MEASURED_RUNS = 15;
const BAR_RATIO = 2;

export interface B2Result {
  readonly starcMedianMs: number;
  readonly nodeMedianMs: number;
  readonly ratio: number;
  readonly starcRunsMs: readonly number[];
  readonly nodeRunsMs: readonly number[];
  /** Exit status of `starc check` on the bundle (0: it checks clean, as it should). */
  readonly exitStatus: number | null;
  /** One-minute load average before and after the measured runs. */
  readonly loadAverage: readonly [number, number];
}

function timeSpawn(args: readonly string[]): { ms: number; status: number | null; output: string } {
  const start = performance.now();
  const run = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const ms = performance.now() - start;
  return { ms, status: run.status, output: `${run.stdout ?? ''}${run.stderr ?? ''}` };
}

export function runB2(): { result: B2Result | undefined; rows: BenchRow[] } {
  if (!existsSync(STARC)) {
    return {
      result: undefined,
      rows: [{ bar: 'B2', what: `cold \`starc check\` (${STARC} is missing: run \`npm run build\`)`, value: '—', target: `≤ ${BAR_RATIO}× node -e 0`, pass: false }],
    };
  }
  const starcArgs = [STARC, 'check', BUNDLE];
  const nodeArgs = ['-e', '0'];
  for (let i = 0; i < WARMUP_RUNS; i++) {
    timeSpawn(nodeArgs);
    timeSpawn(starcArgs);
  }
  // Interleaved, so that drift in machine load touches both alike.
  const starcRunsMs: number[] = [];
  const nodeRunsMs: number[] = [];
  const loadBefore = loadavg()[0]!;
  let last = { status: 0 as number | null, output: '' };
  for (let i = 0; i < MEASURED_RUNS; i++) {
    nodeRunsMs.push(timeSpawn(nodeArgs).ms);
    const run = timeSpawn(starcArgs);
    starcRunsMs.push(run.ms);
    last = run;
  }
  const starcMedianMs = median(starcRunsMs);
  const nodeMedianMs = median(nodeRunsMs);
  const ratio = starcMedianMs / nodeMedianMs;
  const loadAverage = [loadBefore, loadavg()[0]!] as const;
  const result: B2Result = { starcMedianMs, nodeMedianMs, ratio, starcRunsMs, nodeRunsMs, exitStatus: last.status, loadAverage };
  const rows: BenchRow[] = [
    {
      bar: 'B2', what: `cold \`starc check ${BUNDLE}\`, median of ${MEASURED_RUNS}`, value: `${formatNumber(ratio, 2)}×`,
      reference: `starc ${formatNumber(starcMedianMs)} ms, node -e 0 ${formatNumber(nodeMedianMs)} ms; load ${loadAverage.map((l) => l.toFixed(2)).join('→')}`,
      target: `≤ ${BAR_RATIO}× node -e 0`, pass: ratio <= BAR_RATIO,
    },
  ];
  if (last.status !== 0) {
    rows.push({
      bar: 'B2', what: 'the bench bundle checks clean', value: `exit ${last.status}`, target: 'exit 0', pass: false,
      reference: last.output.trim().split('\n').slice(0, 3).join(' / '),
    });
  }
  return { result, rows };
}

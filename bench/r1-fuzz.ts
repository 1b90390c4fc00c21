// R1 (bench run): a million generated and mutated inputs through parse + check — inputs/s, exceptions, and the
// slowest input (re-timed, then saved to bench/out/ for inspection).

import fc from 'fast-check';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FILE_KINDS, fuzzInputArb, loadCorpus, type SourceDoc } from '../test/fuzz/generators.ts';
import { loadCompiledFrontEnd, type CompiledFrontEnd } from './b1-throughput.ts';
import { formatNumber, median, type BenchRow } from './table.ts';

const DEFAULT_COUNT = 1_000_000;
const DEFAULT_SEED = 20_240_611;
const BATCH = 10_000;
const SLOWEST_KEPT = 20;
const RETIME_RUNS = 5;
const BAR_MS = 100;
const OUT_DIR = 'bench/out';

export interface R1Result {
  readonly seed: number;
  readonly inputs: number;
  readonly bytes: number;
  readonly checkSeconds: number;
  readonly generateSeconds: number;
  readonly inputsPerSecond: number;
  readonly throws: number;
  readonly throwGroups: readonly { readonly error: string; readonly count: number; readonly file: string }[];
  /** The slowest input, re-timed (median of several runs: a GC pause is not the input's fault). */
  readonly slowest: { readonly ms: number; readonly firstMs: number; readonly fileKind: string; readonly bytes: number; readonly origin: string; readonly file: string } | undefined;
}

interface Timed {
  readonly doc: SourceDoc;
  readonly ms: number;
}

/** The first lines of a stack: what tells one bug from another. */
function signature(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return (error.stack ?? error.message).split('\n').slice(0, 2).map((l) => l.trim()).join(' ');
}

function retime(checkSource: CompiledFrontEnd['checkSource'], doc: SourceDoc): number {
  const times: number[] = [];
  for (let i = 0; i < RETIME_RUNS; i++) {
    const start = performance.now();
    try {
      checkSource(doc.text, doc.fileKind);
    } catch {
      // counted in the main loop
    }
    times.push(performance.now() - start);
  }
  return median(times);
}

export async function runR1(): Promise<{ result: R1Result; rows: BenchRow[] }> {
  const { checkSource } = await loadCompiledFrontEnd();
  const inputs = process.env.FUZZ_COUNT !== undefined ? Number(process.env.FUZZ_COUNT) : DEFAULT_COUNT;
  const seed = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : DEFAULT_SEED;
  const arb = fuzzInputArb(loadCorpus());
  const throwDir = join(OUT_DIR, 'r1-throws');
  rmSync(throwDir, { recursive: true, force: true });
  for (const kind of FILE_KINDS) rmSync(join(OUT_DIR, `r1-slowest.${kind}`), { force: true });

  let slowest: Timed[] = [];
  const groups = new Map<string, { count: number; smallest: SourceDoc }>();
  let throws = 0;
  let bytes = 0;
  let checkMs = 0;
  let generateMs = 0;
  for (let done = 0, batch = 0; done < inputs; batch++) {
    const size = Math.min(BATCH, inputs - done);
    const genStart = performance.now();
    const docs = fc.sample(arb, { seed: seed + batch, numRuns: size });
    generateMs += performance.now() - genStart;
    for (const doc of docs) {
      bytes += doc.text.length;
      const start = performance.now();
      try {
        checkSource(doc.text, doc.fileKind);
      } catch (error) {
        throws++;
        const key = signature(error);
        const group = groups.get(key);
        if (!group) groups.set(key, { count: 1, smallest: doc });
        else {
          group.count++;
          if (doc.text.length < group.smallest.text.length) group.smallest = doc;
        }
      }
      const ms = performance.now() - start;
      checkMs += ms;
      if (slowest.length < SLOWEST_KEPT || ms > slowest[slowest.length - 1]!.ms) {
        slowest.push({ doc, ms });
        slowest.sort((a, b) => b.ms - a.ms);
        slowest = slowest.slice(0, SLOWEST_KEPT);
      }
    }
    done += size;
    if (batch % 10 === 9 || done === inputs) {
      process.stderr.write(`  r1: ${done.toLocaleString('en-US')} / ${inputs.toLocaleString('en-US')} inputs, ${throws} throws\n`);
    }
  }

  mkdirSync(OUT_DIR, { recursive: true });
  const throwGroups = [...groups.entries()].map(([error, g], i) => {
    mkdirSync(throwDir, { recursive: true });
    const file = join(throwDir, `${i + 1}.${g.smallest.fileKind}`);
    writeFileSync(file, g.smallest.text);
    return { error, count: g.count, file };
  });

  const retimed = slowest.map((t) => ({ ...t, retimedMs: retime(checkSource, t.doc) })).sort((a, b) => b.retimedMs - a.retimedMs);
  const top = retimed[0];
  let slowestResult: R1Result['slowest'];
  if (top) {
    const file = join(OUT_DIR, `r1-slowest.${top.doc.fileKind}`);
    writeFileSync(file, top.doc.text);
    slowestResult = { ms: top.retimedMs, firstMs: top.ms, fileKind: top.doc.fileKind, bytes: top.doc.text.length, origin: top.doc.origin, file };
  }

  const result: R1Result = {
    seed, inputs, bytes, checkSeconds: checkMs / 1000, generateSeconds: generateMs / 1000,
    inputsPerSecond: inputs / (checkMs / 1000), throws, throwGroups, slowest: slowestResult,
  };
  const rows: BenchRow[] = [
    {
      bar: 'R1', what: `${inputs.toLocaleString('en-US')} fuzz inputs through parse + check (seed ${seed})`,
      value: `${Math.round(result.inputsPerSecond).toLocaleString('en-US')} inputs/s`,
      reference: `${formatNumber(bytes / 1e6)} MB checked in ${formatNumber(result.checkSeconds)} s; generated in ${formatNumber(result.generateSeconds)} s`,
    },
    {
      bar: 'R1', what: 'inputs that throw', value: `${throws} (${groups.size} distinct)`,
      reference: throws > 0 ? `smallest of each in ${throwDir}/` : undefined, target: '0', pass: throws === 0,
    },
    {
      bar: 'R1', what: 'slowest input (median of 5 re-runs)', value: slowestResult ? `${formatNumber(slowestResult.ms, 2)} ms` : '—',
      reference: slowestResult && `${slowestResult.fileKind}, ${slowestResult.bytes} chars, first run ${formatNumber(slowestResult.firstMs, 2)} ms; ${slowestResult.file}`,
      target: `≤ ${BAR_MS} ms`, pass: slowestResult !== undefined && slowestResult.ms <= BAR_MS,
    },
  ];
  return { result, rows };
}

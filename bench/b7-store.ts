// B7 (store part): the registry with 100k particles: create rates (one commit each, at both durability
// settings, and batched) and `select **<Mechtron>` latency (median of 20), against the 50 ms bar.
// The data dir is under bench/out/ (a real disk, not a tmpfs, so fsync costs what it costs).

import { rmSync } from 'node:fs';
import { openStore, type Store } from '../runtime/store/store.ts';
import { formatNumber, median, type BenchRow } from './table.ts';

const SPACES = 100;
const APPS_PER_SPACE = 9;
const MECHTRONS_PER_APP = 10;
const FILES_PER_STORE = 99;
const PER_SPACE = 1 + APPS_PER_SPACE * (1 + MECHTRONS_PER_APP + 1 + FILES_PER_STORE); // 1,000
const SELECT_RUNS = 20;
const SINGLE_FULL = 2_000;
const SINGLE_NORMAL = 10_000;
const SELECT_BAR_MS = 50;
const DIR = 'bench/out/b7-store';

export interface B7Result {
  readonly particles: number;
  readonly fullCreatesPerSec: number;
  readonly normalCreatesPerSec: number;
  readonly batchedCreatesPerSec: number;
  readonly selectMedianMs: number;
  readonly selectRunsMs: readonly number[];
  readonly mechtrons: number;
}

function must<T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

function open(dir: string, durability: 'full' | 'normal'): Store {
  rmSync(dir, { recursive: true, force: true });
  return must(openStore(dir, { durability }));
}

/** Creates `count` Bases under one space, one commit each; returns creates per second. */
function singleCommitRate(durability: 'full' | 'normal', count: number): number {
  const store = open(`${DIR}-${durability}`, durability);
  must(store.create('single', 'Space'));
  const start = performance.now();
  for (let i = 0; i < count; i++) must(store.create(`single:b${i}`, 'Base'));
  const seconds = (performance.now() - start) / 1000;
  store.close();
  rmSync(`${DIR}-${durability}`, { recursive: true, force: true });
  return count / seconds;
}

/** The 100k tree, one transaction per space. */
function fill(store: Store): number {
  let n = 0;
  for (let s = 0; s < SPACES; s++) {
    store.batch(() => {
      const space = `space${s}`;
      must(store.create(space, 'Space'));
      n++;
      for (let a = 0; a < APPS_PER_SPACE; a++) {
        const app = `${space}:app${a}`;
        must(store.create(app, 'App'));
        for (let m = 0; m < MECHTRONS_PER_APP; m++) must(store.create(`${app}:m${m}`, 'Mechtron', [{ op: 'set', key: 'config', value: 'repo:x:1.0.0:/config/x.mechtron' }]));
        must(store.create(`${app}:files`, 'FileStore'));
        for (let f = 0; f < FILES_PER_STORE; f++) must(store.create(`${app}:files:/f${f}.html`, 'File'));
        n += 1 + MECHTRONS_PER_APP + 1 + FILES_PER_STORE;
      }
    });
  }
  return n;
}

export async function runB7(): Promise<{ result: B7Result; rows: BenchRow[] }> {
  const fullRate = singleCommitRate('full', SINGLE_FULL);
  const normalRate = singleCommitRate('normal', SINGLE_NORMAL);
  const store = open(DIR, 'full');
  const start = performance.now();
  const particles = fill(store);
  const batchedRate = particles / ((performance.now() - start) / 1000);
  if (particles !== SPACES * PER_SPACE) throw new Error(`filled ${particles} particles`);
  let mechtrons = 0;
  const runs: number[] = [];
  for (let i = 0; i < SELECT_RUNS + 2; i++) {
    const t = performance.now();
    mechtrons = must(store.select('**<Mechtron>')).length;
    if (i >= 2) runs.push(performance.now() - t); // two warm-up runs
  }
  store.close();
  rmSync(DIR, { recursive: true, force: true });
  const selectMedianMs = median(runs);
  const result: B7Result = {
    particles,
    fullCreatesPerSec: fullRate,
    normalCreatesPerSec: normalRate,
    batchedCreatesPerSec: batchedRate,
    selectMedianMs,
    selectRunsMs: runs,
    mechtrons,
  };
  const rate = (r: number): string => `${formatNumber(r, 0)} /s`;
  return {
    result,
    rows: [
      { bar: 'B7', what: `select **<Mechtron> over ${formatNumber(particles, 0)} particles (${mechtrons} match)`, value: `${formatNumber(selectMedianMs, 1)} ms`, reference: `median of ${SELECT_RUNS}`, target: `≤ ${SELECT_BAR_MS} ms`, pass: selectMedianMs <= SELECT_BAR_MS },
      { bar: 'B7', what: 'create, one commit each (synchronous=FULL)', value: rate(fullRate), reference: `${SINGLE_FULL} creates` },
      { bar: 'B7', what: 'create, one commit each (synchronous=NORMAL)', value: rate(normalRate), reference: `${SINGLE_NORMAL} creates` },
      { bar: 'B7', what: 'create, one commit per 1,000 (FULL)', value: rate(batchedRate), reference: `${formatNumber(particles, 0)} creates` },
    ],
  };
}

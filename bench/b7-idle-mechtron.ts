// B7 (mechtron part): resident memory of an idle mechtron. Starts MECHTRONS mechtrons of the echo guest on one
// mesh, waits until every one is Ready and answered one Ping, lets the heap settle, and divides the growth of the
// process's resident set (main thread + guest workers: one process) by their number. Bar: ≤ 200 KiB each.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Mesh } from '../runtime/mesh/mesh.ts';
import { openStore } from '../runtime/store/store.ts';
import { formatNumber, type BenchRow } from './table.ts';

const ECHO_WASM = process.env['B4_WASM'] ?? 'test/fixtures/guests/build/echo.wasm';
const MECHTRONS = 2_000;
const BAR_KIB = 200;

export interface B7IdleResult {
  readonly mechtrons: number;
  readonly rssGrowthBytes: number;
  readonly perMechtronBytes: number;
  readonly wasmBytes: number;
}

function settleHeap(): Promise<void> {
  (globalThis as { gc?: () => void }).gc?.();
  return new Promise((r) => setTimeout(r, 200));
}

export async function runB7Idle(): Promise<{ result: B7IdleResult; rows: BenchRow[] }> {
  const bytes = readFileSync(ECHO_WASM);
  const dir = mkdtempSync(join(tmpdir(), 'starc-b7-idle-'));
  const opened = openStore(dir, { durability: 'normal' });
  if (!opened.ok) throw new Error(opened.error.message);
  const store = opened.value;
  const mesh = new Mesh({ store, log: () => undefined, workers: 2 });
  try {
    const config = 'Mechtron(version=1.0.0) {\n  Wasm {\n    +bin=${doc.bundle}:/wasm/echo.wasm;\n    +name=echo;\n  }\n}\n';
    for (const [point, kind] of [['localhost', 'Space'], ['repo', 'Repo'], ['repo:b7', 'BundleSeries']] as const) store.create(point, kind);
    const published = store.publishBundle('repo:b7:1.0.0', new Map([['config/echo.mechtron', new TextEncoder().encode(config)], ['wasm/echo.wasm', bytes]]));
    if (!published.ok) throw new Error(published.error.message);
    // One mechtron first, so the module is compiled and the workers are up before the baseline.
    store.create('localhost:m0', 'Mechtron', [{ op: 'set', key: 'config', value: 'repo:b7:1.0.0:/config/echo.mechtron' }]);
    await mesh.settled();
    await settleHeap();
    const before = process.memoryUsage().rss;
    store.batch(() => {
      for (let i = 1; i <= MECHTRONS; i++) store.create(`localhost:m${i}`, 'Mechtron', [{ op: 'set', key: 'config', value: 'repo:b7:1.0.0:/config/echo.mechtron' }]);
    });
    await mesh.settled();
    for (let i = 1; i <= MECHTRONS; i++) {
      const pong = await mesh.request({ kind: 'Ping', id: `p${i}`, from: 'bench', to: `localhost:m${i}`, method: 'Ext<Echo>', uri: '/', headers: {}, body: { kind: 'Text', value: 'hi' }, handling: { timeoutMs: 30_000, retries: 0 } });
      if (pong.status !== 200) throw new Error(`localhost:m${i} answered ${pong.status}`);
    }
    await settleHeap();
    const after = process.memoryUsage().rss;
    const growth = after - before;
    const per = growth / MECHTRONS;
    return {
      result: { mechtrons: MECHTRONS, rssGrowthBytes: growth, perMechtronBytes: per, wasmBytes: bytes.length },
      rows: [
        {
          bar: 'B7',
          what: `idle mechtron, resident (${formatNumber(MECHTRONS, 0)} echo guests)`,
          value: `${formatNumber(per / 1024, 0)} KiB`,
          reference: `RSS +${formatNumber(growth / 1024 / 1024, 1)} MiB; wasm ${formatNumber(bytes.length / 1024, 1)} KiB`,
          target: `≤ ${BAR_KIB} KiB`,
          pass: per <= BAR_KIB * 1024,
        },
      ],
    };
  } finally {
    await mesh.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// B4: in-process Ping → bind → wasm echo → Pong through the whole mesh (bus, the mechtron's default bind, the
// worker pool, the guest), against a bare loop in one thread calling the same export of the same module with the
// same JSON framing (runtime/mechtron/guest-abi.ts) — both in this run. Bar: mesh ≥ 0.5 × bare.
//
// The guest is test/fixtures/guests/build/echo.wasm (scripts/build-guests.mjs builds it). The mesh runs with
// as many guest instances as workers, so both CPUs can work, and CONCURRENCY Pings in flight.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { frameOfWave, readBuffer, writeBuffer, type GuestExports } from '../runtime/mechtron/guest-abi.ts';
import { readReplyFrame } from '../runtime/mechtron/guest-frames.ts';
import { Mesh } from '../runtime/mesh/mesh.ts';
import { openStore } from '../runtime/store/store.ts';
import type { Ping } from '../runtime/waves/wave.ts';
import { formatNumber, median, type BenchRow } from './table.ts';

const ECHO_WASM = process.env['B4_WASM'] ?? 'test/fixtures/guests/build/echo.wasm';
const BARE_MESSAGES = 100_000;
const MESH_MESSAGES = 60_000;
const CONCURRENCY = 256;
const RUNS = 3;
const BAR = 0.5;

export interface B4Result {
  readonly bareMsgsPerSec: number;
  readonly meshMsgsPerSec: number;
  readonly ratio: number;
}

function ping(i: number): Ping {
  return {
    kind: 'Ping',
    id: `ping-${i}`,
    from: 'bench',
    to: 'localhost:echo',
    method: 'Ext<Echo>',
    uri: '/',
    headers: {},
    body: { kind: 'Text', value: `hello ${i}` },
    handling: { timeoutMs: 30_000, retries: 0 },
  };
}

/** The same export, the same framing, one thread, no bus. */
function bare(bytes: Uint8Array): number {
  const panic = (): never => {
    throw new Error('the echo guest panicked');
  };
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), {
    env: { mechtron_host_log: () => undefined, mechtron_host_panic: panic, abort: panic, mechtron_frame_to_host: () => 0, mechtron_uuid: () => 0, mechtron_timestamp: () => 0n, seed: () => 1, trace: () => undefined },
  });
  const guest = { exports: instance.exports as unknown as GuestExports, maxFrameBytes: 16 * 1024 * 1024 };
  guest.exports.mechtron_guest_init(writeBuffer(guest, 'mechtron-1'), writeBuffer(guest, '{"point":"localhost:echo","kind":"Mechtron","properties":{},"config":{"name":"echo","bin":"x"}}'));
  const start = performance.now();
  for (let i = 0; i < BARE_MESSAGES; i++) {
    const id = guest.exports.mechtron_frame_to_guest(writeBuffer(guest, frameOfWave(ping(i))));
    const reply = readReplyFrame(readBuffer(guest, id, 'reply'));
    if (!reply.ok || reply.value.status !== 200) throw new Error(`bare echo failed: ${reply.ok ? reply.value.status : reply.message}`);
  }
  return BARE_MESSAGES / ((performance.now() - start) / 1000);
}

async function throughMesh(bytes: Uint8Array): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'starc-b4-'));
  const opened = openStore(dir, { durability: 'normal' });
  if (!opened.ok) throw new Error(opened.error.message);
  const store = opened.value;
  const mesh = new Mesh({ store, log: () => undefined, workers: 2 });
  try {
    const config = `Mechtron(version=1.0.0) {\n  Wasm {\n    +bin=\${doc.bundle}:/wasm/echo.wasm;\n    +name=echo;\n  }\n  Limits {\n    +timeout=10s;\n    +instances=2;\n  }\n}\n`;
    for (const [point, kind] of [['localhost', 'Space'], ['repo', 'Repo'], ['repo:b4', 'BundleSeries']] as const) store.create(point, kind);
    const published = store.publishBundle('repo:b4:1.0.0', new Map([['config/echo.mechtron', new TextEncoder().encode(config)], ['wasm/echo.wasm', bytes]]));
    if (!published.ok) throw new Error(published.error.message);
    store.create('localhost:echo', 'Mechtron', [{ op: 'set', key: 'config', value: 'repo:b4:1.0.0:/config/echo.mechtron' }]);
    await mesh.settled();
    // Warm up: both instances loaded, the JIT past its first tiers.
    await drive(mesh, 5_000);
    const start = performance.now();
    await drive(mesh, MESH_MESSAGES);
    return MESH_MESSAGES / ((performance.now() - start) / 1000);
  } finally {
    await mesh.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function drive(mesh: Mesh, count: number): Promise<void> {
  let next = 0;
  let failed: string | undefined;
  const lane = async (): Promise<void> => {
    while (next < count && failed === undefined) {
      const pong = await mesh.request(ping(next++));
      if (pong.status !== 200) failed = `${pong.status} ${JSON.stringify(pong.body)}`;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  if (failed) throw new Error(`a Ping through the mesh failed: ${failed}`);
}

export async function runB4(): Promise<{ result: B4Result; rows: BenchRow[] }> {
  const bytes = readFileSync(ECHO_WASM);
  const bares: number[] = [];
  const meshes: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    bares.push(bare(bytes));
    meshes.push(await throughMesh(bytes));
  }
  const bareMsgsPerSec = median(bares);
  const meshMsgsPerSec = median(meshes);
  const ratio = meshMsgsPerSec / bareMsgsPerSec;
  return {
    result: { bareMsgsPerSec, meshMsgsPerSec, ratio },
    rows: [
      { bar: 'B4', what: 'bare loop: same export, same framing', value: `${formatNumber(bareMsgsPerSec, 0)} msg/s` },
      {
        bar: 'B4',
        what: `Ping → bind → wasm echo → Pong (${CONCURRENCY} in flight)`,
        value: `${formatNumber(meshMsgsPerSec, 0)} msg/s`,
        reference: `${formatNumber(ratio, 2)}× bare`,
        target: `≥ ${BAR}× bare`,
        pass: ratio >= BAR,
      },
    ],
  };
}

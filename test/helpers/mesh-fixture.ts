// A mesh on a temporary data dir for runtime tests: publish a bundle from memory, create mechtrons, send Pings,
// and watch statuses. Everything real (store on disk, worker threads, wasm); only the HTTP ingress is left out.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileGuests } from '../fixtures/wasm/compile-guest.ts';
import { Mesh } from '../../runtime/mesh/mesh.ts';
import { openStore, type Store } from '../../runtime/store/store.ts';
import type { Status, StoreEvent } from '../../runtime/store/types.ts';
import type { Ping, Pong, Substance } from '../../runtime/waves/wave.ts';

export interface MeshFixture {
  readonly store: Store;
  readonly mesh: Mesh;
  readonly dir: string;
  /** Publishes `files` (path → text or bytes) as bundle `point` (`repo:t:1.0.0`), creating its parents. */
  publish(point: string, files: Record<string, string | Uint8Array>): void;
  /** Creates a Mechtron with `config` (and optional other properties); resolves when it settled. */
  mechtron(point: string, config: string, props?: Record<string, string>): Promise<void>;
  ping(to: string, method: string, body?: Substance, timeoutMs?: number): Promise<Pong>;
  status(point: string): { status: Status; message: string | undefined };
  /** Every status event of `point` from now on; `messages` holds each event's message, in step. */
  statuses(point: string): Status[] & { messages: (string | undefined)[] };
  close(): Promise<void>;
}

export function mechtronConfig(wasm: string, limits: { timeout?: string; memory?: string; instances?: number } = {}): string {
  const lines = [
    limits.timeout ? `    +timeout=${limits.timeout};` : '',
    limits.memory ? `    +memory=${limits.memory};` : '',
    limits.instances ? `    +instances=${limits.instances};` : '',
  ].filter(Boolean);
  return `Mechtron(version=1.0.0) {\n  Wasm {\n    +bin=\${doc.bundle}:/wasm/${wasm};\n    +name=${wasm.replace(/\.wasm$/, '')};\n  }\n${lines.length ? `  Limits {\n${lines.join('\n')}\n  }\n` : ''}}\n`;
}

export async function meshFixture(options: { workers?: number; log?: (line: string) => void } = {}): Promise<MeshFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'starc-mesh-'));
  const opened = openStore(dir, { durability: 'normal' });
  if (!opened.ok) throw new Error(opened.error.message);
  const store = opened.value;
  const mesh = new Mesh({ store, log: options.log ?? (() => undefined), workers: options.workers ?? 2 });
  const ensure = (point: string, kind: string) => {
    if (!store.get(point).ok) {
      const made = store.create(point, kind);
      if (!made.ok) throw new Error(made.error.message);
    }
  };
  const fixture: MeshFixture = {
    store,
    mesh,
    dir,
    publish(point, files) {
      const [repo, series] = point.split(':');
      ensure('localhost', 'Space');
      ensure(repo!, 'Repo');
      ensure(`${repo}:${series}`, 'BundleSeries');
      const map = new Map(Object.entries(files).map(([path, v]) => [path, typeof v === 'string' ? new TextEncoder().encode(v) : v]));
      const published = store.publishBundle(point, map);
      if (!published.ok) throw new Error(published.error.message);
    },
    async mechtron(point, config, props = {}) {
      ensure('localhost', 'Space');
      const made = store.create(point, 'Mechtron', [{ op: 'set', key: 'config', value: config }, ...Object.entries(props).map(([key, value]) => ({ op: 'set' as const, key, value }))]);
      if (!made.ok) throw new Error(made.error.message);
      await mesh.settled();
    },
    ping(to, method, body = { kind: 'Empty' }, timeoutMs = 15_000) {
      const ping: Ping = { kind: 'Ping', id: crypto.randomUUID(), from: 'test', to, method, uri: '/', headers: {}, body, handling: { timeoutMs, retries: 0 } };
      return mesh.request(ping);
    },
    status(point) {
      const p = store.get(point);
      if (!p.ok) throw new Error(p.error.message);
      return { status: p.value.status, message: p.value.statusMessage };
    },
    statuses(point) {
      const seen = Object.assign([] as Status[], { messages: [] as (string | undefined)[] });
      const watched = store.watch(point, (e: StoreEvent) => {
        if (e.type === 'status') {
          seen.push(e.status);
          seen.messages.push(e.message);
        }
      });
      if (!watched.ok) throw new Error(watched.error.message);
      return seen;
    },
    async close() {
      await mesh.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return fixture;
}

/** Compiles AssemblyScript source text to wasm bytes (asc from npm, in a plain node child: see compile-guest.ts). */
export function compileGuest(source: string, name = 'guest'): Uint8Array {
  return compileGuests([{ name, source, runtime: 'incremental', optimizeLevel: 2 }])[0]!;
}

/** Resolves when `check()` holds, polling; rejects after `ms`. */
export async function eventually(check: () => boolean, ms = 5_000, what = 'the condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function textOf(pong: Pong): string {
  const b = pong.body;
  return b.kind === 'Text' ? b.value : b.kind === 'Err' ? b.message : JSON.stringify(b);
}

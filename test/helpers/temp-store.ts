// Real stores (runtime/store) on temporary data dirs for the store, file and driver tests: every dir and store
// made here is remembered and `removeTempStores` (register with `test.after.each`) closes and deletes them all.
// `normal` durability keeps the unit tests fast; the R5 tests choose their own. `value` and `expectError` read a
// store Result; `createParticles` makes a tree of particles in order.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { openStore, type Store } from '../../runtime/store/store.ts';
import type { Result } from '../../runtime/store/types.ts';

const dirs: string[] = [];
const stores: Store[] = [];

/** A fresh empty folder, deleted by `removeTempStores`. */
export function tempDataDir(prefix = 'starc-store-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** The store in `dir` (a fresh one by default) with `normal` durability, closed by `removeTempStores`. */
export function openTempStore(dir = tempDataDir()): Store {
  const opened = openStore(dir, { durability: 'normal' });
  if (!opened.ok) throw new Error(opened.error.message);
  stores.push(opened.value);
  return opened.value;
}

/** Closes every store `openTempStore` opened and deletes every folder `tempDataDir` made. */
export function removeTempStores(): void {
  for (const s of stores.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** The value of an ok Result; throws with the error's code and message otherwise. */
export function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.value;
}

/** `r` failed with `code`, and with exactly `message` (a string) or a message matching it (a RegExp). */
export function expectError(r: Result<unknown>, code: string, message?: string | RegExp): void {
  if (r.ok) return assert.unreachable(`expected error ${code}, got ok`);
  assert.is(r.error.code, code, r.error.message);
  if (typeof message === 'string') assert.is(r.error.message, message);
  else if (message) assert.match(r.error.message, message);
}

/** Creates each `[point, kind]` in order (parents first); throws on the first that fails. */
export function createParticles(store: Store, particles: readonly (readonly [point: string, kind: string])[]): void {
  for (const [point, kind] of particles) value(store.create(point, kind));
}

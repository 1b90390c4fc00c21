// The registry (DESIGN.md §5): particles, their properties and statuses, published bundles, and blobs, in
// SQLite (better-sqlite3, WAL) under the data dir. Every call is synchronous, takes and returns plain data, and
// answers a caller's mistake with `{ ok: false, error }`; an exception means a bug or a broken disk.
//
// Durability (R5: what was acknowledged survives `kill -9`): a call returns only after its transaction has
// committed. In WAL mode a commit is an append to the WAL file; `synchronous=FULL` (the default here) also
// fsyncs the WAL on every commit, so an acknowledged write survives power loss and OS crashes too.
// `durability: 'normal'` (WAL + synchronous=NORMAL) still survives `kill -9` — the appended pages are in the
// OS page cache once write() returns, and the next open replays the WAL — but may lose the last commits on
// power loss; it trades that for far fewer fsyncs (see bench/b7-store.ts). Blobs are fsynced and renamed into
// place before any row that names them commits.
//
// Delete semantics: `delete` refuses a particle that has children (`has-children`, naming one) unless the
// caller asks `recursive: true`, which removes the whole subtree in one transaction, like `rm -r`. Blobs are
// content-addressed and may be shared between bundles and Files, so deleting a bundle or a File leaves them;
// `collectGarbage` removes the blobs no row names (run it when nothing is being written, e.g. at start-up).
//
// File contents (SPEC §3): only a `File` (not a `File<Dir>`) has content, one blob per File, replaced whole by
// `writeFile` (blob fsynced first, then the row committed: an acknowledged write is durable). A File never
// written is empty. `writeFile(..., { create: true })` also creates the File and any missing `File<Dir>`s
// between it and its FileStore, Ready at once (a File needs no guest), in the same transaction.

import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { canContain, type ResolvedKind } from '../../compiler/check/kind.ts';
import { BlobDir, EMPTY_HASH, hashOf, isBlobHash } from './blobs.ts';
import { parseStorePoint, resolveKindText, ROOT, type StorePoint } from './points.ts';
import { migrate } from './schema.ts';
import { compileSelect, matchesKey, type KindFilter } from './select.ts';
import {
  fail,
  ok,
  STATUSES,
  type CreateMode,
  type Particle,
  type ParticleStub,
  type Property,
  type PropOp,
  type Result,
  type Status,
  type StoreEvent,
  type StoreListener,
} from './types.ts';

export interface StoreOptions {
  /** `full` (default): every commit fsynced; `normal`: survives `kill -9`, not power loss. */
  readonly durability?: 'full' | 'normal';
}

export interface CreateOptions {
  /** Defaults to `HYPERUSER`. */
  readonly owner?: string;
  /** The runtime itself creates system kinds (`Host`, `Star`, ...); scripts may not. */
  readonly system?: boolean;
}

export interface DeleteOptions {
  /** `delete?`: a missing particle is not an error. */
  readonly ensure?: boolean;
  /** Remove the particle's whole subtree; without it a particle with children is refused. */
  readonly recursive?: boolean;
}

export interface BundleFile {
  /** Inside the bundle, without a leading `/`: `wasm/hello.wasm`. */
  readonly path: string;
  readonly hash: string;
  readonly size: number;
}

export interface ArtifactRef extends BundleFile {
  readonly bundle: string;
}

export interface PublishResult {
  readonly bundle: Particle;
  /** Points of the Artifact particles, in path order. */
  readonly artifacts: readonly string[];
  /** False when `ensure` found the same bundle already published. */
  readonly created: boolean;
}

/** A File's content as stored: the blob that holds it. */
export interface FileContent {
  readonly point: string;
  readonly hash: string;
  readonly size: number;
  /** Milliseconds since the epoch: the last write, or the File's creation when it was never written. */
  readonly updated: number;
}

export interface WriteFileResult extends FileContent {
  /** True when `create` made the File particle (and perhaps `File<Dir>`s above it). */
  readonly created: boolean;
}

export interface Store {
  readonly dataDir: string;
  create(point: string, kind: string, props?: readonly PropOp[], mode?: CreateMode, options?: CreateOptions): Result<Particle>;
  get(point: string): Result<Particle>;
  getProperties(point: string, keys?: readonly string[]): Result<Readonly<Record<string, Property>>>;
  /** Applies the operations all or none; returns the particle's properties afterwards. */
  set(point: string, ops: readonly PropOp[]): Result<Readonly<Record<string, Property>>>;
  delete(point: string, options?: DeleteOptions): Result<{ readonly deleted: number }>;
  /** Matches in key order. `kind` adds a kind selector to the pattern's last segment. */
  select(pattern: string, kind?: string): Result<readonly ParticleStub[]>;
  setStatus(point: string, status: Status, message?: string): Result<ParticleStub>;
  /** Change events of one point (which need not exist yet), after they commit; returns the unsubscribe. */
  watch(point: string, listener: StoreListener): Result<() => void>;
  /** Every change event of every point, after it commits (the mesh starts and stops guests on them). */
  watchAll(listener: StoreListener): () => void;
  putBlob(bytes: Uint8Array): string;
  getBlob(hash: string): Result<Uint8Array>;
  /** Stores the files as blobs and creates the Bundle and one Artifact per file, in one transaction. */
  publishBundle(point: string, files: ReadonlyMap<string, Uint8Array>, options?: { readonly ensure?: boolean }): Result<PublishResult>;
  bundleFiles(point: string): Result<readonly BundleFile[]>;
  /** The blob behind an artifact point (`repo:hello:1.0.0:/wasm/hello.wasm`). */
  artifact(point: string): Result<ArtifactRef>;
  /** Replaces a `File`'s content; with `create`, makes the File (and missing `File<Dir>`s up to its FileStore). */
  writeFile(point: string, bytes: Uint8Array, options?: { readonly create?: boolean }): Result<WriteFileResult>;
  /** A `File`'s content (a File never written is empty: EMPTY_HASH, size 0). */
  fileContent(point: string): Result<FileContent>;
  /** Where a blob's bytes are on disk, for streaming; `not-found` when it is missing. */
  blobPath(hash: string): Result<string>;
  /** Removes the blobs no bundle or File names. */
  collectGarbage(): { readonly removed: number; readonly bytes: number };
  /** Runs `fn` in one transaction (one fsync); events are delivered when it commits. */
  batch<T>(fn: () => T): T;
  close(): void;
}

interface ParticleRow {
  point: string;
  parent: string | null;
  kind: string;
  base_kind: string;
  sub_kind: string | null;
  depth: number;
  status: Status;
  status_message: string | null;
  owner: string;
  created: number;
}

interface PropertyRow {
  key: string;
  value: string;
  locked: number;
}

const DEFAULT_OWNER = 'HYPERUSER';
const PROPERTY_KEY = /^[a-z][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)*$/;

/** Thrown inside a transaction to roll it back and hand the error value to the caller. */
class Rollback {
  constructor(readonly result: Result<never>) {}
}

export function openStore(dataDir: string, options: StoreOptions = {}): Result<Store> {
  let db: Database.Database;
  try {
    mkdirSync(dataDir, { recursive: true });
    db = new Database(join(dataDir, 'registry.sqlite'));
  } catch (e) {
    return fail('store-open', `cannot open the store in \`${dataDir}\`: ${(e as Error).message}`);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.durability === 'normal' ? 'NORMAL' : 'FULL'}`);
    db.pragma('foreign_keys = ON');
    const problem = migrate(db);
    if (problem) {
      db.close();
      return fail('store-open', problem);
    }
  } catch (e) {
    db.close();
    return fail('store-open', `cannot open the store in \`${dataDir}\`: ${(e as Error).message}`);
  }
  return ok(new SqliteStore(dataDir, db, new BlobDir(join(dataDir, 'blobs'))));
}

class SqliteStore implements Store {
  private readonly listeners = new Map<string, Set<StoreListener>>();
  private pending: StoreEvent[] = [];
  private depth = 0;
  private readonly selectStatements = new Map<string, Database.Statement>();
  private readonly q;

  constructor(
    readonly dataDir: string,
    private readonly db: Database.Database,
    private readonly blobs: BlobDir,
  ) {
    this.q = {
      row: db.prepare<[string], ParticleRow>('SELECT * FROM particles WHERE point = ?'),
      kindOf: db.prepare<[string], { base_kind: string; sub_kind: string | null }>('SELECT base_kind, sub_kind FROM particles WHERE point = ?'),
      props: db.prepare<[string], PropertyRow>('SELECT key, value, locked FROM properties WHERE point = ? ORDER BY key'),
      insert: db.prepare(
        'INSERT INTO particles (point, parent, kind, base_kind, sub_kind, depth, status, status_message, owner, created) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)',
      ),
      replace: db.prepare(
        "UPDATE particles SET kind = ?, base_kind = ?, sub_kind = ?, status = 'Pending', status_message = NULL, owner = ?, created = ? WHERE point = ?",
      ),
      putProp: db.prepare('INSERT OR REPLACE INTO properties (point, key, value, locked) VALUES (?, ?, ?, ?)'),
      dropProp: db.prepare('DELETE FROM properties WHERE point = ? AND key = ?'),
      dropProps: db.prepare('DELETE FROM properties WHERE point = ?'),
      firstChild: db.prepare<[string], { point: string }>('SELECT point FROM particles WHERE parent = ? LIMIT 1'),
      childCount: db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM particles WHERE parent = ?'),
      subtree: db.prepare<[string], { point: string }>(
        'WITH RECURSIVE d(point) AS (SELECT ? UNION ALL SELECT p.point FROM particles p JOIN d ON p.parent = d.point) SELECT point FROM d',
      ),
      remove: db.prepare('DELETE FROM particles WHERE point = ?'),
      status: db.prepare('UPDATE particles SET status = ?, status_message = ? WHERE point = ?'),
      bundleFiles: db.prepare<[string], BundleFile>('SELECT path, hash, size FROM bundle_files WHERE bundle = ? ORDER BY path'),
      bundleFile: db.prepare<[string, string], BundleFile>('SELECT path, hash, size FROM bundle_files WHERE bundle = ? AND path = ?'),
      putBundleFile: db.prepare('INSERT INTO bundle_files (bundle, path, hash, size) VALUES (?, ?, ?, ?)'),
      content: db.prepare<[string], { hash: string; size: number; updated: number }>('SELECT hash, size, updated FROM file_contents WHERE point = ?'),
      putContent: db.prepare('INSERT OR REPLACE INTO file_contents (point, hash, size, updated) VALUES (?, ?, ?, ?)'),
      dropContent: db.prepare('DELETE FROM file_contents WHERE point = ?'),
      blobNamed: db.prepare<[string, string], { one: number }>(
        'SELECT 1 AS one WHERE EXISTS (SELECT 1 FROM bundle_files WHERE hash = ?) OR EXISTS (SELECT 1 FROM file_contents WHERE hash = ?)',
      ),
    };
  }

  // ------------------------------------------------------------ transactions and events

  /** Runs `fn` in a transaction; a failed Result rolls it back. Events go out after the outermost commit. */
  private tx<T>(fn: () => Result<T>): Result<T> {
    this.depth++;
    const mark = this.pending.length;
    let result: Result<T>;
    try {
      result = this.db.transaction(() => {
        const r = fn();
        if (!r.ok) throw new Rollback(r);
        return r;
      })();
    } catch (e) {
      this.pending.length = mark; // the rolled-back work's events never happened
      this.generation++; // and reads cached inside it saw rows that are gone
      if (e instanceof Rollback) return e.result;
      throw e;
    } finally {
      this.depth--;
    }
    if (this.depth === 0) this.flush();
    return result;
  }

  batch<T>(fn: () => T): T {
    const r = this.tx(() => ok(fn()));
    return (r as { ok: true; value: T }).value;
  }

  private emit(event: StoreEvent): void {
    this.generation++; // every change emits: cached reads are stale from here
    if (this.listeners.has(event.point) || this.allListeners.size > 0) this.pending.push(event);
  }

  // Reads are answered from memory until the next write: serving a site reads the same few rows (the Space,
  // its router, the artifact) on every request, and writes are rare by comparison. One process owns a data
  // dir, so its own writes are the only ones there are.
  private generation = 0;
  private readonly readCache = new Map<string, Result<unknown>>();
  private readCacheGeneration = 0;

  private cachedRead<T>(key: string, read: () => Result<T>): Result<T> {
    if (this.readCacheGeneration !== this.generation) {
      this.readCache.clear();
      this.readCacheGeneration = this.generation;
    }
    let result = this.readCache.get(key) as Result<T> | undefined;
    if (!result) {
      result = read();
      if (this.readCache.size >= 10_000) this.readCache.clear();
      this.readCache.set(key, result);
    }
    return result;
  }

  // Blobs are named by their content, so a cached blob is never stale; the budget bounds memory.
  private readonly blobCache = new Map<string, Uint8Array>();
  private blobCacheBytes = 0;
  private static readonly BLOB_CACHE_BYTES = 64 * 1024 * 1024;
  private static readonly BLOB_CACHE_MAX_FILE = 4 * 1024 * 1024;

  private flush(): void {
    const events = this.pending;
    this.pending = [];
    for (const event of events) {
      for (const listener of [...(this.listeners.get(event.point) ?? []), ...this.allListeners]) {
        try {
          listener(event);
        } catch (e) {
          // A listener's bug must not undo or stall the store's work; surface it as the uncaught error it is.
          queueMicrotask(() => {
            throw e;
          });
        }
      }
    }
  }

  private readonly allListeners = new Set<StoreListener>();

  watchAll(listener: StoreListener): () => void {
    this.allListeners.add(listener);
    return () => this.allListeners.delete(listener);
  }

  watch(point: string, listener: StoreListener): Result<() => void> {
    const p = parseStorePoint(point);
    if (!p.ok) return p;
    const key = p.value.key;
    let set = this.listeners.get(key);
    if (!set) this.listeners.set(key, (set = new Set()));
    set.add(listener);
    return ok(() => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(key) === set) this.listeners.delete(key);
    });
  }

  // ------------------------------------------------------------ particles

  create(point: string, kind: string, props: readonly PropOp[] = [], mode: CreateMode = 'plain', options: CreateOptions = {}): Result<Particle> {
    const p = parseStorePoint(point);
    if (!p.ok) return p;
    const k = resolveKindText(kind);
    if (!k.ok) return k;
    const propsOk = checkProps(props);
    if (!propsOk.ok) return propsOk;
    return this.tx(() => this.createIn(p.value, k.value, props, mode, options));
  }

  private createIn(p: StorePoint, k: ResolvedKind, props: readonly PropOp[], mode: CreateMode, options: CreateOptions): Result<Particle> {
    if (p.key === ROOT) return fail('exists', '`ROOT` always exists; the runtime creates it');
    if (k.info.system && !options.system) {
      return fail('system-kind', `a \`${k.base}\` cannot be created by a script: only the runtime creates it`);
    }
    const segmentProblem = segmentRule(p, k);
    if (segmentProblem) return fail('E0402', segmentProblem);
    const existing = this.q.row.get(p.key);
    if (existing) {
      if (mode === 'plain') {
        return fail('exists', `\`${p.key}\` already exists (${article(existing.kind)}); \`create?\` keeps it, \`create!\` replaces it`);
      }
      if (mode === 'ensure') {
        if (existing.kind !== k.text) {
          return fail('kind-mismatch', `\`${p.key}\` already exists as ${article(existing.kind)}, not ${article(k.text)}`);
        }
        return ok(this.particleOf(existing));
      }
    }
    const parentKey = this.parentKeyOf(p);
    const parent = this.q.row.get(parentKey);
    if (!parent) return fail('parent-missing', `cannot create \`${p.key}\`: its parent \`${parentKey}\` does not exist`);
    // System kinds have no parent rules (SPEC §3 lists none): the runtime places them where it needs them.
    if (!k.info.system && !canContain({ base: parent.base_kind, ...(parent.sub_kind !== null && { sub: parent.sub_kind }) }, k)) {
      const where = parentKey === ROOT ? `\`${p.key}\` would be at the top level, under \`ROOT\`` : `\`${parentKey}\` is ${article(parent.kind)}`;
      return fail('E0406', `${article(k.base)} must be under ${parentsText(k)}; ${where}`);
    }
    const now = Date.now();
    const owner = options.owner ?? DEFAULT_OWNER;
    if (existing) {
      // create!: a new particle in the old one's place. Children stay only if the kind is unchanged.
      if (existing.kind !== k.text) {
        const child = this.q.firstChild.get(p.key);
        if (child) {
          return fail('has-children', `cannot replace \`${p.key}\` (${article(existing.kind)}) by ${article(k.text)}: it has children, e.g. \`${child.point}\``);
        }
      }
      this.q.replace.run(k.text, k.base, k.sub ?? null, owner, now, p.key);
      this.q.dropContent.run(p.key); // a new particle: a replaced File starts empty
      for (const prop of this.q.props.all(p.key)) this.emit({ type: 'property', point: p.key, key: prop.key, value: undefined, locked: false });
      this.q.dropProps.run(p.key);
    } else {
      this.q.insert.run(p.key, parentKey, k.text, k.base, k.sub ?? null, p.depth, 'Pending', owner, now);
    }
    this.emit({ type: 'created', point: p.key, kind: k.text });
    this.emit({ type: 'status', point: p.key, status: 'Pending', message: undefined });
    for (const op of props) {
      if (op.op === 'unset') continue; // nothing to unset on a new particle
      this.q.putProp.run(p.key, op.key, op.value, op.op === 'lock' ? 1 : 0);
      this.emit({ type: 'property', point: p.key, key: op.key, value: op.value, locked: op.op === 'lock' });
    }
    return ok(this.particleOf(this.q.row.get(p.key)!));
  }

  /** One segment up, except that everything inside a published bundle sits directly under the Bundle. */
  private parentKeyOf(p: StorePoint): string {
    if (p.meshOwner !== undefined) {
      const owner = this.q.kindOf.get(p.meshOwner);
      if (owner?.base_kind === 'Bundle') return p.meshOwner;
    }
    return p.parent!;
  }

  get(point: string): Result<Particle> {
    return this.cachedRead(`get ${point}`, () => this.readParticle(point));
  }

  private readParticle(point: string): Result<Particle> {
    const p = parseStorePoint(point);
    if (!p.ok) return p;
    const row = this.q.row.get(p.value.key);
    return row ? ok(this.particleOf(row)) : notFound(p.value.key);
  }

  private particleOf(row: ParticleRow): Particle {
    return {
      point: row.point,
      kind: row.kind,
      status: row.status,
      parent: row.parent ?? undefined,
      statusMessage: row.status_message ?? undefined,
      owner: row.owner,
      created: row.created,
      properties: this.propertiesOf(row.point),
    };
  }

  private propertiesOf(key: string): Record<string, Property> {
    const out: Record<string, Property> = {};
    for (const r of this.q.props.all(key)) out[r.key] = { value: r.value, locked: r.locked === 1 };
    return out;
  }

  getProperties(point: string, keys?: readonly string[]): Result<Readonly<Record<string, Property>>> {
    return this.cachedRead(`props ${point} ${keys?.join(',') ?? '*'}`, () => this.readProperties(point, keys));
  }

  private readProperties(point: string, keys?: readonly string[]): Result<Readonly<Record<string, Property>>> {
    const p = parseStorePoint(point);
    if (!p.ok) return p;
    if (!this.q.kindOf.get(p.value.key)) return notFound(p.value.key);
    const all = this.propertiesOf(p.value.key);
    if (!keys) return ok(all);
    const out: Record<string, Property> = {};
    for (const key of keys) if (all[key]) out[key] = all[key];
    return ok(out);
  }

  set(point: string, ops: readonly PropOp[]): Result<Readonly<Record<string, Property>>> {
    const p = parseStorePoint(point);
    if (!p.ok) return p;
    const propsOk = checkProps(ops);
    if (!propsOk.ok) return propsOk;
    const key = p.value.key;
    return this.tx(() => {
      if (!this.q.kindOf.get(key)) return notFound(key);
      const current = this.propertiesOf(key);
      for (const op of ops) {
        const now = current[op.key];
        const value = op.op === 'unset' ? undefined : op.value;
        const locked = op.op === 'lock' || (now?.locked ?? false);
        if (now?.locked && (value !== now.value || op.op === 'unset')) {
          const verb = op.op === 'unset' ? 'unset' : 'changed';
          return fail('locked', `property \`${op.key}\` of \`${key}\` is locked (\`+@${op.key}\`) and cannot be ${verb}`);
        }
        if (value === now?.value && locked === (now?.locked ?? false)) continue;
        if (value === undefined) {
          this.q.dropProp.run(key, op.key);
          delete current[op.key];
        } else {
          this.q.putProp.run(key, op.key, value, locked ? 1 : 0);
          current[op.key] = { value, locked };
        }
        this.emit({ type: 'property', point: key, key: op.key, value, locked: value === undefined ? false : locked });
      }
      return ok(current);
    });
  }

  delete(point: string, options: DeleteOptions = {}): Result<{ readonly deleted: number }> {
    const p = parseStorePoint(point);
    if (!p.ok) return p;
    const key = p.value.key;
    if (key === ROOT) return fail('has-children', '`ROOT` cannot be deleted');
    return this.tx(() => {
      if (!this.q.kindOf.get(key)) return options.ensure ? ok({ deleted: 0 }) : notFound(key);
      if (!options.recursive) {
        const child = this.q.firstChild.get(key);
        if (child) {
          const n = this.q.childCount.get(key)!.n;
          return fail('has-children', `\`${key}\` has ${n} ${n === 1 ? 'child' : 'children'}, e.g. \`${child.point}\`; delete them first, or delete recursively`);
        }
      }
      const doomed = options.recursive ? this.q.subtree.all(key).map((r) => r.point) : [key];
      this.q.remove.run(key); // ON DELETE CASCADE takes the subtree, its properties and bundle files
      for (const d of doomed) this.emit({ type: 'deleted', point: d });
      return ok({ deleted: doomed.length });
    });
  }

  setStatus(point: string, status: Status, message?: string): Result<ParticleStub> {
    if (!(STATUSES as readonly string[]).includes(status)) {
      return fail('bad-status', `unknown status \`${status}\`; statuses are ${STATUSES.join(', ')}`);
    }
    const p = parseStorePoint(point);
    if (!p.ok) return p;
    const key = p.value.key;
    return this.tx(() => {
      const row = this.q.row.get(key);
      if (!row) return notFound(key);
      if (row.status !== status || (row.status_message ?? undefined) !== message) {
        this.q.status.run(status, message ?? null, key);
        this.emit({ type: 'status', point: key, status, message });
      }
      return ok({ point: key, kind: row.kind, status });
    });
  }

  select(pattern: string, kind?: string): Result<readonly ParticleStub[]> {
    const compiled = compileSelect(pattern, kind);
    if (!compiled.ok) return compiled;
    const c = compiled.value;
    let stmt = this.selectStatements.get(c.where);
    if (!stmt) {
      stmt = this.db.prepare(`SELECT point, kind, base_kind, sub_kind, status FROM particles WHERE ${c.where} ORDER BY point`).raw(true);
      this.selectStatements.set(c.where, stmt);
    }
    const rows = stmt.all(...c.params) as [string, string, string, string | null, Status][];
    const out: ParticleStub[] = [];
    const kinds = new Map<string, KindFilter | undefined>();
    const kindOf = (k: string): KindFilter | undefined => {
      if (!kinds.has(k)) {
        const r = this.q.kindOf.get(k);
        kinds.set(k, r && (r.sub_kind === null ? { base: r.base_kind } : { base: r.base_kind, sub: r.sub_kind }));
      }
      return kinds.get(k);
    };
    for (const [point, kindText, base, sub, status] of rows) {
      if (c.needsMatcher && !matchesKey(c, point, sub === null ? { base } : { base, sub }, kindOf)) continue;
      out.push({ point, kind: kindText, status });
    }
    return ok(out);
  }

  // ------------------------------------------------------------ blobs and bundles

  putBlob(bytes: Uint8Array): string {
    return this.blobs.put(bytes);
  }

  getBlob(hash: string): Result<Uint8Array> {
    if (!isBlobHash(hash)) return fail('bad-hash', `\`${hash}\` is not a blob hash (64 lowercase hex digits of a SHA-256)`);
    if (hash === EMPTY_HASH) return ok(new Uint8Array(0));
    const hit = this.blobCache.get(hash);
    if (hit) return ok(hit);
    const bytes = this.blobs.get(hash);
    if (!bytes) return fail('not-found', `no blob \`${hash}\``);
    if (bytes.length <= SqliteStore.BLOB_CACHE_MAX_FILE) {
      while (this.blobCacheBytes + bytes.length > SqliteStore.BLOB_CACHE_BYTES && this.blobCache.size > 0) {
        const [oldest, old] = this.blobCache.entries().next().value as [string, Uint8Array];
        this.blobCache.delete(oldest);
        this.blobCacheBytes -= old.length;
      }
      this.blobCache.set(hash, bytes);
      this.blobCacheBytes += bytes.length;
    }
    return ok(bytes);
  }

  publishBundle(point: string, files: ReadonlyMap<string, Uint8Array>, options: { readonly ensure?: boolean } = {}): Result<PublishResult> {
    const p = parseStorePoint(point);
    if (!p.ok) return p;
    const key = p.value.key;
    const paths: { path: string; point: StorePoint; bytes: Uint8Array }[] = [];
    for (const [written, bytes] of files) {
      const path = written.replace(/^\/+/, '');
      if (path.split('/').some((s) => s === '.' || s === '..')) return fail('bad-path', `bundle path \`${written}\` has \`.\` or \`..\` segments`);
      const ap = parseStorePoint(`${key}:/${path}`);
      if (!ap.ok) return fail('bad-path', `bundle path \`${written}\` cannot be an artifact point: ${ap.error.message}`);
      paths.push({ path, point: ap.value, bytes });
    }
    paths.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const existing = this.q.row.get(key);
    if (existing) {
      const same =
        existing.base_kind === 'Bundle' && sameFiles(this.q.bundleFiles.all(key), paths.map((f) => ({ path: f.path, bytes: f.bytes })));
      if (options.ensure && same) {
        return ok({ bundle: this.particleOf(existing), artifacts: paths.map((f) => f.point.key), created: false });
      }
      const why = same ? 'already published' : 'already published with other contents';
      return fail('exists', `\`${key}\` is ${why}; a published version never changes: publish another version`);
    }
    const bundleKind = resolveKindText('Bundle');
    if (!bundleKind.ok) throw new Error('the kind table has no `Bundle`');
    // Blobs first, each durable, so no committed row ever names a missing blob.
    const hashes = paths.map((f) => this.blobs.put(f.bytes));
    return this.tx(() => {
      const bundle = this.createIn(p.value, bundleKind.value, [], 'plain', {});
      if (!bundle.ok) return bundle;
      for (let i = 0; i < paths.length; i++) {
        const f = paths[i]!;
        const kind = resolveKindText(`Artifact<${artifactSubKind(f.path)}>`);
        if (!kind.ok) throw new Error(`bad artifact kind for ${f.path}`);
        const a = this.createIn(f.point, kind.value, [], 'plain', {});
        if (!a.ok) return a;
        this.q.putBundleFile.run(key, f.path, hashes[i]!, f.bytes.length);
      }
      return ok({ bundle: this.particleOf(this.q.row.get(key)!), artifacts: paths.map((f) => f.point.key), created: true });
    });
  }

  bundleFiles(point: string): Result<readonly BundleFile[]> {
    const p = parseStorePoint(point);
    if (!p.ok) return p;
    const row = this.q.kindOf.get(p.value.key);
    if (!row) return notFound(p.value.key);
    if (row.base_kind !== 'Bundle') return fail('not-found', `\`${p.value.key}\` is ${article(row.base_kind)}, not a \`Bundle\``);
    return ok(this.q.bundleFiles.all(p.value.key));
  }

  artifact(point: string): Result<ArtifactRef> {
    return this.cachedRead(`artifact ${point}`, () => this.readArtifact(point));
  }

  private readArtifact(point: string): Result<ArtifactRef> {
    const p = parseStorePoint(point);
    if (!p.ok) return p;
    const bundle = p.value.meshOwner;
    if (bundle === undefined) return fail('not-found', `\`${p.value.key}\` has no \`:/path\`, so it names no artifact`);
    const path = p.value.key.slice(bundle.length + 2);
    const f = this.q.bundleFile.get(bundle, path);
    return f ? ok({ bundle, ...f }) : fail('not-found', `no artifact \`${p.value.key}\``);
  }

  // ------------------------------------------------------------ file contents

  fileContent(point: string): Result<FileContent> {
    return this.cachedRead(`content ${point}`, () => this.readFileContent(point));
  }

  private readFileContent(point: string): Result<FileContent> {
    const p = parseStorePoint(point);
    if (!p.ok) return p;
    const row = this.q.row.get(p.value.key);
    if (!row) return notFound(p.value.key);
    const notFile = contentRule(row, false);
    if (notFile) return notFile;
    const c = this.q.content.get(p.value.key);
    return ok(c ? { point: p.value.key, ...c } : { point: p.value.key, hash: EMPTY_HASH, size: 0, updated: row.created });
  }

  writeFile(point: string, bytes: Uint8Array, options: { readonly create?: boolean } = {}): Result<WriteFileResult> {
    const p = parseStorePoint(point);
    if (!p.ok) return p;
    const key = p.value.key;
    // Cheap refusals before the blob is written.
    const existing = this.q.row.get(key);
    if (existing) {
      const notFile = contentRule(existing, true);
      if (notFile) return notFile;
    } else if (!options.create) {
      return fail('not-found', `\`${key}\` does not exist: create it as a \`File\` first`);
    }
    // The blob first, durable, so the committed row never names a missing blob.
    const hash = this.blobs.put(bytes);
    return this.tx(() => {
      let created = false;
      if (!this.q.row.get(key)) {
        const made = this.createFileIn(p.value);
        if (!made.ok) return made;
        created = true;
      }
      const updated = Date.now();
      this.q.putContent.run(key, hash, bytes.length, updated);
      this.emit({ type: 'content', point: key, hash, size: bytes.length });
      return ok({ point: key, hash, size: bytes.length, updated, created });
    });
  }

  /** Creates the File at `p`, and `File<Dir>`s for missing path segments above it, all Ready (inside a tx). */
  private createFileIn(p: StorePoint): Result<true> {
    const owner = p.meshOwner;
    if (owner === undefined) return fail('not-a-file', `\`${p.key}\` cannot be a \`File\`: its point has no \`:/path\``);
    const ownerRow = this.q.row.get(owner);
    if (!ownerRow) return fail('not-found', `cannot create \`${p.key}\`: \`${owner}\` does not exist`);
    if (ownerRow.base_kind === 'Bundle') return fail('read-only', `\`${p.key}\` is inside the published bundle \`${owner}\`, which never changes`);
    if (ownerRow.base_kind !== 'FileStore') {
      return fail('E0406', `a \`File\` must be under a \`FileStore\` or \`File<Dir>\`; \`${owner}\` is ${article(ownerRow.kind)}`);
    }
    const dirKind = resolveKindText('File<Dir>');
    const fileKind = resolveKindText('File');
    if (!dirKind.ok || !fileKind.ok) throw new Error('the kind table has no `File`');
    const dirs = p.key.slice(owner.length + 2).split('/').slice(0, -1);
    for (let i = 1; i <= dirs.length; i++) {
      const dir = parseStorePoint(`${owner}:/${dirs.slice(0, i).join('/')}`);
      if (!dir.ok) return dir;
      const had = this.q.row.get(dir.value.key);
      const made = this.createIn(dir.value, dirKind.value, [], 'ensure', {});
      if (!made.ok) return made;
      if (!had) this.markReady(dir.value.key);
    }
    const made = this.createIn(p, fileKind.value, [], 'plain', {});
    if (!made.ok) return made;
    this.markReady(p.key);
    return ok(true);
  }

  private markReady(key: string): void {
    this.q.status.run('Ready', null, key);
    this.emit({ type: 'status', point: key, status: 'Ready', message: undefined });
  }

  blobPath(hash: string): Result<string> {
    if (!isBlobHash(hash)) return fail('bad-hash', `\`${hash}\` is not a blob hash (64 lowercase hex digits of a SHA-256)`);
    return this.blobs.sizeOf(hash) === undefined ? fail('not-found', `no blob \`${hash}\``) : ok(this.blobs.pathOf(hash));
  }

  collectGarbage(): { readonly removed: number; readonly bytes: number } {
    const swept = this.blobs.sweep((hash) => this.q.blobNamed.get(hash, hash) !== undefined, Date.now());
    for (const hash of [...this.blobCache.keys()]) {
      if (this.q.blobNamed.get(hash, hash) === undefined) {
        this.blobCacheBytes -= this.blobCache.get(hash)!.length;
        this.blobCache.delete(hash);
      }
    }
    return swept;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** SPEC §3: only a `File` has content; a `File<Dir>` and every other kind have none. */
function contentRule(row: { point: string; kind: string; base_kind: string; sub_kind: string | null }, write: boolean): Result<never> | undefined {
  if (row.base_kind === 'File' && row.sub_kind !== 'Dir') return undefined;
  if (row.base_kind === 'Artifact' && write) return fail('read-only', `\`${row.point}\` is an artifact of a published bundle, which never changes`);
  const why = row.base_kind === 'File' ? 'a directory has no content' : row.base_kind === 'Artifact' ? 'its bytes are a bundle file, not a `File`\'s content' : 'only a `File` has content';
  return fail('not-a-file', `\`${row.point}\` is ${article(row.kind)}: ${why}`);
}

// ---------------------------------------------------------------- rules and wording

function notFound<T>(key: string): Result<T> {
  return fail('not-found', `\`${key}\` does not exist`);
}

function checkProps(ops: readonly PropOp[]): Result<true> {
  for (const op of ops) {
    if (!PROPERTY_KEY.test(op.key)) {
      return fail('bad-property', `\`${op.key}\` is not a property key: lowercase words joined by \`-\` or \`.\`, e.g. \`config\`, \`wasm.src\``);
    }
  }
  return ok(true);
}

/** Bundles are named by a version, files and artifacts by a `:/path`, every other kind by a name (SPEC §3). */
function segmentRule(p: StorePoint, k: ResolvedKind): string | undefined {
  const last = p.segments[p.segments.length - 1]!;
  const inPath = last.kind === 'dir' || last.kind === 'file';
  switch (k.info.segment) {
    case 'version':
      return last.kind === 'version' ? undefined : `\`${p.key}\` cannot name ${article(k.base)}: its last segment is its version, e.g. \`repo:hello:1.0.0\``;
    case 'path':
      return inPath ? undefined : `\`${p.key}\` cannot name ${article(k.base)}: its point ends with a \`:/path\``;
    case 'name':
      if (last.kind === 'version') return `\`${p.key}\` cannot name ${article(k.base)}: only a \`Bundle\` is named by a version`;
      if (inPath) return `\`${p.key}\` cannot name ${article(k.base)}: only a \`File\` or an \`Artifact\` has a \`:/path\``;
      return undefined;
  }
}

/** "a `Space`", "an `App`". */
function article(kind: string): string {
  return `${/^[AEIOU]/.test(kind) ? 'an' : 'a'} \`${kind}\``;
}

/** "a `BundleSeries`", "a `Root`, `Space` or `Base`". */
function parentsText(k: ResolvedKind): string {
  const names = k.info.parents.map((p) => `\`${p}\``);
  const list = names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
  return `${/^`[AEIOU]/.test(list) ? 'an' : 'a'} ${list}`;
}

const ARTIFACT_SUB_KINDS: Readonly<Record<string, string>> = {
  bind: 'Bind',
  router: 'Router',
  app: 'App',
  mechtron: 'Mechtron',
  wasm: 'Wasm',
};

function artifactSubKind(path: string): string {
  const ext = /\.([^./]+)$/.exec(path)?.[1]?.toLowerCase() ?? '';
  if (ext === 'json' && path.startsWith('schema/')) return 'Schema';
  return ARTIFACT_SUB_KINDS[ext] ?? 'Raw';
}

function sameFiles(stored: readonly BundleFile[], given: readonly { path: string; bytes: Uint8Array }[]): boolean {
  if (stored.length !== given.length) return false;
  return stored.every((s, i) => s.path === given[i]!.path && s.size === given[i]!.bytes.length && s.hash === hashOf(given[i]!.bytes));
}

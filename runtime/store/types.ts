// The registry's data (DESIGN.md §5): particles, properties, change events and error values, all plain and
// serialisable, so a remote registry (the NATS lattice's key-value bucket) can stand behind the same interface.

/** Particle statuses; `Panic` and `Fatal` carry a message. */
export const STATUSES = ['Unknown', 'Pending', 'Init', 'Ready', 'Paused', 'Resuming', 'Panic', 'Fatal', 'Done'] as const;
export type Status = (typeof STATUSES)[number];

export interface Property {
  readonly value: string;
  /** Set with `+@key=value`: it can no longer be changed or unset (only `create!` or `delete` remove it). */
  readonly locked: boolean;
}

/** What `select` lists: enough to show a table, without the properties. */
export interface ParticleStub {
  readonly point: string;
  readonly kind: string;
  readonly status: Status;
}

export interface Particle extends ParticleStub {
  /** `ROOT` for a top-level particle; undefined only for `ROOT` itself. */
  readonly parent: string | undefined;
  readonly statusMessage: string | undefined;
  readonly owner: string;
  /** Milliseconds since the epoch. */
  readonly created: number;
  readonly properties: Readonly<Record<string, Property>>;
}

/** `+key=value`, `+@key=value` (lock) and `!key` (unset), as SPEC §8 writes them. */
export type PropOp =
  | { readonly op: 'set'; readonly key: string; readonly value: string }
  | { readonly op: 'lock'; readonly key: string; readonly value: string }
  | { readonly op: 'unset'; readonly key: string };

export type CreateMode = 'plain' | 'ensure' | 'override';

/**
 * Error codes. Where the compiler has a code for the same mistake the store uses it (E0401 unknown kind, E0402
 * malformed point, E0403/E0404 bad sub-kind or specific, E0406 kind under a parent that cannot hold it, E0603
 * malformed select pattern); states of the registry have names.
 */
export type StoreErrorCode =
  | 'E0401'
  | 'E0402'
  | 'E0403'
  | 'E0404'
  | 'E0406'
  | 'E0603'
  | 'not-found'
  | 'exists'
  | 'kind-mismatch'
  | 'parent-missing'
  | 'locked'
  | 'has-children'
  | 'system-kind'
  | 'bad-hash'
  | 'bad-path'
  | 'bad-status'
  | 'bad-property'
  | 'not-a-file'
  | 'read-only'
  | 'store-open';

export interface StoreError {
  readonly code: StoreErrorCode;
  /** Lowercase, no trailing period, names in backticks: shown as is by the REPL and the admin endpoint. */
  readonly message: string;
}

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: StoreError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(code: StoreErrorCode, message: string): Result<T> {
  return { ok: false, error: { code, message } };
}

/** What `watch` reports, after the change is committed. */
export type StoreEvent =
  | { readonly type: 'created'; readonly point: string; readonly kind: string }
  | { readonly type: 'deleted'; readonly point: string }
  | { readonly type: 'status'; readonly point: string; readonly status: Status; readonly message: string | undefined }
  | {
      readonly type: 'property';
      readonly point: string;
      readonly key: string;
      /** undefined when the property was unset. */
      readonly value: string | undefined;
      readonly locked: boolean;
    }
  /** A File's content was written (`writeFile`). */
  | { readonly type: 'content'; readonly point: string; readonly hash: string; readonly size: number };

export type StoreListener = (event: StoreEvent) => void;

// Waves and substances: the messages of the mesh (DESIGN.md §5), as plain serialisable data. The same shapes
// travel the local bus, the NATS lattice and the Mechtron ABI's JSON frames, so nothing here holds a
// reference to anything in-process.

export type Substance =
  | { readonly kind: 'Empty' }
  | { readonly kind: 'Text'; readonly value: string }
  | { readonly kind: 'Bin'; readonly base64: string }
  | { readonly kind: 'Json'; readonly value: unknown }
  | { readonly kind: 'Int'; readonly value: number }
  | { readonly kind: 'Boolean'; readonly value: boolean }
  | { readonly kind: 'Point'; readonly value: string }
  | { readonly kind: 'Map'; readonly value: Readonly<Record<string, Substance>> }
  | { readonly kind: 'List'; readonly value: readonly Substance[] }
  | { readonly kind: 'Err'; readonly status: number; readonly message: string };

export const EMPTY: Substance = { kind: 'Empty' };

/** `Http<Get>`, `Ext<Hello>`, `Cmd<Read>`, `Hyp<Init>`. */
export type Method = string;

export interface Handling {
  /** Milliseconds until the sender gets a 408 Timeout. */
  readonly timeoutMs: number;
  readonly retries: number;
}

interface WaveBase {
  readonly id: string;
  readonly from: string;
  readonly to: string;
}

/** A request: exactly one Pong answers it, or a 408 Timeout. */
export interface Ping extends WaveBase {
  readonly kind: 'Ping';
  readonly method: Method;
  /** Path and query, `/users/scott?x=1`. */
  readonly uri: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Substance;
  readonly handling: Handling;
  /** The authenticated agent, if any (for `(auth)` filters). */
  readonly agent?: { readonly point: string; readonly roles: readonly string[] };
}

/** A reply to a Ping. */
export interface Pong extends WaveBase {
  readonly kind: 'Pong';
  readonly reflectionOf: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Substance;
}

/** A message that expects no reply. */
export interface Signal extends WaveBase {
  readonly kind: 'Signal';
  readonly method: Method;
  readonly uri: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Substance;
}

/** A change delivered to watchers. */
export interface Ripple extends WaveBase {
  readonly kind: 'Ripple';
  readonly body: Substance;
}

export type Wave = Ping | Pong | Signal | Ripple;

export const DEFAULT_TIMEOUT_MS = 15_000;

/** The parts of a Ping that a reply to it needs. */
export interface Addressed {
  readonly id: string;
  readonly from: string;
  readonly to: string;
}

/**
 * The Pong answering `ping`: from the point it was sent to (or `from`), back to its sender. Every module that
 * answers a wave itself (the bus, the pipeline, the file driver, the mesh, the ingress) builds its Pongs here.
 */
export function pongTo(
  ping: Addressed,
  status: number,
  body: Substance = EMPTY,
  headers: Readonly<Record<string, string>> = {},
  options: { readonly from?: string; readonly id?: string } = {},
): Pong {
  return { kind: 'Pong', id: options.id ?? crypto.randomUUID(), reflectionOf: ping.id, from: options.from ?? ping.to, to: ping.from, status, headers, body };
}

/** A Pong with an `Err` body: `status` and a message saying what went wrong. */
export function errorPongTo(ping: Addressed, status: number, message: string, options: { readonly from?: string; readonly id?: string; readonly headers?: Readonly<Record<string, string>> } = {}): Pong {
  return pongTo(ping, status, { kind: 'Err', status, message }, options.headers ?? {}, options);
}

// The bus: how waves travel between particles (DESIGN.md §5). One interface, two implementations: the local
// in-process bus (local-bus.ts) now, the NATS lattice later. Nothing here assumes one process:
// - waves are plain serialisable data (runtime/waves/wave.ts); an implementation copies or serialises them at
//   the boundary, so a sender and a receiver never share an object;
// - `serve` is a queue-group subscription: several servers of one point share its Pings (each Ping goes to
//   exactly one of them), which is what the lattice's queue group per point gives;
// - `watch` is a plain subscription: every watcher of a point gets every Ripple published about it;
// - handlers and listeners are async and may run later, elsewhere; nothing is delivered in the caller's stack.
//
// The promise contract: `request` resolves to exactly one Pong and never rejects. The Pong is the server's
// reply, or one the bus makes: 404 (no particle serves the point), 408 (no reply within
// `ping.handling.timeoutMs`), 500 (the handler threw, replied nothing, or replied garbage), 503 (bus closed).

import type { Ping, Pong, Ripple, Signal, Substance } from '../waves/wave.ts';

export type Unsubscribe = () => void;

/**
 * What a handler may answer a Ping with: a whole Pong, or the part that matters. The bus fills the rest in
 * and overrides what the handler cannot choose: `reflectionOf` (the Ping's id), `from` (the served point),
 * `to` (the Ping's sender). `id` is kept when given, else made; `headers` default to `{}`, `body` to Empty.
 * The same rule as a mechtron guest's reply frame (DESIGN.md §5, Mechtron ABI).
 */
export interface PongReply {
  readonly kind?: 'Pong';
  readonly id?: string;
  readonly reflectionOf?: string;
  readonly from?: string;
  readonly to?: string;
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Substance;
}

/**
 * Serves a point. For a Ping it must resolve to a reply (resolving to nothing is a 500 for the sender); for a
 * Signal its result is ignored. Throwing or rejecting is a 500 for a Ping's sender and a logged error for a
 * Signal.
 */
export type WaveHandler = (wave: Ping | Signal) => Promise<PongReply | void> | PongReply | void;

export type RippleListener = (ripple: Ripple) => void;

export type LogLevel = 'debug' | 'warn' | 'error';

/** Where the bus reports what it cannot tell a sender (signal failures, late replies, listener errors). */
export interface BusLogger {
  log(level: LogLevel, message: string): void;
}

export interface Bus {
  /** Send a Ping to `ping.to`; resolves to exactly one Pong (see the contract above). Never rejects. */
  request(ping: Ping): Promise<Pong>;
  /** Fire and forget: delivered to one server of `signal.to` if any. Never throws to the sender. */
  signal(signal: Signal): void;
  /** Publish `ripple` to every watcher of `point` (the watched point, the "topic"). Never throws. */
  ripple(point: string, ripple: Ripple): void;
  /** Serve Pings and Signals sent to `point`, sharing them with any other server of the same point. */
  serve(point: string, handler: WaveHandler): Unsubscribe;
  /** Receive every Ripple published about `point`. */
  watch(point: string, listener: RippleListener): Unsubscribe;
  /** Stop: pending requests are answered 503, later sends are refused the same way. Idempotent. */
  close(): Promise<void>;
}

/** Counters for diagnostics (`stats` on an implementation). */
export interface BusStats {
  /** Requests not yet answered. */
  readonly pending: number;
  readonly requests: number;
  readonly timeouts: number;
  /** Replies that arrived after their Ping had been answered (timeout or close) and were dropped. */
  readonly lateReplies: number;
  readonly handlerErrors: number;
  readonly signals: number;
  readonly ripples: number;
}

/** The statuses of the Pongs the bus itself makes. */
export const BUS_STATUS = {
  notFound: 404,
  timeout: 408,
  handlerError: 500,
  closed: 503,
} as const;

const handedOver = new WeakSet<object>();

/**
 * Marks `reply` as handed over: its handler built it for this answer alone and keeps no reference to it or to
 * its parts, so a bus may take it as it is instead of copying it (a Pong a pipeline made from a guest's parsed
 * reply is such). The local bus then skips its boundary copy; a bus between processes serialises it anyway.
 */
export function handOver<T extends PongReply>(reply: T): T {
  handedOver.add(reply);
  return reply;
}

export function isHandedOver(reply: PongReply): boolean {
  return handedOver.has(reply);
}

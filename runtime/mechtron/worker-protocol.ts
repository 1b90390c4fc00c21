// The messages between the host's main thread and a guest worker (runtime/mechtron/guest-worker.ts). Plain
// structured-clone data; a `WebAssembly.Module` is cloneable between threads, so a module is compiled once in
// the main thread and instantiated in whichever worker hosts an instance.
//
// The shared `state` (a SharedArrayBuffer every worker gets) is how the main thread sees what a worker is doing
// without a message per frame, and how it wakes a worker blocked in a guest's synchronous `send`:
//   i32[WAKE]         bumped by the main thread after every post, `Atomics.notify`ed: a blocked worker re-reads its port
//   i32[RUNNING]      the sequence number of the frame the guest is computing now (0: none; a worker blocked in a
//                     `send` is not computing)
//   f64[STARTED]      when that frame started, in ms since the epoch (the watchdog's clock)

import type { Substance } from '../waves/wave.ts';
import type { LogLevel } from '../mesh/particle-logs.ts';

export const STATE_BYTES = 32;
export const I32_WAKE = 0;
export const I32_RUNNING = 1;
/** Float64 indexes (the first 8 bytes hold the two i32 slots). */
export const F64_STARTED = 1;

export interface GuestLoad {
  readonly t: 'load';
  readonly inst: number;
  readonly module: WebAssembly.Module;
  /** The JSON details `mechtron_guest_init` receives. */
  readonly details: string;
  /** Largest frame, in bytes, either way. */
  readonly maxFrameBytes: number;
}

export interface GuestFrame {
  readonly t: 'frame';
  readonly seq: number;
  readonly inst: number;
  /** The wave as its JSON frame (runtime/mechtron/guest-abi.ts `frameOfWave`): a string crosses threads as a copy
   *  of its bytes, where an object would go through the structured-clone serializer (measured: the main thread's
   *  largest cost in B4). */
  readonly frame: string;
  /** Milliseconds the guest may compute on it (Limits.timeout). */
  readonly timeoutMs: number;
}

export interface GuestPong {
  readonly t: 'pong';
  readonly call: number;
  /** The Pong as the guest will read it (a JSON frame). */
  readonly frame: string;
}

export interface GuestDrop {
  readonly t: 'drop';
  readonly inst: number;
}

export type ToWorker = GuestLoad | GuestFrame | GuestPong | GuestDrop;

/** What makes an instance unusable; the host restarts it. */
export type FaultKind = 'trap' | 'panic' | 'bad-frame' | 'timeout' | 'init';

export interface Fault {
  readonly kind: FaultKind;
  readonly message: string;
}

/** The part of a Pong a guest chooses (DESIGN.md §5: the host fills in the rest). */
export interface GuestReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Substance;
}

export type FromWorker =
  | { readonly t: 'loaded'; readonly inst: number; readonly fault?: Fault }
  /** `reply` undefined: the guest absorbed the wave (fine for a Signal; a Ping's sender gets a 500). It is the
   *  guest's reply frame as text, already checked by `readReplyFrame` in the worker: the main thread only parses it. */
  | { readonly t: 'done'; readonly seq: number; readonly reply?: string; readonly fault?: Fault; readonly gone?: true }
  /** A guest's Ping: the worker is blocked until a `pong` with the same `call` comes back. */
  | { readonly t: 'call'; readonly inst: number; readonly call: number; readonly ping: OutgoingPing }
  | { readonly t: 'signal'; readonly inst: number; readonly signal: OutgoingSignal }
  | { readonly t: 'log'; readonly inst: number; readonly level: LogLevel; readonly message: string };

/** A wave as a guest writes it: the host fills in `id` and `from`. */
export interface OutgoingPing {
  readonly to: string;
  readonly method: string;
  readonly uri: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Substance;
}

export type OutgoingSignal = OutgoingPing;

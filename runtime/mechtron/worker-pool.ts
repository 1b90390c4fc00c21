// The main thread's side of the guest workers (guest-worker.ts): which instance lives in which worker, frames
// out and replies back, guests' calls answered, and the watchdog that cuts off a guest computing past its
// deadline (DESIGN.md §5: "a guest must never stall the host").
//
// Decisions:
// - A fixed pool of workers (one per CPU, at least two), started with the first guest; a new instance goes to the
//   worker with the fewest.
//   A worker runs one frame at a time, so frames for its instances queue in its port.
// - The watchdog reads each worker's shared state (what it computes, since when) every WATCHDOG_MS while any
//   frame is out, with no message per frame. A frame computing past its timeout + GRACE_MS has its worker
//   terminated: the culprit's sender is answered `timeout`; frames that had started (blocked in a `send`) are
//   answered `lost`; frames still queued are answered `requeue`, so the owner sends them again to the instance's
//   replacement and nothing that never ran is dropped. Every instance of that worker is reported lost to its
//   owner, which restarts it; a fresh worker takes the slot. A worker that dies by itself is handled the same way.
// - Every promise this module returns resolves exactly once and never rejects.

import { availableParallelism } from 'node:os';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { Ping, Pong, Signal, Substance } from '../waves/wave.ts';
import { frameOfWave } from './guest-abi.ts';
import type { LogLevel } from '../mesh/particle-logs.ts';
import {
  F64_STARTED,
  I32_RUNNING,
  I32_WAKE,
  STATE_BYTES,
  type Fault,
  type FromWorker,
  type GuestReply,
  type OutgoingPing,
  type OutgoingSignal,
  type ToWorker,
} from './worker-protocol.ts';

const WATCHDOG_MS = 10;
/** How long past its timeout a frame may compute before its worker is terminated (metered guests stop sooner). */
const GRACE_MS = 20;

/** What an instance's owner (the mechtron's runtime) hears from the pool. */
export interface InstanceOwner {
  /** The guest sent a Ping; the resolved Pong is written back into it. */
  onCall(ping: OutgoingPing): Promise<Pong>;
  onSignal(signal: OutgoingSignal): void;
  onLog(level: LogLevel, message: string): void;
  /** The instance is gone without a fault of its own frame (its worker was terminated or died). */
  onLost(reason: string): void;
}

export interface InstanceRef {
  readonly id: number;
}

export type LoadOutcome = { readonly ok: true; readonly instance: InstanceRef } | { readonly ok: false; readonly fault: Fault };

export type DeliveryOutcome =
  | { readonly kind: 'reply'; readonly reply: GuestReply | undefined }
  | { readonly kind: 'fault'; readonly fault: Fault }
  /** Its worker went away while the frame was running for another instance's sake: it may have had effects. */
  | { readonly kind: 'lost'; readonly message: string }
  /** Its worker went away before the frame started: send it again (to the replacement instance). */
  | { readonly kind: 'requeue' };

export interface WorkerPoolOptions {
  readonly size?: number;
  /** Where the pool reports what an operator should know (workers restarted). */
  readonly log: (line: string) => void;
}

interface OutFrame {
  readonly seq: number;
  readonly inst: number;
  readonly timeoutMs: number;
  started: boolean;
  readonly resolve: (outcome: DeliveryOutcome) => void;
}

interface Slot {
  worker: Worker;
  port: MessagePort;
  i32: Int32Array;
  f64: Float64Array;
  readonly instances: Set<number>;
  readonly frames: Map<number, OutFrame>;
  readonly loads: Map<number, (outcome: LoadOutcome) => void>;
  /** Set once the worker is being replaced: late messages from it are ignored. */
  dead: boolean;
  /** Loads, frames and guest calls in progress: while any is, the port keeps the process alive. */
  open: number;
  /** Messages not yet posted: one postMessage per batch (see guest-worker.ts). */
  outbox: ToWorker[];
  flushing: boolean;
}

interface Hosted {
  readonly owner: InstanceOwner;
  slot: Slot;
}

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly hosted = new Map<number, Hosted>();
  private nextInstance = 1;
  private nextSeq = 1;
  private watchdog: ReturnType<typeof setInterval> | undefined;
  private outstanding = 0;
  private closed = false;

  constructor(private readonly options: WorkerPoolOptions) {}

  /** Instantiates `module` in the least busy worker and runs `mechtron_guest_init` with `details`. */
  load(module: WebAssembly.Module, details: string, maxFrameBytes: number, owner: InstanceOwner): Promise<LoadOutcome> {
    if (this.closed) return Promise.resolve({ ok: false, fault: { kind: 'init', message: 'the host is shutting down' } });
    // The workers start with the first guest: a mesh without mechtrons (a static site) never pays for them.
    if (this.slots.length === 0) {
      const size = Math.max(1, this.options.size ?? Math.max(2, availableParallelism()));
      for (let i = 0; i < size; i++) this.slots.push(this.spawn());
    }
    const slot = this.slots.reduce((a, b) => (b.instances.size < a.instances.size ? b : a));
    const inst = this.nextInstance++;
    slot.instances.add(inst);
    this.hosted.set(inst, { owner, slot });
    return new Promise((resolve) => {
      this.hold(slot, +1);
      slot.loads.set(inst, (outcome) => {
        this.hold(slot, -1);
        if (!outcome.ok) this.forget(inst);
        resolve(outcome);
      });
      this.post(slot, { t: 'load', inst, module, details, maxFrameBytes });
    });
  }

  /** Runs one wave in `instance`; the guest may compute for `timeoutMs`. */
  deliver(instance: InstanceRef, wave: Ping | Signal, timeoutMs: number): Promise<DeliveryOutcome> {
    const hosted = this.hosted.get(instance.id);
    if (!hosted) return Promise.resolve({ kind: 'requeue' });
    const seq = this.nextSeq++;
    const slot = hosted.slot;
    return new Promise((resolve) => {
      this.outstanding++;
      this.hold(slot, +1);
      slot.frames.set(seq, {
        seq,
        inst: instance.id,
        timeoutMs,
        started: false,
        resolve: (outcome) => {
          this.outstanding--;
          this.hold(slot, -1);
          resolve(outcome);
        },
      });
      this.post(slot, { t: 'frame', seq, inst: instance.id, frame: frameOfWave(wave), timeoutMs });
      this.armWatchdog();
    });
  }

  /** Forgets `instance` (its owner replaced it or is gone). */
  drop(instance: InstanceRef): void {
    const hosted = this.hosted.get(instance.id);
    if (!hosted) return;
    this.forget(instance.id);
    if (!hosted.slot.dead) this.post(hosted.slot, { t: 'drop', inst: instance.id });
  }

  /** How many instances each worker hosts (for tests and `stats`). */
  distribution(): number[] {
    return this.slots.map((s) => s.instances.size);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.watchdog) clearInterval(this.watchdog);
    const slots = this.slots.splice(0);
    for (const slot of slots) this.bury(slot, 'the host is shutting down', undefined);
    await Promise.all(slots.map((s) => s.worker.terminate().catch(() => undefined)));
  }

  // ---------------------------------------------------------------------------------------------- internals

  private spawn(): Slot {
    const { port1, port2 } = new MessageChannel();
    const state = new SharedArrayBuffer(STATE_BYTES);
    const worker = new Worker(guestWorkerUrl(), { workerData: { port: port2, state }, transferList: [port2] });
    const slot: Slot = {
      worker,
      port: port1,
      i32: new Int32Array(state),
      f64: new Float64Array(state),
      instances: new Set(),
      frames: new Map(),
      loads: new Map(),
      dead: false,
      open: 0,
      outbox: [],
      flushing: false,
    };
    port1.on('message', (batch: readonly FromWorker[]) => {
      for (const message of batch) this.receive(slot, message);
    });
    worker.on('error', (e) => this.replace(slot, `a guest worker failed: ${e.message}`, undefined));
    worker.on('exit', (code) => {
      if (!slot.dead && !this.closed) this.replace(slot, `a guest worker exited (code ${code})`, undefined);
    });
    worker.unref();
    port1.unref(); // see hold()
    return slot;
  }

  /** Idle workers must not keep the process alive (`starc run` ends on its signals, tests on their own), busy ones must. */
  private hold(slot: Slot, delta: number): void {
    const before = slot.open;
    slot.open += delta;
    if (before === 0 && slot.open > 0) slot.port.ref();
    else if (before > 0 && slot.open === 0) slot.port.unref();
  }

  private post(slot: Slot, message: ToWorker): void {
    slot.outbox.push(message);
    if (slot.flushing) return;
    slot.flushing = true;
    // At the end of this turn of the event loop, so that one batch holds everything this turn produced.
    setImmediate(() => {
      slot.flushing = false;
      if (slot.dead || slot.outbox.length === 0) return;
      slot.port.postMessage(slot.outbox.splice(0));
      // A worker blocked in a guest's `send` waits on this counter, not on its event loop.
      Atomics.add(slot.i32, I32_WAKE, 1);
      Atomics.notify(slot.i32, I32_WAKE);
    });
  }

  private receive(slot: Slot, message: FromWorker): void {
    if (slot.dead) return;
    switch (message.t) {
      case 'loaded': {
        const done = slot.loads.get(message.inst);
        slot.loads.delete(message.inst);
        done?.(message.fault ? { ok: false, fault: message.fault } : { ok: true, instance: { id: message.inst } });
        break;
      }
      case 'done': {
        const frame = slot.frames.get(message.seq);
        if (!frame) break;
        slot.frames.delete(message.seq);
        if (message.fault) this.forget(frame.inst);
        frame.resolve(message.gone ? { kind: 'requeue' } : message.fault ? { kind: 'fault', fault: message.fault } : { kind: 'reply', reply: message.reply === undefined ? undefined : replyOf(message.reply) });
        break;
      }
      case 'call': {
        const hosted = this.hosted.get(message.inst);
        for (const f of slot.frames.values()) if (f.inst === message.inst) f.started = true;
        if (!hosted) break;
        void hosted.owner.onCall(message.ping).then(
          (pong) => {
            if (!slot.dead) this.post(slot, { t: 'pong', call: message.call, frame: JSON.stringify(pong) });
          },
          (e: unknown) => this.options.log(`error: a guest's call failed inside the host: ${(e as Error)?.message ?? e}`),
        );
        break;
      }
      case 'signal':
        this.hosted.get(message.inst)?.owner.onSignal(message.signal);
        break;
      case 'log':
        this.hosted.get(message.inst)?.owner.onLog(message.level, message.message);
        break;
    }
  }

  private armWatchdog(): void {
    if (this.watchdog) return;
    this.watchdog = setInterval(() => this.patrol(), WATCHDOG_MS);
    this.watchdog.unref();
  }

  private patrol(): void {
    if (this.outstanding === 0) {
      clearInterval(this.watchdog);
      this.watchdog = undefined;
      return;
    }
    const now = Date.now();
    for (const slot of [...this.slots]) {
      const running = Atomics.load(slot.i32, I32_RUNNING);
      if (running === 0) continue;
      const started = slot.f64[F64_STARTED]!;
      if (Atomics.load(slot.i32, I32_RUNNING) !== running) continue; // it moved on meanwhile
      const frame = slot.frames.get(running);
      if (!frame) continue;
      if (now - started > frame.timeoutMs + GRACE_MS) {
        this.replace(slot, `a guest computed past its timeout of ${frame.timeoutMs} ms; its worker was restarted`, frame);
      }
    }
  }

  /** Terminates `slot`'s worker, answers its frames, reports its instances lost, and spawns a replacement. */
  private replace(slot: Slot, reason: string, culprit: OutFrame | undefined): void {
    if (slot.dead) return;
    const index = this.slots.indexOf(slot);
    this.bury(slot, reason, culprit);
    void slot.worker.terminate().catch(() => undefined);
    if (this.closed || index < 0) return;
    this.options.log(`warn: ${reason}`);
    this.slots[index] = this.spawn();
  }

  private bury(slot: Slot, reason: string, culprit: OutFrame | undefined): void {
    slot.dead = true;
    if (culprit === undefined) {
      const running = Atomics.load(slot.i32, I32_RUNNING);
      culprit = running === 0 ? undefined : slot.frames.get(running);
    }
    const frames = [...slot.frames.values()];
    slot.frames.clear();
    for (const frame of frames) {
      if (frame === culprit) {
        frame.resolve({ kind: 'fault', fault: { kind: 'timeout', message: `the guest computed past its timeout of ${frame.timeoutMs} ms and was cut off` } });
      } else if (frame.started) frame.resolve({ kind: 'lost', message: reason });
      else frame.resolve({ kind: 'requeue' });
    }
    for (const [inst, done] of slot.loads) {
      done({ ok: false, fault: { kind: 'init', message: reason } });
      slot.instances.delete(inst);
    }
    slot.loads.clear();
    const culpritInst = culprit?.inst;
    for (const inst of [...slot.instances]) {
      const hosted = this.hosted.get(inst);
      this.forget(inst);
      if (hosted && inst !== culpritInst) hosted.owner.onLost(reason);
    }
  }

  private forget(inst: number): void {
    const hosted = this.hosted.get(inst);
    if (!hosted) return;
    hosted.slot.instances.delete(inst);
    this.hosted.delete(inst);
  }
}

/** A reply frame the worker checked (readReplyFrame): only what the host takes from it. */
function replyOf(text: string): GuestReply {
  const frame = JSON.parse(text) as { status: number; headers?: Record<string, string>; body?: Substance };
  return { status: frame.status, headers: frame.headers ?? {}, body: frame.body ?? { kind: 'Empty' } };
}

/**
 * The worker's entry: guest-worker-from-source.mjs when running from source, or `mechtron-worker.mjs`, which the build writes beside `starc.mjs` (this code may sit in a chunk).
 */
function guestWorkerUrl(): URL {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return new URL('./guest-worker-from-source.mjs', here);
  return new URL(here.includes('/chunks/') ? '../mechtron-worker.mjs' : './mechtron-worker.mjs', here);
}

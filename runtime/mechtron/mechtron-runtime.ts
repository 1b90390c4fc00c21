// One Mechtron particle at run time (DESIGN.md §5): its status (Pending → Init → Ready, Panic → Ready on a
// restart, Fatal when it cannot load), its pool of guest instances (`Limits.instances`), the messages waiting for
// one, faults, and hot swap.
//
// Decisions:
// - Instances are made on demand up to the limit; one is made at start so that Ready means "a guest is loaded
//   and initialised". Each instance has up to PIPELINE_DEPTH messages out at once (they queue in its worker,
//   which runs them one after the other): handing the next message over while one runs is what keeps a worker
//   busy instead of waiting for the main thread. Past that, a message waits here (FIFO).
// - A fault (trap, panic, a bad frame, a deadline) costs the instance: the particle goes `Panic` with the reason
//   (visible to get/watch and in its log), the sender gets a 5xx (408 for a deadline) saying what happened, and a
//   fresh instance is loaded; when it is, the particle is `Ready` again. An instance lost because its worker was
//   restarted for another guest's fault is replaced the same way, without Panic (it did nothing wrong); its
//   in-memory state is gone, which its log says.
// - Hot swap: a change of the `config` (or `bind`) property loads the new spec first; while that runs, messages
//   keep going to the old instances. Then new messages go to new instances and each old one is dropped as soon as
//   its current message is answered. Nothing is dropped or answered twice. A spec that fails to load leaves the
//   old one serving, with the failure logged and shown as `Panic` until a good spec or a restart.
// - A fault never makes the particle Fatal by itself: a guest that traps on some input must not be put out of
//   service by whoever sends that input a few times. Only loading can give up: MAX_FAILED_LOADS failed loads of a
//   fresh instance in a row (its init traps, say) make the particle `Fatal` instead of looping forever.

import { errorPongTo, pongTo, type Ping, type Pong, type Signal } from '../waves/wave.ts';
import type { LogLevel } from '../mesh/particle-logs.ts';
import type { Status } from '../store/types.ts';
import { loadMechtronSpec, type MechtronSpec } from './load-mechtron.ts';
import type { DeliveryOutcome, InstanceOwner, InstanceRef, WorkerPool } from './worker-pool.ts';
import type { Fault, GuestReply, OutgoingPing, OutgoingSignal } from './worker-protocol.ts';
import type { BundleIrs } from '../mesh/bundle-irs.ts';
import type { ModuleCache } from './load-mechtron.ts';
import type { Store } from '../store/store.ts';

/** Frames larger than this either way are a guest fault. */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;
const PIPELINE_DEPTH = 64;
/** Loads of a fresh instance that may fail in a row before the particle is Fatal. */
const MAX_FAILED_LOADS = 3;

/** What a runtime needs from the mesh around it. */
export interface MechtronServices {
  readonly store: Store;
  readonly pool: WorkerPool;
  readonly bundles: BundleIrs;
  readonly modules: ModuleCache;
  /** A guest's Ping (already addressed: `from` is this mechtron), answered by the mesh. */
  call(from: string, ping: OutgoingPing, timeoutMs: number): Promise<Pong>;
  signal(from: string, signal: OutgoingSignal): void;
  particleLog(point: string, level: LogLevel, message: string): void;
  /** One line for the operator (`ready   localhost:hello <Mechtron>`). */
  log(line: string): void;
}

interface Instance {
  readonly ref: InstanceRef;
  readonly generation: Generation;
  /** Messages handed to it and not yet answered. */
  inflight: number;
}

interface Generation {
  readonly spec: MechtronSpec;
  readonly instances: Set<Instance>;
  loading: number;
  retired: boolean;
}

interface Waiting {
  readonly wave: Ping | Signal;
  readonly resolve: (reply: GuestOutcome) => void;
}

/** How a core delivery ended, in the terms of the pipeline: a reply (maybe none) or a status with a message. */
export type GuestOutcome = { readonly reply: GuestReply | undefined } | { readonly status: number; readonly message: string };

export class MechtronRuntime {
  private current: Generation | undefined;
  private readonly waiting: Waiting[] = [];
  private failedLoads = 0;
  private stopped = false;
  private loadingSpec: Promise<void> | undefined;
  /** Resolves when the first load settles (Ready or Fatal): deliveries wait for it. */
  readonly started: Promise<void>;
  /** `started` has resolved (checked first, so that a running mechtron's messages skip an await). */
  isStarted = false;

  constructor(
    readonly point: string,
    private readonly services: MechtronServices,
  ) {
    this.started = this.reload('start').then(() => {
      this.isStarted = true;
    });
  }

  /** `(( ))`: run `wave` in a guest instance. Never rejects. */
  async deliver(wave: Ping | Signal): Promise<GuestOutcome> {
    if (!this.isStarted) await this.started;
    if (this.stopped) return { status: 503, message: `\`${this.point}\` was stopped` };
    if (!this.current) return { status: 503, message: `\`${this.point}\` is not running: ${this.statusMessage() ?? 'its guest could not be loaded'}` };
    return new Promise((resolve) => {
      this.waiting.push({ wave, resolve });
      this.pump();
    });
  }

  /** The routes of the running version's bind, with what `${doc.bundle}` and `${doc}` mean in them. */
  routes(): Pick<MechtronSpec, 'routes' | 'bindBundle' | 'bindDoc'> | undefined {
    return this.current?.spec;
  }

  /** The config or bind changed: load the new spec and swap to it (see the header). */
  swap(): Promise<void> {
    return this.reload('swap');
  }

  stop(): void {
    this.stopped = true;
    for (const w of this.waiting.splice(0)) w.resolve({ status: 503, message: `\`${this.point}\` was stopped` });
    if (this.current) this.retire(this.current);
    this.current = undefined;
  }

  // ---------------------------------------------------------------------------------------------- loading

  private reload(why: 'start' | 'swap'): Promise<void> {
    const run = (async () => {
      await this.loadingSpec;
      if (this.stopped) return;
      const particle = this.services.store.get(this.point);
      if (!particle.ok) return;
      const running = this.current?.spec;
      if (why === 'swap' && running && running.configPoint === particle.value.properties['config']?.value && running.bindDoc === particle.value.properties['bind']?.value) {
        return; // what changed is what runs already (the properties set by `create` itself)
      }
      if (why === 'start') this.setStatus('Init');
      const loaded = await loadMechtronSpec(particle.value, this.services.store, this.services.bundles, this.services.modules);
      if (this.stopped) return;
      if (!loaded.ok) {
        if (why === 'start' || !this.current) this.setStatus('Fatal', loaded.message);
        else {
          this.setStatus('Panic', `the new config could not be loaded, the old one keeps serving: ${loaded.message}`);
          this.services.particleLog(this.point, 'error', `swap failed: ${loaded.message}`);
        }
        this.services.log(`fatal   ${this.point} <${particle.value.kind}>: ${loaded.message}`);
        return;
      }
      const generation: Generation = { spec: loaded.spec, instances: new Set(), loading: 0, retired: false };
      const first = await this.addInstance(generation);
      if (this.stopped) {
        this.retire(generation);
        return;
      }
      if (!first.ok) {
        if (why === 'start' || !this.current) this.setStatus('Fatal', first.message);
        else this.setStatus('Panic', `the new version failed to start, the old one keeps serving: ${first.message}`);
        this.services.log(`fatal   ${this.point} <${particle.value.kind}>: ${first.message}`);
        return;
      }
      const old = this.current;
      this.current = generation;
      if (old) {
        this.retire(old);
        this.services.particleLog(this.point, 'info', `swapped to ${loaded.spec.configPoint}`);
      }
      this.setStatus('Ready');
      this.services.log(`${why === 'swap' ? 'swapped' : 'ready  '} ${this.point} <${particle.value.kind}>${why === 'swap' ? ` to ${loaded.spec.configPoint}` : ''}`);
      this.pump();
    })();
    this.loadingSpec = run;
    return run;
  }

  private async addInstance(generation: Generation): Promise<{ ok: true } | { ok: false; message: string }> {
    generation.loading++;
    const owner: InstanceOwner = {
      onCall: (ping) => this.services.call(this.point, ping, generation.spec.limits.timeoutMs),
      onSignal: (signal) => this.services.signal(this.point, signal),
      onLog: (level, message) => this.services.particleLog(this.point, level, message),
      onLost: (reason) => {
        generation.instances.delete(instance!);
        this.services.particleLog(this.point, 'warn', `an instance was restarted (${reason}); its in-memory state is gone`);
        this.replenish(generation);
      },
    };
    let instance: Instance | undefined;
    const outcome = await this.services.pool.load(generation.spec.module, generation.spec.details, MAX_FRAME_BYTES, owner);
    generation.loading--;
    if (!outcome.ok) return { ok: false, message: outcome.fault.message };
    instance = { ref: outcome.instance, generation, inflight: 0 };
    if (generation.retired || this.stopped) {
      this.services.pool.drop(outcome.instance);
      return { ok: true };
    }
    generation.instances.add(instance);
    this.pump();
    return { ok: true };
  }

  /** Keeps at least one instance of the current generation loaded; gives up (Fatal) only when loading fails. */
  private replenish(generation: Generation): void {
    if (generation !== this.current || this.stopped || generation.instances.size + generation.loading > 0) {
      this.pump();
      return;
    }
    void this.addInstance(generation).then((added) => {
      if (!added.ok) {
        this.failedLoads++;
        this.services.particleLog(this.point, 'error', `restart failed: ${added.message}`);
        if (this.failedLoads >= MAX_FAILED_LOADS) {
          const message = `its guest failed to start ${MAX_FAILED_LOADS} times in a row: ${added.message}`;
          this.setStatus('Fatal', message);
          this.services.log(`fatal   ${this.point} <Mechtron>: ${message}`);
          this.current = undefined;
          this.retire(generation);
          for (const w of this.waiting.splice(0)) w.resolve({ status: 503, message: `\`${this.point}\` is not running: ${message}` });
          return;
        }
        this.replenish(generation);
        return;
      }
      this.failedLoads = 0;
      if (generation === this.current && this.statusOf() === 'Panic') {
        this.setStatus('Ready');
        this.services.log(`ready   ${this.point} <Mechtron> (restarted)`);
      }
    });
  }

  private retire(generation: Generation): void {
    generation.retired = true;
    for (const instance of [...generation.instances]) {
      if (instance.inflight === 0) {
        generation.instances.delete(instance);
        this.services.pool.drop(instance.ref);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------- dispatch

  private pump(): void {
    const generation = this.current;
    if (!generation) return;
    while (this.waiting.length > 0) {
      let least: Instance | undefined;
      for (const instance of generation.instances) {
        if (!least || instance.inflight < least.inflight) least = instance;
      }
      const canGrow = generation.instances.size + generation.loading < generation.spec.limits.instances;
      if (canGrow && (!least || least.inflight > 0) && generation.loading === 0) {
        void this.addInstance(generation).then((added) => {
          if (!added.ok) this.services.particleLog(this.point, 'error', `could not add an instance: ${added.message}`);
        });
      }
      if (!least || least.inflight >= PIPELINE_DEPTH) return;
      this.run(least, this.waiting.shift()!);
    }
  }

  private run(instance: Instance, waiting: Waiting): void {
    instance.inflight++;
    const { spec } = instance.generation;
    void this.services.pool.deliver(instance.ref, waiting.wave, spec.limits.timeoutMs).then((outcome) => {
      instance.inflight--;
      this.settle(instance, waiting, outcome);
    });
  }

  private settle(instance: Instance, waiting: Waiting, outcome: DeliveryOutcome): void {
    const { generation } = instance;
    switch (outcome.kind) {
      case 'reply':
        waiting.resolve({ reply: outcome.reply });
        if (generation.retired && instance.inflight === 0) {
          generation.instances.delete(instance);
          this.services.pool.drop(instance.ref);
        }
        break;
      case 'fault':
        generation.instances.delete(instance);
        waiting.resolve(this.faulted(outcome.fault));
        this.replenish(generation);
        break;
      case 'lost':
        generation.instances.delete(instance);
        waiting.resolve({ status: 503, message: `the message was interrupted: ${outcome.message}` });
        this.replenish(generation);
        break;
      case 'requeue':
        generation.instances.delete(instance);
        this.waiting.unshift(waiting);
        this.replenish(generation);
        break;
    }
    this.pump();
  }

  private faulted(fault: Fault): GuestOutcome {
    const reason = fault.kind === 'timeout' ? fault.message : fault.kind === 'panic' ? `the mechtron panicked: ${fault.message}` : fault.message;
    this.setStatus('Panic', reason);
    this.services.particleLog(this.point, 'error', `panic: ${reason}`);
    this.services.log(`panic   ${this.point} <Mechtron>: ${reason}`);
    return fault.kind === 'timeout' ? { status: 408, message: reason } : { status: 500, message: reason };
  }

  // ---------------------------------------------------------------------------------------------- status

  private setStatus(status: Status, message?: string): void {
    this.services.store.setStatus(this.point, status, message);
  }

  private statusOf(): Status | undefined {
    const p = this.services.store.get(this.point);
    return p.ok ? p.value.status : undefined;
  }

  private statusMessage(): string | undefined {
    const p = this.services.store.get(this.point);
    return p.ok ? p.value.statusMessage : undefined;
  }
}

/** The Pong a pipeline gets back from `(( ))`. */
export function pongOfOutcome(ping: Ping, self: string, outcome: GuestOutcome): Pong {
  if ('status' in outcome) return errorPongTo(ping, outcome.status, outcome.message, { from: self });
  if (!outcome.reply) return errorPongTo(ping, 500, `the mechtron absorbed the ${ping.method} without replying`, { from: self });
  return pongTo(ping, outcome.reply.status, outcome.reply.body, outcome.reply.headers, { from: self });
}

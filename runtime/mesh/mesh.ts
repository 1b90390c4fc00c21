// The mesh on one machine (DESIGN.md §5): the registry (store), the bus, and what serves each particle.
// `startHost` makes one; the HTTP ingress, the command executor (`send`) and the guests all send through it.
//
// Decisions:
// - Who answers a wave: a point with a `:/path` part is a file or a bundle artifact, answered by the file driver
//   straight from the store (files are data, not actors, and there are many); every other point is served on
//   the bus by its particle's runtime: today Mechtrons, each routing through its bind to its guest.
// - The mesh follows the registry, not the callers: a Mechtron is started when the store says one was created
//   (by the install script, the admin endpoint, a guest), stopped when deleted, and swapped when its `config`
//   or `bind` property changes. A Mechtron is served on the bus from the moment it is created, so a `send` right
//   after `create` waits for its guest to load instead of getting a 404.
// - Particles of kinds that need no guest become Ready as soon as they are created. An App runs its `.app`
//   document (Set, Require, Install: install-app.ts) and becomes Ready or Fatal.
// - A guest's `Cmd<RawCommand>` Ping runs one SPEC §8 command with `${self}` bound to the guest's point;
//   `publish` and `watch` are not available to guests (a guest has no folder to publish from, and nothing
//   to stream a watch to).

import { countDiagnostics, renderReports } from '../../compiler/diagnostics/render.ts';
import { createLocalBus, type LocalBus } from '../bus/local-bus.ts';
import { handOver, type PongReply } from '../bus/bus.ts';
import { executeScript, type CommandError, type SendFn } from '../commands/execute.ts';
import { driveFile, isPathPoint } from '../files/file-driver.ts';
import { fileSend, pingOfSend } from '../files/file-send.ts';
import { MechtronRuntime, pongOfOutcome, type MechtronServices } from '../mechtron/mechtron-runtime.ts';
import { ModuleCache } from '../mechtron/load-mechtron.ts';
import { WorkerPool } from '../mechtron/worker-pool.ts';
import type { OutgoingPing, OutgoingSignal } from '../mechtron/worker-protocol.ts';
import { storeSchemas, type SchemaRegistry } from '../payload/schemas.ts';
import { routePing, type PipelineContext } from '../pipeline/execute.ts';
import type { Store } from '../store/store.ts';
import type { StoreEvent } from '../store/types.ts';
import { DEFAULT_TIMEOUT_MS, errorPongTo, pongTo, type Ping, type Pong, type Signal, type Substance } from '../waves/wave.ts';
import { BundleIrs } from './bundle-irs.ts';
import { installApp } from './install-app.ts';
import { ParticleLogs } from './particle-logs.ts';

export interface MeshOptions {
  readonly store: Store;
  readonly log: (line: string) => void;
  /** How long a Ping waits for its Pong when its sender did not say (starc.yaml `timeouts.request`). */
  readonly requestTimeoutMs?: number | undefined;
  /** Guest worker threads; one per CPU (at least two) when absent. */
  readonly workers?: number;
}

/** The point scripts and the admin endpoint send as. */
export const OPERATOR_POINT = 'HYPERUSER';

/** Kinds whose particles need a guest before they are Ready. */
const NEEDS_GUEST = new Set(['Mechtron', 'App']);

export class Mesh {
  readonly store: Store;
  readonly bus: LocalBus;
  readonly logs = new ParticleLogs();
  readonly bundles: BundleIrs;
  readonly schemas: SchemaRegistry;
  private readonly pool: WorkerPool;
  private readonly modules = new ModuleCache();
  private readonly mechtrons = new Map<string, { runtime: MechtronRuntime; unserve: () => void }>();
  private readonly log: (line: string) => void;
  private readonly timeoutMs: number;
  private readonly unwatch: () => void;
  private readonly services: MechtronServices;
  private readonly contexts = new WeakMap<object, PipelineContext>();
  /** App installs in progress (`settled` waits for them). */
  private readonly apps: Promise<void>[] = [];

  constructor(options: MeshOptions) {
    this.store = options.store;
    this.log = options.log;
    this.timeoutMs = options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.bus = createLocalBus({
      defaultTimeoutMs: this.timeoutMs,
      logger: { log: (level, message) => level !== 'debug' && this.log(`${level}: ${message}`) },
    });
    this.bundles = new BundleIrs(this.store, this.log);
    this.schemas = storeSchemas(this.store);
    this.pool = new WorkerPool({ size: options.workers, log: this.log });
    this.services = {
      store: this.store,
      pool: this.pool,
      bundles: this.bundles,
      modules: this.modules,
      call: (from, ping, timeoutMs) => this.guestCall(from, ping, timeoutMs),
      signal: (from, signal) => this.guestSignal(from, signal),
      particleLog: (point, level, message) => this.logs.append(point, level, message),
      log: (line) => this.log(line),
    };
    this.send = fileSend(this.store, async (point, method, path, body) => {
      const pong = await this.request({ ...pingOfSend(OPERATOR_POINT, point, method, path, body), handling: { timeoutMs: this.timeoutMs, retries: 0 } });
      return { status: pong.status, headers: pong.headers, body: pong.body };
    });
    this.unwatch = this.store.watchAll((event) => this.follow(event));
  }

  /** Starts what the registry already holds (a restart on an existing data dir); resolves when each has loaded. */
  async start(): Promise<void> {
    const all = this.store.select('**');
    if (!all.ok) return;
    const started: Promise<void>[] = [];
    for (const p of all.value) {
      const base = baseKind(p.kind);
      if (base === 'Mechtron') started.push(this.startMechtron(p.point));
      else if (base === 'App' && (p.status === 'Pending' || p.status === 'Init')) started.push(this.startApp(p.point, p.kind));
      else if (p.status === 'Pending' && !NEEDS_GUEST.has(base)) this.markReady(p.point, p.kind);
    }
    await Promise.all(started);
  }

  /** Resolves when every mechtron started so far has loaded (or failed to), and every App has installed. */
  async settled(): Promise<void> {
    await Promise.all(this.apps.splice(0));
    await Promise.all([...this.mechtrons.values()].map((m) => m.runtime.started));
  }

  /** Sends `ping`; resolves to exactly one Pong (DESIGN.md §5), never rejects. */
  request(ping: Ping): Promise<Pong> {
    if (isPathPoint(ping.to)) return Promise.resolve(driveFile(this.store, ping, { fileIdentity: false }));
    return this.bus.request(ping);
  }

  signal(signal: Signal): void {
    if (isPathPoint(signal.to)) {
      driveFile(this.store, { ...signal, kind: 'Ping', handling: { timeoutMs: this.timeoutMs, retries: 0 } });
      return;
    }
    this.bus.signal(signal);
  }

  /**
   * `send` for scripts, the admin endpoint and the REPL. Files answer with their value (file-send.ts); a
   * particle's Pong is the value as plain data (status, headers, body), whatever its status.
   */
  readonly send: SendFn;

  async close(): Promise<void> {
    this.unwatch();
    for (const { runtime, unserve } of this.mechtrons.values()) {
      unserve();
      runtime.stop();
    }
    this.mechtrons.clear();
    await this.bus.close();
    await this.pool.close();
  }

  // ---------------------------------------------------------------------------------------------- registry

  private follow(event: StoreEvent): void {
    switch (event.type) {
      case 'created': {
        const base = baseKind(event.kind);
        if (base === 'Mechtron') void this.startMechtron(event.point);
        else if (base === 'App') this.apps.push(this.startApp(event.point, event.kind));
        else if (!NEEDS_GUEST.has(base)) queueMicrotask(() => this.markReady(event.point, event.kind));
        break;
      }
      case 'deleted':
        this.stopMechtron(event.point);
        break;
      case 'property':
        if (event.key === 'config' || event.key === 'bind') {
          const running = this.mechtrons.get(event.point);
          if (running) void running.runtime.swap();
        }
        break;
      case 'status':
        break;
    }
  }

  private markReady(point: string, kind: string): void {
    const p = this.store.get(point);
    if (!p.ok || p.value.status !== 'Pending') return;
    if (this.store.setStatus(point, 'Ready').ok) this.log(`ready   ${point} <${kind}>`);
  }

  /** SPEC §6: Set, Require, Install (install-app.ts), after the command that created the App has finished. */
  private async startApp(point: string, kind: string): Promise<void> {
    await Promise.resolve(); // the creating command's own transaction and events come first
    this.store.setStatus(point, 'Init');
    const outcome = await installApp(point, { store: this.store, bundles: this.bundles, send: this.send });
    if (outcome.ok) {
      if (this.store.setStatus(point, 'Ready').ok) this.log(`ready   ${point} <${kind}>`);
    } else {
      this.store.setStatus(point, 'Fatal', outcome.message);
      this.log(`fatal   ${point} <${kind}>: ${outcome.message}`);
    }
  }

  private startMechtron(point: string): Promise<void> {
    this.stopMechtron(point); // `create!` replaced it
    const runtime = new MechtronRuntime(point, this.services);
    const unserve = this.bus.serve(point, (wave) => this.serveMechtron(runtime, wave));
    this.mechtrons.set(point, { runtime, unserve });
    return runtime.started;
  }

  private stopMechtron(point: string): void {
    const running = this.mechtrons.get(point);
    if (!running) return;
    this.mechtrons.delete(point);
    running.unserve();
    running.runtime.stop();
  }

  /** A wave to a mechtron: through its bind's routes, `(( ))` being its guest. */
  private async serveMechtron(runtime: MechtronRuntime, wave: Ping | Signal): Promise<PongReply | void> {
    if (!runtime.isStarted) await runtime.started;
    const spec = runtime.routes();
    if (!spec) return { status: 503, body: { kind: 'Err', status: 503, message: `\`${runtime.point}\` is not running` } };
    // A pipeline's Pong is built for this answer from replies nobody else holds (a guest's parsed frame, a copy
    // the bus made of another particle's reply): handed over, not copied again.
    if (wave.kind === 'Ping') return handOver(await routePing(spec.routes, wave, this.pipelineContext(runtime, spec)));
    // A Signal runs the same routes; its core gets a Signal (no reply is read) and nobody gets the Pong.
    const ctx: PipelineContext = {
      ...this.pipelineContext(runtime, spec),
      deliverToCore: async (p) => pongOfOutcome(p, runtime.point, await runtime.deliver({ ...wave, body: p.body })),
    };
    await routePing(spec.routes, { ...wave, kind: 'Ping', handling: { timeoutMs: this.timeoutMs, retries: 0 } }, ctx);
  }

  /** One context per running version of a mechtron's bind, made once (the per-message work is what B4 measures). */
  private pipelineContext(runtime: MechtronRuntime, spec: NonNullable<ReturnType<MechtronRuntime['routes']>>): PipelineContext {
    let ctx = this.contexts.get(spec);
    if (!ctx) {
      ctx = {
        self: runtime.point,
        docBundle: spec.bindBundle,
        ...(spec.bindDoc !== undefined ? { doc: spec.bindDoc } : {}),
        schemas: this.schemas,
        now: Date.now,
        deliverToCore: async (p) => pongOfOutcome(p, runtime.point, await runtime.deliver(p)),
        send: (_to, p) => this.request(p),
      };
      this.contexts.set(spec, ctx);
    }
    return ctx;
  }

  // ---------------------------------------------------------------------------------------------- guests

  private guestCall(from: string, ping: OutgoingPing, timeoutMs: number): Promise<Pong> {
    const wave: Ping = { kind: 'Ping', id: crypto.randomUUID(), from, ...ping, handling: { timeoutMs, retries: 0 } };
    if (ping.method === 'Cmd<RawCommand>') return this.guestCommand(wave);
    return this.request(wave);
  }

  private guestSignal(from: string, signal: OutgoingSignal): void {
    this.signal({ kind: 'Signal', id: crypto.randomUUID(), from, ...signal });
  }

  private async guestCommand(ping: Ping): Promise<Pong> {
    const reply = (status: number, body: Substance): Pong => pongTo(ping, status, body);
    const err = (status: number, message: string): Pong => errorPongTo(ping, status, message);
    if (ping.body.kind !== 'Text') return err(400, `a Cmd<RawCommand> body is the command as Text, not ${ping.body.kind}`);
    const text = ping.body.value.trim().replace(/;?$/, ';');
    const word = /^[a-z]+/.exec(text)?.[0];
    if (word === 'publish' || word === 'watch') return err(403, `\`${word}\` is not available to guests`);
    const results = await executeScript(text, { store: this.store, baseDir: this.store.dataDir, variables: { self: ping.from }, send: this.send, scriptPath: `<command from ${ping.from}>` });
    const last = results[results.length - 1];
    if (!last) return err(400, 'no command');
    if (last.ok) return reply(200, { kind: 'Json', value: last.value ?? null });
    return err(statusOfCommandError(last.error), messageOfCommandError(last.error));
  }
}

function statusOfCommandError(error: CommandError): number {
  switch (error.code) {
    case 'check-failed':
    case 'E0402':
    case 'E0603':
    case 'unknown-variable':
    case 'bad-path':
    case 'bad-property':
      return 400;
    case 'not-found':
      return 404;
    case 'exists':
    case 'locked':
    case 'has-children':
      return 409;
    case 'E0401':
    case 'E0403':
    case 'E0404':
    case 'E0406':
    case 'kind-mismatch':
    case 'parent-missing':
    case 'system-kind':
      return 422;
    default:
      return 500;
  }
}

function messageOfCommandError(error: CommandError): string {
  if (error.code !== 'check-failed' || !error.reports) return error.message;
  return renderReports('short', error.reports, { color: false, counts: countDiagnostics(error.reports), toolVersion: '' }).trim();
}

function baseKind(kind: string): string {
  const cut = kind.indexOf('<');
  return cut < 0 ? kind : kind.slice(0, cut);
}


// The local bus: the Bus of bus.ts inside one process (the embedded default of DESIGN.md §5).
//
// Decisions:
// - Exactly one Pong per Ping: every request has one pending record, settled once; whichever of the handler's
//   reply, the timeout, or close() comes first answers, and the others are dropped. A handler's reply that
//   comes after its Ping was answered is counted in `stats().lateReplies` and logged at debug level.
// - No server at `ping.to` when the request is made: an immediate 404 (no timer is started). Servers are
//   chosen when the wave is delivered (a microtask later), round-robin among the servers of the point, like
//   the lattice's queue group; if the last one left meanwhile, the sender still gets the 404.
// - Nothing is delivered in the sender's call stack (a microtask later), as on the lattice.
// - Waves are copied (runtime/waves/copy-wave.ts, plain data only) at the boundary, except a reply its handler
//   handed over (bus.ts `handOver`): the Ping when sent (so the sender may mutate its
//   object afterwards), the reply when received, a Signal when sent, a Ripple once per watcher. A wave that
//   cannot be copied is refused (400 for a Ping, logged for the rest); a reply that cannot be is a 500.
// - `ping.handling.timeoutMs` that is not a positive finite number means the bus's default (DEFAULT_TIMEOUT_MS
//   unless configured); values past what timers allow are clamped.
// - Unsubscribing stops delivery at once, including of waves published but not yet delivered; Pings a handler
//   already received are still answered by it.
// - After close(): requests are answered 503 at once, signals and ripples are dropped (logged at debug),
//   serve and watch do nothing.

import { randomUUID } from 'node:crypto';
import { copyWave } from '../waves/copy-wave.ts';
import { DEFAULT_TIMEOUT_MS, errorPongTo, type Addressed, type Ping, type Pong, type Ripple, type Signal, type Substance } from '../waves/wave.ts';
import { isHandedOver, type Bus, type BusLogger, type BusStats, type PongReply, type RippleListener, type Unsubscribe, type WaveHandler } from './bus.ts';

export interface LocalBusOptions {
  /** Milliseconds, for diagnostics (how late a late reply was). `Date.now` when absent. */
  now?(): number;
  setTimer?(fn: () => void, ms: number): unknown;
  clearTimer?(handle: unknown): void;
  /** Ids of the Pongs the bus makes or completes. `crypto.randomUUID` when absent. */
  newId?(): string;
  /** When a Ping's `handling.timeoutMs` is missing or invalid. DEFAULT_TIMEOUT_MS when absent. */
  defaultTimeoutMs?: number;
  /** Warnings and errors to stderr, debug dropped, when absent. */
  logger?: BusLogger;
}

export interface LocalBus extends Bus {
  stats(): BusStats;
}

/** The largest delay setTimeout honours (2^31 - 1 ms); longer ones fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

const STDERR_LOGGER: BusLogger = {
  log(level, message) {
    if (level !== 'debug') console.error(`starc bus ${level}: ${message}`);
  },
};

interface Pending {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly sentAt: number;
  readonly resolve: (pong: Pong) => void;
  timer: unknown;
  done: boolean;
}

interface Subscription<F> {
  readonly fn: F;
  live: boolean;
}

interface ServerGroup {
  readonly subs: Subscription<WaveHandler>[];
  next: number;
}

export function createLocalBus(options: LocalBusOptions = {}): LocalBus {
  const now = options.now ?? Date.now;
  const setTimer = options.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>));
  const newId = options.newId ?? randomUUID;
  const defaultTimeoutMs = validTimeout(options.defaultTimeoutMs) ?? DEFAULT_TIMEOUT_MS;
  const logger = options.logger ?? STDERR_LOGGER;

  const servers = new Map<string, ServerGroup>();
  const watchers = new Map<string, Subscription<RippleListener>[]>();
  const pending = new Set<Pending>();
  let closed = false;
  const counts = { requests: 0, timeouts: 0, lateReplies: 0, handlerErrors: 0, signals: 0, ripples: 0 };

  const log = (level: 'debug' | 'warn' | 'error', message: string): void => {
    try {
      logger.log(level, message);
    } catch {
      // A broken logger must not break the bus.
    }
  };

  /** The next live server of `point`, round-robin; undefined when none. */
  function pickServer(point: string): WaveHandler | undefined {
    const group = servers.get(point);
    if (!group || group.subs.length === 0) return undefined;
    const sub = group.subs[group.next % group.subs.length]!;
    group.next = (group.next + 1) % group.subs.length;
    return sub.fn;
  }

  function busPong(ping: Addressed, status: number, message: string): Pong {
    return errorPongTo(ping, status, message, { id: newId() });
  }

  /** Answers `p` unless already answered; reports whether this call answered it. */
  function settle(p: Pending, pong: Pong): boolean {
    if (p.done) return false;
    p.done = true;
    if (p.timer !== undefined) clearTimer(p.timer);
    pending.delete(p);
    p.resolve(pong);
    return true;
  }

  function request(ping: Ping): Promise<Pong> {
    counts.requests++;
    const head = { id: String(ping?.id ?? ''), from: String(ping?.from ?? ''), to: String(ping?.to ?? '') };
    if (closed) return Promise.resolve(busPong(head, 503, 'bus closed'));
    if (ping?.kind !== 'Ping') return Promise.resolve(busPong(head, 400, `not a Ping: kind ${String(ping?.kind)}`));
    let copy: Ping;
    try {
      copy = copyWave(ping);
    } catch (e) {
      return Promise.resolve(busPong(head, 400, `the Ping cannot be serialised: ${messageOf(e)}`));
    }
    if (!servers.get(head.to)?.subs.length) return Promise.resolve(busPong(head, 404, `no particle at \`${head.to}\``));

    return new Promise<Pong>((resolve) => {
      const p: Pending = { ...head, sentAt: now(), resolve, timer: undefined, done: false };
      pending.add(p);
      const ms = Math.min(validTimeout(ping.handling?.timeoutMs) ?? defaultTimeoutMs, MAX_TIMER_MS);
      p.timer = setTimer(() => {
        p.timer = undefined;
        if (settle(p, busPong(head, 408, `Timeout: no reply from \`${head.to}\` within ${ms} ms`))) counts.timeouts++;
      }, ms);
      queueMicrotask(() => void deliverPing(p, copy));
    });
  }

  async function deliverPing(p: Pending, ping: Ping): Promise<void> {
    if (p.done) return; // answered before delivery (close, or a zero-delay timer)
    const handler = pickServer(p.to);
    if (!handler) {
      settle(p, busPong(p, 404, `no particle at \`${p.to}\``));
      return;
    }
    let pong: Pong;
    try {
      pong = completeReply(p, await handler(ping));
    } catch (e) {
      counts.handlerErrors++;
      pong = busPong(p, 500, `\`${p.to}\` failed on ${ping.method} ${ping.uri}: ${messageOf(e)}`);
    }
    if (!settle(p, pong)) {
      counts.lateReplies++;
      log('debug', `late reply from \`${p.to}\` to Ping ${p.id} dropped (${now() - p.sentAt} ms after it was sent)`);
    }
  }

  /** The handler's reply as a whole Pong of its own (copied), or a 500 saying what is wrong with it. */
  function completeReply(p: Pending, reply: PongReply | void): Pong {
    if (reply === undefined || reply === null) {
      counts.handlerErrors++;
      return busPong(p, 500, `\`${p.to}\` gave no reply to Ping ${p.id}`);
    }
    const problem = replyProblem(reply);
    if (problem) {
      counts.handlerErrors++;
      return busPong(p, 500, `\`${p.to}\` gave an invalid reply: ${problem}`);
    }
    let headers: Readonly<Record<string, string>>;
    let body: Substance;
    try {
      const owned = isHandedOver(reply);
      headers = reply.headers ? (owned ? reply.headers : copyWave(reply.headers)) : {};
      body = reply.body ? (owned ? reply.body : copyWave(reply.body)) : { kind: 'Empty' };
    } catch (e) {
      counts.handlerErrors++;
      return busPong(p, 500, `\`${p.to}\` gave a reply that cannot be serialised: ${messageOf(e)}`);
    }
    return {
      kind: 'Pong',
      id: typeof reply.id === 'string' && reply.id !== '' ? reply.id : newId(),
      reflectionOf: p.id,
      from: p.to,
      to: p.from,
      status: reply.status,
      headers,
      body,
    };
  }

  function signal(sig: Signal): void {
    counts.signals++;
    try {
      if (closed) return log('debug', `Signal to \`${String(sig?.to)}\` dropped: bus closed`);
      if (sig?.kind !== 'Signal') return log('error', `not a Signal (kind ${String(sig?.kind)}) dropped`);
      const copy = copyWave(sig);
      queueMicrotask(() => void deliverSignal(copy));
    } catch (e) {
      log('error', `Signal to \`${String(sig?.to)}\` dropped: ${messageOf(e)}`);
    }
  }

  async function deliverSignal(sig: Signal): Promise<void> {
    const handler = pickServer(sig.to);
    if (!handler) return log('warn', `Signal ${sig.method} ${sig.uri} to \`${sig.to}\` dropped: no particle there`);
    try {
      await handler(sig);
    } catch (e) {
      counts.handlerErrors++;
      log('error', `\`${sig.to}\` failed on Signal ${sig.method} ${sig.uri}: ${messageOf(e)}`);
    }
  }

  function ripple(point: string, r: Ripple): void {
    counts.ripples++;
    if (closed) return log('debug', `Ripple about \`${point}\` dropped: bus closed`);
    const subs = watchers.get(point);
    if (!subs?.length) return;
    for (const sub of [...subs]) {
      let copy: Ripple;
      try {
        copy = copyWave(r);
      } catch (e) {
        return log('error', `Ripple about \`${point}\` dropped: ${messageOf(e)}`);
      }
      queueMicrotask(() => {
        if (!sub.live) return;
        try {
          sub.fn(copy);
        } catch (e) {
          log('error', `a watcher of \`${point}\` failed on a Ripple: ${messageOf(e)}`);
        }
      });
    }
  }

  function serve(point: string, handler: WaveHandler): Unsubscribe {
    if (closed) return () => {};
    let group = servers.get(point);
    if (!group) servers.set(point, (group = { subs: [], next: 0 }));
    const sub: Subscription<WaveHandler> = { fn: handler, live: true };
    group.subs.push(sub);
    return () => {
      if (!sub.live) return;
      sub.live = false;
      const g = servers.get(point);
      if (!g) return;
      const i = g.subs.indexOf(sub);
      if (i >= 0) g.subs.splice(i, 1);
      if (g.subs.length === 0) servers.delete(point);
      else if (g.next > i) g.next--;
    };
  }

  function watch(point: string, listener: RippleListener): Unsubscribe {
    if (closed) return () => {};
    let subs = watchers.get(point);
    if (!subs) watchers.set(point, (subs = []));
    const sub: Subscription<RippleListener> = { fn: listener, live: true };
    subs.push(sub);
    return () => {
      if (!sub.live) return;
      sub.live = false;
      const list = watchers.get(point);
      if (!list) return;
      const i = list.indexOf(sub);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) watchers.delete(point);
    };
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    for (const p of [...pending]) settle(p, busPong(p, 503, 'bus closed'));
    for (const group of servers.values()) for (const sub of group.subs) sub.live = false;
    for (const subs of watchers.values()) for (const sub of subs) sub.live = false;
    servers.clear();
    watchers.clear();
  }

  function stats(): BusStats {
    return { pending: pending.size, ...counts };
  }

  return { request, signal, ripple, serve, watch, close, stats };
}

function validTimeout(ms: unknown): number | undefined {
  return typeof ms === 'number' && Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

/** Why `reply` is not a usable (partial) Pong, or undefined when it is. */
function replyProblem(reply: unknown): string | undefined {
  if (typeof reply !== 'object' || reply === null || Array.isArray(reply)) return `expected a Pong, got ${describe(reply)}`;
  const r = reply as Record<string, unknown>;
  if (r.kind !== undefined && r.kind !== 'Pong') return `kind ${JSON.stringify(r.kind)} is not "Pong"`;
  if (typeof r.status !== 'number' || !Number.isInteger(r.status) || r.status < 100 || r.status > 599) {
    return `status ${describe(r.status)} is not an HTTP status (100-599)`;
  }
  if (r.headers !== undefined) {
    if (typeof r.headers !== 'object' || r.headers === null || Array.isArray(r.headers)) return 'headers is not an object';
    for (const [k, v] of Object.entries(r.headers)) if (typeof v !== 'string') return `header ${JSON.stringify(k)} is not a string`;
  }
  if (r.body !== undefined) {
    const b = r.body as { kind?: unknown } | null;
    if (typeof b !== 'object' || b === null || typeof b.kind !== 'string') return 'body is not a Substance';
  }
  return undefined;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return String(v);
}

function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  return typeof e === 'string' ? e : describe(e);
}

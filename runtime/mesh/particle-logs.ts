// Particles' log lines (a mechtron's `mechtron_host_log`, its panics and restarts): kept per point in a bounded
// ring so that `:tail POINT` can show what happened just before it was asked, and streamed to tailers.
//
// Decisions:
// - In memory only, bounded per point (RING_SIZE lines) and in the number of points (the oldest point's ring
//   goes first): logs are for watching a running mesh, not an audit trail, and a chatty guest must not grow
//   the host without bound.
// - A tailer's exception is rethrown on a microtask: a bug in a listener must not stop the others or the guest.

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error'];

export interface LogEntry {
  /** Milliseconds since the epoch. */
  readonly at: number;
  readonly level: LogLevel;
  readonly message: string;
}

export type LogListener = (entry: LogEntry) => void;

const RING_SIZE = 200;
const MAX_POINTS = 10_000;

export class ParticleLogs {
  private readonly rings = new Map<string, LogEntry[]>();
  private readonly tailers = new Map<string, Set<LogListener>>();

  constructor(private readonly now: () => number = Date.now) {}

  append(point: string, level: LogLevel, message: string): void {
    const entry: LogEntry = { at: this.now(), level, message };
    let ring = this.rings.get(point);
    if (!ring) {
      if (this.rings.size >= MAX_POINTS) this.rings.delete(this.rings.keys().next().value!);
      this.rings.set(point, (ring = []));
    }
    ring.push(entry);
    if (ring.length > RING_SIZE) ring.splice(0, ring.length - RING_SIZE);
    for (const listener of this.tailers.get(point) ?? []) {
      try {
        listener(entry);
      } catch (e) {
        queueMicrotask(() => {
          throw e;
        });
      }
    }
  }

  /** The last `count` lines of `point`, oldest first. */
  recent(point: string, count = RING_SIZE): readonly LogEntry[] {
    const ring = this.rings.get(point) ?? [];
    return ring.slice(Math.max(0, ring.length - count));
  }

  /** Streams `point`'s new lines to `listener`, after replaying the last `replay` ones; returns the unsubscribe. */
  tail(point: string, listener: LogListener, options: { readonly replay?: number } = {}): () => void {
    for (const entry of this.recent(point, options.replay ?? 0)) listener(entry);
    let set = this.tailers.get(point);
    if (!set) this.tailers.set(point, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.tailers.get(point) === set) this.tailers.delete(point);
    };
  }
}

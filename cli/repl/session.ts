// What the REPL drives: a session is a mesh it can run commands on, watch and tail. Two implementations with
// one interface: embedded-session.ts (a host started in this process, as `starc run` starts it) and
// remote-session.ts (a running host, through its admin endpoint). The REPL's components see only this.

import type { LogEntry } from '../../runtime/admin/protocol.ts';
import type { StoreEvent } from '../../runtime/store/types.ts';
import type { ShownResult } from './format.ts';

export interface SessionProblem {
  readonly code: string;
  readonly message: string;
}

export type SessionResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: SessionProblem };

/** A live watch or tail: `close` ends it; `ended` resolves when it ends (with the reason unless closed). */
export interface LiveStream {
  close(): void;
  readonly ended: Promise<SessionProblem | undefined>;
}

export interface ReplSession {
  /** Lines shown when the REPL starts: what it drives, where the data and the HTTP ingress are. */
  readonly banner: readonly string[];
  /** The data dir the history file goes in, when there is one worth keeping. */
  readonly historyFile: string | undefined;
  /**
   * Runs a script (one or more commands; checked first, nothing runs on an error). The outer failure is the
   * transport's (the remote host went away); a command's own failure is a result with `ok: false`.
   */
  execute(script: string): Promise<SessionResult<ShownResult[]>>;
  watch(point: string, onEvent: (event: StoreEvent) => void): Promise<SessionResult<LiveStream>>;
  tail(point: string, onEntry: (entry: LogEntry) => void): Promise<SessionResult<LiveStream>>;
  /** The host's own log lines (an embedded host's "ready ..." lines), earlier ones replayed; returns the unsubscribe. */
  onHostLog?(listener: (line: string) => void): () => void;
  close(): Promise<void>;
}

/** The children of `parent` (top-level particles when undefined), for Tab completion; [] on any failure. */
export async function childPoints(session: ReplSession, parent: string | undefined): Promise<string[]> {
  const result = await session.execute(`select ${parent === undefined ? '*' : `${parent}:*`};`);
  if (!result.ok || !result.value[0]?.ok) return [];
  const rows = result.value[0].value as readonly { point: string }[];
  return rows.map((r) => r.point);
}

/** The property keys of `point`, for Tab completion; [] on any failure. */
export async function propertyKeys(session: ReplSession, point: string): Promise<string[]> {
  const result = await session.execute(`get ${point};`);
  if (!result.ok || !result.value[0]?.ok) return [];
  const particle = result.value[0].value as { properties?: Record<string, unknown> };
  return Object.keys(particle.properties ?? {}).sort();
}

// The admin endpoint's wire protocol (DESIGN.md §5: "admin endpoint for `starc repl --connect` and scripts"),
// shared by the server (server.ts) and the client (client.ts). Plain JSON data only.
//
//   GET  /v1/health                      → 200 { ok: true, pid, url }
//   POST /v1/commands   { script }       → 200 { results: AdminResult[] }   (text/plain: the body is the script)
//   GET  /v1/watch?point=P               → 200 NDJSON: { watching: P }, then one StoreEvent per line
//   GET  /v1/logs?point=P[&replay=N]     → 200 NDJSON: { tailing: P }, then one LogEntry per line
//
// Every request carries `authorization: Bearer <token>`; the token is in `<data dir>/admin.json`. Failures are
// `{ error: { code, message } }` with 400 (bad body or query), 401 (token), 404 (path), 405 (method), 413 (body
// too large), 501 (the host has no such service). A command that fails is not an HTTP failure: its result says so.

import type { CommandError, CommandResult, WatchHandle } from '../commands/execute.ts';
import type { StoreEvent } from '../store/types.ts';

export const ADMIN_FILE = 'admin.json';

/** What `<data dir>/admin.json` holds (mode 0600, removed when the host closes cleanly). */
export interface AdminFile {
  readonly url: string;
  readonly token: string;
  readonly pid: number;
}

/** A command's result as the endpoint returns it: a failed command's reports also come rendered (human, no colour). */
export type AdminResult =
  | Extract<CommandResult, { ok: true }>
  | (Omit<Extract<CommandResult, { ok: false }>, 'error'> & { readonly error: CommandError & { readonly rendered?: string } });

export interface AdminErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}

/** One log line of a particle (mechtron guests log through the host). */
export interface LogEntry {
  /** Milliseconds since the epoch. */
  readonly at: number;
  readonly level: string;
  readonly message: string;
}

/** A particle's log, as the host offers it: `tail` replays up to `replay` recent lines, then follows; returns the unsubscribe. */
export interface LogTail {
  tail(point: string, listener: (entry: LogEntry) => void, options?: { readonly replay?: number }): () => void;
}

/** What `execute` takes beyond the text (the same as `RunningHost.execute`). */
export interface ExecuteExtra {
  readonly onEvent?: (point: string, event: StoreEvent) => void;
  readonly watches?: WatchHandle[];
  readonly baseDir?: string;
  readonly scriptPath?: string;
}

/** The part of a running host the endpoint drives. */
export interface AdminTarget {
  execute(text: string, extra?: ExecuteExtra): Promise<CommandResult[]>;
  readonly logs?: LogTail;
}

/** A point as a query parameter may name it: one command-free lexeme (no spaces, `;`, braces or quotes). */
export function isPlainPoint(text: string): boolean {
  return /^[^\s;{}"'`]+$/u.test(text) && text.length <= 1024;
}

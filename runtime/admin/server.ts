// The admin endpoint (DESIGN.md §5): an HTTP server on loopback through which `starc repl --connect` and scripts
// run SPEC §8 commands against a running host and follow its watch streams and particle logs. protocol.ts has
// the routes and shapes.
//
// Decisions:
// - Loopback only, its own port (0: any free one), and a bearer token: 32 random bytes, hex, written with the
//   url and the pid to `<data dir>/admin.json` (mode 0600, written to a temporary name then renamed, so a reader
//   never sees half a file; removed on a clean close). Whoever can read the data dir can drive the host, which
//   is what owning the data dir means anyway. The token is compared in constant time. No CORS headers are ever
//   sent, so a web page cannot make a browser send the `authorization` header here.
// - Commands go through the host's `execute` (the same path as the install script: checked first, nothing runs
//   on an error, `send` wired to the mesh). One request, one script; `watch` inside a script is closed when the
//   request ends (a stream is `GET /v1/watch`). A relative `publish ^[path]` resolves against the request's
//   `baseDir` (absolute; the REPL sends its cwd) or else the host's app dir.
// - A result is acknowledged (200) only after `execute` returned, i.e. after the store committed it (R5).
// - Streams are NDJSON (one JSON value per line, flushed per event); they end when the client goes away or the
//   endpoint closes. A client that stops reading is cut once 1 MiB is waiting to be written.
// - Nothing a request carries can crash the process: every handler is wrapped; a bug is a 500 and a log line.

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isAbsolute, join } from 'node:path';
import { renderReports } from '../../compiler/diagnostics/render.ts';
import { closeWatches, type CommandResult, type WatchHandle } from '../commands/execute.ts';
import { ADMIN_FILE, isPlainPoint, type AdminFile, type AdminResult, type AdminTarget } from './protocol.ts';

export interface AdminOptions {
  readonly target: AdminTarget;
  /** Where `admin.json` goes (the store's data dir, which must exist). */
  readonly dataDir: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Loopback by default; anything else is the caller's explicit choice. */
  readonly host?: string;
  /** The host process's id, recorded in admin.json (runtime/ does not read `process`). */
  readonly pid: number;
  /** Where a relative `publish ^[path]` resolves when the request names no `baseDir`. */
  readonly baseDir: string;
  readonly log: (line: string) => void;
  /** Largest accepted request body; default 4 MiB. */
  readonly maxBodyBytes?: number;
}

export interface AdminEndpoint {
  readonly url: string;
  /** `<data dir>/admin.json`. */
  readonly tokenFile: string;
  close(): Promise<void>;
}

export type AdminStart = { readonly ok: true; readonly endpoint: AdminEndpoint } | { readonly ok: false; readonly message: string };

const DEFAULT_MAX_BODY = 4 * 1024 * 1024;
/** A stream whose reader has fallen this far behind is cut. */
const MAX_BACKLOG = 1024 * 1024;

export async function startAdminEndpoint(options: AdminOptions): Promise<AdminStart> {
  const token = randomBytes(32).toString('hex');
  const expected = Buffer.from(`Bearer ${token}`);
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const streams = new Set<ServerResponse>();

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      options.log(`admin: internal error: ${e instanceof Error ? e.message : String(e)}`);
      if (!res.headersSent) sendError(res, 500, 'internal', 'internal error in the admin endpoint (see the host log)');
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const given = Buffer.from(req.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      req.resume();
      res.setHeader('www-authenticate', 'Bearer');
      return sendError(res, 401, 'unauthorized', 'missing or wrong token: send `authorization: Bearer <token>` with the token from admin.json in the data dir');
    }
    const url = new URL(req.url ?? '/', 'http://admin');
    const route = ROUTES[url.pathname];
    if (!route) {
      req.resume();
      return sendError(res, 404, 'not-found', `no admin route \`${url.pathname}\`: the routes are ${Object.keys(ROUTES).map((r) => `\`${r}\``).join(', ')}`);
    }
    if (req.method !== route.method) {
      req.resume();
      res.setHeader('allow', route.method);
      return sendError(res, 405, 'method-not-allowed', `\`${url.pathname}\` takes ${route.method}, not ${req.method}`);
    }
    return route.run(req, res, url);
  }

  const ROUTES: Record<string, { method: string; run: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> }> = {
    '/v1/health': {
      method: 'GET',
      run: async (_req, res) => sendJson(res, 200, { ok: true, pid: options.pid, url: endpointUrl }),
    },
    '/v1/commands': { method: 'POST', run: runCommands },
    '/v1/watch': { method: 'GET', run: streamWatch },
    '/v1/logs': { method: 'GET', run: streamLogs },
  };

  async function runCommands(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req, maxBody);
    if (!body.ok) {
      if (body.status === 413) res.setHeader('connection', 'close');
      return sendError(res, body.status, 'bad-request', body.message);
    }
    const request = commandRequestOf(req.headers['content-type'], body.text);
    if (!request.ok) return sendError(res, 400, 'bad-request', request.message);
    const watches: WatchHandle[] = [];
    try {
      const results = await options.target.execute(request.script, {
        baseDir: request.baseDir ?? options.baseDir,
        scriptPath: '<admin>',
        watches,
        onEvent: () => undefined,
      });
      sendJson(res, 200, { results: results.map(withRendered) });
    } finally {
      closeWatches(watches);
    }
  }

  async function streamWatch(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    req.resume();
    const point = pointParameter(url);
    if (!point.ok) return sendError(res, 400, 'bad-request', point.message);
    const watches: WatchHandle[] = [];
    let stream: ((line: unknown) => void) | undefined;
    const results = await options.target.execute(`watch ${point.value};`, {
      baseDir: options.baseDir,
      scriptPath: '<admin>',
      watches,
      onEvent: (_point, event) => stream?.(event),
    });
    const result = results[0];
    if (!result || !result.ok || results.length !== 1) {
      closeWatches(watches);
      if (!result || result.ok || results.length !== 1) return sendError(res, 400, 'bad-request', `cannot watch \`${point.value}\``);
      // A stream has no room for a rendered report: the first error's code and message say what is wrong.
      const first = result.error.reports?.flatMap((r) => r.diagnostics).find((d) => d.severity === 'error');
      const message = first ? `cannot watch \`${point.value}\`: ${first.code}: ${first.message}` : result.error.message;
      return sendError(res, result.error.code === 'not-found' ? 404 : 400, result.error.code, message);
    }
    stream = openStream(res, () => closeWatches(watches));
    stream({ watching: point.value });
  }

  async function streamLogs(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    req.resume();
    const point = pointParameter(url);
    if (!point.ok) return sendError(res, 400, 'bad-request', point.message);
    const replayText = url.searchParams.get('replay');
    const replay = replayText === null ? 0 : /^\d{1,6}$/.test(replayText) ? Number(replayText) : NaN;
    if (Number.isNaN(replay)) return sendError(res, 400, 'bad-request', `\`replay=${replayText}\` is not a count: give a number of recent lines (0 to 999999)`);
    const logs = options.target.logs;
    if (!logs) return sendError(res, 501, 'no-logs', 'this host keeps no particle logs');
    let unsubscribe: (() => void) | undefined;
    const stream = openStream(res, () => unsubscribe?.());
    stream({ tailing: point.value });
    unsubscribe = logs.tail(point.value, (entry) => stream(entry), { replay });
    if (res.destroyed) unsubscribe();
  }

  /** Starts an NDJSON response; the writer it returns sends one value per line until the client goes away. */
  function openStream(res: ServerResponse, onEnd: () => void): (value: unknown) => void {
    res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    res.flushHeaders();
    streams.add(res);
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      streams.delete(res);
      onEnd();
    };
    res.on('close', end);
    return (value) => {
      if (ended || res.destroyed) return;
      res.write(`${JSON.stringify(value)}\n`);
      if (res.writableLength > MAX_BACKLOG) {
        options.log('admin: a stream client stopped reading; its stream was cut');
        res.destroy();
      }
    };
  }

  const listenHost = options.host ?? '127.0.0.1';
  const problem = await new Promise<string | undefined>((resolve) => {
    server.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'EADDRINUSE' ? `port ${options.port} is already in use` : e.message));
    server.listen(options.port, listenHost, () => resolve(undefined));
  });
  if (problem !== undefined) return { ok: false, message: `cannot start the admin endpoint on ${listenHost}:${options.port}: ${problem}` };
  server.on('error', (e) => options.log(`admin: server error: ${e.message}`));
  const port = (server.address() as AddressInfo).port;
  const endpointUrl = `http://${listenHost.includes(':') ? `[${listenHost}]` : listenHost}:${port}`;

  const tokenFile = join(options.dataDir, ADMIN_FILE);
  const written = writeAdminFile(tokenFile, { url: endpointUrl, token, pid: options.pid });
  if (written !== undefined) {
    server.close();
    return { ok: false, message: `cannot write \`${tokenFile}\`: ${written}` };
  }

  let closing: Promise<void> | undefined;
  return {
    ok: true,
    endpoint: {
      url: endpointUrl,
      tokenFile,
      close: () =>
        (closing ??= new Promise<void>((resolve) => {
          rmSync(tokenFile, { force: true });
          for (const res of streams) res.end();
          server.close(() => resolve());
          server.closeIdleConnections();
          setTimeout(() => server.closeAllConnections(), 500).unref();
        })),
    },
  };
}

/** admin.json, mode 0600, replaced atomically; undefined or what went wrong. */
function writeAdminFile(path: string, content: AdminFile): string | undefined {
  const temporary = `${path}.${content.pid}.tmp`;
  try {
    rmSync(temporary, { force: true });
    writeFileSync(temporary, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    renameSync(temporary, path);
    return undefined;
  } catch (e) {
    rmSync(temporary, { force: true });
    return e instanceof Error ? e.message : String(e);
  }
}

function withRendered(result: CommandResult): AdminResult {
  if (result.ok || !result.error.reports || result.error.reports.length === 0) return result;
  return { ...result, error: { ...result.error, rendered: renderReports('human', result.error.reports, { color: false }) } };
}

type BodyRead = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly status: number; readonly message: string };

function readBody(req: IncomingMessage, limit: number): Promise<BodyRead> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        resolve({ ok: false, status: 413, message: `the request body is larger than ${limit} bytes` });
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      const bytes = Buffer.concat(chunks);
      try {
        resolve({ ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) });
      } catch {
        resolve({ ok: false, status: 400, message: 'the request body is not UTF-8' });
      }
    });
    req.on('error', () => {
      if (!done) resolve({ ok: false, status: 400, message: 'the request body was cut off' });
      done = true;
    });
  });
}

type CommandRequest = { readonly ok: true; readonly script: string; readonly baseDir?: string } | { readonly ok: false; readonly message: string };

/** `{ "script": "...", "baseDir"?: "/abs" }` as JSON, or the script itself as text/plain. */
function commandRequestOf(contentType: string | undefined, text: string): CommandRequest {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'text/plain') return { ok: true, script: text };
  if (type !== 'application/json') {
    return { ok: false, message: `content-type \`${type || '(none)'}\` is not accepted: send application/json \`{ "script": "..." }\` or text/plain` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, message: `the body is not JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, message: 'the body must be a JSON object `{ "script": "..." }`' };
  const record = value as Record<string, unknown>;
  const extra = Object.keys(record).filter((k) => k !== 'script' && k !== 'baseDir');
  if (extra.length > 0) return { ok: false, message: `unknown field \`${extra[0]}\`: the fields are \`script\` and \`baseDir\`` };
  if (typeof record['script'] !== 'string') return { ok: false, message: '`script` must be a string holding the commands' };
  const baseDir = record['baseDir'];
  if (baseDir !== undefined && (typeof baseDir !== 'string' || !isAbsolute(baseDir))) return { ok: false, message: '`baseDir` must be an absolute path' };
  return { ok: true, script: record['script'], ...(baseDir !== undefined ? { baseDir } : {}) };
}

function pointParameter(url: URL): { ok: true; value: string } | { ok: false; message: string } {
  const point = url.searchParams.get('point');
  if (point === null || point === '') return { ok: false, message: 'the `point` query parameter is missing: `?point=localhost:app`' };
  if (!isPlainPoint(point)) return { ok: false, message: `\`${point.slice(0, 80)}\` is not a point (no spaces, \`;\`, braces or quotes)` };
  return { ok: true, value: point };
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(body);
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { error: { code, message } });
}

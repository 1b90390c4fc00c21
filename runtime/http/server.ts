// The HTTP ingress (SPEC §5, DESIGN.md §5): node:http in front of the registry. The `Host` header (without its
// port) names a Space; the Space's `router` property (or `bind`) names a router artifact of a published bundle;
// the request becomes a Ping routed through that router's IR (runtime/pipeline/), and the final Pong becomes the
// HTTP response.
//
// Decisions:
// - The router's IR is rebuilt from the stored bundle once per bundle point and cached: a published version
//   never changes. A Space's `router` property is read on every request, so `set localhost{ +router=... }`
//   takes effect at once.
// - Point stops naming an Artifact of a published bundle serve its bytes. The point's `:/path` part (with the
//   captures already substituted, still percent-encoded) goes through `resolveServedPath`, so traversal in any
//   encoding is a 400 and a path can never leave its bundle. A path that names no artifact but has an
//   `index.html` under it (a directory-like path, `File<Dir>`) answers that file; otherwise 404.
// - File identity rides on the Pong as two internal headers, `x-starc-blob` (the SHA-256) and
//   `x-starc-blob-path` (the artifact path, for the Content-Type), with an Empty body: waves stay plain data and
//   the bytes are never base64'd into a Substance. The server honours them only for hashes that its own `send`
//   served during this request (a side-channel set per request), so no other stop can forge them to read an
//   arbitrary blob; they never reach the client. Such a Pong is answered with `respondWithBytes`, so ETag/304,
//   Range/206/416 and HEAD work end to end.
// - Mechtrons are issue 5: `(( ))` and point stops naming any other existing particle answer 501.
// - HEAD is routed as `Http<Get>` and answered without a body. Request bodies over `maxBodyBytes` (1 MiB) are a
//   413 with `connection: close`; the rest of the body is drained up to 8× the limit, then the socket is cut.
// - Nothing a request does can crash the process: every handler is wrapped; a bug is a 500 with a short message,
//   and the details go to `log`.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { IrRoute, IrRouteDocument } from '../../compiler/ir/types.ts';
import { buildStoredBundle } from '../commands/execute.ts';
import { routePing, type PipelineContext } from '../pipeline/execute.ts';
import { SchemaRegistry } from '../payload/schemas.ts';
import type { Store } from '../store/store.ts';
import { DEFAULT_TIMEOUT_MS, type Ping, type Pong } from '../waves/wave.ts';
import { resolveServedPath } from './safe-path.ts';
import { httpToSubstance, respondWithBytes, substanceToHttp, type HttpResponse } from './serve-bytes.ts';

export const BLOB_HEADER = 'x-starc-blob';
export const BLOB_PATH_HEADER = 'x-starc-blob-path';
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export interface IngressOptions {
  readonly store: Store;
  /** One line per problem worth an operator's attention (bugs, bundles that no longer build). */
  readonly log: (line: string) => void;
  readonly maxBodyBytes?: number;
  /** How long a request's Ping waits for its Pong before a 408 (starc.yaml `timeouts.request`). */
  readonly requestTimeoutMs?: number | undefined;
}

type RouterLookup =
  | { readonly ok: true; readonly routes: readonly IrRoute[]; readonly bundle: string; readonly doc: string }
  | { readonly ok: false; readonly status: number; readonly message: string };

const UTF8 = new TextEncoder();

/** The request handler, for `createServer` or a test. Never throws, never rejects. */
export function createIngressHandler(options: IngressOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { store, log } = options;
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  // Per bundle point: its route documents by path (a published bundle never changes).
  const bundles = new Map<string, ReadonlyMap<string, IrRouteDocument> | { error: string }>();
  const schemas = new SchemaRegistry((point) => {
    const found = store.artifact(point);
    if (!found.ok) throw new Error(found.error.message);
    const bytes = store.getBlob(found.value.hash);
    if (!bytes.ok) throw new Error(bytes.error.message);
    return JSON.parse(new TextDecoder().decode(bytes.value)) as unknown;
  });

  function routerOf(space: string, property: string): RouterLookup {
    const found = store.artifact(property);
    if (!found.ok) return { ok: false, status: 500, message: `the router \`${property}\` of \`${space}\` is not a published artifact: ${found.error.message}` };
    let docs = bundles.get(found.value.bundle);
    if (!docs) {
      const built = buildStoredBundle(store, found.value.bundle);
      if (built.ok) {
        const map = new Map<string, IrRouteDocument>();
        for (const d of built.ir.documents) if (d.kind === 'router' || d.kind === 'bind') map.set(d.path, d);
        docs = map;
      } else {
        docs = { error: built.error.message };
        log(`error: ${built.error.message}`);
      }
      bundles.set(found.value.bundle, docs);
    }
    if ('error' in docs) return { ok: false, status: 500, message: `the bundle of \`${property}\` cannot be loaded: ${docs.error}` };
    const doc = docs.get(found.value.path);
    if (!doc) return { ok: false, status: 500, message: `\`${property}\` is not a router or bind document` };
    return { ok: true, routes: doc.routes, bundle: found.value.bundle, doc: property };
  }

  /** A point stop: serve the artifact it names, recording the blob so the server may answer with its bytes. */
  function serveArtifact(point: string, ping: Ping, served: Set<string>): Pong {
    const reply = (status: number, message?: string, headers: Record<string, string> = {}): Pong => ({
      kind: 'Pong',
      id: crypto.randomUUID(),
      reflectionOf: ping.id,
      from: point,
      to: ping.from,
      status,
      headers,
      body: message === undefined ? { kind: 'Empty' } : { kind: 'Err', status, message },
    });
    const cut = point.indexOf(':/');
    if (cut < 0) {
      const particle = store.get(point);
      if (!particle.ok) return reply(404, `no particle \`${point}\``);
      return reply(501, `\`${point}\` is ${particle.value.kind}: delivering to it comes with mechtrons (issue 5)`);
    }
    const bundle = point.slice(0, cut);
    const safe = resolveServedPath('/', point.slice(cut + 2));
    if (!safe.ok) return reply(400, `bad path: ${safe.reason}`);
    const path = safe.path === '/' ? '' : safe.path.slice(1);
    const candidates = path === '' ? ['index.html'] : [path, `${path}/index.html`];
    for (const candidate of candidates) {
      const found = store.artifact(`${bundle}:/${candidate}`);
      if (!found.ok) continue;
      served.add(found.value.hash);
      return reply(200, undefined, { [BLOB_HEADER]: found.value.hash, [BLOB_PATH_HEADER]: candidate });
    }
    return reply(404, `not found: ${pathOfUri(ping.uri)} (no artifact \`${bundle}:/${path}\`)`);
  }

  async function answer(req: IncomingMessage, body: Uint8Array): Promise<HttpResponse> {
    const hostHeader = req.headers.host;
    if (!hostHeader) return text(400, 'bad request: the request has no Host header');
    const host = hostHeader.replace(/:\d*$/, '').toLowerCase();
    const space = store.get(host);
    if (!space.ok || space.value.kind.split('<')[0] !== 'Space') return text(404, `no space \`${host}\` on this host: the Host header names the Space to serve`);
    const property = space.value.properties['router']?.value ?? space.value.properties['bind']?.value;
    if (property === undefined) return text(404, `space \`${host}\` has no \`router\` or \`bind\` property, so it serves nothing`);
    const router = routerOf(host, property);
    if (!router.ok) {
      log(`error: ${router.message}`);
      return text(router.status, router.message);
    }

    const requestBody = httpToSubstance(req.headers['content-type'], body);
    if (!requestBody.ok) return text(requestBody.status, requestBody.reason);
    const method = req.method ?? 'GET';
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    }
    const ping: Ping = {
      kind: 'Ping',
      id: crypto.randomUUID(),
      from: `http:${req.socket.remoteAddress ?? 'unknown'}`,
      to: host,
      method: `Http<${waveMethod(method === 'HEAD' ? 'GET' : method)}>`,
      uri: req.url ?? '/',
      headers,
      body: requestBody.body,
      handling: { timeoutMs, retries: 0 },
    };
    const served = new Set<string>();
    const ctx: PipelineContext = {
      self: host,
      docBundle: router.bundle,
      doc: router.doc,
      schemas,
      now: () => Date.now(),
      deliverToCore: async (p) => ({
        kind: 'Pong',
        id: crypto.randomUUID(),
        reflectionOf: p.id,
        from: host,
        to: p.from,
        status: 501,
        headers: {},
        body: { kind: 'Err', status: 501, message: 'mechtrons run with issue 5' },
      }),
      send: async (to, p) => serveArtifact(to, p, served),
    };
    const pong = await routePing(router.routes, ping, ctx);

    const blob = pong.headers[BLOB_HEADER];
    const { [BLOB_HEADER]: _blob, [BLOB_PATH_HEADER]: blobPath, ...pongHeaders } = pong.headers;
    if (blob !== undefined && blobPath !== undefined && served.has(blob) && pong.status === 200) {
      const bytes = store.getBlob(blob);
      if (!bytes.ok) {
        log(`error: ${bytes.error.message}`);
        return text(500, 'internal error: a stored file is missing its bytes');
      }
      const file = respondWithBytes(
        { method, headers: req.headers },
        { path: blobPath, size: bytes.value.length, hash: blob, bytes: bytes.value },
      );
      return { ...file, headers: { ...file.headers } };
    }
    const response = substanceToHttp(pong.body, pong.status, pongHeaders);
    return method === 'HEAD' ? { ...response, body: undefined } : response;
  }

  return (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('error', () => res.destroy());
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (refused) {
        // Drain a little so the client reads its 413 instead of a reset; a sender that keeps going is cut off.
        if (size > 8 * maxBody) req.destroy();
        return;
      }
      if (size > maxBody) {
        refused = true;
        chunks.length = 0;
        send(res, text(413, `payload too large: the limit is ${maxBody} bytes`), true);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (refused) return;
      answer(req, Buffer.concat(chunks)).then(
        (response) => send(res, response, false),
        (error: unknown) => {
          log(`internal error serving ${req.method} ${req.url}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
          send(res, text(500, 'internal error: the request could not be served (see the server log)'), false);
        },
      );
    });
  };
}

/** A node:http server with the ingress handler; keep-alive stays on (node's default). */
export function createIngressServer(options: IngressOptions): Server {
  const server = createServer(createIngressHandler(options));
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });
  return server;
}

function send(res: ServerResponse, response: HttpResponse, close: boolean): void {
  if (res.headersSent || res.destroyed) return;
  try {
    const headers: Record<string, string> = { ...response.headers };
    if (close) headers['connection'] = 'close';
    res.writeHead(response.status, headers);
    res.end(response.body);
  } catch {
    res.destroy();
  }
}

function text(status: number, message: string): HttpResponse {
  const bytes = UTF8.encode(`${message}\n`);
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(bytes.length) }, body: bytes };
}

/** `GET` → `Get`, `OPTIONS` → `Options`: the method names of `Http<...>` (SPEC §4.1). */
function waveMethod(method: string): string {
  return method.charAt(0).toUpperCase() + method.slice(1).toLowerCase();
}

function pathOfUri(uri: string): string {
  const cut = uri.search(/[?#]/);
  return cut < 0 ? uri : uri.slice(0, cut);
}

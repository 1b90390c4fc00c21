// The HTTP ingress (SPEC §5, DESIGN.md §5): node:http in front of the registry. The `Host` header (without its
// port) names a Space; the Space's `router` property (or `bind`) names a router artifact of a published bundle;
// the request becomes a Ping routed through that router's IR (runtime/pipeline/), and the final Pong becomes the
// HTTP response.
//
// Decisions:
// - The router's IR is rebuilt from the stored bundle once per bundle point and cached: a published version
//   never changes. A Space's `router` property is read on every request, so `set localhost{ +router=... }`
//   takes effect at once.
// - Point stops naming a path point (`<point>:/<path>`: a File of a FileStore, a `File<Dir>`, an artifact of a
//   published bundle) go to the file driver (runtime/files/file-driver.ts), which refuses traversal (400),
//   answers `index.html` for directories, and writes Files on `Http<Put>`.
// - For GET/HEAD the driver answers with the file's identity, internal headers `x-starc-blob` (SHA-256),
//   `x-starc-blob-path` (the name, for the Content-Type) and `x-starc-blob-size`, with an Empty body: waves stay
//   plain data and the bytes are never base64'd into a Substance. The server honours them only for hashes its
//   own call of the driver returned during this request (a map per request), so no other stop can forge them to
//   read an arbitrary blob; they never reach the client. Such a Pong is answered with `respondWithBytes`, so
//   ETag/304, Range/206/416 and HEAD work end to end. Files up to IN_MEMORY_MAX_BYTES are answered from the
//   store's blob cache (the fast path B5 measures); larger ones are streamed from the blob file, opened before
//   the status line is sent (a missing blob is still a clean 500), a range at a time, never whole in memory.
// - Point stops naming a particle without a `:/path` (a mechtron) go to the mesh (`deliver`), which routes them
//   through that particle's bind. A Space has no core of its own: `(( ))` in a Space's bind answers 501 (a
//   router cannot have one at all, E0202).
// - HEAD is routed as `Http<Get>` and answered without a body. Request bodies over `maxBodyBytes` (1 MiB) are a
//   413 with `connection: close`; the rest of the body is drained up to 8× the limit, then the socket is cut.
// - Nothing a request does can crash the process: every handler is wrapped; a bug is a 500 with a short message,
//   and the details go to `log`.

import { open } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import type { IrRoute } from '../../compiler/ir/types.ts';
import { BundleIrs } from '../mesh/bundle-irs.ts';
import { BLOB_HEADER, BLOB_PATH_HEADER, BLOB_SIZE_HEADER, driveFile, isPathPoint } from '../files/file-driver.ts';
import { routePing, type PipelineContext } from '../pipeline/execute.ts';
import { SchemaRegistry, storeSchemas } from '../payload/schemas.ts';
import type { Store } from '../store/store.ts';
import { DEFAULT_TIMEOUT_MS, errorPongTo, type Ping, type Pong } from '../waves/wave.ts';
import { httpToSubstance, respondWithBytes, substanceToHttp, type FileRange, type HttpResponse } from './serve-bytes.ts';

export { BLOB_HEADER, BLOB_PATH_HEADER, BLOB_SIZE_HEADER };
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Files up to this size are answered from memory (the store caches their blobs); larger ones are streamed. */
export const IN_MEMORY_MAX_BYTES = 256 * 1024;

export interface IngressOptions {
  readonly store: Store;
  /** One line per problem worth an operator's attention (bugs, bundles that no longer build). */
  readonly log: (line: string) => void;
  readonly maxBodyBytes?: number;
  /** How long a request's Ping waits for its Pong before a 408 (starc.yaml `timeouts.request`). */
  readonly requestTimeoutMs?: number | undefined;
  /** The mesh's caches of bundle IR and compiled schemas (each ingress makes its own when absent). */
  readonly bundles?: BundleIrs;
  readonly schemas?: SchemaRegistry;
  /** Waves to particles without a `:/path` (mechtrons), through the mesh; without it they answer 501. */
  readonly deliver?: (ping: Ping) => Promise<Pong>;
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
  const bundles = options.bundles ?? new BundleIrs(store, log);
  const schemas = options.schemas ?? storeSchemas(store);

  function routerOf(space: string, property: string): RouterLookup {
    const found = bundles.document(property, ['router', 'bind']);
    if (!found.ok) return { ok: false, status: 500, message: `the router \`${property}\` of \`${space}\`: ${found.message}` };
    return { ok: true, routes: found.document.routes, bundle: found.bundle, doc: property };
  }

  /** Stops naming a path point: the file driver, recording the blobs it names so their bytes may be served. */
  function serveFile(to: string, ping: Ping, served: Map<string, number>): Pong {
    const pong = driveFile(store, { ...ping, to });
    const hash = pong.headers[BLOB_HEADER];
    if (pong.status === 200 && hash !== undefined) served.set(hash, Number(pong.headers[BLOB_SIZE_HEADER]));
    return pong;
  }

  /** Point stops naming a particle without a `:/path`: the mesh delivers them (to a mechtron's bind). */
  function deliverToParticle(point: string, ping: Ping): Pong | Promise<Pong> {
    if (options.deliver) return options.deliver({ ...ping, to: point });
    const reply = (status: number, message: string): Pong => errorPongTo({ ...ping, to: point }, status, message);
    const particle = store.get(point);
    if (!particle.ok) return reply(404, `no particle \`${point}\``);
    return reply(501, `\`${point}\` is ${particle.value.kind}: this ingress has no mesh to deliver to it`);
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
    const served = new Map<string, number>();
    const ctx: PipelineContext = {
      self: host,
      docBundle: router.bundle,
      doc: router.doc,
      schemas,
      now: () => Date.now(),
      deliverToCore: async (p) =>
        errorPongTo(p, 501, `the space \`${host}\` has no core: its bind's \`(( ))\` has nothing to run; route to a mechtron instead`, { from: host }),
      send: async (to, p) => (isPathPoint(to) ? serveFile(to, p, served) : deliverToParticle(to, p)),
    };
    const pong = await routePing(router.routes, ping, ctx);

    const blob = pong.headers[BLOB_HEADER];
    const { [BLOB_HEADER]: _blob, [BLOB_PATH_HEADER]: blobPath, [BLOB_SIZE_HEADER]: _size, ...pongHeaders } = pong.headers;
    const size = blob === undefined ? undefined : served.get(blob);
    if (blob !== undefined && blobPath !== undefined && size !== undefined && Number.isSafeInteger(size) && pong.status === 200) {
      let source: Uint8Array | { file: string };
      if (size <= IN_MEMORY_MAX_BYTES) {
        const bytes = store.getBlob(blob);
        if (!bytes.ok) {
          log(`error: ${bytes.error.message}`);
          return text(500, 'internal error: a stored file is missing its bytes');
        }
        source = bytes.value;
      } else {
        const path = store.blobPath(blob);
        if (!path.ok) {
          log(`error: ${path.error.message}`);
          return text(500, 'internal error: a stored file is missing its bytes');
        }
        source = { file: path.value };
      }
      return respondWithBytes({ method, headers: req.headers }, { path: blobPath, size, hash: blob, bytes: source });
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
        send(res, text(413, `payload too large: the limit is ${maxBody} bytes`), true, log);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (refused) return;
      answer(req, Buffer.concat(chunks)).then(
        (response) => send(res, response, false, log),
        (error: unknown) => {
          log(`internal error serving ${req.method} ${req.url}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
          send(res, text(500, 'internal error: the request could not be served (see the server log)'), false, log);
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

function send(res: ServerResponse, response: HttpResponse, close: boolean, log: (line: string) => void): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string> = { ...response.headers };
  if (close) headers['connection'] = 'close';
  if (response.stream) {
    void streamFile(res, response.status, headers, response.stream, log);
    return;
  }
  try {
    res.writeHead(response.status, headers);
    res.end(response.body);
  } catch {
    res.destroy();
  }
}

/**
 * Streams `range` of a blob file. The file is opened before the status line goes out, so a missing blob is a
 * 500 rather than a cut-off 200; once open, a blob removed meanwhile (GC) still reads whole (POSIX). A client
 * that goes away destroys the stream, which closes the file.
 */
async function streamFile(res: ServerResponse, status: number, headers: Record<string, string>, range: FileRange, log: (line: string) => void): Promise<void> {
  let handle;
  try {
    handle = await open(range.path, 'r');
  } catch (e) {
    log(`error: cannot open the blob \`${range.path}\`: ${(e as Error).message}`);
    send(res, text(500, 'internal error: a stored file is missing its bytes'), false, log);
    return;
  }
  if (res.destroyed) {
    await handle.close();
    return;
  }
  try {
    res.writeHead(status, headers);
  } catch {
    await handle.close();
    res.destroy();
    return;
  }
  // autoClose (the default) closes the handle when the stream ends or is destroyed.
  const stream = handle.createReadStream({ start: range.start, end: range.end - 1 });
  pipeline(stream, res, () => {
    // pipeline destroys both sides on error (a client that left, a read error); nothing more to do.
  });
}

function text(status: number, message: string): HttpResponse {
  const bytes = UTF8.encode(`${message}\n`);
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(bytes.length) }, body: bytes };
}

/** `GET` → `Get`, `OPTIONS` → `Options`: the method names of `Http<...>` (SPEC §4.1). */
function waveMethod(method: string): string {
  return method.charAt(0).toUpperCase() + method.slice(1).toLowerCase();
}

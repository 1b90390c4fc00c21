// The file driver (SPEC §3, §5; .scratch/MESH-PROTOCOL.md "File contents"): answers every wave whose `to` is a
// path point (`<point>:/<path>`), i.e. a File of a FileStore or an artifact of a published bundle. The mesh,
// the HTTP ingress and scripts' `send` all call `driveFile(store, ping)`; it needs no bus, is synchronous (the
// store is), and turns every problem into a Pong with a status: it never throws for anything a caller sent.
//
// Methods:
// - `Cmd<Read>`: the exact File or artifact → 200 with its bytes as Text (valid UTF-8) or Bin, and a
//   `content-type` from the name. Reads at most MAX_INLINE_BYTES (a wave holds its body in memory); larger
//   files are a 413 that says to serve them over HTTP.
// - `Cmd<Update>`: replaces an existing File's content (Text as UTF-8, Bin decoded, Json as its JSON text,
//   Empty as nothing) → 200 with `{ point, size, etag }`. A missing File is a 404 (create it first).
// - `Http<Get>`/`Http<Head>`: a File, a `File<Dir>` (its `index.html`; the FileStore's own `:/` too) or an
//   artifact (or `<dir>/index.html` under it) → by default the file's identity, not its bytes: a 200 with an
//   Empty body and the internal headers `x-starc-blob` (SHA-256), `x-starc-blob-path` (the name, for the
//   Content-Type) and `x-starc-blob-size`. The ingress answers such a Pong with ETag/304/Range and streams the
//   blob from disk; it honours the headers only for Pongs it got from this function during the same request,
//   so no other stop can forge them. `{ fileIdentity: false }` (a mechtron asking over the mesh) puts the bytes
//   in the body instead, with `content-type` and `etag`.
// - `Http<Put>` to a File point writes it; the File, and any `File<Dir>`s missing between it and its FileStore,
//   are created (Ready) in the same transaction, like `mkdir -p` + write: 201 when the File was created, 200
//   when it existed. So `Route<Http<Put>>/files/(?P<f>.+) -> localhost:files:/${f} => &;` is an upload endpoint.
//   A request body the ingress parsed as Json is written as its JSON text (the bytes may differ from what was
//   sent: upload with a non-JSON content type to keep them exact).
// - Bundles are read-only: updating an artifact is a 405. Any other method is a 405 with `allow`.
// - The `:/path` (raw from a URL capture, still percent-encoded) goes through `resolveServedPath`: traversal in
//   any encoding is a 400, so a path can never leave its FileStore or bundle. A name the store cannot hold as a
//   point (a space, `%`, ...) is a 400 too.

import { Buffer } from 'node:buffer';
import type { Store } from '../store/store.ts';
import type { StoreError } from '../store/types.ts';
import { EMPTY, pongTo, type Ping, type Pong, type Substance } from '../waves/wave.ts';
import { contentTypeFor } from '../http/content-type.ts';
import { resolveServedPath } from '../http/safe-path.ts';

export const BLOB_HEADER = 'x-starc-blob';
export const BLOB_PATH_HEADER = 'x-starc-blob-path';
export const BLOB_SIZE_HEADER = 'x-starc-blob-size';

/** The most a `Cmd<Read>` (or an inline `Http<Get>`) puts into a wave's body. */
export const MAX_INLINE_BYTES = 64 * 1024 * 1024;

const ALLOW_FILE = 'Cmd<Read>, Cmd<Update>, Http<Get>, Http<Head>, Http<Put>';
const ALLOW_ARTIFACT = 'Cmd<Read>, Http<Get>, Http<Head>';

export interface FileDriverOptions {
  /** `Http<Get>` answers with the file's identity (for the HTTP ingress, the default) or with its bytes. */
  readonly fileIdentity?: boolean;
}

/** Whether the file driver serves `point`: it has a `:/path`. */
export function isPathPoint(point: string): boolean {
  return point.includes(':/');
}

/** A stored file the driver found: where its bytes are and what it is called. */
interface Found {
  /** The canonical point of the File or artifact (after index.html resolution). */
  readonly point: string;
  /** The name inside the FileStore or bundle, for the Content-Type. */
  readonly path: string;
  readonly hash: string;
  readonly size: number;
}

type Located =
  | { readonly ok: true; readonly holder: 'FileStore' | 'Bundle'; readonly owner: string; readonly path: string }
  | { readonly ok: false; readonly pong: Pong };

/** Answers one wave to a path point; never throws for anything in the wave. */
export function driveFile(store: Store, ping: Ping, options: FileDriverOptions = {}): Pong {
  const reply = replier(ping);
  const where = locate(store, ping.to, reply);
  if (!where.ok) return where.pong;
  const point = where.path === '' ? `${where.owner}:/` : `${where.owner}:/${where.path}`;
  const isBundle = where.holder === 'Bundle';

  switch (ping.method) {
    case 'Cmd<Read>': {
      if (where.path === '') return reply(405, `\`${point}\` is the root of \`${where.owner}\`: a directory has no content`);
      const found = isBundle ? findArtifact(store, where.owner, where.path) : findFile(store, where.owner, where.path, false);
      if (!found.ok) return reply(found.status, found.message);
      return inline(store, found.value, reply, 200, {});
    }
    case 'Cmd<Update>': {
      if (isBundle) return reply(405, `\`${point}\` is an artifact of the published bundle \`${where.owner}\`, which never changes`, { allow: ALLOW_ARTIFACT });
      if (where.path === '') return reply(405, `\`${point}\` is the root of \`${where.owner}\`: a directory has no content`);
      const bytes = bytesOf(ping.body);
      if (!bytes.ok) return reply(400, `Cmd<Update> of \`${point}\`: ${bytes.message}`);
      const written = store.writeFile(point, bytes.value);
      if (!written.ok) return reply(statusOf(written.error), written.error.message);
      return written200(reply, 200, written.value);
    }
    case 'Http<Get>':
    case 'Http<Head>': {
      const found = isBundle ? findArtifactOrIndex(store, where.owner, where.path) : findFile(store, where.owner, where.path, true);
      if (!found.ok) return reply(found.status, `not found: ${found.message}`);
      if (options.fileIdentity === false) return inline(store, found.value, reply, 200, { etag: `"${found.value.hash}"` });
      return reply(200, undefined, {
        [BLOB_HEADER]: found.value.hash,
        [BLOB_PATH_HEADER]: found.value.path,
        [BLOB_SIZE_HEADER]: String(found.value.size),
      });
    }
    case 'Http<Put>': {
      if (isBundle) return reply(405, `\`${point}\` is an artifact of the published bundle \`${where.owner}\`, which never changes`, { allow: 'GET, HEAD' });
      if (where.path === '') return reply(405, `\`${point}\` is the root of \`${where.owner}\`: PUT names a file inside it`, { allow: 'GET, HEAD' });
      const bytes = bytesOf(ping.body);
      if (!bytes.ok) return reply(400, `PUT \`${point}\`: ${bytes.message}`);
      const written = store.writeFile(point, bytes.value, { create: true });
      if (!written.ok) return reply(statusOf(written.error), written.error.message);
      return written200(reply, written.value.created ? 201 : 200, written.value);
    }
    default:
      return reply(405, `\`${point}\` does not take ${ping.method}; it takes ${isBundle ? ALLOW_ARTIFACT : ALLOW_FILE}`, {
        allow: isBundle ? 'GET, HEAD' : 'GET, HEAD, PUT',
      });
  }
}

type Reply = (status: number, message?: string, headers?: Record<string, string>, body?: Substance) => Pong;

function replier(ping: Ping): Reply {
  return (status, message, headers = {}, body) =>
    pongTo(ping, status, body ?? (message === undefined ? EMPTY : { kind: 'Err', status, message }), headers);
}

/** Splits `to` into its holder (a FileStore or Bundle that exists) and a safe path inside it. */
function locate(store: Store, to: string, reply: Reply): Located {
  const cut = to.indexOf(':/');
  if (cut < 0) return { ok: false, pong: reply(400, `\`${to}\` has no \`:/path\`: the file driver serves Files and artifacts`) };
  const owner = to.slice(0, cut);
  const safe = resolveServedPath('/', to.slice(cut + 2));
  if (!safe.ok) return { ok: false, pong: reply(400, `bad path: ${safe.reason}`) };
  const path = safe.path === '/' ? '' : safe.path.slice(1);
  const holder = store.get(owner);
  if (!holder.ok) return { ok: false, pong: reply(statusOf(holder.error), holder.error.code === 'not-found' ? `not found: no \`${owner}\`` : holder.error.message) };
  const base = holder.value.kind.split('<')[0];
  if (base !== 'FileStore' && base !== 'Bundle') {
    return { ok: false, pong: reply(404, `not found: \`${owner}\` is ${holder.value.kind}, which holds no files (only a FileStore or a Bundle has \`:/path\`s)`) };
  }
  return { ok: true, holder: base, owner: holder.value.point, path };
}

type Lookup = { readonly ok: true; readonly value: Found } | { readonly ok: false; readonly status: number; readonly message: string };

function findArtifact(store: Store, bundle: string, path: string): Lookup {
  const found = store.artifact(`${bundle}:/${path}`);
  if (!found.ok) return { ok: false, status: statusOf(found.error), message: found.error.code === 'not-found' ? `no artifact \`${bundle}:/${path}\`` : found.error.message };
  return { ok: true, value: { point: `${bundle}:/${found.value.path}`, path: found.value.path, hash: found.value.hash, size: found.value.size } };
}

/** An artifact, or the `index.html` under a directory-like path (a bundle has no Dir rows to ask). */
function findArtifactOrIndex(store: Store, bundle: string, path: string): Lookup {
  const candidates = path === '' ? ['index.html'] : [path, `${path}/index.html`];
  for (const candidate of candidates) {
    const found = findArtifact(store, bundle, candidate);
    if (found.ok || found.status !== 404) return found;
  }
  return { ok: false, status: 404, message: `no artifact \`${bundle}:/${path}\`` };
}

/** A File's content; with `index`, a `File<Dir>` (or the FileStore's root) answers its `index.html`. */
function findFile(store: Store, fileStore: string, path: string, index: boolean): Lookup {
  let point = path === '' ? fileStore : `${fileStore}:/${path}`;
  let name = path;
  const particle = store.get(point);
  if (!particle.ok) {
    if (particle.error.code === 'not-found') return { ok: false, status: 404, message: `no File \`${point}\`` };
    return { ok: false, status: statusOf(particle.error), message: particle.error.message };
  }
  const isDir = path === '' || particle.value.kind === 'File<Dir>';
  if (isDir) {
    if (!index) return { ok: false, status: 405, message: `\`${point}\` is a directory: only a \`File\` has content` };
    name = path === '' ? 'index.html' : `${path}/index.html`;
    point = `${fileStore}:/${name}`;
  }
  const content = store.fileContent(point);
  if (!content.ok) {
    if (content.error.code === 'not-found') return { ok: false, status: 404, message: isDir ? `\`${particle.value.point}\` has no \`index.html\`` : `no File \`${point}\`` };
    return { ok: false, status: statusOf(content.error), message: content.error.message };
  }
  return { ok: true, value: { point: content.value.point, path: name, hash: content.value.hash, size: content.value.size } };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The file's bytes in a body: Text when they are UTF-8, else Bin; `content-type` from the name. */
function inline(store: Store, found: Found, reply: Reply, status: number, headers: Record<string, string>): Pong {
  if (found.size > MAX_INLINE_BYTES) {
    return reply(413, `\`${found.point}\` is ${found.size} bytes, more than a wave carries (${MAX_INLINE_BYTES}); serve it over HTTP`);
  }
  const bytes = store.getBlob(found.hash);
  if (!bytes.ok) return reply(500, `the bytes of \`${found.point}\` are missing from the store: ${bytes.error.message}`);
  let body: Substance;
  try {
    body = { kind: 'Text', value: UTF8.decode(bytes.value) };
  } catch {
    body = { kind: 'Bin', base64: Buffer.from(bytes.value).toString('base64') };
  }
  return reply(status, undefined, { 'content-type': contentTypeFor(found.path), ...headers }, body);
}

function written200(reply: Reply, status: number, written: { point: string; size: number; hash: string }): Pong {
  const etag = `"${written.hash}"`;
  return reply(status, undefined, { etag }, { kind: 'Json', value: { point: written.point, size: written.size, etag } });
}

/** What `Cmd<Update>` and `Http<Put>` write for a body. */
function bytesOf(body: Substance): { ok: true; value: Uint8Array } | { ok: false; message: string } {
  switch (body.kind) {
    case 'Empty':
      return { ok: true, value: new Uint8Array(0) };
    case 'Text':
      return { ok: true, value: Buffer.from(body.value, 'utf8') };
    case 'Bin':
      if (!BASE64.test(body.base64)) return { ok: false, message: 'the Bin body is not base64' };
      return { ok: true, value: Buffer.from(body.base64, 'base64') };
    case 'Json':
      return { ok: true, value: Buffer.from(JSON.stringify(body.value) ?? 'null', 'utf8') };
    default:
      return { ok: false, message: `a ${body.kind} body cannot be a file's content: send Text, Bin or Json` };
  }
}

/** HTTP status for a store error met while serving a file. */
function statusOf(error: StoreError): number {
  switch (error.code) {
    case 'not-found':
      return 404;
    case 'E0401':
    case 'E0402':
    case 'E0403':
    case 'E0404':
    case 'bad-path':
      return 400;
    case 'not-a-file':
    case 'read-only':
      return 405;
    case 'exists':
    case 'kind-mismatch':
    case 'has-children':
    case 'parent-missing':
    case 'E0406':
      return 409;
    default:
      return 500;
  }
}

// The HTTP responses of the ingress as plain data (DESIGN.md §5): a stored file answered with ETag/304 and
// Range, a Pong turned into status, headers and body, and a request body turned into a Substance. Pure: the
// server wiring (node:http) only copies these onto the socket, so no request can reach it with a value that
// makes node throw.
//
// Decisions:
// - The ETag is strong, the file's SHA-256 in quotes: a blob is named by its hash, so equal tags mean equal
//   bytes. If-None-Match uses weak comparison (`W/"x"` matches `"x"`), takes `*` and lists, and wins over
//   Range; a match is a 304 for GET and HEAD.
// - One range (`bytes=a-b`, `a-`, `-n`) is a 206. Several ranges are answered with the whole file (200), which
//   RFC 9110 allows: no browser needs multipart/byteranges and it invites range-amplification abuse. A Range
//   that does not parse, or names another unit, is ignored (200). A single range that starts past the end
//   (or `-0`, or any range of an empty file) is a 416 with `Content-Range: bytes */size`.
// - If-Range: a strong ETag match keeps the Range; anything else (another tag, a date: we send no
//   Last-Modified) serves the whole file.
// - Methods other than GET and HEAD are a 405 with `Allow: GET, HEAD`. HEAD gets exactly the headers GET
//   would (Range included) and no body.
// - A file kept on disk (`bytes: { file }`) is never read here: the response names the byte range of the file
//   (`stream`) and the server streams it (fs.createReadStream with start/end), so a 5 GB file costs no memory.
// - Header names are lower-case, as in waves. Every file response says `x-content-type-options: nosniff`;
//   cache policy (Cache-Control) is left to the caller.

import { Buffer } from 'node:buffer';
import type { Substance } from '../waves/wave.ts';
import { contentTypeFor, isTextualType } from './content-type.ts';

export type HeaderValue = string | readonly string[] | undefined;

export interface BytesRequest {
  readonly method: string;
  /** node's IncomingHttpHeaders fits; names are matched case-insensitively. */
  readonly headers: Readonly<Record<string, HeaderValue>>;
}

export interface ServedFile {
  /** The store path; its extension picks the Content-Type. */
  readonly path: string;
  readonly size: number;
  /** SHA-256 of the bytes, hex. */
  readonly hash: string;
  /**
   * The bytes; a reader of `[start, end)` (end exclusive); or a file on disk whose bytes the server streams
   * (`stream` in the response). `size` must be the file's size.
   */
  readonly bytes: Uint8Array | ((start: number, end: number) => Uint8Array) | { readonly file: string };
  /** Overrides the Content-Type derived from the path. */
  readonly contentType?: string;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array | undefined;
  /** Instead of `body`: the bytes `[start, end)` of a file on disk, for the server to stream. */
  readonly stream?: FileRange;
}

/** Bytes `[start, end)` of a file on disk; never empty (an empty range is an empty `body`). */
export interface FileRange {
  readonly path: string;
  readonly start: number;
  readonly end: number;
}

/** What to send for a file, before any byte is read: a server that streams from disk uses `range`. */
export interface BytesPlan {
  readonly status: 200 | 206 | 304 | 405 | 416;
  readonly headers: Readonly<Record<string, string>>;
  /** The bytes `[start, end)` to send; undefined for HEAD and for responses without a body. */
  readonly range: { readonly start: number; readonly end: number } | undefined;
}

function header(headers: Readonly<Record<string, HeaderValue>>, name: string): string | undefined {
  let value = headers[name];
  if (value === undefined) {
    for (const key of Object.keys(headers)) {
      if (key.toLowerCase() === name) {
        value = headers[key];
        break;
      }
    }
  }
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : value.join(', ');
}

/** `"<sha256>"`. */
export function etagOf(hash: string): string {
  return `"${hash}"`;
}

/** The entity tags of an If-None-Match / If-Range value: `*`, or tags with their `W/` flag. */
function parseEntityTags(value: string): '*' | { weak: boolean; opaque: string }[] {
  if (value.trim() === '*') return '*';
  const tags: { weak: boolean; opaque: string }[] = [];
  const re = /\s*(W\/)?("[^"]*")\s*(?:,|$)/gy;
  let match: RegExpExecArray | null;
  while (re.lastIndex < value.length && (match = re.exec(value)) !== null) {
    tags.push({ weak: match[1] !== undefined, opaque: match[2]! });
    if (match[0].length === 0) break;
  }
  return tags;
}

/** RFC 9110 §13.1.2: weak comparison, `*` matches any current representation. */
export function ifNoneMatchHits(value: string, etag: string): boolean {
  const tags = parseEntityTags(value);
  return tags === '*' || tags.some((tag) => tag.opaque === etag);
}

export type RangeResult =
  | { readonly kind: 'none' }
  | { readonly kind: 'range'; readonly start: number; readonly end: number }
  | { readonly kind: 'unsatisfiable' };

/**
 * A Range header against a size: `none` means serve the whole file (no Range, another unit, bad syntax, several
 * ranges); `range` is `[start, end)`.
 */
export function parseRange(value: string | undefined, size: number): RangeResult {
  if (value === undefined) return { kind: 'none' };
  const eq = value.indexOf('=');
  if (eq < 0 || value.slice(0, eq).trim().toLowerCase() !== 'bytes') return { kind: 'none' };
  const specs = value
    .slice(eq + 1)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (specs.length !== 1) return { kind: 'none' };
  const match = /^(\d*)-(\d*)$/.exec(specs[0]!);
  if (match === null) return { kind: 'none' };
  const [, first, last] = match as unknown as [string, string, string];
  if (first === '') {
    if (last === '') return { kind: 'none' };
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'range', start: Math.max(0, size - suffix), end: size };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return { kind: 'none' };
  if (start >= size) return { kind: 'unsatisfiable' };
  const end = last === '' ? size : Math.min(size, Number(last) + 1);
  return { kind: 'range', start, end };
}

/** Status, headers and byte range for a request for `file`, without reading it. */
export function planBytesResponse(req: BytesRequest, file: Omit<ServedFile, 'bytes'>): BytesPlan {
  const method = req.method.toUpperCase();
  if (method !== 'GET' && method !== 'HEAD') {
    return { status: 405, headers: { allow: 'GET, HEAD', 'content-length': '0' }, range: undefined };
  }
  const etag = etagOf(file.hash);
  const ifNoneMatch = header(req.headers, 'if-none-match');
  if (ifNoneMatch !== undefined && ifNoneMatchHits(ifNoneMatch, etag)) {
    return { status: 304, headers: { etag }, range: undefined };
  }
  const base: Record<string, string> = {
    'content-type': file.contentType ?? contentTypeFor(file.path),
    etag,
    'accept-ranges': 'bytes',
    'x-content-type-options': 'nosniff',
  };
  const head = method === 'HEAD';

  let rangeHeader = header(req.headers, 'range');
  const ifRange = header(req.headers, 'if-range');
  if (rangeHeader !== undefined && ifRange !== undefined) {
    // Strong comparison: a weak tag or a date never validates a range.
    const tags = parseEntityTags(ifRange);
    const strongHit = tags !== '*' && tags.length === 1 && !tags[0]!.weak && tags[0]!.opaque === etag;
    if (!strongHit) rangeHeader = undefined;
  }
  const range = parseRange(rangeHeader, file.size);
  switch (range.kind) {
    case 'unsatisfiable':
      return {
        status: 416,
        headers: { ...base, 'content-range': `bytes */${file.size}`, 'content-length': '0' },
        range: undefined,
      };
    case 'range':
      return {
        status: 206,
        headers: {
          ...base,
          'content-range': `bytes ${range.start}-${range.end - 1}/${file.size}`,
          'content-length': String(range.end - range.start),
        },
        range: head ? undefined : { start: range.start, end: range.end },
      };
    case 'none':
      return {
        status: 200,
        headers: { ...base, 'content-length': String(file.size) },
        range: head ? undefined : { start: 0, end: file.size },
      };
  }
}

/** The whole response for a request for `file`: 200, 206, 304, 405 or 416. */
export function respondWithBytes(req: BytesRequest, file: ServedFile): HttpResponse {
  const plan = planBytesResponse(req, file);
  if (plan.range === undefined) return { status: plan.status, headers: plan.headers, body: undefined };
  const { start, end } = plan.range;
  const source = file.bytes;
  if (typeof source === 'function') return { status: plan.status, headers: plan.headers, body: source(start, end) };
  if (source instanceof Uint8Array) return { status: plan.status, headers: plan.headers, body: source.subarray(start, end) };
  if (end === start) return { status: plan.status, headers: plan.headers, body: new Uint8Array(0) };
  return { status: plan.status, headers: plan.headers, body: undefined, stream: { path: source.file, start, end } };
}

// ---------------------------------------------------------------- Pong → HTTP

const UTF8_ENCODER = new TextEncoder();
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Framing is the server's business, never the guest's.
const FRAMING = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'trailer']);
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A substance as plain JSON: Map → object, List → array, Bin → its base64, Err → {status, message}. */
export function substanceToJson(body: Substance): unknown {
  switch (body.kind) {
    case 'Empty':
      return null;
    case 'Text':
    case 'Json':
    case 'Int':
    case 'Boolean':
    case 'Point':
      return body.value;
    case 'Bin':
      return body.base64;
    case 'Map':
      return Object.fromEntries(Object.entries(body.value).map(([k, v]) => [k, substanceToJson(v)]));
    case 'List':
      return body.value.map(substanceToJson);
    case 'Err':
      return { status: body.status, message: body.message };
  }
}

function textResponse(status: number, headers: Record<string, string>, message: string): HttpResponse {
  const bytes = UTF8_ENCODER.encode(message);
  return {
    status,
    headers: { ...headers, 'content-type': 'text/plain; charset=utf-8', 'content-length': String(bytes.length) },
    body: bytes,
  };
}

/**
 * A Pong's body, status and headers as an HTTP response (DESIGN.md §5). A content-type header the Pong sets
 * wins; otherwise Text → text/plain, Json (and Int, Boolean, Map, List, as JSON) → application/json, Bin →
 * application/octet-stream, Point → text/plain, Empty → no body, Err → its status and message as text. A
 * reply node could not send (status outside 200–599, a Bin that is not base64) is a 502 saying why; header
 * names or values that are not valid HTTP are dropped, and framing headers are the server's.
 */
export function substanceToHttp(
  body: Substance,
  status: number,
  headers: Readonly<Record<string, string>>,
): HttpResponse {
  const clean: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (!TOKEN.test(name) || FRAMING.has(lower) || typeof value !== 'string' || /[\r\n\0]/.test(value)) continue;
    clean[lower] = value;
  }
  const validStatus = (s: number): boolean => Number.isInteger(s) && s >= 200 && s <= 599;
  if (!validStatus(status)) return textResponse(502, {}, `bad gateway: the reply's status ${status} is not an HTTP status`);

  const noBody = status === 204 || status === 304;
  const withBytes = (bytes: Uint8Array, defaultType: string): HttpResponse => {
    if (noBody) return { status, headers: clean, body: undefined };
    return {
      status,
      headers: { 'content-type': defaultType, ...clean, 'content-length': String(bytes.length) },
      body: bytes,
    };
  };
  const json = (value: unknown): HttpResponse =>
    withBytes(UTF8_ENCODER.encode(JSON.stringify(value) ?? 'null'), 'application/json');

  switch (body.kind) {
    case 'Empty':
      return noBody
        ? { status, headers: clean, body: undefined }
        : { status, headers: { ...clean, 'content-length': '0' }, body: undefined };
    case 'Text':
    case 'Point':
      return withBytes(UTF8_ENCODER.encode(body.value), 'text/plain; charset=utf-8');
    case 'Bin':
      if (!BASE64.test(body.base64)) return textResponse(502, {}, 'bad gateway: the reply\'s Bin body is not base64');
      return withBytes(Buffer.from(body.base64, 'base64'), 'application/octet-stream');
    case 'Json':
    case 'Int':
    case 'Boolean':
    case 'Map':
    case 'List':
      return json(substanceToJson(body));
    case 'Err': {
      const errStatus = validStatus(body.status) && body.status >= 400 ? body.status : 500;
      const { 'content-type': _ignored, ...rest } = clean;
      return textResponse(errStatus, rest, body.message);
    }
  }
}

// ---------------------------------------------------------------- HTTP → Substance

export type SubstanceResult =
  | { readonly ok: true; readonly body: Substance }
  | { readonly ok: false; readonly status: 400 | 415; readonly reason: string };

const UTF8_STRICT = new TextDecoder('utf-8', { fatal: true });

/**
 * A request body as a Substance: no bytes → Empty; application/json and `+json` → Json (invalid UTF-8 or JSON
 * → 400); text/* → Text (invalid UTF-8 → 400; a charset other than UTF-8 or ASCII → 415); anything else,
 * including no content type, → Bin.
 */
export function httpToSubstance(contentType: string | undefined, bytes: Uint8Array): SubstanceResult {
  if (bytes.length === 0) return { ok: true, body: { kind: 'Empty' } };
  const [mediaRaw, ...params] = (contentType ?? '').split(';');
  const media = mediaRaw!.trim().toLowerCase();
  const isJson = media === 'application/json' || (media.startsWith('application/') && media.endsWith('+json'));
  const isText = media.startsWith('text/');
  if (!isJson && !isText) return { ok: true, body: { kind: 'Bin', base64: Buffer.from(bytes).toString('base64') } };

  const charsetParam = params
    .map((p) => p.trim().split('='))
    .find(([k]) => k!.trim().toLowerCase() === 'charset');
  const charset = charsetParam?.[1]?.trim().replace(/^"|"$/g, '').toLowerCase();
  if (charset !== undefined && !['utf-8', 'utf8', 'us-ascii', 'ascii'].includes(charset)) {
    return { ok: false, status: 415, reason: `charset ${charset} is not accepted; send UTF-8` };
  }
  let text: string;
  try {
    text = UTF8_STRICT.decode(bytes);
  } catch {
    return { ok: false, status: 400, reason: 'the body is not valid UTF-8' };
  }
  if (isText) return { ok: true, body: { kind: 'Text', value: text } };
  try {
    return { ok: true, body: { kind: 'Json', value: JSON.parse(text) as unknown } };
  } catch (e) {
    return { ok: false, status: 400, reason: `the body is not valid JSON: ${(e as Error).message}` };
  }
}

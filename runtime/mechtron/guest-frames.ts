// Reading the JSON frames a guest writes (DESIGN.md §5): its replies and the waves it sends. A guest is
// untrusted, so everything is checked and a frame that is not exactly what the ABI allows is an error value
// that says what was wrong and where (`body.value.name: expected a substance, found a number`), never an
// exception or a half-read object.

import type { Substance } from '../waves/wave.ts';
import type { GuestReply, OutgoingPing } from './worker-protocol.ts';

export type FrameResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

const MAX_SUBSTANCE_DEPTH = 64;

/** A guest's reply: `{"kind":"Pong","status":200,...}`; `id`, `reflectionOf`, `from`, `to` are ignored. */
export function readReplyFrame(text: string): FrameResult<GuestReply> {
  const parsed = parseObject(text);
  if (!parsed.ok) return parsed;
  const frame = parsed.value;
  if (frame['kind'] !== 'Pong') return bad(`\`kind\`: expected "Pong", found ${describe(frame['kind'])}`);
  const status = frame['status'];
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
    return bad(`\`status\`: expected an HTTP status from 100 to 599, found ${describe(status)}`);
  }
  const headers = readHeaders(frame['headers']);
  if (!headers.ok) return headers;
  const body = frame['body'] === undefined ? ok<Substance>({ kind: 'Empty' }) : readSubstance(frame['body'], 'body', 0);
  if (!body.ok) return body;
  return ok({ status, headers: headers.value, body: body.value });
}

/** A wave a guest sends: a Ping or a Signal with `to`, `method`, and optionally `uri`, `headers`, `body`. */
export function readOutgoingFrame(text: string): FrameResult<{ readonly kind: 'Ping' | 'Signal'; readonly wave: OutgoingPing }> {
  const parsed = parseObject(text);
  if (!parsed.ok) return parsed;
  const frame = parsed.value;
  const kind = frame['kind'];
  if (kind !== 'Ping' && kind !== 'Signal') return bad(`\`kind\`: expected "Ping" or "Signal", found ${describe(kind)}`);
  const to = frame['to'];
  if (typeof to !== 'string' || to === '') return bad(`\`to\`: expected a point, found ${describe(to)}`);
  const method = frame['method'];
  if (typeof method !== 'string' || !/^(Http|Ext|Cmd|Hyp)<[A-Za-z][A-Za-z0-9]*>$/.test(method)) {
    return bad(`\`method\`: expected a method such as "Ext<Hello>" or "Http<Get>", found ${describe(method)}`);
  }
  const uri = frame['uri'] ?? '/';
  if (typeof uri !== 'string') return bad(`\`uri\`: expected a string, found ${describe(uri)}`);
  const headers = readHeaders(frame['headers']);
  if (!headers.ok) return headers;
  const body = frame['body'] === undefined ? ok<Substance>({ kind: 'Empty' }) : readSubstance(frame['body'], 'body', 0);
  if (!body.ok) return body;
  return ok({ kind, wave: { to, method, uri, headers: headers.value, body: body.value } });
}

/** Checks that `value` is a substance of DESIGN.md §5 and returns it (the same object: it is already plain data). */
export function readSubstance(value: unknown, path: string, depth: number): FrameResult<Substance> {
  if (depth > MAX_SUBSTANCE_DEPTH) return bad(`\`${path}\`: nested deeper than ${MAX_SUBSTANCE_DEPTH} levels`);
  if (!isObject(value)) return bad(`\`${path}\`: expected a substance object, found ${describe(value)}`);
  const v = value['value'];
  switch (value['kind']) {
    case 'Empty':
      return ok(value as Substance);
    case 'Text':
    case 'Point':
      return typeof v === 'string' ? ok(value as Substance) : bad(`\`${path}.value\`: expected a string, found ${describe(v)}`);
    case 'Bin': {
      const b = value['base64'];
      return typeof b === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(b) && b.length % 4 === 0
        ? ok(value as Substance)
        : bad(`\`${path}.base64\`: expected base64 text, found ${describe(b)}`);
    }
    case 'Json':
      return 'value' in value ? ok(value as Substance) : bad(`\`${path}.value\`: missing`);
    case 'Int':
      return typeof v === 'number' && Number.isInteger(v) ? ok(value as Substance) : bad(`\`${path}.value\`: expected an integer, found ${describe(v)}`);
    case 'Boolean':
      return typeof v === 'boolean' ? ok(value as Substance) : bad(`\`${path}.value\`: expected true or false, found ${describe(v)}`);
    case 'Map': {
      if (!isObject(v)) return bad(`\`${path}.value\`: expected an object of substances, found ${describe(v)}`);
      for (const [key, entry] of Object.entries(v)) {
        const checked = readSubstance(entry, `${path}.value.${key}`, depth + 1);
        if (!checked.ok) return checked;
      }
      return ok(value as Substance);
    }
    case 'List': {
      if (!Array.isArray(v)) return bad(`\`${path}.value\`: expected an array of substances, found ${describe(v)}`);
      for (let i = 0; i < v.length; i++) {
        const checked = readSubstance(v[i], `${path}.value[${i}]`, depth + 1);
        if (!checked.ok) return checked;
      }
      return ok(value as Substance);
    }
    case 'Err': {
      const status = value['status'];
      if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
        return bad(`\`${path}.status\`: expected an HTTP status, found ${describe(status)}`);
      }
      return typeof value['message'] === 'string' ? ok(value as Substance) : bad(`\`${path}.message\`: expected a string, found ${describe(value['message'])}`);
    }
    default:
      return bad(`\`${path}.kind\`: expected one of Empty, Text, Bin, Json, Int, Boolean, Point, Map, List, Err, found ${describe(value['kind'])}`);
  }
}

function readHeaders(value: unknown): FrameResult<Readonly<Record<string, string>>> {
  if (value === undefined) return ok({});
  if (!isObject(value)) return bad(`\`headers\`: expected an object of strings, found ${describe(value)}`);
  for (const [name, v] of Object.entries(value)) {
    if (typeof v !== 'string') return bad(`\`headers.${name}\`: expected a string, found ${describe(v)}`);
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) return bad(`\`headers\`: \`${name.slice(0, 40)}\` is not a header name`);
  }
  return ok(value as Record<string, string>);
}

function parseObject(text: string): FrameResult<Record<string, unknown>> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return bad(`not JSON: ${(e as Error).message}`);
  }
  return isObject(value) ? ok(value) : bad(`expected a JSON object, found ${describe(value)}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value === 'number' ? 'the number' : 'the boolean'} ${String(value)}`;
}

function ok<T>(value: T): FrameResult<T> {
  return { ok: true, value };
}

function bad(message: string): { readonly ok: false; readonly message: string } {
  return { ok: false, message };
}

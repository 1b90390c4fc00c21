// Payload patterns (SPEC §4.5) checked against a body: structure, format, then validator, with the JSON path of
// the first thing that does not fit. Bodies are hostile input: their size and depth are measured first,
// iteratively, and a body past the limits is refused before any pattern looks at it (R2).
//
// Decisions:
// - Kinds are strict: `Text` takes a Text substance, never a Bin or a Json string; the ingress decides the
//   substance kind from the content type, so a body sent with the wrong content type fails here.
// - Inside a Json substance, the structure patterns see JSON values as substances: object = Map, array = List,
//   string = Text, integer = Int, boolean = Boolean; any JSON value is a `Json`. So
//   `Map{username<Text>}` accepts both a Map substance and the JSON body `{"username":"scott"}`.
// - `~json` parses a Text (or a Bin, decoded as strict UTF-8); `~utf8` requires well-formed UTF-8 (a Bin's bytes
//   or a Text without lone surrogates); `~image` requires a Bin whose first bytes are PNG, JPEG, GIF, WebP or BMP.
// - A validator sees the value as JSON: the parsed text after `~json`, else the substance converted to JSON.
// - Paths are JSON pointers (`/profile/name`, `/items/3`), '' for the body itself.

import type { IrPattern, IrStructure, IrValidator } from '../../compiler/ir/types.ts';
import type { Substance } from '../waves/wave.ts';
import type { SchemaRegistry } from './schemas.ts';

export type PatternResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      /** JSON pointer of the offending value ('' = the body). */
      readonly path: string;
      readonly expected: string;
      readonly found: string;
      /** 400 when the body is at fault; 500 when the check itself could not run (missing schema, validator down). */
      readonly status: 400 | 500;
    };

export interface BodyLimits {
  /** Deepest nesting of maps, lists and JSON containers (default 64). */
  readonly maxDepth: number;
  /** Largest body, in bytes as it would travel (default 1 MiB). */
  readonly maxBytes: number;
}

export const DEFAULT_BODY_LIMITS: BodyLimits = { maxDepth: 64, maxBytes: 1024 * 1024 };

export interface CheckEnv {
  readonly schemas?: SchemaRegistry;
  /** Resolves `${doc.bundle}`, `${self}` and captures in validator points. */
  readonly resolvePoint?: (point: string) => string;
  /** Asks a validating mechtron (`point^Ext<Validate>`): its reply's status, 2xx = valid. */
  readonly askValidator?: (point: string, method: string, body: Substance) => Promise<{ status: number; message?: string }>;
  readonly limits?: BodyLimits;
}

const OK: PatternResult = { ok: true };

/** Check `body` against `pattern`: limits first, then the pattern. Never throws for any input. */
export async function checkPattern(pattern: IrPattern, body: Substance, env: CheckEnv = {}): Promise<PatternResult> {
  const refused = checkBodyLimits(body, env.limits ?? DEFAULT_BODY_LIMITS);
  if (refused) return refused;
  return checkNode(pattern, { sub: body }, '', env);
}

// ---------------------------------------------------------------- limits and shape

/**
 * Undefined when `body` is a well-formed substance within the limits; else why not. Iterative, so a body nested
 * ten thousand levels deep costs no stack, and it stops at the first excess.
 */
export function checkBodyLimits(body: unknown, limits: BodyLimits = DEFAULT_BODY_LIMITS): PatternResult | undefined {
  let bytes = 0;
  const stack: { value: unknown; depth: number; json: boolean; path: string }[] = [{ value: body, depth: 0, json: false, path: '' }];
  const fail = (path: string, expected: string, found: string): PatternResult => ({ ok: false, path, expected, found, status: 400 });
  while (stack.length > 0) {
    const { value, depth, json, path } = stack.pop()!;
    if (depth > limits.maxDepth) return fail(path, `at most ${limits.maxDepth} levels of nesting`, 'deeper nesting');
    if (json) {
      if (value === null || typeof value === 'boolean') bytes += 5;
      else if (typeof value === 'number') {
        if (!Number.isFinite(value)) return fail(path, 'a finite number', String(value));
        bytes += 8;
      }
      else if (typeof value === 'string') bytes += utf8Length(value) + 2;
      else if (Array.isArray(value)) {
        bytes += 2;
        for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], depth: depth + 1, json: true, path: `${path}/${i}` });
      } else if (typeof value === 'object') {
        bytes += 2;
        for (const key of Object.keys(value)) {
          bytes += utf8Length(key) + 3;
          stack.push({ value: (value as Record<string, unknown>)[key], depth: depth + 1, json: true, path: `${path}/${escapeKey(key)}` });
        }
      } else return fail(path, 'a JSON value', typeof value);
    } else {
      const s = value as { kind?: unknown; value?: unknown } | null;
      if (typeof s !== 'object' || s === null) return fail(path, 'a substance', describeJson(value));
      bytes += 16;
      switch (s.kind) {
        case 'Empty':
          break;
        case 'Text':
        case 'Point':
          if (typeof s.value !== 'string') return fail(path, `a ${s.kind} substance with a string value`, describeJson(s.value));
          bytes += utf8Length(s.value);
          break;
        case 'Bin': {
          const b64 = (s as { base64?: unknown }).base64;
          if (typeof b64 !== 'string' || !isBase64(b64)) return fail(path, 'a Bin substance with base64 content', 'malformed base64');
          bytes += Math.floor((b64.length * 3) / 4);
          break;
        }
        case 'Int':
          if (typeof s.value !== 'number' || !Number.isSafeInteger(s.value)) return fail(path, 'an Int substance with an integer value', describeJson(s.value));
          bytes += 8;
          break;
        case 'Boolean':
          if (typeof s.value !== 'boolean') return fail(path, 'a Boolean substance with a boolean value', describeJson(s.value));
          break;
        case 'Json':
          stack.push({ value: s.value, depth, json: true, path });
          break;
        case 'Map':
          if (typeof s.value !== 'object' || s.value === null || Array.isArray(s.value)) return fail(path, 'a Map substance with an object value', describeJson(s.value));
          for (const key of Object.keys(s.value)) {
            bytes += utf8Length(key);
            stack.push({ value: (s.value as Record<string, unknown>)[key], depth: depth + 1, json: false, path: `${path}/${escapeKey(key)}` });
          }
          break;
        case 'List':
          if (!Array.isArray(s.value)) return fail(path, 'a List substance with an array value', describeJson(s.value));
          for (let i = s.value.length - 1; i >= 0; i--) stack.push({ value: s.value[i], depth: depth + 1, json: false, path: `${path}/${i}` });
          break;
        case 'Err': {
          const e = s as { status?: unknown; message?: unknown };
          if (typeof e.status !== 'number' || typeof e.message !== 'string') return fail(path, 'an Err substance with a status and a message', 'malformed Err');
          bytes += utf8Length(e.message) + 4;
          break;
        }
        default:
          return fail(path, 'a substance kind', typeof s.kind === 'string' ? `\`${s.kind.slice(0, 40)}\`` : describeJson(s.kind));
      }
    }
    if (bytes > limits.maxBytes) return fail('', `a body of at most ${limits.maxBytes} bytes`, `more than ${limits.maxBytes} bytes`);
  }
  return undefined;
}

function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

function isBase64(s: string): boolean {
  return s.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s);
}

// ---------------------------------------------------------------- patterns

/** A value under check: a substance, or a JSON value inside a Json substance. */
type Node = { readonly sub: Substance } | { readonly json: unknown };

type Fail = Extract<PatternResult, { ok: false }>;

function fail(path: string, expected: string, found: string, status: 400 | 500 = 400): Fail {
  return { ok: false, path, expected, found, status };
}

async function checkNode(pattern: IrPattern, node: Node, path: string, env: CheckEnv): Promise<PatternResult> {
  switch (pattern.kind) {
    case 'any':
      return OK;
    case 'empty':
      return 'sub' in node && node.sub.kind === 'Empty' ? OK : fail(path, 'an Empty body', describe(node));
    case 'structure': {
      const structural = await checkStructure(pattern.structure, node, path, env);
      if (!structural.ok) return structural;
      let value: { json: unknown } | undefined;
      if (pattern.format) {
        const formatted = checkFormat(pattern.format, node, path, env.limits ?? DEFAULT_BODY_LIMITS);
        if ('ok' in formatted) return formatted;
        value = formatted.parsed;
      }
      if (pattern.validator) return checkValidator(pattern.validator, node, value ?? { json: toJson(node) }, path, env);
      return OK;
    }
  }
}

async function checkStructure(structure: IrStructure, node: Node, path: string, env: CheckEnv): Promise<PatternResult> {
  switch (structure.kind) {
    case 'kind':
      return isKind(structure.name, node) ? OK : fail(path, structure.name, describe(node));
    case 'list': {
      const items = listItems(node);
      if (!items) return fail(path, `${structure.item}[]`, describe(node));
      if (structure.min !== undefined && items.length < structure.min) {
        return fail(path, `a list of ${rangeText(structure.min, structure.max)} ${structure.item}`, `${items.length} items`);
      }
      if (structure.max !== undefined && items.length > structure.max) {
        return fail(path, `a list of ${rangeText(structure.min, structure.max)} ${structure.item}`, `${items.length} items`);
      }
      for (let i = 0; i < items.length; i++) {
        if (!isKind(structure.item, items[i]!)) return fail(`${path}/${i}`, structure.item, describe(items[i]!));
      }
      return OK;
    }
    case 'map': {
      const entries = mapEntries(node);
      if (!entries) return fail(path, 'Map', describe(node));
      const named = new Set<string>();
      for (const entry of structure.entries) {
        named.add(entry.key);
        const child = entries.get(entry.key);
        const at = `${path}/${escapeKey(entry.key)}`;
        if (child === undefined) {
          if (entry.optional) continue;
          return fail(at, `the key \`${entry.key}\``, 'no such key');
        }
        if (entry.pattern) {
          const result = await checkNode(entry.pattern, child, at, env);
          if (!result.ok) return result;
        }
      }
      for (const [key, child] of entries) {
        if (named.has(key)) continue;
        const at = `${path}/${escapeKey(key)}`;
        if (!structure.open) {
          const allowed = structure.entries.map((e) => `\`${e.key}\``).join(', ');
          return fail(at, allowed ? `only the keys ${allowed}` : 'no keys', `the key \`${key.slice(0, 80)}\``);
        }
        if (structure.rest?.pattern) {
          const result = await checkNode(structure.rest.pattern, child, at, env);
          if (!result.ok) return result;
        }
      }
      return OK;
    }
  }
}

function rangeText(min: number | undefined, max: number | undefined): string {
  return min === max ? `${min}` : `${min ?? 0} to ${max ?? 'any'}`;
}

function isKind(name: string, node: Node): boolean {
  if ('sub' in node) return node.sub.kind === name || (node.sub.kind === 'Json' && isKind(name, { json: node.sub.value }));
  const v = node.json;
  switch (name) {
    case 'Json':
      return true;
    case 'Text':
      return typeof v === 'string';
    case 'Int':
      return typeof v === 'number' && Number.isSafeInteger(v);
    case 'Boolean':
      return typeof v === 'boolean';
    case 'Map':
      return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'List':
      return Array.isArray(v);
    default:
      return false;
  }
}

function listItems(node: Node): Node[] | undefined {
  if ('sub' in node) {
    if (node.sub.kind === 'List') return node.sub.value.map((sub) => ({ sub }));
    if (node.sub.kind === 'Json' && Array.isArray(node.sub.value)) return node.sub.value.map((json) => ({ json }));
    return undefined;
  }
  return Array.isArray(node.json) ? node.json.map((json) => ({ json })) : undefined;
}

function mapEntries(node: Node): Map<string, Node> | undefined {
  const fromJson = (v: unknown): Map<string, Node> | undefined => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
    return new Map(Object.keys(v).map((k) => [k, { json: (v as Record<string, unknown>)[k] }]));
  };
  if ('sub' in node) {
    if (node.sub.kind === 'Map') {
      const value = node.sub.value;
      return new Map(Object.keys(value).map((k) => [k, { sub: value[k]! }]));
    }
    return node.sub.kind === 'Json' ? fromJson(node.sub.value) : undefined;
  }
  return fromJson(node.json);
}

// ---------------------------------------------------------------- formats

const IMAGE_MAGIC: readonly (readonly number[])[] = [
  [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], // PNG
  [0xff, 0xd8, 0xff], // JPEG
  [0x47, 0x49, 0x46, 0x38], // GIF8
  [0x42, 0x4d], // BMP
];

function isImage(bytes: Uint8Array): boolean {
  if (IMAGE_MAGIC.some((magic) => magic.every((b, i) => bytes[i] === b))) return true;
  // RIFF....WEBP
  return bytes.length >= 12 && String.fromCharCode(...bytes.subarray(0, 4)) === 'RIFF' && String.fromCharCode(...bytes.subarray(8, 12)) === 'WEBP';
}

/** The format check; on success, the parsed JSON for `~json`. */
function checkFormat(format: 'json' | 'image' | 'utf8', node: Node, path: string, limits: BodyLimits): Fail | { parsed?: { json: unknown } } {
  const sub = 'sub' in node ? node.sub : undefined;
  switch (format) {
    case 'image':
      if (sub?.kind !== 'Bin') return fail(path, 'an image (Bin)', describe(node));
      return isImage(Buffer.from(sub.base64, 'base64')) ? {} : fail(path, 'an image (PNG, JPEG, GIF, WebP or BMP)', 'bytes of no known image format');
    case 'utf8': {
      if (sub?.kind === 'Bin') {
        const bad = invalidUtf8At(Buffer.from(sub.base64, 'base64'));
        return bad === undefined ? {} : fail(path, 'UTF-8 text', `invalid UTF-8 at byte ${bad}`);
      }
      const text = sub?.kind === 'Text' ? sub.value : 'json' in node && typeof node.json === 'string' ? node.json : undefined;
      if (text === undefined) return fail(path, 'UTF-8 text', describe(node));
      return LONE_SURROGATE.test(text) ? fail(path, 'UTF-8 text', 'a lone surrogate') : {};
    }
    case 'json': {
      if (sub?.kind === 'Json') return { parsed: { json: sub.value } };
      let text: string | undefined;
      if (sub?.kind === 'Bin') {
        const bytes = Buffer.from(sub.base64, 'base64');
        const bad = invalidUtf8At(bytes);
        if (bad !== undefined) return fail(path, 'JSON text in UTF-8', `invalid UTF-8 at byte ${bad}`);
        text = bytes.toString('utf8');
      } else if (sub?.kind === 'Text') text = sub.value;
      else if ('json' in node) return typeof node.json === 'string' ? parseJsonText(node.json, path, limits) : { parsed: { json: node.json } };
      if (text === undefined) return fail(path, 'JSON text', describe(node));
      return parseJsonText(text, path, limits);
    }
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function parseJsonText(text: string, path: string, limits: BodyLimits): Fail | { parsed: { json: unknown } } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return fail(path, 'JSON text', `not JSON (${(e as Error).message.slice(0, 120)})`);
  }
  // Parsed text is a new body: it meets the same limits before a validator walks it.
  const refused = checkBodyLimits({ kind: 'Json', value: json }, limits);
  if (refused && !refused.ok) return { ...refused, path: `${path}${refused.path}` };
  return { parsed: { json } };
}

/** Offset of the first byte that is not well-formed UTF-8, or undefined. */
function invalidUtf8At(bytes: Uint8Array): number | undefined {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return undefined;
  } catch {
    // Find where: the longest prefix that decodes (binary search on a prefix would split sequences; scan).
    for (let i = 0; i < bytes.length; ) {
      const b = bytes[i]!;
      const len = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
      if (len === 0 || i + len > bytes.length) return i;
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(i, i + len));
      } catch {
        return i;
      }
      i += len;
    }
    return 0;
  }
}

// ---------------------------------------------------------------- validators

async function checkValidator(validator: IrValidator, node: Node, value: { json: unknown }, path: string, env: CheckEnv): Promise<PatternResult> {
  const point = env.resolvePoint ? env.resolvePoint(validator.point) : validator.point;
  switch (validator.kind) {
    case 'schema': {
      if (!env.schemas) return fail(path, `valid per schema \`${point}\``, 'no schema registry to check with', 500);
      const verdict = await env.schemas.validate(point, value.json);
      if (verdict.ok) return OK;
      if ('unavailable' in verdict) return fail(path, `valid per schema \`${point}\``, verdict.unavailable, 500);
      const v = verdict.violation;
      return fail(`${path}${v.instancePath}`, `schema rule \`${v.keyword}\` (${v.schemaPath}): ${v.message}`, describeJson(valueAt(value.json, v.instancePath)));
    }
    case 'mechtron': {
      const expected = `valid per \`${point}^${validator.method}\``;
      if (!env.askValidator) return fail(path, expected, 'no way to reach the validator', 500);
      const body: Substance = 'sub' in node ? node.sub : { kind: 'Json', value: node.json };
      let reply: { status: number; message?: string };
      try {
        reply = await env.askValidator(point, validator.method, body);
      } catch (e) {
        return fail(path, expected, `the validator failed: ${(e as Error).message}`, 500);
      }
      if (reply.status >= 200 && reply.status < 300) return OK;
      if (reply.status >= 500) return fail(path, expected, `the validator failed with ${reply.status}`, 500);
      return fail(path, expected, reply.message ? `refused: ${reply.message}` : `refused (${reply.status})`);
    }
  }
}

function valueAt(json: unknown, pointer: string): unknown {
  let at = json;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

/** A substance (or JSON value) as JSON: what a JSON Schema sees. */
export function toJson(node: Node): unknown {
  if ('json' in node) return node.json;
  const s = node.sub;
  switch (s.kind) {
    case 'Empty':
      return null;
    case 'Text':
    case 'Int':
    case 'Boolean':
    case 'Point':
      return s.value;
    case 'Bin':
      return s.base64;
    case 'Json':
      return s.value;
    case 'Map':
      return Object.fromEntries(Object.keys(s.value).map((k) => [k, toJson({ sub: s.value[k]! })]));
    case 'List':
      return s.value.map((sub) => toJson({ sub }));
    case 'Err':
      return { status: s.status, message: s.message };
  }
}

// ---------------------------------------------------------------- text for messages

export function escapeKey(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function describe(node: Node): string {
  if ('sub' in node) {
    const s = node.sub;
    return s.kind === 'Json' ? `Json (${jsonType(s.value)})` : s.kind;
  }
  return describeJson(node.json);
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function describeJson(v: unknown): string {
  const type = jsonType(v);
  if (type === 'object' || type === 'array' || v === undefined) return type;
  const text = JSON.stringify(v) ?? String(v);
  return `${type} ${text.length > 40 ? `${text.slice(0, 40)}…` : text}`;
}

/** A pattern as it is written in source, for error messages. */
export function patternText(pattern: IrPattern): string {
  switch (pattern.kind) {
    case 'any':
      return '*';
    case 'empty':
      return '';
    case 'structure': {
      let text = structureText(pattern.structure);
      if (pattern.format) text += `~${pattern.format}`;
      const v = pattern.validator;
      if (v) text += v.kind === 'schema' ? `~schema(${v.point})` : `~${v.point}^${v.method}`;
      return text;
    }
  }
}

function structureText(s: IrStructure): string {
  switch (s.kind) {
    case 'kind':
      return s.name;
    case 'list':
      return `${s.item}[${s.min === undefined ? '' : s.min === s.max ? s.min : `${s.min}-${s.max}`}]`;
    case 'map': {
      if (s.entries.length === 0 && s.open && !s.rest) return 'Map';
      const parts = s.entries.map((e) => `${e.key}${e.optional ? '?' : ''}${e.pattern ? `<${patternText(e.pattern)}>` : ''}`);
      if (s.rest) parts.push(s.rest.pattern ? `*<${patternText(s.rest.pattern)}>` : '*');
      return `Map{${parts.join(', ')}}`;
    }
  }
}

// WebAssembly binary framing (core spec 2.0, §5): LEB128 integers, the module's sections, and rebuilding a module
// from rewritten sections. Pure functions over Uint8Array; no engine involved.
//
// Decisions:
// - Decoding inside this folder throws `WasmDecodeError` (offset + reason) from the readers, because threading a
//   Result through every byte read would drown the decoders; every exported entry point catches it and returns a
//   `Result`, so malformed input is always a value, never an exception. Any other exception is a bug.
// - LEB128 is read strictly as the spec says: at most ceil(N/7) bytes, and the unused bits of the last byte must be
//   zero (unsigned) or copies of the sign bit (signed). Engines reject the rest, so we do too.
// - Error messages name where and what: "section 5 (memory) at byte 1234: limits flag 0x08 is not valid".
// - A rebuilt module copies every section it was not asked to change byte for byte, in its original place;
//   an added section goes where the spec's section order puts it.

export interface WasmError {
  /** Byte offset in the module (or in the buffer that was being decoded) where the problem is. */
  readonly offset: number;
  /** The whole message, the place first: `section 5 (memory) at byte 1234: limits flag 0x08 is not valid`. */
  readonly message: string;
}

/** Module bytes as the WebAssembly API takes them (backed by an ArrayBuffer). */
export type WasmBytes = Uint8Array<ArrayBuffer>;

/** The bytes themselves when they are backed by an ArrayBuffer, else a copy that is. */
export function asWasmBytes(bytes: Uint8Array): WasmBytes {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as WasmBytes) : bytes.slice();
}

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: WasmError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(offset: number, message: string): Result<T> {
  return { ok: false, error: { offset, message } };
}

/** Thrown by the readers of this folder, turned into a `Result` at every exported entry point. */
export class WasmDecodeError extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
    /** Where the reader was (`section 5 (memory)`, `function 12 (code section)`); filled in by `within`. */
    readonly place?: string,
  ) {
    super(place ? `${place} at byte ${offset}: ${reason}` : `at byte ${offset}: ${reason}`);
  }
}

/** Runs `decode`, naming `place` in any decode error it throws that has no place yet. */
export function within<T>(place: string, decode: () => T): T {
  try {
    return decode();
  } catch (e) {
    if (e instanceof WasmDecodeError && e.place === undefined) throw new WasmDecodeError(e.offset, e.reason, place);
    throw e;
  }
}

/** Runs `decode` and turns a decode error into an error value. */
export function decodeResult<T>(decode: () => T): Result<T> {
  try {
    return ok(decode());
  } catch (e) {
    if (e instanceof WasmDecodeError) return fail(e.offset, e.message);
    throw e;
  }
}

export function hex(n: number): string {
  return `0x${n.toString(16).padStart(2, '0')}`;
}

// ---------------------------------------------------------------- reading

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A cursor over `bytes[start, end)`; every read checks the end and the encoding. */
export class ByteReader {
  pos: number;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    readonly end = bytes.length,
  ) {
    this.pos = start;
  }

  get atEnd(): boolean {
    return this.pos >= this.end;
  }

  fail(reason: string, offset = this.pos): never {
    throw new WasmDecodeError(offset, reason);
  }

  u8(what = 'a byte'): number {
    if (this.pos >= this.end) this.fail(`unexpected end of data: expected ${what}`);
    return this.bytes[this.pos++]!;
  }

  /** Unsigned LEB128, at most 32 bits. */
  u32(what = 'a u32'): number {
    const start = this.pos;
    let result = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.u8(what);
      if (i === 4) {
        if (b & 0xf0) this.fail(`${what} is not a valid LEB128 u32 (too long or too large)`, start);
        return (result + b * 2 ** 28) >>> 0;
      }
      result |= (b & 0x7f) << (7 * i);
      if ((b & 0x80) === 0) return result >>> 0;
    }
    return this.fail(`${what} is not a valid LEB128 u32`, start);
  }

  /** Signed LEB128, at most 32 bits. */
  i32(what = 'an i32'): number {
    const start = this.pos;
    let result = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.u8(what);
      if (i === 4) {
        // Bits 4-6 of the fifth byte must copy bit 3 (the sign); no continuation bit.
        if (!(b <= 0x07 || (b >= 0x78 && b <= 0x7f))) this.fail(`${what} is not a valid LEB128 i32 (too long or too large)`, start);
        return result | (b << 28);
      }
      result |= (b & 0x7f) << (7 * i);
      if ((b & 0x80) === 0) {
        const shift = 7 * (i + 1);
        return shift < 32 && b & 0x40 ? result | (-1 << shift) : result;
      }
    }
    return this.fail(`${what} is not a valid LEB128 i32`, start);
  }

  /** Signed LEB128, at most 64 bits. */
  i64(what = 'an i64'): bigint {
    return this.signedBig(64, what);
  }

  /** Signed LEB128 of 33 bits: a block type's type index. */
  s33(what = 'a block type'): number {
    return Number(this.signedBig(33, what));
  }

  /** Unsigned LEB128, at most 64 bits (memory64 limits). */
  u64(what = 'a u64'): bigint {
    const start = this.pos;
    let result = 0n;
    for (let i = 0; i < 10; i++) {
      const b = this.u8(what);
      if (i === 9) {
        if (b & 0xfe) this.fail(`${what} is not a valid LEB128 u64 (too long or too large)`, start);
        return result | (BigInt(b) << 63n);
      }
      result |= BigInt(b & 0x7f) << BigInt(7 * i);
      if ((b & 0x80) === 0) return result;
    }
    return this.fail(`${what} is not a valid LEB128 u64`, start);
  }

  private signedBig(bits: number, what: string): bigint {
    const start = this.pos;
    const maxBytes = Math.ceil(bits / 7);
    let result = 0n;
    for (let i = 0; i < maxBytes; i++) {
      const b = this.u8(what);
      if (i === maxBytes - 1) {
        // The last byte holds `rest` value bits; the bits above them (up to bit 6) must copy the sign.
        const rest = bits - 7 * i;
        const high = b >> (rest - 1); // the sign bit and the unused bits above it: all clear or all set
        if (b & 0x80 || (high !== 0 && high !== 0x7f >> (rest - 1))) {
          this.fail(`${what} is not a valid LEB128 s${bits} (too long or too large)`, start);
        }
        result |= BigInt(b & 0x7f) << BigInt(7 * i);
        return BigInt.asIntN(bits, result);
      }
      result |= BigInt(b & 0x7f) << BigInt(7 * i);
      if ((b & 0x80) === 0) {
        const shift = BigInt(7 * (i + 1));
        return b & 0x40 ? result - (1n << shift) : result;
      }
    }
    return this.fail(`${what} is not a valid LEB128 s${bits}`, start);
  }

  /** Skips a LEB128 of at most `maxBytes` bytes (an immediate whose value does not matter here). */
  skipLeb(maxBytes: number, what: string): void {
    const start = this.pos;
    for (let i = 0; i < maxBytes; i++) {
      if ((this.u8(what) & 0x80) === 0) return;
    }
    this.fail(`${what} is not a valid LEB128 (longer than ${maxBytes} bytes)`, start);
  }

  take(n: number, what = 'bytes'): Uint8Array {
    if (n > this.end - this.pos) this.fail(`unexpected end of data: ${what} need ${n} bytes, ${this.end - this.pos} left`);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** A vector's length, checked against the bytes left (each element takes at least `minBytes`). */
  count(what: string, minBytes = 1): number {
    const at = this.pos;
    const n = this.u32(`the number of ${what}`);
    if (n * minBytes > this.end - this.pos) this.fail(`${n} ${what} cannot fit in the ${this.end - this.pos} bytes left`, at);
    return n;
  }

  name(what = 'a name'): string {
    const at = this.pos;
    const bytes = this.take(this.u32(`the length of ${what}`), what);
    try {
      return utf8.decode(bytes);
    } catch {
      return this.fail(`${what} is not valid UTF-8`, at);
    }
  }
}

// ---------------------------------------------------------------- writing

/** A growable byte buffer with the spec's encodings. */
export class ByteWriter {
  private buf: Uint8Array;
  length = 0;

  constructor(capacity = 256) {
    this.buf = new Uint8Array(Math.max(16, capacity));
  }

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  u8(b: number): this {
    this.reserve(1);
    this.buf[this.length++] = b;
    return this;
  }

  bytes(bytes: Uint8Array): this {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
    return this;
  }

  u32(value: number): this {
    let v = value >>> 0;
    do {
      const b = v & 0x7f;
      v >>>= 7;
      this.u8(v === 0 ? b : b | 0x80);
    } while (v !== 0);
    return this;
  }

  i32(value: number): this {
    let v = value | 0;
    for (;;) {
      const b = v & 0x7f;
      v >>= 7;
      if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) return this.u8(b);
      this.u8(b | 0x80);
    }
  }

  i64(value: bigint): this {
    let v = BigInt.asIntN(64, value);
    for (;;) {
      const b = Number(v & 0x7fn);
      v >>= 7n;
      if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) return this.u8(b);
      this.u8(b | 0x80);
    }
  }

  u64(value: bigint): this {
    let v = BigInt.asUintN(64, value);
    do {
      const b = Number(v & 0x7fn);
      v >>= 7n;
      this.u8(v === 0n ? b : b | 0x80);
    } while (v !== 0n);
    return this;
  }

  name(text: string): this {
    const bytes = new TextEncoder().encode(text);
    return this.u32(bytes.length).bytes(bytes);
  }

  /** The bytes written so far (a copy). */
  finish(): WasmBytes {
    return this.buf.slice(0, this.length);
  }
}

// ---------------------------------------------------------------- LEB128 as functions

export interface Decoded<T> {
  readonly value: T;
  /** The offset just past the encoding. */
  readonly next: number;
}

export function encodeU32(value: number): Uint8Array {
  return new ByteWriter(5).u32(value).finish();
}

export function encodeI32(value: number): Uint8Array {
  return new ByteWriter(5).i32(value).finish();
}

export function encodeI64(value: bigint): Uint8Array {
  return new ByteWriter(10).i64(value).finish();
}

export function decodeU32(bytes: Uint8Array, offset = 0): Result<Decoded<number>> {
  return decodeResult(() => {
    const r = new ByteReader(bytes, offset);
    return { value: r.u32(), next: r.pos };
  });
}

export function decodeI32(bytes: Uint8Array, offset = 0): Result<Decoded<number>> {
  return decodeResult(() => {
    const r = new ByteReader(bytes, offset);
    return { value: r.i32(), next: r.pos };
  });
}

export function decodeI64(bytes: Uint8Array, offset = 0): Result<Decoded<bigint>> {
  return decodeResult(() => {
    const r = new ByteReader(bytes, offset);
    return { value: r.i64(), next: r.pos };
  });
}

// ---------------------------------------------------------------- sections

export const SECTION = {
  custom: 0,
  type: 1,
  import: 2,
  function: 3,
  table: 4,
  memory: 5,
  global: 6,
  export: 7,
  start: 8,
  element: 9,
  code: 10,
  data: 11,
  dataCount: 12,
} as const;

const SECTION_NAMES = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start', 'element', 'code', 'data', 'data count'];
/** Where each section id may appear (the data count section sits between element and code). */
const SECTION_RANK = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10];

export function sectionLabel(id: number): string {
  return `section ${id} (${SECTION_NAMES[id] ?? 'unknown'})`;
}

export interface WasmSection {
  readonly id: number;
  /** Offset of the section's id byte. */
  readonly start: number;
  readonly payloadStart: number;
  /** Offset just past the payload (and the section). */
  readonly payloadEnd: number;
  /** A custom section's name; its content starts at `contentStart`. */
  readonly customName?: string;
  readonly contentStart?: number;
}

const MAGIC_AND_VERSION = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** Throwing form of `readSections`, for the decoders of this folder. */
export function decodeSections(bytes: Uint8Array): WasmSection[] {
  const r = new ByteReader(bytes);
  if (bytes.length < 8 || MAGIC_AND_VERSION.some((b, i) => bytes[i] !== b)) {
    const isMagic = bytes.length >= 4 && MAGIC_AND_VERSION.slice(0, 4).every((b, i) => bytes[i] === b);
    r.fail(isMagic ? 'not a WebAssembly version 1 module (the version is not 01 00 00 00)' : 'not a WebAssembly module (no \\0asm header)', isMagic ? 4 : 0);
  }
  r.pos = 8;
  const sections: WasmSection[] = [];
  let lastRank = 0;
  while (!r.atEnd) {
    const start = r.pos;
    const id = r.u8('a section id');
    if (id >= SECTION_NAMES.length) r.fail(`section id ${id} is not known (WebAssembly 2.0 has ids 0 to 12)`, start);
    const size = r.u32('a section size');
    const payloadStart = r.pos;
    if (size > r.end - payloadStart) {
      r.fail(`${sectionLabel(id)} says it is ${size} bytes, but only ${r.end - payloadStart} are left`, start);
    }
    const payloadEnd = payloadStart + size;
    if (id === SECTION.custom) {
      const body = new ByteReader(bytes, payloadStart, payloadEnd);
      const customName = within(sectionLabel(id), () => body.name('the custom section name'));
      sections.push({ id, start, payloadStart, payloadEnd, customName, contentStart: body.pos });
    } else {
      const rank = SECTION_RANK[id]!;
      if (rank <= lastRank) {
        const earlier = sections.find((s) => s.id === id);
        r.fail(earlier ? `${sectionLabel(id)} appears twice` : `${sectionLabel(id)} is out of order`, start);
      }
      lastRank = rank;
      sections.push({ id, start, payloadStart, payloadEnd });
    }
    r.pos = payloadEnd;
  }
  return sections;
}

/** The module's sections in order, after checking the header, the order and that every size fits. */
export function readSections(bytes: Uint8Array): Result<WasmSection[]> {
  return decodeResult(() => decodeSections(bytes));
}

export function sectionPayload(bytes: Uint8Array, section: WasmSection): Uint8Array {
  return bytes.subarray(section.payloadStart, section.payloadEnd);
}

export interface SectionPart {
  readonly id: number;
  readonly payload: Uint8Array;
}

/** A module from sections given in order. */
export function encodeModule(parts: readonly SectionPart[]): WasmBytes {
  const w = new ByteWriter(8 + parts.reduce((n, p) => n + p.payload.length + 6, 0));
  w.bytes(Uint8Array.from(MAGIC_AND_VERSION));
  for (const part of parts) w.u8(part.id).u32(part.payload.length).bytes(part.payload);
  return w.finish();
}

export interface SectionEdits {
  /** New payloads for existing sections (by object identity); `null` drops the section. */
  readonly replace?: ReadonlyMap<WasmSection, Uint8Array | null>;
  /** New non-custom sections, each placed where the section order puts it. */
  readonly add?: readonly SectionPart[];
}

/** `bytes` with some sections replaced, dropped or added; the others are copied unchanged. */
export function rewriteSections(bytes: Uint8Array, sections: readonly WasmSection[], edits: SectionEdits): WasmBytes {
  const parts: SectionPart[] = [];
  const toAdd = [...(edits.add ?? [])].sort((a, b) => SECTION_RANK[a.id]! - SECTION_RANK[b.id]!);
  const flushAddsBefore = (rank: number): void => {
    while (toAdd.length > 0 && SECTION_RANK[toAdd[0]!.id]! < rank) parts.push(toAdd.shift()!);
  };
  for (const section of sections) {
    if (section.id !== SECTION.custom) flushAddsBefore(SECTION_RANK[section.id]!);
    const replaced = edits.replace?.get(section);
    if (replaced === null) continue;
    parts.push({ id: section.id, payload: replaced ?? sectionPayload(bytes, section) });
  }
  flushAddsBefore(Infinity);
  return encodeModule(parts);
}

// ---------------------------------------------------------------- shared pieces of the module's structure

export const VALTYPES: ReadonlySet<number> = new Set([0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f]);
export const REFTYPES: ReadonlySet<number> = new Set([0x70, 0x6f]);

export function readValtype(r: ByteReader, what = 'a value type'): number {
  const at = r.pos;
  const t = r.u8(what);
  if (!VALTYPES.has(t)) r.fail(`value type ${hex(t)} is not supported (WebAssembly 2.0 has i32 i64 f32 f64 v128 funcref externref)`, at);
  return t;
}

export function readReftype(r: ByteReader): number {
  const at = r.pos;
  const t = r.u8('a reference type');
  if (!REFTYPES.has(t)) r.fail(`reference type ${hex(t)} is not supported (expected funcref 0x70 or externref 0x6f)`, at);
  return t;
}

export interface FuncType {
  readonly params: readonly number[];
  readonly results: readonly number[];
}

export function readFuncTypes(r: ByteReader): FuncType[] {
  const types: FuncType[] = [];
  const n = r.count('types', 3);
  for (let i = 0; i < n; i++) {
    const at = r.pos;
    const form = r.u8('a type form');
    if (form !== 0x60) r.fail(`type ${i} has form ${hex(form)}; only function types (0x60) are supported`, at);
    const params = Array.from({ length: r.count('parameters') }, () => readValtype(r));
    const results = Array.from({ length: r.count('results') }, () => readValtype(r));
    types.push({ params, results });
  }
  return types;
}

export function writeFuncType(w: ByteWriter, type: FuncType): void {
  w.u8(0x60).u32(type.params.length);
  for (const t of type.params) w.u8(t);
  w.u32(type.results.length);
  for (const t of type.results) w.u8(t);
}

export interface Limits {
  /** The raw flag byte: bit 0 has a maximum, bit 1 shared, bit 2 64-bit. */
  readonly flags: number;
  readonly min: bigint;
  readonly max: bigint | undefined;
}

export function readLimits(r: ByteReader): Limits {
  const at = r.pos;
  const flags = r.u8('a limits flag');
  if (flags > 0x07) r.fail(`limits flag ${hex(flags)} is not valid`, at);
  const is64 = (flags & 0x04) !== 0;
  const read = (what: string): bigint => (is64 ? r.u64(what) : BigInt(r.u32(what)));
  const min = read('a limits minimum');
  const max = flags & 0x01 ? read('a limits maximum') : undefined;
  return { flags, min, max };
}

export function writeLimits(w: ByteWriter, limits: Limits): void {
  const flags = (limits.flags & ~0x01) | (limits.max !== undefined ? 0x01 : 0);
  w.u8(flags);
  const write = (v: bigint): void => void (flags & 0x04 ? w.u64(v) : w.u32(Number(v)));
  write(limits.min);
  if (limits.max !== undefined) write(limits.max);
}

export const IMPORT_KIND = { function: 0x00, table: 0x01, memory: 0x02, global: 0x03 } as const;

export type ImportDesc =
  | { readonly kind: 'function'; readonly type: number }
  | { readonly kind: 'table'; readonly reftype: number; readonly limits: Limits }
  | { readonly kind: 'memory'; readonly limits: Limits }
  | { readonly kind: 'global'; readonly valtype: number; readonly mutable: boolean };

export interface WasmImport {
  readonly module: string;
  readonly name: string;
  readonly desc: ImportDesc;
  /** Offsets of this entry in the module. */
  readonly start: number;
  readonly end: number;
}

export function readImports(r: ByteReader): WasmImport[] {
  const imports: WasmImport[] = [];
  const n = r.count('imports', 4);
  for (let i = 0; i < n; i++) {
    const start = r.pos;
    const module = r.name('an import module name');
    const name = r.name('an import name');
    const kindAt = r.pos;
    const kind = r.u8('an import kind');
    let desc: ImportDesc;
    switch (kind) {
      case IMPORT_KIND.function:
        desc = { kind: 'function', type: r.u32('a type index') };
        break;
      case IMPORT_KIND.table:
        desc = { kind: 'table', reftype: readReftype(r), limits: readLimits(r) };
        break;
      case IMPORT_KIND.memory:
        desc = { kind: 'memory', limits: readLimits(r) };
        break;
      case IMPORT_KIND.global:
        desc = { kind: 'global', valtype: readValtype(r), mutable: readMutability(r) };
        break;
      default:
        r.fail(`import ${module}.${name} has kind ${hex(kind)}, which is not known`, kindAt);
    }
    imports.push({ module, name, desc, start, end: r.pos });
  }
  return imports;
}

export function readMutability(r: ByteReader): boolean {
  const at = r.pos;
  const m = r.u8('a mutability flag');
  if (m > 1) r.fail(`mutability flag ${hex(m)} is not valid`, at);
  return m === 1;
}

/** Checks a section's decoder consumed its payload exactly. */
export function expectSectionEnd(r: ByteReader, section: WasmSection): void {
  if (r.pos !== section.payloadEnd) r.fail(`${section.payloadEnd - r.pos} unexpected bytes at the end of the section`);
}

// @ts-nocheck: AssemblyScript, compiled by asc (scripts/build-guests.mjs), not by tsc.
// JSON for the guest: a value tree, a strict RFC 8259 parser over UTF-8 bytes and a serializer that writes
// what JSON.stringify writes. Every frame of the ABI goes through here, so both ends agree with the host's
// JSON.parse/JSON.stringify: escapes, surrogates (a lone one survives the round trip, escaped), numbers as f64.
//
// Decisions:
// - Parsing never traps: bad input gives null and `Json.error` says what and at which byte offset. Nesting is
//   limited (MAX_DEPTH) so a hostile document cannot exhaust the wasm stack.
// - Objects keep insertion order; a repeated key keeps its first position and takes the last value, as
//   JSON.parse does. Lookup is linear for small objects and through a Map index past INDEX_AT keys.
// - Numbers: integers of up to 15 digits are computed exactly; anything else is correctly rounded by
//   decimal.ts. Integers below 2^53 serialize without exponent or fraction;
//   other finite numbers as the shortest decimal that reads back (decimal.ts); NaN and ±Infinity serialize as null (JSON has no spelling for them).
// - Accessors never fail: `get` on a non-object, `at` past the end, `str` on a number give the null value or
//   the fallback, so handler code reads `req.json().get("user").get("name").str()` without checks.

import { ByteSink, decodeUtf8 } from "./bytes";
import { decimalToF64, shortestDecimal } from "./decimal";

export const enum JsonKind {
  Null = 0,
  Bool = 1,
  Number = 2,
  String = 3,
  Array = 4,
  Object = 5,
}

const MAX_DEPTH = 512;
const INDEX_AT = 12;

export class JsonValue {
  constructor(public kind: JsonKind) {}

  isNull(): bool {
    return this.kind == JsonKind.Null;
  }
  isBool(): bool {
    return this.kind == JsonKind.Bool;
  }
  isNumber(): bool {
    return this.kind == JsonKind.Number;
  }
  isString(): bool {
    return this.kind == JsonKind.String;
  }
  isArray(): bool {
    return this.kind == JsonKind.Array;
  }
  isObject(): bool {
    return this.kind == JsonKind.Object;
  }

  /** The string, or `fallback` for any other kind. */
  str(fallback: string = ""): string {
    return this.kind == JsonKind.String ? changetype<JsonString>(this).value : fallback;
  }
  num(fallback: f64 = 0): f64 {
    return this.kind == JsonKind.Number ? changetype<JsonNumber>(this).value : fallback;
  }
  /** The number truncated to an integer, or `fallback` (also for NaN and values outside i64). */
  int(fallback: i64 = 0): i64 {
    if (this.kind != JsonKind.Number) return fallback;
    let v = changetype<JsonNumber>(this).value;
    return isFinite(v) && v > -9.2e18 && v < 9.2e18 ? <i64>v : fallback;
  }
  bool(fallback: bool = false): bool {
    return this.kind == JsonKind.Bool ? changetype<JsonBool>(this).value : fallback;
  }

  /** An object's member (the null value when missing or not an object). */
  get(key: string): JsonValue {
    if (this.kind != JsonKind.Object) return Json.NULL;
    let found = changetype<JsonObject>(this).find(key);
    return found < 0 ? Json.NULL : unchecked(changetype<JsonObject>(this).vals[found]);
  }
  has(key: string): bool {
    return this.kind == JsonKind.Object && changetype<JsonObject>(this).find(key) >= 0;
  }
  /** An array's item (the null value past the end or when not an array). */
  at(index: i32): JsonValue {
    if (this.kind != JsonKind.Array) return Json.NULL;
    let items = changetype<JsonArray>(this).list;
    return index >= 0 && index < items.length ? unchecked(items[index]) : Json.NULL;
  }
  /** Items of an array or members of an object; 0 otherwise. */
  get length(): i32 {
    if (this.kind == JsonKind.Array) return changetype<JsonArray>(this).list.length;
    if (this.kind == JsonKind.Object) return changetype<JsonObject>(this).names.length;
    return 0;
  }
  /** An object's keys in order (empty otherwise). */
  keys(): string[] {
    return this.kind == JsonKind.Object ? changetype<JsonObject>(this).names.slice(0) : new Array<string>(0);
  }
  /** An array's items (empty otherwise). */
  items(): JsonValue[] {
    return this.kind == JsonKind.Array ? changetype<JsonArray>(this).list.slice(0) : new Array<JsonValue>(0);
  }

  /** This value as a JsonObject, or null. */
  asObject(): JsonObject | null {
    return this.kind == JsonKind.Object ? changetype<JsonObject>(this) : null;
  }
  asArray(): JsonArray | null {
    return this.kind == JsonKind.Array ? changetype<JsonArray>(this) : null;
  }

  /** The JSON text, as JSON.stringify writes it. */
  stringify(): string {
    let sink = new ByteSink(64);
    writeJson(sink, this);
    let text = sink.toString();
    sink.dispose();
    return text;
  }
  toString(): string {
    return this.stringify();
  }
}

export class JsonBool extends JsonValue {
  constructor(public value: bool) {
    super(JsonKind.Bool);
  }
}

export class JsonNumber extends JsonValue {
  constructor(public value: f64) {
    super(JsonKind.Number);
  }
}

export class JsonString extends JsonValue {
  constructor(public value: string) {
    super(JsonKind.String);
  }
}

export class JsonArray extends JsonValue {
  list: JsonValue[] = new Array<JsonValue>(0);
  constructor() {
    super(JsonKind.Array);
  }
  push(value: JsonValue): JsonArray {
    this.list.push(value);
    return this;
  }
}

export class JsonObject extends JsonValue {
  names: string[] = new Array<string>(0);
  vals: JsonValue[] = new Array<JsonValue>(0);
  private index: Map<string, i32> | null = null;

  constructor() {
    super(JsonKind.Object);
  }

  find(key: string): i32 {
    let index = this.index;
    if (index != null) return index.has(key) ? index.get(key) : -1;
    let keys = this.names;
    for (let i = 0, n = keys.length; i < n; i++) if (unchecked(keys[i]) == key) return i;
    return -1;
  }

  /** Sets a member (replacing the value in place if the key exists); returns this object for chaining. */
  set(key: string, value: JsonValue): JsonObject {
    let i = this.find(key);
    if (i >= 0) {
      this.vals[i] = value;
      return this;
    }
    this.names.push(key);
    this.vals.push(value);
    let index = this.index;
    if (index != null) index.set(key, this.names.length - 1);
    else if (this.names.length > INDEX_AT) {
      let made = new Map<string, i32>();
      for (let k = 0; k < this.names.length; k++) made.set(unchecked(this.names[k]), k);
      this.index = made;
    }
    return this;
  }
  setStr(key: string, value: string): JsonObject {
    return this.set(key, new JsonString(value));
  }
  setNum(key: string, value: f64): JsonObject {
    return this.set(key, new JsonNumber(value));
  }
  setBool(key: string, value: bool): JsonObject {
    return this.set(key, value ? Json.TRUE : Json.FALSE);
  }

  /** Removes a member; true if it was there. */
  remove(key: string): bool {
    let i = this.find(key);
    if (i < 0) return false;
    this.names.splice(i, 1);
    this.vals.splice(i, 1);
    if (this.index != null) {
      let made = new Map<string, i32>();
      for (let k = 0; k < this.names.length; k++) made.set(unchecked(this.names[k]), k);
      this.index = made;
    }
    return true;
  }
}

/** Builders, the parser's entry and its last error. */
export namespace Json {
  export const NULL: JsonValue = new JsonValue(JsonKind.Null);
  export const TRUE: JsonBool = new JsonBool(true);
  export const FALSE: JsonBool = new JsonBool(false);
  /** What the last failed parse found wrong, with the byte offset. */
  export let error: string = "";

  export function nul(): JsonValue {
    return NULL;
  }
  export function bool(value: bool): JsonValue {
    return value ? TRUE : FALSE;
  }
  export function num(value: f64): JsonNumber {
    return new JsonNumber(value);
  }
  export function str(value: string): JsonString {
    return new JsonString(value);
  }
  export function arr(): JsonArray {
    return new JsonArray();
  }
  export function obj(): JsonObject {
    return new JsonObject();
  }

  /** Parses JSON text; null when it is not JSON (`Json.error` says why). */
  export function parse(text: string): JsonValue | null {
    let sink = new ByteSink(text.length + 8);
    sink.utf8(text);
    let value = parseUtf8(sink.ptr, sink.len);
    sink.dispose();
    return value;
  }

  /** Parses UTF-8 JSON held in unmanaged memory; null when it is not JSON (`Json.error` says why). */
  export function parseUtf8(ptr: usize, len: i32): JsonValue | null {
    let parser = new Parser(ptr, len);
    let value = parser.document();
    if (value == null) error = parser.problem;
    return value;
  }

  /** The JSON text of a value, as UTF-8 into a sink. */
  export function write(sink: ByteSink, value: JsonValue): void {
    writeJson(sink, value);
  }
}

class Parser {
  pos: i32 = 0;
  problem: string = "";
  constructor(public ptr: usize, public len: i32) {}

  @inline peek(): i32 {
    return this.pos < this.len ? <i32>load<u8>(this.ptr + <usize>this.pos) : -1;
  }

  fail(what: string): JsonValue | null {
    if (this.problem.length == 0) {
      this.problem = this.pos >= this.len ? what + " at the end of the input" : what + " at byte " + this.pos.toString();
    }
    return null;
  }

  skipSpace(): void {
    while (this.pos < this.len) {
      let c = load<u8>(this.ptr + <usize>this.pos);
      if (c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09) this.pos++;
      else break;
    }
  }

  document(): JsonValue | null {
    this.skipSpace();
    let value = this.value(0);
    if (value == null) return null;
    this.skipSpace();
    if (this.pos < this.len) return this.fail("unexpected text after the JSON value");
    return value;
  }

  value(depth: i32): JsonValue | null {
    let c = this.peek();
    if (c == 0x7b) return this.object(depth + 1);
    if (c == 0x5b) return this.array(depth + 1);
    if (c == 0x22) {
      let s = this.string();
      return s == null ? null : new JsonString(s);
    }
    if (c == 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    if (c == 0x74) return this.literal("true", Json.TRUE);
    if (c == 0x66) return this.literal("false", Json.FALSE);
    if (c == 0x6e) return this.literal("null", Json.NULL);
    if (c < 0) return this.fail("expected a value");
    return this.fail("expected a value");
  }

  literal(word: string, value: JsonValue): JsonValue | null {
    let n = word.length;
    if (this.pos + n > this.len) return this.fail("expected `" + word + "`");
    for (let i = 0; i < n; i++) {
      if (<i32>load<u8>(this.ptr + <usize>(this.pos + i)) != word.charCodeAt(i)) return this.fail("expected `" + word + "`");
    }
    this.pos += n;
    return value;
  }

  object(depth: i32): JsonValue | null {
    if (depth > MAX_DEPTH) return this.fail("nesting deeper than " + MAX_DEPTH.toString());
    this.pos++;
    let obj = new JsonObject();
    this.skipSpace();
    if (this.peek() == 0x7d) {
      this.pos++;
      return obj;
    }
    while (true) {
      this.skipSpace();
      if (this.peek() != 0x22) return this.fail("expected a string key");
      let key = this.string();
      if (key == null) return null;
      this.skipSpace();
      if (this.peek() != 0x3a) return this.fail("expected `:`");
      this.pos++;
      this.skipSpace();
      let value = this.value(depth);
      if (value == null) return null;
      obj.set(key, value);
      this.skipSpace();
      let c = this.peek();
      if (c == 0x2c) {
        this.pos++;
        continue;
      }
      if (c == 0x7d) {
        this.pos++;
        return obj;
      }
      return this.fail("expected `,` or `}`");
    }
    return null;
  }

  array(depth: i32): JsonValue | null {
    if (depth > MAX_DEPTH) return this.fail("nesting deeper than " + MAX_DEPTH.toString());
    this.pos++;
    let arr = new JsonArray();
    this.skipSpace();
    if (this.peek() == 0x5d) {
      this.pos++;
      return arr;
    }
    while (true) {
      this.skipSpace();
      let value = this.value(depth);
      if (value == null) return null;
      arr.list.push(value);
      this.skipSpace();
      let c = this.peek();
      if (c == 0x2c) {
        this.pos++;
        continue;
      }
      if (c == 0x5d) {
        this.pos++;
        return arr;
      }
      return this.fail("expected `,` or `]`");
    }
    return null;
  }

  number(): JsonValue | null {
    let start = this.pos;
    let negative = false;
    if (this.peek() == 0x2d) {
      negative = true;
      this.pos++;
    }
    let c = this.peek();
    if (c < 0x30 || c > 0x39) return this.fail("expected a digit");
    let digits = 0;
    let exact: f64 = 0;
    if (c == 0x30) {
      this.pos++;
      digits = 1;
    } else {
      while (true) {
        c = this.peek();
        if (c < 0x30 || c > 0x39) break;
        exact = exact * 10 + <f64>(c - 0x30);
        digits++;
        this.pos++;
      }
    }
    let simple = true;
    c = this.peek();
    if (c == 0x2e) {
      simple = false;
      this.pos++;
      c = this.peek();
      if (c < 0x30 || c > 0x39) return this.fail("expected a digit after `.`");
      while (c >= 0x30 && c <= 0x39) {
        this.pos++;
        c = this.peek();
      }
    }
    if (c == 0x65 || c == 0x45) {
      simple = false;
      this.pos++;
      c = this.peek();
      if (c == 0x2b || c == 0x2d) {
        this.pos++;
        c = this.peek();
      }
      if (c < 0x30 || c > 0x39) return this.fail("expected a digit in the exponent");
      while (c >= 0x30 && c <= 0x39) {
        this.pos++;
        c = this.peek();
      }
    }
    if (simple && digits <= 15) return new JsonNumber(negative ? -exact : exact);
    let text = String.UTF8.decodeUnsafe(this.ptr + <usize>start, <usize>(this.pos - start));
    return new JsonNumber(decimalToF64(text));
  }

  /** A string literal at `pos` (which holds the opening quote); null after a failure. */
  string(): string | null {
    this.pos++;
    let start = this.pos;
    // Fast path: no escapes, no control characters, well-formed UTF-8 checked by the decoder's caller.
    while (this.pos < this.len) {
      let c = load<u8>(this.ptr + <usize>this.pos);
      if (c == 0x22) {
        let s = decodeUtf8(this.ptr + <usize>start, this.pos - start);
        this.pos++;
        return s;
      }
      if (c == 0x5c || c < 0x20) break;
      this.pos++;
    }
    if (this.pos >= this.len) {
      this.fail("unterminated string");
      return null;
    }
    // Slow path: build UTF-16 code units, decoding the plain runs and the escapes.
    let units = new Array<u16>(0);
    appendUtf8(units, this.ptr + <usize>start, this.pos - start);
    while (this.pos < this.len) {
      let c = load<u8>(this.ptr + <usize>this.pos);
      if (c == 0x22) {
        this.pos++;
        return unitsToString(units);
      }
      if (c < 0x20) {
        this.fail("control character in a string");
        return null;
      }
      if (c == 0x5c) {
        this.pos++;
        let e = this.peek();
        this.pos++;
        if (e == 0x22) units.push(0x22);
        else if (e == 0x5c) units.push(0x5c);
        else if (e == 0x2f) units.push(0x2f);
        else if (e == 0x62) units.push(0x08);
        else if (e == 0x66) units.push(0x0c);
        else if (e == 0x6e) units.push(0x0a);
        else if (e == 0x72) units.push(0x0d);
        else if (e == 0x74) units.push(0x09);
        else if (e == 0x75) {
          let u: u32 = 0;
          for (let k = 0; k < 4; k++) {
            let h = this.peek();
            let d: i32 = -1;
            if (h >= 0x30 && h <= 0x39) d = h - 0x30;
            else if (h >= 0x61 && h <= 0x66) d = h - 0x61 + 10;
            else if (h >= 0x41 && h <= 0x46) d = h - 0x41 + 10;
            if (d < 0) {
              this.fail("expected four hex digits after `\\u`");
              return null;
            }
            u = (u << 4) | <u32>d;
            this.pos++;
          }
          units.push(<u16>u);
        } else {
          this.pos--;
          this.fail("unknown escape");
          return null;
        }
        continue;
      }
      let run = this.pos;
      while (this.pos < this.len) {
        let d = load<u8>(this.ptr + <usize>this.pos);
        if (d == 0x22 || d == 0x5c || d < 0x20) break;
        this.pos++;
      }
      appendUtf8(units, this.ptr + <usize>run, this.pos - run);
    }
    this.fail("unterminated string");
    return null;
  }
}

function appendUtf8(units: u16[], ptr: usize, len: i32): void {
  if (len <= 0) return;
  let s = decodeUtf8(ptr, len);
  for (let i = 0, n = s.length; i < n; i++) units.push(<u16>s.charCodeAt(i));
}

function unitsToString(units: u16[]): string {
  let n = units.length;
  let s = changetype<string>(__new(<usize>n << 1, idof<string>()));
  for (let i = 0; i < n; i++) store<u16>(changetype<usize>(s) + (<usize>i << 1), unchecked(units[i]));
  return s;
}

function writeJson(sink: ByteSink, value: JsonValue): void {
  switch (value.kind) {
    case JsonKind.Null:
      sink.ascii("null");
      break;
    case JsonKind.Bool:
      sink.ascii(changetype<JsonBool>(value).value ? "true" : "false");
      break;
    case JsonKind.Number:
      writeNumber(sink, changetype<JsonNumber>(value).value);
      break;
    case JsonKind.String:
      sink.jsonString(changetype<JsonString>(value).value);
      break;
    case JsonKind.Array: {
      let items = changetype<JsonArray>(value).list;
      sink.byte(0x5b);
      for (let i = 0, n = items.length; i < n; i++) {
        if (i > 0) sink.byte(0x2c);
        writeJson(sink, unchecked(items[i]));
      }
      sink.byte(0x5d);
      break;
    }
    case JsonKind.Object: {
      let obj = changetype<JsonObject>(value);
      sink.byte(0x7b);
      for (let i = 0, n = obj.names.length; i < n; i++) {
        if (i > 0) sink.byte(0x2c);
        sink.jsonString(unchecked(obj.names[i]));
        sink.byte(0x3a);
        writeJson(sink, unchecked(obj.vals[i]));
      }
      sink.byte(0x7d);
      break;
    }
  }
}

/** A number as JSON.stringify writes it for integers; a round-tripping form otherwise. */
export function writeNumber(sink: ByteSink, v: f64): void {
  if (!isFinite(v)) {
    sink.ascii("null");
    return;
  }
  if (v == Math.floor(v) && Math.abs(v) < 9007199254740992.0) {
    if (v == 0) sink.ascii("0");
    else sink.ascii((<i64>v).toString());
    return;
  }
  sink.ascii(shortestDecimal(v));
}

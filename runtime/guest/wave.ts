// @ts-nocheck: AssemblyScript, compiled by asc (scripts/build-guests.mjs), not by tsc.
// The waves a handler sees and makes: `Request` (a Ping or Signal that came in), `Reply` (what the handler
// answers; the host fills in id, reflectionOf, from, to), `Pong` (what `send` got back), and the frames
// they travel as (DESIGN.md §5). A reply is written straight into the sink that becomes its buffer.

import { ByteSink } from "./bytes";
import { Body } from "./body";
import { Json, JsonObject, JsonValue, writeNumber } from "./json";

export class Request {
  /** Path parameters of the route that matched, in pattern order. */
  paramNames: string[] = new Array<string>(0);
  paramValues: string[] = new Array<string>(0);

  constructor(
    /** `Ping` or `Signal`. */
    public kind: string,
    public id: string,
    public from: string,
    public to: string,
    /** `Http<Get>`, `Ext<Hello>`. */
    public method: string,
    /** Path and query, `/users/scott?x=1`. */
    public uri: string,
    public headers: JsonValue,
    public body: Body,
  ) {}

  static fromFrame(frame: JsonValue): Request {
    return new Request(
      frame.get("kind").str("Ping"),
      frame.get("id").str(),
      frame.get("from").str(),
      frame.get("to").str(),
      frame.get("method").str(),
      frame.get("uri").str("/"),
      frame.get("headers"),
      Body.of(frame.get("body")),
    );
  }

  isSignal(): bool {
    return this.kind == "Signal";
  }

  /** The uri without its query. */
  get path(): string {
    let q = this.uri.indexOf("?");
    return q < 0 ? this.uri : this.uri.substring(0, q);
  }

  /** A path parameter of the matched route (`:name` or `*name`), percent-decoded; "" if there is none. */
  param(name: string): string {
    for (let i = 0; i < this.paramNames.length; i++) if (this.paramNames[i] == name) return this.paramValues[i];
    return "";
  }

  /** The first value of a query parameter, percent-decoded (`+` as space); null when absent. */
  query(name: string): string | null {
    let q = this.uri.indexOf("?");
    if (q < 0) return null;
    let pairs = this.uri.substring(q + 1).split("&");
    for (let i = 0; i < pairs.length; i++) {
      let pair = pairs[i];
      let eq = pair.indexOf("=");
      let key = percentDecode(eq < 0 ? pair : pair.substring(0, eq), true);
      if (key == name) return eq < 0 ? "" : percentDecode(pair.substring(eq + 1), true);
    }
    return null;
  }

  /** A header by name, case-insensitively; null when absent. */
  header(name: string): string | null {
    let keys = this.headers.keys();
    let wanted = asciiLower(name);
    for (let i = 0; i < keys.length; i++) if (asciiLower(keys[i]) == wanted) return this.headers.get(keys[i]).str();
    return null;
  }

  text(): string {
    return this.body.text();
  }
  bytes(): Uint8Array {
    return this.body.bytes();
  }
  json(): JsonValue {
    return this.body.json();
  }
}

export class Reply {
  headers: JsonObject | null = null;

  constructor(
    public status: i32,
    public body: Body,
  ) {}

  static of(status: i32, body: Body): Reply {
    return new Reply(status, body);
  }
  static empty(status: i32 = 200): Reply {
    return new Reply(status, Body.empty());
  }
  static text(value: string, status: i32 = 200): Reply {
    return new Reply(status, Body.text(value));
  }
  /** Text with `content-type: text/html; charset=utf-8`. */
  static html(value: string, status: i32 = 200): Reply {
    return new Reply(status, Body.text(value)).header("content-type", "text/html; charset=utf-8");
  }
  static json(value: JsonValue, status: i32 = 200): Reply {
    return new Reply(status, Body.json(value));
  }
  static bin(bytes: Uint8Array, contentType: string = "application/octet-stream", status: i32 = 200): Reply {
    return new Reply(status, Body.bin(bytes)).header("content-type", contentType);
  }
  /** An error: the status and an `Err` body with the message. */
  static err(status: i32, message: string): Reply {
    return new Reply(status, Body.err(status, message));
  }
  /** Passes on what another particle answered: its status, headers and body. */
  static from(pong: Pong): Reply {
    let reply = new Reply(pong.status, pong.body);
    let keys = pong.headers.keys();
    for (let i = 0; i < keys.length; i++) reply.header(keys[i], pong.headers.get(keys[i]).str());
    return reply;
  }

  /** Adds (or replaces) a header; returns this reply. */
  header(name: string, value: string): Reply {
    let headers = this.headers;
    if (headers == null) {
      headers = Json.obj();
      this.headers = headers;
    }
    headers.setStr(asciiLower(name), value);
    return this;
  }

  withStatus(status: i32): Reply {
    this.status = status;
    return this;
  }
}

/** What `send` got back. */
export class Pong {
  constructor(
    public status: i32,
    public headers: JsonValue,
    public body: Body,
  ) {}

  static fromFrame(frame: JsonValue): Pong {
    return new Pong(<i32>frame.get("status").int(500), frame.get("headers"), Body.of(frame.get("body")));
  }

  static failed(status: i32, message: string): Pong {
    return new Pong(status, Json.obj(), Body.err(status, message));
  }

  /** A 2xx status. */
  get ok(): bool {
    return this.status >= 200 && this.status < 300;
  }
  text(): string {
    return this.body.text();
  }
  bytes(): Uint8Array {
    return this.body.bytes();
  }
  json(): JsonValue {
    return this.body.json();
  }
  /** The Err body's message, or `"<status>"` when the body says nothing. */
  error(): string {
    let message = this.body.isErr() ? this.body.substance.get("message").str() : this.body.text();
    return message.length > 0 ? message : this.status.toString();
  }
}

/** The Pong frame of a reply, as the guest returns it (the host fills in the rest). */
export function writeReplyFrame(sink: ByteSink, reply: Reply): void {
  sink.ascii('{"kind":"Pong","status":');
  writeNumber(sink, <f64>reply.status);
  let headers = reply.headers;
  if (headers != null) {
    sink.ascii(',"headers":');
    Json.write(sink, headers);
  }
  sink.ascii(',"body":');
  Json.write(sink, reply.body.substance);
  sink.byte(0x7d);
}

/** A Ping or Signal frame going out (the host fills in id and from). */
export function writeOutgoingFrame(sink: ByteSink, kind: string, to: string, method: string, uri: string, body: Body): void {
  sink.ascii('{"kind":');
  sink.jsonString(kind);
  sink.ascii(',"to":');
  sink.jsonString(to);
  sink.ascii(',"method":');
  sink.jsonString(method);
  sink.ascii(',"uri":');
  sink.jsonString(uri);
  sink.ascii(',"headers":{},"body":');
  Json.write(sink, body.substance);
  sink.byte(0x7d);
}

/** `%XX` sequences decoded as UTF-8 (a malformed one is kept as written); `+` as space if asked. */
export function percentDecode(text: string, plusIsSpace: bool = false): string {
  if (text.indexOf("%") < 0 && (!plusIsSpace || text.indexOf("+") < 0)) return text;
  let sink = new ByteSink(text.length + 4);
  let n = text.length;
  for (let i = 0; i < n; i++) {
    let c = text.charCodeAt(i);
    if (c == 0x25 && i + 2 < n) {
      let hi = hexValue(text.charCodeAt(i + 1));
      let lo = hexValue(text.charCodeAt(i + 2));
      if (hi >= 0 && lo >= 0) {
        sink.byte((hi << 4) | lo);
        i += 2;
        continue;
      }
    }
    if (c == 0x2b && plusIsSpace) sink.byte(0x20);
    else if (c < 0x80) sink.byte(c);
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < n) {
      sink.utf8(text.substring(i, i + 2));
      i++;
    } else sink.utf8(String.fromCharCode(c));
  }
  let out = sink.toString();
  sink.dispose();
  return out;
}

function hexValue(c: i32): i32 {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/** Header names are ASCII: lower-case them without the Unicode case tables. */
export function asciiLower(text: string): string {
  let n = text.length;
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) break;
    i++;
  }
  if (i == n) return text;
  let out = changetype<string>(__new(<usize>n << 1, idof<string>()));
  for (let k = 0; k < n; k++) {
    let c = text.charCodeAt(k);
    store<u16>(changetype<usize>(out) + (<usize>k << 1), <u16>(c >= 0x41 && c <= 0x5a ? c + 32 : c));
  }
  return out;
}

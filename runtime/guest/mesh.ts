// @ts-nocheck: AssemblyScript, compiled by asc (scripts/build-guests.mjs), not by tsc.
// The guest's view of the mesh (MESH-PROTOCOL.md): `send` a Ping and get its Pong synchronously, `signal`,
// registry commands (`create`, `set`, `get`, `select`, `command`) as `Cmd<RawCommand>` Pings to the
// mechtron's own point, file contents as `Cmd<Read>` / `Cmd<Update>`, and the particle's own details.
//
// Decisions:
// - Points, kinds and property keys are checked here before they go into a command's text, so data that
//   reaches a command (a user name from a path) cannot add a second command or break the syntax: a bad one
//   is a 400 Pong, without a round trip. Property values that are not plain words are quoted.
// - A Ping the host answers with no buffer (it must not) becomes a 500 Pong, never a trap.

import { bufferFromSink, hostFrameToHost, hostTimestamp, hostUuid, takeString } from "./abi";
import { Body } from "./body";
import { ByteSink } from "./bytes";
import { Json, JsonValue } from "./json";
import { Pong, writeOutgoingFrame } from "./wave";

let particleDetails: JsonValue = Json.NULL;

/** Called once by `mechtron_guest_init`. */
export function setDetails(value: JsonValue): void {
  particleDetails = value;
}

/** The particle this guest runs as, from the details `mechtron_guest_init` gave. */
export namespace particle {
  /** `localhost:app:hello`. */
  export function point(): string {
    return particleDetails.get("point").str();
  }
  export function kind(): string {
    return particleDetails.get("kind").str("Mechtron");
  }
  /** A property of the particle (`config`, `bind`, or one the install script set); null when unset. */
  export function property(key: string): string | null {
    let value = particleDetails.get("properties").get(key);
    return value.isString() ? value.str() : null;
  }
  /** A key of the `.mechtron` config (`name`, `bin`); null when absent. */
  export function config(key: string): string | null {
    let value = particleDetails.get("config").get(key);
    return value.isString() ? value.str() : null;
  }
  /** The whole details object. */
  export function details(): JsonValue {
    return particleDetails;
  }
}

/** Sends a Ping and waits for its Pong (a failed delivery is a Pong too: 404, 408, 500, 503). */
export function send(to: string, method: string, uri: string = "/", body: Body | null = null): Pong {
  return exchange("Ping", to, method, uri, body != null ? body : Body.empty());
}

/** Sends a Signal: no reply. */
export function signal(to: string, method: string, uri: string = "/", body: Body | null = null): void {
  let sink = new ByteSink(128);
  writeOutgoingFrame(sink, "Signal", to, method, uri, body != null ? body : Body.empty());
  let answer = hostFrameToHost(bufferFromSink(sink));
  if (answer > 0) takeString(answer); // a Signal gets none; free one anyway
}

function exchange(kind: string, to: string, method: string, uri: string, body: Body): Pong {
  let sink = new ByteSink(128);
  writeOutgoingFrame(sink, kind, to, method, uri, body);
  let answer = hostFrameToHost(bufferFromSink(sink));
  if (answer <= 0) return Pong.failed(500, "the host gave no Pong for a Ping to `" + to + "`");
  let text = takeString(answer);
  let frame = Json.parse(text);
  if (frame == null) return Pong.failed(500, "the host's Pong is not JSON: " + Json.error);
  return Pong.fromFrame(frame);
}

/** Property changes for `create` and `set`: `+key=value`, `+@key=value` (locked), `!key` (unset). */
export class Props {
  ops: string[] = new Array<string>(0);
  problem: string = "";

  set(key: string, value: string): Props {
    return this.add("+", key, value);
  }
  /** Sets and locks. */
  lock(key: string, value: string): Props {
    return this.add("+@", key, value);
  }
  unset(key: string): Props {
    if (!isKey(key)) this.problem = "`" + key + "` is not a property key";
    else this.ops.push("!" + key);
    return this;
  }
  private add(prefix: string, key: string, value: string): Props {
    if (!isKey(key)) this.problem = "`" + key + "` is not a property key";
    else this.ops.push(prefix + key + "=" + propertyValue(value));
    return this;
  }
  text(): string {
    return this.ops.length == 0 ? "" : "{ " + this.ops.join(", ") + " }";
  }
}

export function props(): Props {
  return new Props();
}

/** Runs one SPEC §8 command with `${self}` = this mechtron (see MESH-PROTOCOL.md for the replies). */
export function command(text: string): Pong {
  return send(particle.point(), "Cmd<RawCommand>", "/", Body.text(text));
}

/** `create` (or `create?` with `ensure`): 200 with the particle as Json, 409 if it exists, ... */
export function create(point: string, kind: string, properties: Props | null = null, ensure: bool = false): Pong {
  if (!isPoint(point)) return badPoint(point);
  if (!isKind(kind)) return Pong.failed(400, "`" + kind + "` is not a kind");
  let block = "";
  if (properties != null) {
    if (properties.problem.length > 0) return Pong.failed(400, properties.problem);
    block = properties.text();
  }
  return command((ensure ? "create? " : "create ") + point + "<" + kind + ">" + block);
}

/** `set point{ ... }`. */
export function set(point: string, properties: Props): Pong {
  if (!isPoint(point)) return badPoint(point);
  if (properties.problem.length > 0) return Pong.failed(400, properties.problem);
  return command("set " + point + properties.text());
}

/** `get point`: 200 with the particle as Json (`point`, `kind`, `status`, `properties`, ...), or 404. */
export function get(point: string): Pong {
  if (!isPoint(point)) return badPoint(point);
  return command("get " + point);
}

/** `select pattern` (`localhost:app:*<Mechtron>`): 200 with a Json list. */
export function select(pattern: string): Pong {
  if (!isPoint(pattern)) return badPoint(pattern);
  return command("select " + pattern);
}

/** `delete point`. */
export function remove(point: string): Pong {
  if (!isPoint(point)) return badPoint(point);
  return command("delete " + point);
}

/** A File's or bundle artifact's contents: 200 with a Text (UTF-8) or Bin body, 404 if there is none. */
export function readFile(point: string): Pong {
  if (!isPoint(point)) return badPoint(point);
  return send(point, "Cmd<Read>", "/", null);
}

/** Writes a File's contents (the File particle must exist: `create` it first); 404 otherwise. */
export function writeFile(point: string, body: Body): Pong {
  if (!isPoint(point)) return badPoint(point);
  return send(point, "Cmd<Update>", "/", body);
}

/** A fresh uuid from the host. */
export function uuid(): string {
  return takeString(hostUuid());
}

/** Milliseconds since the Unix epoch, from the host. */
export function timestamp(): i64 {
  return hostTimestamp();
}

function badPoint(point: string): Pong {
  return Pong.failed(400, "`" + point + "` is not a point");
}

/** Characters a point (or a selector) may hold: SPEC §2, plus `*` and `<>` for selectors. No spaces, no `;`,
 *  no `{}` other than in `${var}`, no quotes. */
export function isPoint(text: string): bool {
  let n = text.length;
  if (n == 0) return false;
  for (let i = 0; i < n; i++) {
    let c = text.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39)) continue;
    if (c == 0x2d || c == 0x2e || c == 0x5f || c == 0x3a || c == 0x2f || c == 0x2a || c == 0x3c || c == 0x3e || c == 0x5b || c == 0x5d || c == 0x5e || c == 0x28 || c == 0x29) continue;
    if (c == 0x24 && i + 1 < n && text.charCodeAt(i + 1) == 0x7b) {
      let j = i + 2;
      while (j < n) {
        let v = text.charCodeAt(j);
        if ((v >= 0x61 && v <= 0x7a) || (v >= 0x30 && v <= 0x39) || v == 0x2d || v == 0x2e) j++;
        else break;
      }
      if (j == i + 2 || j >= n || text.charCodeAt(j) != 0x7d) return false;
      i = j;
      continue;
    }
    return false;
  }
  return true;
}

function isKind(text: string): bool {
  let n = text.length;
  if (n == 0) return false;
  for (let i = 0; i < n; i++) {
    let c = text.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39)) continue;
    if (c == 0x3c || c == 0x3e || c == 0x3a || c == 0x2e || c == 0x2d) continue;
    return false;
  }
  return true;
}

function isKey(text: string): bool {
  let n = text.length;
  if (n == 0) return false;
  let first = text.charCodeAt(0);
  if (first < 0x61 || first > 0x7a) return false;
  for (let i = 1; i < n; i++) {
    let c = text.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c == 0x2d || c == 0x2e) continue;
    return false;
  }
  return true;
}

/** A plain word (a point, a number, a name) as is; anything else double-quoted with `\` escapes. */
function propertyValue(value: string): string {
  let plain = value.length > 0;
  for (let i = 0; i < value.length && plain; i++) {
    let c = value.charCodeAt(i);
    plain = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c == 0x2d || c == 0x2e || c == 0x5f || c == 0x3a || c == 0x2f || c == 0x40;
  }
  if (plain) return value;
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    let ch = value.charAt(i);
    if (ch == '"' || ch == "\\") out += "\\";
    out += ch;
  }
  return out + '"';
}

// @ts-nocheck: AssemblyScript, compiled by asc (scripts/build-guests.mjs), not by tsc.
// A wave's body: a substance of DESIGN.md §5 (`{"kind":"Text","value":"..."}`, Bin, Json, Map, Err, ...),
// kept as the JSON object the frame carries, so an echoed body goes back out without being re-encoded, and
// read through typed accessors that convert where a conversion is obvious.

import { decodeBase64, decodeUtf8, encodeUtf8, ByteSink } from "./bytes";
import { Json, JsonKind, JsonObject, JsonValue } from "./json";

export class Body {
  /** The substance as it travels: `{"kind":..., ...}`. */
  constructor(public substance: JsonValue) {}

  static empty(): Body {
    return new Body(Json.obj().setStr("kind", "Empty"));
  }
  static text(value: string): Body {
    return new Body(Json.obj().setStr("kind", "Text").setStr("value", value));
  }
  static json(value: JsonValue): Body {
    return new Body(Json.obj().setStr("kind", "Json").set("value", value));
  }
  static bin(bytes: Uint8Array): Body {
    let sink = new ByteSink(((bytes.length + 2) / 3) * 4 + 4);
    sink.base64String(bytes.dataStart, bytes.length);
    // The literal's quotes are not part of the value.
    let literal = sink.toString();
    sink.dispose();
    return new Body(Json.obj().setStr("kind", "Bin").setStr("base64", literal.substring(1, literal.length - 1)));
  }
  static int(value: i64): Body {
    return new Body(Json.obj().setStr("kind", "Int").setNum("value", <f64>value));
  }
  static boolean(value: bool): Body {
    return new Body(Json.obj().setStr("kind", "Boolean").setBool("value", value));
  }
  static point(value: string): Body {
    return new Body(Json.obj().setStr("kind", "Point").setStr("value", value));
  }
  static err(status: i32, message: string): Body {
    return new Body(Json.obj().setStr("kind", "Err").setNum("status", <f64>status).setStr("message", message));
  }
  /** A substance given as its JSON form; anything that is not an object with a `kind` becomes Empty. */
  static of(substance: JsonValue): Body {
    return substance.get("kind").isString() ? new Body(substance) : Body.empty();
  }

  /** `Empty`, `Text`, `Bin`, `Json`, `Int`, `Boolean`, `Point`, `Map`, `List` or `Err`. */
  get kind(): string {
    return this.substance.get("kind").str("Empty");
  }
  isEmpty(): bool {
    return this.kind == "Empty";
  }
  isErr(): bool {
    return this.kind == "Err";
  }

  /** Text as is; Point and Err as their text; Json as its JSON text; Bin decoded as UTF-8; Int and Boolean
   *  printed; Empty as "". Map and List as the JSON of `json()`. */
  text(): string {
    let kind = this.kind;
    let value = this.substance.get("value");
    if (kind == "Text" || kind == "Point") return value.str();
    if (kind == "Empty") return "";
    if (kind == "Err") return this.substance.get("message").str();
    if (kind == "Bin") {
      let bytes = this.bytes();
      return decodeUtf8(bytes.dataStart, bytes.length);
    }
    if (kind == "Json") return value.stringify();
    return this.json().stringify();
  }

  /** Bin decoded; every other kind as the UTF-8 of `text()`. */
  bytes(): Uint8Array {
    if (this.kind == "Bin") {
      let decoded = decodeBase64(this.substance.get("base64").str());
      return decoded != null ? decoded : new Uint8Array(0);
    }
    return encodeUtf8(this.text());
  }

  /** Json's value; Text parsed as JSON (null value if it is not JSON); Map, List, Int, Boolean, Point as
   *  plain JSON (inside a Map or List a Text is its string); Empty as null; Err as `{"status":..,"message":..}`. */
  json(): JsonValue {
    return plainJson(this.substance);
  }

  /** A Map body's entries (or a Json object's members) as bodies; empty for other kinds. */
  entries(): Map<string, Body> {
    let out = new Map<string, Body>();
    let kind = this.kind;
    let value = this.substance.get("value");
    if (kind == "Map") {
      let keys = value.keys();
      for (let i = 0; i < keys.length; i++) out.set(keys[i], Body.of(value.get(keys[i])));
    } else if (kind == "Json" && value.isObject()) {
      let keys = value.keys();
      for (let i = 0; i < keys.length; i++) out.set(keys[i], Body.json(value.get(keys[i])));
    }
    return out;
  }

  /** Err's status, or 0. */
  get errStatus(): i32 {
    return this.kind == "Err" ? <i32>this.substance.get("status").int(500) : 0;
  }
}

function plainJson(substance: JsonValue, nested: bool = false): JsonValue {
  let kind = substance.get("kind").str("Empty");
  let value = substance.get("value");
  if (kind == "Json" || kind == "Int" || kind == "Boolean" || kind == "Point") return value;
  if (kind == "Text" && nested) return value;
  if (kind == "Text") {
    let parsed = Json.parse(value.str());
    return parsed != null ? parsed : Json.NULL;
  }
  if (kind == "Map") {
    let out = Json.obj();
    let keys = value.keys();
    for (let i = 0; i < keys.length; i++) out.set(keys[i], plainJson(value.get(keys[i]), true));
    return out;
  }
  if (kind == "List") {
    let out = Json.arr();
    for (let i = 0; i < value.length; i++) out.push(plainJson(value.at(i), true));
    return out;
  }
  if (kind == "Bin") return substance.get("base64");
  if (kind == "Err") return Json.obj().set("status", substance.get("status")).set("message", substance.get("message"));
  return Json.NULL;
}

// @ts-nocheck: AssemblyScript, compiled by asc (scripts/build-guests.mjs), not by tsc.
// The guest SDK for Mechtrons (ABI `mechtron-1`): what a guest imports, as `import { ... } from "guest"`.
// docs/guest-sdk.md is the tutorial and the reference.

export { router, Handler } from "./router";
export { Request, Reply, Pong } from "./wave";
export { Body } from "./body";
export { Json, JsonValue, JsonObject, JsonArray, JsonKind } from "./json";
export { log, panic } from "./log";
export { particle, send, signal, command, create, set, get, select, remove, readFile, writeFile, props, Props, uuid, timestamp } from "./mesh";
export { onInit, InitHook } from "./guest";
export { encodeUtf8, decodeUtf8 } from "./bytes";

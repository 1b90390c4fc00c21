// @ts-nocheck: AssemblyScript, compiled by asc (scripts/build-guests.mjs), not by tsc.
// Logging and panics. `log.*` goes to the particle's log through `mechtron_host_log` (levels of
// MESH-PROTOCOL.md: 0 trace .. 4 error); `panic` hands its text to `mechtron_host_panic` and traps, so the
// host marks the particle Panic and the current message fails. AssemblyScript's `abort` (failed `assert`,
// index out of range, a `throw`) is routed here by the build (`--use abort=...`), with file:line:column.

import { bufferFromString, hostLog, hostPanic } from "./abi";

export namespace log {
  export function trace(message: string): void {
    hostLog(0, bufferFromString(message));
  }
  export function debug(message: string): void {
    hostLog(1, bufferFromString(message));
  }
  export function info(message: string): void {
    hostLog(2, bufferFromString(message));
  }
  export function warn(message: string): void {
    hostLog(3, bufferFromString(message));
  }
  export function error(message: string): void {
    hostLog(4, bufferFromString(message));
  }
}

/** Ends the current message with a fault: the particle goes Panic with `message`, its sender gets a 500. */
export function panic(message: string): void {
  hostPanic(bufferFromString(message));
  unreachable();
}

/** The `abort` of the whole guest (see the build's `--use abort=`): a panic naming where it happened. */
export function guestAbort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  let text = message != null ? message : "abort";
  if (fileName != null) text += " at " + fileName + ":" + line.toString() + ":" + column.toString();
  hostPanic(bufferFromString(text));
  unreachable();
}

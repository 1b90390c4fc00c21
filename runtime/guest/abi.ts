// @ts-nocheck: AssemblyScript, compiled by asc (scripts/build-guests.mjs), not by tsc.
// The raw Mechtron ABI `mechtron-1` (DESIGN.md §5): the host's imports and the guest's buffer table. Nothing
// above this file sees a buffer id.
//
// Decisions:
// - Buffer ids start at 1 and 0 means none; a freed id is reused (the table stays as small as the number of
//   live buffers). Memory comes from `heap.alloc`, unmanaged, so the collector never moves or frees it.
// - An id that names no buffer: `get_buffer_ptr` and `get_buffer_len` answer -1, `dealloc` ignores it. The
//   guest never traps on the host's mistake.
// - Ownership is "whoever reads a buffer frees it": the guest frees what the host wrote into it (init details,
//   frames in, Pongs of `send`, uuids); the host frees what the guest hands it (replies, frames out, log and
//   panic texts).

import { ByteSink, decodeUtf8 } from "./bytes";

@external("env", "mechtron_frame_to_host")
export declare function hostFrameToHost(frame: i32): i32;
@external("env", "mechtron_host_log")
export declare function hostLog(level: i32, buf: i32): void;
@external("env", "mechtron_host_panic")
export declare function hostPanic(buf: i32): void;
@external("env", "mechtron_uuid")
export declare function hostUuid(): i32;
@external("env", "mechtron_timestamp")
export declare function hostTimestamp(): i64;

export const ABI_VERSION = "mechtron-1";

// Plain values only at the top level: this file is compiled early and out of order when the build routes
// `abort` to log.ts (`--use abort=`), and an object made by a top-level initializer then is not a sound GC
// root. The arrays are made on first use instead.
let ptrs: usize[] = changetype<usize[]>(0);
let lens: i32[] = changetype<i32[]>(0);
let freeIds: i32[] = changetype<i32[]>(0);

@inline function ensureTable(): void {
  if (changetype<usize>(ptrs) == 0) {
    ptrs = new Array<usize>(0);
    lens = new Array<i32>(0);
    freeIds = new Array<i32>(0);
  }
}

function register(ptr: usize, len: i32): i32 {
  ensureTable();
  if (freeIds.length > 0) {
    let id = freeIds.pop();
    unchecked((ptrs[id - 1] = ptr));
    unchecked((lens[id - 1] = len));
    return id;
  }
  ptrs.push(ptr);
  lens.push(len);
  return ptrs.length;
}

@inline function live(id: i32): bool {
  return changetype<usize>(ptrs) != 0 && id >= 1 && id <= ptrs.length && unchecked(ptrs[id - 1]) != 0;
}

/** A new buffer of `len` bytes; 0 for a negative length. */
export function allocBuffer(len: i32): i32 {
  if (len < 0) return 0;
  let size: usize = len > 0 ? <usize>len : 1;
  return register(heap.alloc(size), len);
}

export function bufferPtr(id: i32): i32 {
  return live(id) ? <i32>unchecked(ptrs[id - 1]) : -1;
}

export function bufferLen(id: i32): i32 {
  return live(id) ? unchecked(lens[id - 1]) : -1;
}

export function freeBuffer(id: i32): void {
  if (!live(id)) return;
  heap.free(unchecked(ptrs[id - 1]));
  unchecked((ptrs[id - 1] = 0));
  unchecked((lens[id - 1] = 0));
  freeIds.push(id);
}

/** How many buffers are live (for tests and leak checks). */
export function liveBuffers(): i32 {
  if (changetype<usize>(ptrs) == 0) return 0;
  return ptrs.length - freeIds.length;
}

/** A sink's bytes become a buffer (no copy); the sink is spent. */
export function bufferFromSink(sink: ByteSink): i32 {
  let len = sink.len;
  return register(sink.take(), len);
}

/** A string as a UTF-8 buffer. */
export function bufferFromString(text: string): i32 {
  let sink = new ByteSink(text.length + 4);
  sink.utf8(text);
  return bufferFromSink(sink);
}

/** A buffer's bytes as text; the buffer is freed (the reader frees). */
export function takeString(id: i32): string {
  if (!live(id)) return "";
  let text = decodeUtf8(unchecked(ptrs[id - 1]), unchecked(lens[id - 1]));
  freeBuffer(id);
  return text;
}

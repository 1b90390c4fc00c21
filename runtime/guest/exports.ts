// @ts-nocheck: AssemblyScript, compiled by asc (scripts/build-guests.mjs), not by tsc.
// The guest exports of ABI `mechtron-1` (DESIGN.md §5). scripts/build-guests.mjs compiles this file as a second
// entry beside every guest, so a guest's own file holds only its handlers. It imports the SDK by its package
// name ("guest"), like the guest does, so both see one buffer table and one router.

import { allocBuffer, bufferLen, bufferPtr, freeBuffer } from "guest/abi";
import { frameToGuest, init } from "guest/guest";

export function mechtron_guest_alloc_buffer(len: i32): i32 {
  return allocBuffer(len);
}
export function mechtron_guest_get_buffer_ptr(id: i32): i32 {
  return bufferPtr(id);
}
export function mechtron_guest_get_buffer_len(id: i32): i32 {
  return bufferLen(id);
}
export function mechtron_guest_dealloc_buffer(id: i32): void {
  freeBuffer(id);
}
export function mechtron_guest_init(version: i32, details: i32): i32 {
  return init(version, details);
}
export function mechtron_frame_to_guest(frame: i32): i32 {
  return frameToGuest(frame);
}

// The host's half of the buffer table of ABI `mechtron-1` (DESIGN.md §5): writing a frame into a guest's memory
// and reading one out, with every pointer and length the guest gives checked against its memory and the frame
// limit. Used by the guest worker and by B4's bare loop, so that both pay for exactly the same framing.

import type { Ping, Signal } from '../waves/wave.ts';
import type { FaultKind } from './worker-protocol.ts';

export interface GuestExports {
  readonly memory: WebAssembly.Memory;
  mechtron_guest_alloc_buffer(len: number): number;
  mechtron_guest_get_buffer_ptr(id: number): number;
  mechtron_guest_get_buffer_len(id: number): number;
  mechtron_guest_dealloc_buffer(id: number): void;
  mechtron_guest_init(version: number, details: number): number;
  mechtron_frame_to_guest(frame: number): number;
}

/** What reading and writing buffers needs to know about an instance. */
export interface GuestMemory {
  exports: GuestExports;
  readonly maxFrameBytes: number;
}

/** Thrown inside a guest call to unwind it with a fault. */
export class GuestFault extends Error {
  constructor(
    readonly kind: FaultKind,
    message: string,
  ) {
    super(message);
  }
}

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function writeBuffer(instance: GuestMemory, text: string): number {
  const bytes = utf8.encode(text);
  if (bytes.length > instance.maxFrameBytes) throw new GuestFault('bad-frame', `a frame of ${bytes.length} bytes is over the limit of ${instance.maxFrameBytes}`);
  const { exports } = instance;
  const id = exports.mechtron_guest_alloc_buffer(bytes.length);
  if (!Number.isInteger(id) || id <= 0) throw new GuestFault('bad-frame', `mechtron_guest_alloc_buffer(${bytes.length}) returned ${id}, not a buffer id`);
  const ptr = exports.mechtron_guest_get_buffer_ptr(id);
  const memory = new Uint8Array(exports.memory.buffer);
  if (ptr < 0 || ptr + bytes.length > memory.length) throw new GuestFault('bad-frame', `buffer ${id} at ${ptr} (+${bytes.length}) is outside the guest's memory of ${memory.length} bytes`);
  memory.set(bytes, ptr);
  return id;
}

/** Reads and frees the guest's buffer `id` as UTF-8 text. */
export function readBuffer(instance: GuestMemory, id: number, what: string): string {
  const { exports } = instance;
  const ptr = exports.mechtron_guest_get_buffer_ptr(id);
  const len = exports.mechtron_guest_get_buffer_len(id);
  const memory = new Uint8Array(exports.memory.buffer);
  if (len < 0 || len > instance.maxFrameBytes) throw new GuestFault('bad-frame', `the guest's ${what} (buffer ${id}) is ${len} bytes, over the limit of ${instance.maxFrameBytes}`);
  if (ptr < 0 || ptr + len > memory.length) throw new GuestFault('bad-frame', `the guest's ${what} names buffer ${id} at ${ptr} (+${len}), outside its memory of ${memory.length} bytes`);
  let text: string;
  try {
    text = strictUtf8.decode(memory.subarray(ptr, ptr + len));
  } catch {
    throw new GuestFault('bad-frame', `the guest's ${what} (buffer ${id}) is not UTF-8`);
  }
  exports.mechtron_guest_dealloc_buffer(id);
  return text;
}

/** An AssemblyScript string (UTF-16, byte length in the 4 bytes before it), for `abort` and `trace`. */
export function readAsString(instance: GuestMemory, ptr: number): string | undefined {
  try {
    const buffer = instance.exports.memory.buffer;
    if (ptr < 4 || ptr > buffer.byteLength) return undefined;
    const bytes = new DataView(buffer).getUint32(ptr - 4, true);
    if (bytes % 2 !== 0 || ptr + bytes > buffer.byteLength || bytes > 64 * 1024) return undefined;
    return String.fromCharCode(...new Uint16Array(buffer.slice(ptr, ptr + bytes)));
  } catch {
    return undefined;
  }
}


/** A Ping or Signal as the JSON frame a guest reads (DESIGN.md §5): the host's `handling` and `agent` stay out. */
export function frameOfWave(wave: Ping | Signal): string {
  return JSON.stringify({ kind: wave.kind, id: wave.id, from: wave.from, to: wave.to, method: wave.method, uri: wave.uri, headers: wave.headers, body: wave.body });
}

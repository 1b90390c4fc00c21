// The instruction decoder behind every rewrite of code: walks one expression (a function body or a constant
// expression) instruction by instruction and copies it out, changing only what it was asked to change.
//
// Decisions:
// - Every opcode of WebAssembly 2.0 is known (MVP, sign extension, non-trapping float-to-int, bulk memory,
//   reference types, multi-value block types, fixed-width SIMD), plus tail calls (0x12, 0x13) and threads
//   (0xFE), whose immediates are simple. Any other opcode (exception handling, GC, relaxed SIMD, memory64
//   instructions with no 2.0 form, ...) is an error value naming the opcode and its byte offset: an
//   instruction whose length we do not know would make every byte after it a guess, so we refuse rather than
//   emit a corrupted module.
// - Unchanged instructions are copied as raw byte runs, so a rewrite never re-encodes what it did not touch (an
//   over-long LEB128 in the input stays as it was).
// - Validation is the engine's job: this walker checks what it needs to find instruction boundaries (known
//   opcodes, well-formed LEB128, the expression ending at its `end`), nothing more.

import { ByteReader, ByteWriter, hex, readReftype, readValtype, VALTYPES } from './module-sections.ts';

export interface InstructionEdits {
  /** The new index for each function index immediate (`call`, `return_call`, `ref.func`). */
  readonly mapFunction?: (index: number) => number;
  /** Checkpoints at loop headers (see `LoopCheckpoints`). */
  readonly loops?: LoopCheckpoints;
}

/**
 * How loops get their checkpoint. A loop without parameters is wrapped so that its slow path (a call) sits
 * outside it, because a call anywhere inside a hot loop makes V8 spill the loop's live values around it (measured:
 * 2-4x on a tight loop, against nearly nothing when wrapped):
 *
 *     block $done (bt)  loop $again  block $slow  loop $l (bt)
 *         <wrappedHeader: br_if 1 (to $slow) when the fuel ran out>  <the original body>
 *     end  br 2 (to $done)  end  <slowPath>  br 0 (to $again)  end  unreachable  end
 *
 * Re-entering `$l` from `$again` is exactly a branch back to it, since a loop without parameters keeps its state
 * in locals. Branches inside `$l` to labels outside it cross the three added labels, so their depths grow by 3.
 * A loop with parameters cannot be re-entered that way and gets `inlineHeader` (check and call in place).
 */
export interface LoopCheckpoints {
  readonly wrappedHeader: Uint8Array;
  readonly slowPath: Uint8Array;
  readonly inlineHeader: Uint8Array;
  /** Whether the function type `typeIndex` (a block type) has parameters. */
  readonly takesParameters: (typeIndex: number) => boolean;
}

const WRAPPER_LABELS = 3;
const OP_BLOCK = 0x02;
const OP_LOOP = 0x03;
const OP_BR = 0x0c;
const OP_END = 0x0b;
const OP_UNREACHABLE = 0x00;
const BLOCK_EMPTY = 0x40;

export interface ExpressionStats {
  loops: number;
}

/**
 * Reads instructions from `r` up to and including the `end` that closes the expression, writing them to `w`
 * with `edits` applied. Throws WasmDecodeError on an unknown opcode or a malformed immediate.
 */
export function rewriteExpression(r: ByteReader, w: ByteWriter, edits: InstructionEdits, stats?: ExpressionStats): void {
  const bytes = r.bytes;
  let copiedTo = r.pos;
  // One entry per open block/loop/if: whether it is a wrapped loop. `wrapped` counts the true ones.
  const frames: boolean[] = [];
  let wrapped = 0;
  const replaceImmediate = (from: number, write: () => void): void => {
    if (from > copiedTo) w.bytes(bytes.subarray(copiedTo, from));
    write();
    copiedTo = r.pos;
  };
  /** A branch's label, deepened by the wrapper labels it now crosses. */
  const label = (what: string): void => {
    const from = r.pos;
    const depth = r.u32(what);
    if (wrapped === 0) return;
    let crossed = 0;
    for (let i = frames.length - 1, d = 0; i >= 0 && d < depth; i--, d++) if (frames[i]) crossed++;
    if (depth >= frames.length) crossed = wrapped; // to the function's own label: crosses every wrapper
    if (crossed > 0) replaceImmediate(from, () => w.u32(depth + WRAPPER_LABELS * crossed));
  };
  for (;;) {
    const at = r.pos;
    const op = r.u8('an instruction (the expression has no `end`)');
    if (op >= 0x45 && op <= 0xc4) continue; // numeric instructions, sign extension included: no immediates
    switch (op) {
      case 0x00: // unreachable
      case 0x01: // nop
      case 0x05: // else
      case 0x0f: // return
      case 0x1a: // drop
      case 0x1b: // select
      case 0xd1: // ref.is_null
        break;
      case 0x02: // block
      case 0x04: // if
        readBlockType(r);
        frames.push(false);
        break;
      case 0x03: {
        // loop
        const typeStart = r.pos;
        const typeIndex = readBlockType(r);
        if (stats) stats.loops++;
        const loops = edits.loops;
        if (loops && (typeIndex < 0 || !loops.takesParameters(typeIndex))) {
          const blockType = bytes.subarray(typeStart, r.pos);
          replaceImmediate(at, () => {
            w.u8(OP_BLOCK).bytes(blockType).u8(OP_LOOP).u8(BLOCK_EMPTY).u8(OP_BLOCK).u8(BLOCK_EMPTY);
            w.u8(OP_LOOP).bytes(blockType).bytes(loops.wrappedHeader);
          });
          frames.push(true);
          wrapped++;
        } else {
          if (loops) replaceImmediate(r.pos, () => w.bytes(loops.inlineHeader));
          frames.push(false);
        }
        break;
      }
      case 0x0b: // end
        if (frames.length === 0) {
          if (r.pos > copiedTo) w.bytes(bytes.subarray(copiedTo, r.pos));
          return;
        }
        if (frames.pop()) {
          wrapped--;
          const slowPath = edits.loops!.slowPath;
          replaceImmediate(at, () => {
            w.u8(OP_END).u8(OP_BR).u32(2).u8(OP_END).bytes(slowPath).u8(OP_BR).u32(0).u8(OP_END).u8(OP_UNREACHABLE).u8(OP_END);
          });
        }
        break;
      case 0x0c: // br
      case 0x0d: // br_if
        label('a label index');
        break;
      case 0x0e: {
        // br_table
        const n = r.count('br_table labels');
        for (let i = 0; i <= n; i++) label('a label index');
        break;
      }
      case 0x10: // call
      case 0x12: // return_call
      case 0xd2: {
        // ref.func
        const from = r.pos;
        const index = r.u32('a function index');
        const mapped = edits.mapFunction ? edits.mapFunction(index) : index;
        if (mapped !== index) replaceImmediate(from, () => w.u32(mapped));
        break;
      }
      case 0x11: // call_indirect
      case 0x13: // return_call_indirect
        r.u32('a type index');
        r.u32('a table index');
        break;
      case 0x1c: {
        // select with types
        const n = r.count('select types');
        for (let i = 0; i < n; i++) readValtype(r);
        break;
      }
      case 0x20: // local.get
      case 0x21: // local.set
      case 0x22: // local.tee
        r.u32('a local index');
        break;
      case 0x23: // global.get
      case 0x24: // global.set
        r.u32('a global index');
        break;
      case 0x25: // table.get
      case 0x26: // table.set
        r.u32('a table index');
        break;
      case 0x3f: // memory.size
      case 0x40: // memory.grow
        r.u32('a memory index');
        break;
      case 0x41:
        r.i32('an i32.const value');
        break;
      case 0x42:
        r.i64('an i64.const value');
        break;
      case 0x43:
        r.take(4, 'an f32.const value');
        break;
      case 0x44:
        r.take(8, 'an f64.const value');
        break;
      case 0xd0: // ref.null
        readReftype(r);
        break;
      case 0xfc:
        readPrefixedFc(r, at);
        break;
      case 0xfd:
        readPrefixedSimd(r, at);
        break;
      case 0xfe:
        readPrefixedAtomic(r, at);
        break;
      default:
        if (op >= 0x28 && op <= 0x3e) {
          readMemarg(r); // loads and stores
          break;
        }
        r.fail(`opcode ${hex(op)} is not supported (${unsupportedOpcodeHint(op)})`, at);
    }
  }
}

function unsupportedOpcodeHint(op: number): string {
  if ((op >= 0x06 && op <= 0x0a) || op === 0x18 || op === 0x19 || op === 0x1f) return 'exception handling';
  if (op === 0x14 || op === 0x15 || (op >= 0xd3 && op <= 0xd6) || op === 0xfb) return 'function references or GC';
  return 'not a WebAssembly 2.0 instruction';
}

/** Reads a block type; returns its type index, or -1 for the empty type or a single value type. */
function readBlockType(r: ByteReader): number {
  const b = r.bytes[r.pos];
  if (r.pos < r.end && (b === 0x40 || VALTYPES.has(b!))) {
    r.pos++;
    return -1;
  }
  const at = r.pos;
  const index = r.s33('a block type');
  if (index < 0) r.fail(`block type ${hex(b ?? 0)} is not valid`, at);
  return index;
}

function readMemarg(r: ByteReader): void {
  const align = r.u32('a memarg alignment');
  if (align & 0x40) r.u32('a memory index'); // multi-memory: bit 6 of the alignment says an index follows
  r.u64('a memarg offset'); // u32 in 2.0; u64 reads both, and the engine validates the width
}

function readPrefixedFc(r: ByteReader, at: number): void {
  const sub = r.u32('a 0xFC sub-opcode');
  if (sub <= 7) return; // non-trapping float-to-int
  switch (sub) {
    case 8: // memory.init
      r.u32('a data index');
      r.u32('a memory index');
      return;
    case 9: // data.drop
      r.u32('a data index');
      return;
    case 10: // memory.copy
      r.u32('a memory index');
      r.u32('a memory index');
      return;
    case 11: // memory.fill
      r.u32('a memory index');
      return;
    case 12: // table.init
      r.u32('an element index');
      r.u32('a table index');
      return;
    case 13: // elem.drop
      r.u32('an element index');
      return;
    case 14: // table.copy
      r.u32('a table index');
      r.u32('a table index');
      return;
    case 15: // table.grow
    case 16: // table.size
    case 17: // table.fill
      r.u32('a table index');
      return;
    default:
      r.fail(`opcode 0xfc ${sub} is not supported (not a WebAssembly 2.0 instruction)`, at);
  }
}

/** SIMD opcodes that are not assigned (gaps in the 0xFD table). */
const SIMD_GAPS: ReadonlySet<number> = new Set([154, 162, 165, 166, 175, 176, 178, 179, 180, 187, 194, 197, 198, 207, 208, 210, 211, 212, 226, 238]);

function readPrefixedSimd(r: ByteReader, at: number): void {
  const sub = r.u32('a 0xFD sub-opcode');
  if (sub <= 11 || sub === 92 || sub === 93) {
    readMemarg(r); // v128 loads and stores, load_zero
    return;
  }
  if (sub === 12 || sub === 13) {
    r.take(16, sub === 12 ? 'a v128.const value' : 'i8x16.shuffle lanes');
    return;
  }
  if (sub >= 21 && sub <= 34) {
    r.u8('a lane index'); // extract_lane / replace_lane
    return;
  }
  if (sub >= 84 && sub <= 91) {
    readMemarg(r); // load_lane / store_lane
    r.u8('a lane index');
    return;
  }
  if (sub <= 255 && !SIMD_GAPS.has(sub)) return;
  r.fail(`opcode 0xfd ${sub} is not supported (${sub >= 256 && sub <= 275 ? 'relaxed SIMD' : 'not a WebAssembly 2.0 instruction'})`, at);
}

function readPrefixedAtomic(r: ByteReader, at: number): void {
  const sub = r.u32('a 0xFE sub-opcode');
  if (sub === 3) {
    const flagAt = r.pos;
    if (r.u8('the atomic.fence flag') !== 0) r.fail('atomic.fence takes a zero byte', flagAt);
    return;
  }
  if (sub <= 2 || (sub >= 0x10 && sub <= 0x4e)) {
    readMemarg(r);
    return;
  }
  r.fail(`opcode 0xfe ${sub} is not supported (not a threads instruction)`, at);
}

// Caps a module's linear memory by rewriting its declared maximum, so that `memory.grow` past the cap returns -1
// as WebAssembly specifies, instead of a guest growing to 4 GiB inside the host (DESIGN.md §5).
//
// Decisions:
// - The memory may be defined (memory section) or imported (import section); either way its maximum becomes
//   min(declared maximum, cap). An imported memory capped this way also makes instantiation refuse a host
//   memory whose maximum is above the cap.
// - A minimum above the cap is an error (the guest could never run within its limit), naming both in MiB.
// - Shared memory is refused: it brings `memory.atomic.wait`, with which a guest blocks the thread that runs it,
//   and no deadline can cut that short. memory64 is refused (its limits are 64-bit and its pages can exceed
//   what a 32-bit cap means). More than one memory (multi-memory) is refused: one cap per guest is the contract.
// - A module with no memory, or whose maximum is already within the cap, is returned as it is (same bytes).

import {
  ByteReader,
  ByteWriter,
  decodeResult,
  decodeSections,
  expectSectionEnd,
  fail,
  readImports,
  readLimits,
  rewriteSections,
  SECTION,
  sectionLabel,
  within,
  writeLimits,
  WasmDecodeError,
  asWasmBytes,
  type Limits,
  type WasmBytes,
  type Result,
  type WasmSection,
} from './module-sections.ts';

export const WASM_PAGE_BYTES = 65_536;
/** 4 GiB: the most a 32-bit memory can have. */
export const MAX_WASM32_PAGES = 65_536;

/** The number of whole 64 KiB pages that fit in `bytes` (a byte limit as a page cap). */
export function pagesWithin(bytes: number): number {
  return Math.min(MAX_WASM32_PAGES, Math.floor(Math.max(0, bytes) / WASM_PAGE_BYTES));
}

function mib(pages: bigint | number): string {
  return `${Number((Number(pages) / 16).toFixed(4))} MiB (${pages} pages)`;
}

interface FoundMemory {
  readonly limits: Limits;
  /** Offset of the limits in the module. */
  readonly at: number;
  readonly section: WasmSection;
  readonly imported?: { readonly module: string; readonly name: string };
}

/**
 * `bytes` with its memory's maximum set to min(its maximum, `maxPages`). An error value when the module is not
 * well-formed, its minimum is above the cap, or its memory is shared, 64-bit or not the only one.
 */
export function capMemory(bytes: Uint8Array, maxPages: number): Result<WasmBytes> {
  if (!Number.isInteger(maxPages) || maxPages < 0 || maxPages > MAX_WASM32_PAGES) {
    return fail(0, `the memory cap must be a whole number of pages from 0 to ${MAX_WASM32_PAGES}, not ${maxPages}`);
  }
  return decodeResult(() => {
    const sections = decodeSections(bytes);
    const memories = findMemories(bytes, sections);
    if (memories.length === 0) return asWasmBytes(bytes);
    if (memories.length > 1) {
      throw new WasmDecodeError(memories[1]!.at, `the module has ${memories.length} memories; a guest may have only one`, sectionLabel(memories[1]!.section.id));
    }
    const memory = memories[0]!;
    const { limits } = memory;
    const place = sectionLabel(memory.section.id);
    const what = memory.imported ? `imported memory ${memory.imported.module}.${memory.imported.name}` : 'memory';
    if (limits.flags & 0x02) {
      throw new WasmDecodeError(memory.at, `${what} is shared; shared memory is refused (memory.atomic.wait would let the guest block the host)`, place);
    }
    if (limits.flags & 0x04) throw new WasmDecodeError(memory.at, `${what} is 64-bit (memory64), which is not supported`, place);
    const cap = BigInt(maxPages);
    if (limits.min > cap) {
      throw new WasmDecodeError(memory.at, `${what} needs at least ${mib(limits.min)}, more than the cap of ${mib(cap)}`, place);
    }
    if (limits.max !== undefined && limits.max <= cap) return asWasmBytes(bytes);
    const capped: Limits = { flags: limits.flags | 0x01, min: limits.min, max: cap };
    const payload = memory.imported ? importsWithMemory(bytes, memory.section, capped) : memorySection(capped);
    return rewriteSections(bytes, sections, { replace: new Map([[memory.section, payload]]) });
  });
}

function findMemories(bytes: Uint8Array, sections: readonly WasmSection[]): FoundMemory[] {
  const found: FoundMemory[] = [];
  for (const section of sections) {
    if (section.id === SECTION.import) {
      within(sectionLabel(section.id), () => {
        const r = new ByteReader(bytes, section.payloadStart, section.payloadEnd);
        for (const entry of readImports(r)) {
          if (entry.desc.kind !== 'memory') continue;
          // The limits are the last bytes of the entry; re-read them to learn where they start.
          const at = limitsOffset(bytes, entry.start);
          found.push({ limits: entry.desc.limits, at, section, imported: { module: entry.module, name: entry.name } });
        }
        expectSectionEnd(r, section);
      });
    } else if (section.id === SECTION.memory) {
      within(sectionLabel(section.id), () => {
        const r = new ByteReader(bytes, section.payloadStart, section.payloadEnd);
        const n = r.count('memories', 2);
        for (let i = 0; i < n; i++) {
          const at = r.pos;
          found.push({ limits: readLimits(r), at, section });
        }
        expectSectionEnd(r, section);
      });
    }
  }
  return found;
}

/** Offset of an import entry's descriptor payload (after its names and kind byte). */
function limitsOffset(bytes: Uint8Array, entryStart: number): number {
  const r = new ByteReader(bytes, entryStart);
  r.name();
  r.name();
  r.u8();
  return r.pos;
}

function memorySection(limits: Limits): Uint8Array {
  const w = new ByteWriter(16).u32(1);
  writeLimits(w, limits);
  return w.finish();
}

/** The import section with its memory import's limits replaced; every other entry copied as it was. */
function importsWithMemory(bytes: Uint8Array, section: WasmSection, limits: Limits): Uint8Array {
  const r = new ByteReader(bytes, section.payloadStart, section.payloadEnd);
  const entries = readImports(r);
  const w = new ByteWriter(section.payloadEnd - section.payloadStart + 16).u32(entries.length);
  for (const entry of entries) {
    if (entry.desc.kind === 'memory') {
      w.bytes(bytes.subarray(entry.start, limitsOffset(bytes, entry.start)));
      writeLimits(w, limits);
    } else {
      w.bytes(bytes.subarray(entry.start, entry.end));
    }
  }
  return w.finish();
}

// Deadline metering injected into a guest module, so that a guest that loops forever is cut off by its own code
// (DESIGN.md §5, "A guest must never stall the host"), plus the host side of it: a fuel source that checks the
// wall clock.
//
// Decisions:
// - A countdown, not a clock read per step: the module gets a mutable i32 global (the fuel), decremented at
//   every function entry and every loop header. Between two such checkpoints a guest runs straight-line code of
//   one function body at most (a call enters a function, a backward branch enters a loop), so checkpoints bound
//   the time between looks at the clock. When the fuel reaches zero the guest calls an added function,
//   `mechtron_fuel_refill`, which calls the imported `env.mechtron_fuel_out() -> i32`: the host answers with the
//   next amount of fuel, or with 0 (or less) to stop, and the guest then traps with `unreachable`.
// - The slow path lives in one added function so each checkpoint stays small (about 20 bytes, one call). At a
//   loop header even that call is moved out of the loop (instructions.ts wraps the loop so that running out
//   of fuel branches out, refills and re-enters): a call inside a hot loop makes V8 spill the loop's values,
//   which cost a tight loop 2-4x; wrapped, metering costs it about nothing (bench/wasm-meter.ts).
// - The check is `fuel <= 0`, not `fuel == 0`: after a trap the fuel is left at 0, and the next run must ask
//   the host again at its first checkpoint rather than count down through negative numbers.
// - Adding a function import shifts the index of every defined function by one. Every place that holds a
//   function index is fixed: call / return_call / ref.func in bodies and constant expressions, element
//   segments, exports, the start function, and the name section (function, local and label names; the new
//   functions get names too, which also makes a deadline trap read `mechtron_fuel_refill` in a stack trace).
//   Other custom sections are kept unchanged; a name section we cannot parse is dropped (engines ignore a
//   malformed one anyway).
// - The time between two clock reads adapts: `createDeadlineFuel` doubles or halves the refill so that reads
//   come about every `targetIntervalMs`, which keeps the cost of `performance.now()` negligible in tight loops
//   and the reads frequent in heavy code.

import { rewriteExpression, type ExpressionStats, type InstructionEdits, type LoopCheckpoints } from './instructions.ts';
import {
  ByteReader,
  ByteWriter,
  decodeResult,
  decodeSections,
  expectSectionEnd,
  readFuncTypes,
  readImports,
  readMutability,
  readReftype,
  readValtype,
  rewriteSections,
  SECTION,
  sectionLabel,
  within,
  WasmDecodeError,
  writeFuncType,
  hex,
  type FuncType,
  type Result,
  type SectionPart,
  type WasmSection,
  asWasmBytes,
  type WasmBytes,
} from './module-sections.ts';

export interface MeterOptions {
  /** Module and name of the imported fuel function; `env` and `mechtron_fuel_out` by default. */
  readonly importModule?: string;
  readonly importName?: string;
  /** The fuel the module starts with (checkpoints before the first call of the import); 10,000 by default. */
  readonly initialFuel?: number;
  /** Exports the fuel global (a mutable i32) under this name, so that the host can read or reset it. */
  readonly fuelExport?: string;
}

export interface MeteredModule {
  readonly bytes: WasmBytes;
  /** Function bodies given an entry checkpoint. */
  readonly functions: number;
  /** Loop headers given a checkpoint. */
  readonly loops: number;
}

export const FUEL_IMPORT = { module: 'env', name: 'mechtron_fuel_out' } as const;
export const REFILL_FUNCTION_NAME = 'mechtron_fuel_refill';
const DEFAULT_INITIAL_FUEL = 10_000;

const I32 = 0x7f;
const OP = { unreachable: 0x00, if: 0x04, end: 0x0b, brIf: 0x0d, call: 0x10, globalGet: 0x23, globalSet: 0x24, i32Const: 0x41, i32LeS: 0x4c, i32Sub: 0x6b } as const;
const BLOCK_EMPTY = 0x40;

/**
 * `bytes` with deadline metering: a function import `importModule.importName: () -> i32` (the host's fuel
 * source, see `createDeadlineFuel`) and checkpoints at every function entry and loop header. An error value when
 * the module is malformed, uses an instruction the rewriter does not know, or already has the import.
 */
export function meterModule(bytes: Uint8Array, options: MeterOptions = {}): Result<MeteredModule> {
  return decodeResult(() => meter(bytes, options));
}

function meter(bytes: Uint8Array, options: MeterOptions): MeteredModule {
  const importModule = options.importModule ?? FUEL_IMPORT.module;
  const importName = options.importName ?? FUEL_IMPORT.name;
  const initialFuel = options.initialFuel ?? DEFAULT_INITIAL_FUEL;
  if (!Number.isInteger(initialFuel) || initialFuel < 1 || initialFuel > 0x7fffffff) {
    throw new WasmDecodeError(0, `the initial fuel must be a whole number from 1 to 2147483647, not ${initialFuel}`);
  }
  const sections = decodeSections(bytes);
  const find = (id: number): WasmSection | undefined => sections.find((s) => s.id === id);
  const reader = (s: WasmSection): ByteReader => new ByteReader(bytes, s.payloadStart, s.payloadEnd);

  const typeSection = find(SECTION.type);
  const types = typeSection ? within(sectionLabel(SECTION.type), () => readFuncTypes(reader(typeSection))) : [];
  const importSection = find(SECTION.import);
  const imports = importSection ? within(sectionLabel(SECTION.import), () => readImports(reader(importSection))) : [];
  const functionSection = find(SECTION.function);
  const definedTypes = functionSection ? within(sectionLabel(SECTION.function), () => readIndices(reader(functionSection), functionSection, 'functions')) : [];
  const codeSection = find(SECTION.code);
  const codeCount = codeSection ? within(sectionLabel(SECTION.code), () => reader(codeSection).u32('the number of function bodies')) : 0;
  if (codeCount !== definedTypes.length) {
    throw new WasmDecodeError((codeSection ?? functionSection)?.start ?? 8, `the function section declares ${definedTypes.length} functions but the code section has ${codeCount} bodies`);
  }
  const clash = imports.find((i) => i.module === importModule && i.name === importName);
  if (clash) {
    throw new WasmDecodeError(clash.start, `the module already imports ${importModule}.${importName}: is it metered already?`, sectionLabel(SECTION.import));
  }
  if (definedTypes.length === 0) return { bytes: asWasmBytes(bytes), functions: 0, loops: 0 }; // no code of its own to meter

  const importedFunctions = imports.filter((i) => i.desc.kind === 'function').length;
  const importedGlobals = imports.filter((i) => i.desc.kind === 'global').length;
  const shift = (f: number): number => (f >= importedFunctions ? f + 1 : f);
  const fuelOutIndex = importedFunctions;
  const refillIndex = importedFunctions + 1 + definedTypes.length;

  const replace = new Map<WasmSection, Uint8Array | null>();
  const add: SectionPart[] = [];
  const put = (id: number, section: WasmSection | undefined, payload: Uint8Array): void => {
    if (section) replace.set(section, payload);
    else add.push({ id, payload });
  };

  // Types: reuse `() -> i32` and `() -> ()` when the module has them.
  const newTypes: FuncType[] = [];
  const typeIndex = (wanted: FuncType): number => {
    const same = (t: FuncType): boolean => sameTypes(t.params, wanted.params) && sameTypes(t.results, wanted.results);
    const existing = types.findIndex(same);
    if (existing >= 0) return existing;
    const added = newTypes.findIndex(same);
    if (added >= 0) return types.length + added;
    newTypes.push(wanted);
    return types.length + newTypes.length - 1;
  };
  const fuelOutType = typeIndex({ params: [], results: [I32] });
  const refillType = typeIndex({ params: [], results: [] });
  if (newTypes.length > 0) {
    put(SECTION.type, typeSection, appendToVector(bytes, typeSection, newTypes.length, (w) => newTypes.forEach((t) => writeFuncType(w, t))));
  }

  put(SECTION.import, importSection, appendToVector(bytes, importSection, 1, (w) => w.name(importModule).name(importName).u8(0x00).u32(fuelOutType)));
  put(SECTION.function, functionSection, appendToVector(bytes, functionSection, 1, (w) => w.u32(refillType)));

  const globalSection = find(SECTION.global);
  const globals = globalSection ? rewriteGlobals(bytes, globalSection, shift) : { count: 0, payload: new Uint8Array() };
  const fuelGlobal = importedGlobals + globals.count;
  const globalsOut = new ByteWriter(globals.payload.length + 16).u32(globals.count + 1).bytes(globals.payload);
  globalsOut.u8(I32).u8(0x01).u8(OP.i32Const).i32(initialFuel).u8(OP.end);
  put(SECTION.global, globalSection, globalsOut.finish());

  const exportSection = find(SECTION.export);
  if (exportSection || options.fuelExport !== undefined) {
    put(SECTION.export, exportSection, rewriteExports(bytes, exportSection, shift, options.fuelExport, fuelGlobal));
  }

  const startSection = find(SECTION.start);
  if (startSection) {
    const start = within(sectionLabel(SECTION.start), () => {
      const r = reader(startSection);
      const index = r.u32('the start function index');
      expectSectionEnd(r, startSection);
      return index;
    });
    replace.set(startSection, new ByteWriter(5).u32(shift(start)).finish());
  }

  const elementSection = find(SECTION.element);
  if (elementSection) replace.set(elementSection, rewriteElements(bytes, elementSection, shift));

  const decrementAndTest = new ByteWriter(24)
    .u8(OP.globalGet).u32(fuelGlobal).u8(OP.i32Const).i32(1).u8(OP.i32Sub).u8(OP.globalSet).u32(fuelGlobal)
    .u8(OP.globalGet).u32(fuelGlobal).u8(OP.i32Const).i32(0).u8(OP.i32LeS)
    .finish();
  const callRefill = new ByteWriter(6).u8(OP.call).u32(refillIndex).finish();
  const checkpoint = new ByteWriter(32).bytes(decrementAndTest).u8(OP.if).u8(BLOCK_EMPTY).bytes(callRefill).u8(OP.end).finish();
  const loops: LoopCheckpoints = {
    wrappedHeader: new ByteWriter(32).bytes(decrementAndTest).u8(OP.brIf).u32(1).finish(),
    slowPath: callRefill,
    inlineHeader: checkpoint,
    takesParameters: (typeIndex) => (types[typeIndex]?.params.length ?? 0) > 0,
  };
  const refillBody = new ByteWriter(24)
    .u8(0) // no locals
    .u8(OP.call).u32(fuelOutIndex).u8(OP.globalSet).u32(fuelGlobal)
    .u8(OP.globalGet).u32(fuelGlobal).u8(OP.i32Const).i32(0).u8(OP.i32LeS)
    .u8(OP.if).u8(BLOCK_EMPTY).u8(OP.unreachable).u8(OP.end)
    .u8(OP.end)
    .finish();
  const stats: ExpressionStats = { loops: 0 };
  replace.set(codeSection!, rewriteCode(bytes, codeSection!, { mapFunction: shift, loops }, checkpoint, refillBody, stats));

  const newNames = [
    { index: fuelOutIndex, name: importName },
    { index: refillIndex, name: REFILL_FUNCTION_NAME },
  ];
  for (const section of sections) {
    if (section.customName === 'name') replace.set(section, rewriteNameSection(bytes, section, shift, newNames));
  }

  return { bytes: rewriteSections(bytes, sections, { replace, add }), functions: definedTypes.length, loops: stats.loops };
}

function sameTypes(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((t, i) => t === b[i]);
}

function readIndices(r: ByteReader, section: WasmSection, what: string): number[] {
  const n = r.count(what);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(r.u32('a type index'));
  expectSectionEnd(r, section);
  return out;
}

/** A vector section's payload with `added` entries appended (the existing ones copied as they are). */
function appendToVector(bytes: Uint8Array, section: WasmSection | undefined, added: number, write: (w: ByteWriter) => void): Uint8Array {
  const w = new ByteWriter((section ? section.payloadEnd - section.payloadStart : 0) + 32);
  if (section) {
    const r = new ByteReader(bytes, section.payloadStart, section.payloadEnd);
    const count = within(sectionLabel(section.id), () => r.u32('the number of entries'));
    w.u32(count + added).bytes(bytes.subarray(r.pos, section.payloadEnd));
  } else {
    w.u32(added);
  }
  write(w);
  return w.finish();
}

function rewriteGlobals(bytes: Uint8Array, section: WasmSection, shift: (f: number) => number): { count: number; payload: Uint8Array } {
  return within(sectionLabel(section.id), () => {
    const r = new ByteReader(bytes, section.payloadStart, section.payloadEnd);
    const count = r.count('globals', 3);
    const w = new ByteWriter(section.payloadEnd - section.payloadStart);
    for (let i = 0; i < count; i++) {
      const start = r.pos;
      readValtype(r);
      readMutability(r);
      w.bytes(bytes.subarray(start, r.pos));
      rewriteExpression(r, w, { mapFunction: shift });
    }
    expectSectionEnd(r, section);
    return { count, payload: w.finish() };
  });
}

function rewriteExports(bytes: Uint8Array, section: WasmSection | undefined, shift: (f: number) => number, fuelExport: string | undefined, fuelGlobal: number): Uint8Array {
  return within(sectionLabel(SECTION.export), () => {
    const w = new ByteWriter(section ? section.payloadEnd - section.payloadStart + 32 : 32);
    const names = new Set<string>();
    const entries = new ByteWriter();
    let count = 0;
    if (section) {
      const r = new ByteReader(bytes, section.payloadStart, section.payloadEnd);
      count = r.count('exports', 3);
      for (let i = 0; i < count; i++) {
        const start = r.pos;
        names.add(r.name('an export name'));
        const kindAt = r.pos;
        const kind = r.u8('an export kind');
        if (kind > 3) r.fail(`export kind ${hex(kind)} is not supported`, kindAt);
        entries.bytes(bytes.subarray(start, r.pos));
        const index = r.u32('an export index');
        entries.u32(kind === 0 ? shift(index) : index);
      }
      expectSectionEnd(r, section);
    }
    if (fuelExport !== undefined) {
      if (names.has(fuelExport)) throw new WasmDecodeError(section?.start ?? 0, `the module already exports \`${fuelExport}\`; choose another name for the fuel global`);
      entries.name(fuelExport).u8(0x03).u32(fuelGlobal);
      count++;
    }
    return w.u32(count).bytes(entries.finish()).finish();
  });
}

function rewriteElements(bytes: Uint8Array, section: WasmSection, shift: (f: number) => number): Uint8Array {
  return within(sectionLabel(section.id), () => {
    const r = new ByteReader(bytes, section.payloadStart, section.payloadEnd);
    const w = new ByteWriter(section.payloadEnd - section.payloadStart + 16);
    const count = r.count('element segments', 2);
    w.u32(count);
    const copySince = (start: number): void => void w.bytes(bytes.subarray(start, r.pos));
    for (let i = 0; i < count; i++) {
      const flagsAt = r.pos;
      const flags = r.u32('an element segment flag');
      if (flags > 7) r.fail(`element segment ${i} has flags ${flags}, which are not valid (0 to 7)`, flagsAt);
      w.u32(flags);
      const passiveOrDeclarative = (flags & 0x01) !== 0;
      const explicitTable = (flags & 0x02) !== 0;
      const usesExpressions = (flags & 0x04) !== 0;
      if (!passiveOrDeclarative) {
        if (explicitTable) {
          const at = r.pos;
          r.u32('a table index');
          copySince(at);
        }
        rewriteExpression(r, w, { mapFunction: shift }); // the offset
      }
      if (passiveOrDeclarative || explicitTable) {
        const at = r.pos;
        if (usesExpressions) readReftype(r);
        else if (r.u8('an element kind') !== 0x00) r.fail('element kind must be 0x00 (funcref)', at);
        copySince(at);
      }
      const n = r.count('elements');
      w.u32(n);
      for (let j = 0; j < n; j++) {
        if (usesExpressions) rewriteExpression(r, w, { mapFunction: shift });
        else w.u32(shift(r.u32('a function index')));
      }
    }
    expectSectionEnd(r, section);
    return w.finish();
  });
}

function rewriteCode(bytes: Uint8Array, section: WasmSection, edits: InstructionEdits, checkpoint: Uint8Array, refillBody: Uint8Array, stats: ExpressionStats): Uint8Array {
  const r = new ByteReader(bytes, section.payloadStart, section.payloadEnd);
  const count = r.count('function bodies', 2);
  const out = new ByteWriter((section.payloadEnd - section.payloadStart) * 1.25 + 64);
  out.u32(count + 1);
  const body = new ByteWriter(1024);
  for (let i = 0; i < count; i++) {
    within(`${sectionLabel(section.id)}, function body ${i}`, () => {
      const sizeAt = r.pos;
      const size = r.u32('a function body size');
      if (size > r.end - r.pos) r.fail(`the body says it is ${size} bytes, but only ${r.end - r.pos} are left`, sizeAt);
      const end = r.pos + size;
      const b = new ByteReader(bytes, r.pos, end);
      const declarations = b.count('local declarations', 2);
      for (let j = 0; j < declarations; j++) {
        b.u32('a local count');
        readValtype(b);
      }
      body.length = 0;
      body.bytes(bytes.subarray(r.pos, b.pos)).bytes(checkpoint);
      rewriteExpression(b, body, edits, stats);
      if (b.pos !== end) b.fail(`${end - b.pos} bytes after the end of the function body`);
      out.u32(body.length).bytes(body.finish());
      r.pos = end;
    });
  }
  within(sectionLabel(section.id), () => expectSectionEnd(r, section));
  out.u32(refillBody.length).bytes(refillBody);
  return out.finish();
}

/** The name section with function indices shifted and `added` names inserted; null (drop it) if unparsable. */
function rewriteNameSection(bytes: Uint8Array, section: WasmSection, shift: (f: number) => number, added: readonly { index: number; name: string }[]): Uint8Array | null {
  try {
    const r = new ByteReader(bytes, section.contentStart!, section.payloadEnd);
    const w = new ByteWriter(section.payloadEnd - section.payloadStart + 64).name('name');
    const writeSubsection = (id: number, payload: Uint8Array): void => void w.u8(id).u32(payload.length).bytes(payload);
    const writeFunctionNames = (existing: { index: number; raw: Uint8Array }[]): void => {
      const entries = [...existing, ...added.map((a) => ({ index: a.index, raw: new ByteWriter().name(a.name).finish() }))];
      entries.sort((x, y) => x.index - y.index);
      const p = new ByteWriter().u32(entries.length);
      for (const e of entries) p.u32(e.index).bytes(e.raw);
      writeSubsection(1, p.finish());
    };
    let functionNamesWritten = false;
    let lastId = -1;
    while (!r.atEnd) {
      const id = r.u8('a name subsection id');
      const size = r.u32('a name subsection size');
      if (size > r.end - r.pos) r.fail('a name subsection runs past the section');
      if (id <= lastId) r.fail('name subsections out of order');
      lastId = id;
      const sub = new ByteReader(bytes, r.pos, r.pos + size);
      // Subsections are ordered by id: function names (1) go before any later one, even when we add them.
      if (id > 1 && !functionNamesWritten) {
        writeFunctionNames([]);
        functionNamesWritten = true;
      }
      if (id === 1) {
        const entries: { index: number; raw: Uint8Array }[] = [];
        const n = sub.count('function names', 2);
        for (let i = 0; i < n; i++) {
          const index = sub.u32();
          const at = sub.pos;
          sub.name();
          entries.push({ index: shift(index), raw: bytes.subarray(at, sub.pos) });
        }
        writeFunctionNames(entries);
        functionNamesWritten = true;
      } else if (id === 2 || id === 3) {
        // Local names (2) and label names (3): indirect name maps keyed by function index.
        const n = sub.count('functions', 2);
        const p = new ByteWriter(size + 8).u32(n);
        for (let i = 0; i < n; i++) {
          p.u32(shift(sub.u32()));
          const at = sub.pos;
          const m = sub.count('names', 2);
          for (let j = 0; j < m; j++) {
            sub.u32();
            sub.name();
          }
          p.bytes(bytes.subarray(at, sub.pos));
        }
        writeSubsection(id, p.finish());
      } else {
        writeSubsection(id, bytes.subarray(sub.pos, sub.end)); // module name, type, table, memory, global, ... names
        sub.pos = sub.end;
      }
      if (sub.pos !== sub.end) sub.fail('unexpected bytes at the end of a name subsection');
      r.pos = sub.end;
    }
    if (!functionNamesWritten) writeFunctionNames([]);
    return w.finish();
  } catch (e) {
    if (e instanceof WasmDecodeError) return null;
    throw e;
  }
}

// ---------------------------------------------------------------- the host's side

export interface DeadlineFuelOptions {
  /** The first refill, in checkpoints; 10,000 by default. */
  readonly chunk?: number;
  /** The aimed-for time between two clock reads while the guest runs; 1 ms by default. */
  readonly targetIntervalMs?: number;
  /** The clock, in ms; `performance.now` by default. */
  readonly now?: () => number;
}

export interface DeadlineFuel {
  /** The function to import as `env.mechtron_fuel_out`. */
  readonly fuelOut: () => number;
  /** Sets a deadline `timeoutMs` from now: past it, the guest traps at its next clock read. */
  arm(timeoutMs: number): void;
  /** No deadline: the guest gets fuel whenever it asks. */
  disarm(): void;
  /** True once the guest was refused fuel since the last `arm`: its trap is then the deadline's doing. */
  readonly expired: boolean;
}

const MIN_CHUNK = 64;
const MAX_CHUNK = 1 << 24;

/** The host side of `meterModule`: hands out fuel until a deadline, adapting the refill to the guest's pace. */
export function createDeadlineFuel(options: DeadlineFuelOptions = {}): DeadlineFuel {
  const now = options.now ?? (() => performance.now());
  const target = options.targetIntervalMs ?? 1;
  let chunk = Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, Math.floor(options.chunk ?? DEFAULT_INITIAL_FUEL)));
  let deadline = Infinity;
  let lastRefill = now();
  let expired = false;
  return {
    fuelOut(): number {
      const t = now();
      if (t >= deadline) {
        expired = true;
        return 0;
      }
      const elapsed = t - lastRefill;
      if (elapsed < target / 4) chunk = Math.min(MAX_CHUNK, chunk * 2);
      else if (elapsed > target * 2) chunk = Math.max(MIN_CHUNK, chunk >> 1);
      lastRefill = t;
      return chunk;
    },
    arm(timeoutMs: number): void {
      lastRefill = now();
      deadline = lastRefill + timeoutMs;
      expired = false;
    },
    disarm(): void {
      deadline = Infinity;
      expired = false;
    },
    get expired(): boolean {
      return expired;
    },
  };
}

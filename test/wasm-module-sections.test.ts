// runtime/wasm/module-sections.ts: LEB128 round trips (property tests) and the spec's strictness about them,
// section framing with its error values, and rebuilding a module from rewritten sections.

import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  decodeI32,
  decodeI64,
  decodeU32,
  encodeI32,
  encodeI64,
  encodeU32,
  readSections,
  rewriteSections,
  SECTION,
  type Result,
} from '../runtime/wasm/module-sections.ts';
import { body, customSection, funcType, section, str, T, u32, vec, wasmModule } from './fixtures/wasm/assemble.ts';

function okValue<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected ok, got: ${r.error.message}`);
  return r.value;
}

function errorOf(r: Result<unknown>): { offset: number; message: string } {
  assert.ok(!r.ok, 'expected an error value');
  return (r as { ok: false; error: { offset: number; message: string } }).error;
}

// ---------------------------------------------------------------- LEB128

test('LEB128 u32 round-trips every value, in the fewest bytes', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => {
      const bytes = encodeU32(n);
      assert.is(bytes.length, Math.max(1, Math.ceil(Math.log2(n + 1) / 7)));
      const d = okValue(decodeU32(bytes));
      return d.value === n && d.next === bytes.length;
    }),
    { numRuns: 2000 },
  );
});

test('LEB128 i32 round-trips every value', () => {
  fc.assert(
    fc.property(fc.integer({ min: -0x80000000, max: 0x7fffffff }), (n) => {
      const bytes = encodeI32(n);
      const d = okValue(decodeI32(bytes));
      return d.value === n && d.next === bytes.length && bytes.length <= 5;
    }),
    { numRuns: 2000 },
  );
});

test('LEB128 i64 round-trips every value', () => {
  fc.assert(
    fc.property(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), (n) => {
      const bytes = encodeI64(n);
      const d = okValue(decodeI64(bytes));
      return d.value === n && d.next === bytes.length && bytes.length <= 10;
    }),
    { numRuns: 2000 },
  );
});

test('LEB128 decodes at an offset and reports where it stopped', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 8 }), fc.integer({ min: -0x80000000, max: 0x7fffffff }), (prefix, n) => {
      const bytes = Uint8Array.from([...prefix, ...encodeI32(n), 0xff]);
      const d = okValue(decodeI32(bytes, prefix.length));
      return d.value === n && d.next === bytes.length - 1;
    }),
  );
});

test('LEB128 known encodings from the spec and the wild', () => {
  assert.equal([...encodeU32(624485)], [0xe5, 0x8e, 0x26]);
  assert.equal([...encodeI32(-123456)], [0xc0, 0xbb, 0x78]);
  assert.equal([...encodeU32(0xffffffff)], [0xff, 0xff, 0xff, 0xff, 0x0f]);
  assert.equal([...encodeI32(-1)], [0x7f]);
  assert.equal([...encodeI32(63)], [0x3f]);
  assert.equal([...encodeI32(64)], [0xc0, 0x00]);
  assert.equal([...encodeI64(-(1n << 63n))], [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f]);
  // Non-minimal (padded) encodings within the length limit are valid.
  assert.is(okValue(decodeU32(Uint8Array.from([0x83, 0x80, 0x00]))).value, 3);
  assert.is(okValue(decodeI32(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x7f]))).value, -1);
});

test('LEB128 refuses what the spec refuses, with the offset', () => {
  const cases: [string, Result<unknown>, number, RegExp][] = [
    ['u32 with a 6th byte', decodeU32(Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x00])), 0, /not a valid LEB128 u32/],
    ['u32 with unused bits set', decodeU32(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x1f])), 0, /not a valid LEB128 u32/],
    ['i32 whose top bits do not copy the sign', decodeI32(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x4f])), 0, /not a valid LEB128 i32/],
    ['i32 too long', decodeI32(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x7f])), 0, /not a valid LEB128 i32/],
    ['i64 with a bad 10th byte', decodeI64(Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01])), 0, /not a valid LEB128 s64/],
    ['truncated u32', decodeU32(Uint8Array.from([0x01, 0x80, 0x80]), 1), 3, /unexpected end of data/],
  ];
  for (const [what, r, offset, message] of cases) {
    const e = errorOf(r);
    assert.is(e.offset, offset, what);
    assert.match(e.message, message, what);
  }
});

test('LEB128 decoding never throws on random bytes', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 12 }), fc.nat(12), (bytes, offset) => {
      for (const decode of [decodeU32, decodeI32, decodeI64]) {
        const r = decode(bytes, offset) as Result<{ next: number }>;
        if (r.ok && (r.value.next <= offset || r.value.next > bytes.length)) return false;
      }
      return true;
    }),
    { numRuns: 3000 },
  );
});

// ---------------------------------------------------------------- sections

const SMALL = wasmModule(
  section(SECTION.type, vec([funcType([], [T.i32])])),
  section(SECTION.function, vec([u32(0)])),
  section(SECTION.export, vec([[...str('answer'), 0x00, ...u32(0)]])),
  section(SECTION.code, vec([body([], [0x41, ...u32(42)])])),
  customSection('note', [1, 2, 3]),
);

test('readSections lists every section with its payload bounds', () => {
  assert.ok(WebAssembly.validate(SMALL));
  const sections = okValue(readSections(SMALL));
  assert.equal(sections.map((s) => s.id), [1, 3, 7, 10, 0]);
  assert.is(sections[0]!.start, 8);
  assert.is(sections[0]!.payloadStart, 10);
  assert.is(sections.at(-1)!.customName, 'note');
  assert.is(sections.at(-1)!.payloadEnd, SMALL.length);
  for (let i = 1; i < sections.length; i++) assert.is(sections[i]!.start, sections[i - 1]!.payloadEnd);
});

test('readSections: errors name the place and the byte', () => {
  const cases: [string, Uint8Array<ArrayBuffer>, RegExp][] = [
    ['no header', Uint8Array.from([1, 2, 3]), /^at byte 0: not a WebAssembly module \(no \\0asm header\)$/],
    ['wrong version', Uint8Array.from([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0]), /^at byte 4: not a WebAssembly version 1 module/],
    ['unknown section id', wasmModule([13, 0]), /^at byte 8: section id 13 is not known/],
    ['section past the end', wasmModule([1, 5, 0]), /^at byte 8: section 1 \(type\) says it is 5 bytes, but only 1 are left$/],
    ['out of order', wasmModule(section(3, vec([])), section(1, vec([]))), /^at byte 11: section 1 \(type\) is out of order$/],
    ['twice', wasmModule(section(1, vec([])), section(1, vec([]))), /^at byte 11: section 1 \(type\) appears twice$/],
    ['bad custom name', wasmModule(section(0, [2, 0xff, 0xfe])), /^section 0 \(custom\) at byte 10: the custom section name is not valid UTF-8$/],
  ];
  for (const [what, bytes, message] of cases) {
    assert.not.ok(WebAssembly.validate(bytes), what);
    assert.match(errorOf(readSections(bytes)).message, message, what);
  }
});

test('readSections accepts the data count section between element and code', () => {
  const bytes = wasmModule(
    section(SECTION.type, vec([funcType([], [])])),
    section(SECTION.function, vec([u32(0)])),
    section(SECTION.memory, vec([[0x00, 1]])),
    section(SECTION.dataCount, u32(1)),
    section(SECTION.code, vec([body([], [0xfc, ...u32(9), ...u32(0)])])), // data.drop 0
    section(SECTION.data, vec([[0x01, ...vec([[1], [2]])]])),
  );
  assert.ok(WebAssembly.validate(bytes));
  assert.equal(okValue(readSections(bytes)).map((s) => s.id), [1, 3, 5, 12, 10, 11]);
});

test('rewriteSections replaces, drops and adds sections in spec order, copying the rest', () => {
  const sections = okValue(readSections(SMALL));
  const code = sections.find((s) => s.id === SECTION.code)!;
  const note = sections.find((s) => s.customName === 'note')!;
  const rewritten = rewriteSections(SMALL, sections, {
    replace: new Map([
      [code, Uint8Array.from(vec([body([], [0x41, ...u32(7)])]))],
      [note, null],
    ]),
    add: [{ id: SECTION.memory, payload: Uint8Array.from(vec([[0x00, 1]])) }],
  });
  assert.equal(okValue(readSections(rewritten)).map((s) => s.id), [1, 3, 5, 7, 10]);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(rewritten));
  assert.is((instance.exports.answer as () => number)(), 7);
  assert.is(WebAssembly.Module.exports(new WebAssembly.Module(rewritten)).length, 1);
  // Nothing asked for: the same bytes back.
  assert.equal(rewriteSections(SMALL, sections, {}), SMALL);
});

test.run();

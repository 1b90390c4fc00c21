// @ts-nocheck: AssemblyScript, compiled by asc (scripts/build-guests.mjs), not by tsc.
// Bytes for the guest: a growable UTF-8 sink over unmanaged heap memory, the one writer of every frame (its
// memory becomes the reply buffer without a copy), plus UTF-8 decoding with replacement and base64.
//
// Decisions:
// - The sink's memory comes from `heap.alloc`, not from a managed ArrayBuffer, so `take()` can hand it to the
//   buffer table as is; the collector never sees it. Whoever makes a sink must `take()` or `dispose()` it.
// - Strings are UTF-16 in AssemblyScript; they are written as UTF-8 here. A lone surrogate cannot be written
//   as UTF-8, so `writeJsonString` escapes it as `\uXXXX` (JSON.stringify does the same since ES2019) and
//   `writeUtf8` writes U+FFFD for it.
// - Decoding accepts any bytes: a malformed sequence becomes U+FFFD, as TextDecoder does, never a trap.

export class ByteSink {
  ptr: usize = 0;
  len: i32 = 0;
  cap: i32 = 0;

  constructor(initial: i32 = 256) {
    this.cap = initial < 16 ? 16 : initial;
    this.ptr = heap.alloc(<usize>this.cap);
  }

  @inline reserve(extra: i32): void {
    let need = this.len + extra;
    if (need > this.cap) this.grow(need);
  }

  grow(need: i32): void {
    let cap = this.cap;
    while (cap < need) cap = cap < 0x40000000 ? cap << 1 : need;
    this.ptr = heap.realloc(this.ptr, <usize>cap);
    this.cap = cap;
  }

  byte(b: i32): void {
    this.reserve(1);
    store<u8>(this.ptr + <usize>this.len, <u8>b);
    this.len++;
  }

  /** Bytes from unmanaged memory. */
  raw(src: usize, n: i32): void {
    if (n <= 0) return;
    this.reserve(n);
    memory.copy(this.ptr + <usize>this.len, src, <usize>n);
    this.len += n;
  }

  bytes(data: Uint8Array): void {
    this.raw(data.dataStart, data.length);
  }

  /** ASCII text known not to need escaping (keys, kinds, digits). */
  ascii(s: string): void {
    let n = s.length;
    this.reserve(n);
    let src = changetype<usize>(s);
    let dst = this.ptr + <usize>this.len;
    for (let i = 0; i < n; i++) store<u8>(dst + <usize>i, <u8>load<u16>(src + (<usize>i << 1)));
    this.len += n;
  }

  /** A string as UTF-8 (lone surrogates become U+FFFD). */
  utf8(s: string): void {
    let n = s.length;
    this.reserve(n * 3);
    let src = changetype<usize>(s);
    for (let i = 0; i < n; i++) {
      let c = <u32>load<u16>(src + (<usize>i << 1));
      if (c < 0x80) {
        store<u8>(this.ptr + <usize>this.len, <u8>c);
        this.len++;
      } else if (c >= 0xd800 && c < 0xdc00 && i + 1 < n) {
        let d = <u32>load<u16>(src + (<usize>(i + 1) << 1));
        if (d >= 0xdc00 && d < 0xe000) {
          this.codePoint(0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00));
          i++;
        } else this.codePoint(0xfffd);
      } else if (c >= 0xd800 && c < 0xe000) {
        this.codePoint(0xfffd);
      } else this.codePoint(c);
    }
  }

  /** A string as a JSON string literal, escaped exactly as JSON.stringify escapes it. */
  jsonString(s: string): void {
    let n = s.length;
    this.reserve(n + 2);
    this.byte(0x22);
    let src = changetype<usize>(s);
    for (let i = 0; i < n; i++) {
      let c = <u32>load<u16>(src + (<usize>i << 1));
      if (c >= 0x20 && c < 0x80) {
        if (c == 0x22 || c == 0x5c) {
          this.byte(0x5c);
        }
        this.byte(<i32>c);
      } else if (c < 0x20) {
        this.byte(0x5c);
        if (c == 0x08) this.byte(0x62);
        else if (c == 0x0c) this.byte(0x66);
        else if (c == 0x0a) this.byte(0x6e);
        else if (c == 0x0d) this.byte(0x72);
        else if (c == 0x09) this.byte(0x74);
        else this.unicodeEscape(c);
      } else if (c >= 0xd800 && c < 0xe000) {
        let paired = false;
        if (c < 0xdc00 && i + 1 < n) {
          let d = <u32>load<u16>(src + (<usize>(i + 1) << 1));
          if (d >= 0xdc00 && d < 0xe000) {
            this.codePoint(0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00));
            i++;
            paired = true;
          }
        }
        if (!paired) {
          this.byte(0x5c);
          this.unicodeEscape(c);
        }
      } else this.codePoint(c);
    }
    this.byte(0x22);
  }

  private unicodeEscape(c: u32): void {
    this.byte(0x75);
    for (let shift = 12; shift >= 0; shift -= 4) this.byte(<i32>hexDigit((c >> shift) & 15));
  }

  codePoint(c: u32): void {
    this.reserve(4);
    let p = this.ptr + <usize>this.len;
    if (c < 0x80) {
      store<u8>(p, <u8>c);
      this.len += 1;
    } else if (c < 0x800) {
      store<u8>(p, <u8>(0xc0 | (c >> 6)));
      store<u8>(p + 1, <u8>(0x80 | (c & 63)));
      this.len += 2;
    } else if (c < 0x10000) {
      store<u8>(p, <u8>(0xe0 | (c >> 12)));
      store<u8>(p + 1, <u8>(0x80 | ((c >> 6) & 63)));
      store<u8>(p + 2, <u8>(0x80 | (c & 63)));
      this.len += 3;
    } else {
      store<u8>(p, <u8>(0xf0 | (c >> 18)));
      store<u8>(p + 1, <u8>(0x80 | ((c >> 12) & 63)));
      store<u8>(p + 2, <u8>(0x80 | ((c >> 6) & 63)));
      store<u8>(p + 3, <u8>(0x80 | (c & 63)));
      this.len += 4;
    }
  }

  /** Bytes as a base64 JSON string literal (standard alphabet, padded). */
  base64String(src: usize, n: i32): void {
    this.reserve(((n + 2) / 3) * 4 + 2);
    this.byte(0x22);
    let i = 0;
    let out = this.ptr + <usize>this.len;
    while (i + 2 < n) {
      let v = (<u32>load<u8>(src + <usize>i) << 16) | (<u32>load<u8>(src + <usize>i + 1) << 8) | <u32>load<u8>(src + <usize>i + 2);
      store<u8>(out, base64Char(v >> 18));
      store<u8>(out + 1, base64Char((v >> 12) & 63));
      store<u8>(out + 2, base64Char((v >> 6) & 63));
      store<u8>(out + 3, base64Char(v & 63));
      out += 4;
      i += 3;
    }
    let rest = n - i;
    if (rest > 0) {
      let v = <u32>load<u8>(src + <usize>i) << 16;
      if (rest == 2) v |= <u32>load<u8>(src + <usize>i + 1) << 8;
      store<u8>(out, base64Char(v >> 18));
      store<u8>(out + 1, base64Char((v >> 12) & 63));
      store<u8>(out + 2, rest == 2 ? base64Char((v >> 6) & 63) : 0x3d);
      store<u8>(out + 3, 0x3d);
      out += 4;
    }
    this.len = <i32>(out - this.ptr);
    this.byte(0x22);
  }

  /** The written bytes as a string (the sink stays usable). */
  toString(): string {
    return decodeUtf8(this.ptr, this.len);
  }

  /** Hands the memory over (to the buffer table); the sink must not be used afterwards. */
  take(): usize {
    let p = this.ptr;
    this.ptr = 0;
    this.cap = 0;
    return p;
  }

  dispose(): void {
    if (this.ptr != 0) heap.free(this.ptr);
    this.ptr = 0;
    this.len = 0;
    this.cap = 0;
  }
}

@inline function hexDigit(d: u32): u32 {
  return d < 10 ? 0x30 + d : 0x61 + d - 10;
}

@inline function base64Char(v: u32): u8 {
  return <u8>(v < 26 ? 0x41 + v : v < 52 ? 0x61 + v - 26 : v < 62 ? 0x30 + v - 52 : v == 62 ? 0x2b : 0x2f);
}

/** UTF-8 bytes to a string; malformed sequences become U+FFFD (one per maximal bad prefix, as TextDecoder). */
export function decodeUtf8(src: usize, n: i32): string {
  // Fast path: ASCII and well-formed input through the standard decoder.
  if (isWellFormedUtf8(src, n)) return String.UTF8.decodeUnsafe(src, <usize>n);
  let out = new Array<i32>(0);
  let i = 0;
  while (i < n) {
    let c = <u32>load<u8>(src + <usize>i);
    let need = 0;
    let cp: u32 = 0;
    let lower: u32 = 0x80;
    let upper: u32 = 0xbf;
    if (c < 0x80) {
      out.push(<i32>c);
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      cp = c & 0xf;
      if (c == 0xe0) lower = 0xa0;
      if (c == 0xed) upper = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      cp = c & 7;
      if (c == 0xf0) lower = 0x90;
      if (c == 0xf4) upper = 0x8f;
    } else {
      out.push(0xfffd);
      i++;
      continue;
    }
    let j = i + 1;
    let ok = true;
    for (let k = 0; k < need; k++) {
      if (j >= n) {
        ok = false;
        break;
      }
      let b = <u32>load<u8>(src + <usize>j);
      if (b < lower || b > upper) {
        ok = false;
        break;
      }
      lower = 0x80;
      upper = 0xbf;
      cp = (cp << 6) | (b & 63);
      j++;
    }
    out.push(ok ? <i32>cp : 0xfffd);
    i = j;
  }
  let parts = new Array<string>(0);
  for (let k = 0; k < out.length; k++) parts.push(String.fromCodePoint(out[k]));
  return parts.join("");
}

export function isWellFormedUtf8(src: usize, n: i32): bool {
  let i = 0;
  while (i < n) {
    let c = <u32>load<u8>(src + <usize>i);
    if (c < 0x80) {
      i++;
      continue;
    }
    let need = 0;
    let lower: u32 = 0x80;
    let upper: u32 = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c == 0xe0) lower = 0xa0;
      if (c == 0xed) upper = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c == 0xf0) lower = 0x90;
      if (c == 0xf4) upper = 0x8f;
    } else return false;
    if (i + need >= n) return false;
    for (let k = 1; k <= need; k++) {
      let b = <u32>load<u8>(src + <usize>(i + k));
      if (b < lower || b > upper) return false;
      lower = 0x80;
      upper = 0xbf;
    }
    i += need + 1;
  }
  return true;
}

/** A string's UTF-8 bytes. */
export function encodeUtf8(s: string): Uint8Array {
  let sink = new ByteSink(s.length + 8);
  sink.utf8(s);
  let bytes = new Uint8Array(sink.len);
  memory.copy(bytes.dataStart, sink.ptr, <usize>sink.len);
  sink.dispose();
  return bytes;
}

/** Base64 (standard or URL-safe alphabet, padding optional, whitespace ignored) to bytes; null if malformed. */
export function decodeBase64(s: string): Uint8Array | null {
  let n = s.length;
  let out = new Uint8Array(((n + 3) >> 2) * 3);
  let acc: u32 = 0;
  let bits = 0;
  let o = 0;
  let padding = 0;
  for (let i = 0; i < n; i++) {
    let c = <u32>s.charCodeAt(i);
    let v: i32 = -1;
    if (c >= 0x41 && c <= 0x5a) v = c - 0x41;
    else if (c >= 0x61 && c <= 0x7a) v = c - 0x61 + 26;
    else if (c >= 0x30 && c <= 0x39) v = c - 0x30 + 52;
    else if (c == 0x2b || c == 0x2d) v = 62;
    else if (c == 0x2f || c == 0x5f) v = 63;
    else if (c == 0x3d) {
      padding++;
      continue;
    } else if (c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09) continue;
    if (v < 0 || padding > 0) return null;
    acc = (acc << 6) | <u32>v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = <u8>(acc >> bits);
    }
  }
  if (bits >= 6) return null; // one dangling character: not base64
  return out.subarray(0, o);
}

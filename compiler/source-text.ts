// Bytes → source text: strict UTF-8, so a file that is not text is one diagnostic (E0011) at its first bad
// byte instead of silently checked replacement characters.

import type { Diagnostic } from '../grammar/diagnostic.ts';
import { notUtf8 } from './check/file-kind.ts';

export type DecodedSource = { readonly text: string } | { readonly text: string; readonly problem: Diagnostic };

/** The text of a file's bytes (TextDecoder drops a leading byte-order mark), or E0011 with the lossy text. */
export function decodeSource(bytes: Uint8Array): DecodedSource {
  const decoder = new TextDecoder('utf-8');
  const bad = firstInvalidUtf8(bytes);
  if (bad === undefined) return { text: decoder.decode(bytes) };
  const text = decoder.decode(bytes);
  return { text, problem: notUtf8(text, decoder.decode(bytes.subarray(0, bad)).length, bytes[bad]!) };
}

/** Offset of the first byte that breaks UTF-8 (overlongs, surrogates and truncation included), if any. */
export function firstInvalidUtf8(bytes: Uint8Array): number | undefined {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return undefined;
}


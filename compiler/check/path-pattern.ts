// Path patterns: JavaScript regexes (`u` flag) with Rust/Python `(?P<name>...)` groups normalised. Compiles
// them, finds the character where a broken one goes wrong, and lists its capture groups.

import type { PathPattern } from '../../grammar/ast.ts';
import type { Span } from '../../grammar/span.ts';

export interface CaptureGroup {
  readonly name: string;
  /** Span of the name inside the source (for go-to-definition and duplicate reports). */
  readonly span: Span;
}

export interface CompiledPath {
  /** The regex source as JavaScript spells it (`(?P<` → `(?<`). */
  readonly source: string;
  readonly named: readonly CaptureGroup[];
  /** Number of capturing groups, named or not (the range of `$1`..`$n`). */
  readonly groupCount: number;
}

export interface PathError {
  readonly message: string;
  /** The character where the pattern stops being a valid prefix of some regex. */
  readonly span: Span;
}

/** `(?P<name>` is Rust's and Python's spelling; JavaScript writes `(?<name>`. Same length minus one. */
export function normalisePathSource(text: string): string {
  return text.replace(/\(\?P</g, '(?<');
}

function compiles(source: string): string | undefined {
  try {
    new RegExp(source, 'u');
    return undefined;
  } catch (e) {
    const message = (e as Error).message;
    const colon = message.lastIndexOf(': ');
    const reason = colon >= 0 ? message.slice(colon + 2) : message;
    return reason.charAt(0).toLowerCase() + reason.slice(1);
  }
}

/** Offset in the original text of offset `i` of the normalised text (each `(?P<` lost one character). */
function originalOffset(text: string, i: number): number {
  let shift = 0;
  let at = text.indexOf('(?P<');
  while (at >= 0 && at - shift + 3 <= i) {
    shift++;
    at = text.indexOf('(?P<', at + 4);
  }
  return i + shift;
}

export function compilePath(path: PathPattern): { ok: CompiledPath } | { error: PathError } {
  const text = path.text;
  const source = normalisePathSource(text);
  const reason = compiles(source);
  if (reason !== undefined) {
    // The offending character follows the longest prefix that still compiles.
    let good = 0;
    if (source.length <= 512) {
      for (let k = source.length - 1; k >= 0; k--) {
        if (compiles(source.slice(0, k)) === undefined) {
          good = k;
          break;
        }
      }
    }
    const at = path.span.start + originalOffset(text, Math.min(good, source.length - 1));
    return { error: { message: reason, span: { start: at, end: at + 1 } } };
  }
  return { ok: { source, named: namedGroups(path), groupCount: countGroups(source) } };
}

function namedGroups(path: PathPattern): CaptureGroup[] {
  const out: CaptureGroup[] = [];
  const re = /\(\?P?<([A-Za-z_$][\w$]*)>/g;
  for (let m = re.exec(path.text); m; m = re.exec(path.text)) {
    if (isEscaped(path.text, m.index)) continue;
    const start = path.span.start + m.index + m[0].indexOf('<') + 1;
    out.push({ name: m[1]!, span: { start, end: start + m[1]!.length } });
  }
  return out;
}

function isEscaped(text: string, i: number): boolean {
  let slashes = 0;
  for (let j = i - 1; j >= 0 && text[j] === '\\'; j--) slashes++;
  return slashes % 2 === 1;
}

/** Capturing groups: `(` not escaped, not in a class, not `(?:`/lookaround (named groups count). */
function countGroups(source: string): number {
  let count = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') { i++; continue; }
    if (inClass) { if (c === ']') inClass = false; continue; }
    if (c === '[') { inClass = true; continue; }
    if (c !== '(') continue;
    if (source[i + 1] !== '?') count++;
    else if (source[i + 2] === '<' && source[i + 3] !== '=' && source[i + 3] !== '!') count++;
  }
  return count;
}

/** A path that matches every request path, so a route with it shadows every later sibling. */
export function matchesEverything(text: string | undefined): boolean {
  return text === undefined || /^\^?\/?\.\*\$?$/.test(text) || /^\^?\/\(\.\*\)\$?$/.test(text);
}

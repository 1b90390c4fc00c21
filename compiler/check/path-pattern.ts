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

/** Compile outcomes by source: a bundle repeats its paths across files, and `new RegExp` is the dear part. */
const compileCache = new Map<string, string | undefined>();

function compiles(source: string): string | undefined {
  if (compileCache.has(source)) return compileCache.get(source);
  if (compileCache.size > 10_000) compileCache.clear();
  const reason = compileReason(source);
  compileCache.set(source, reason);
  return reason;
}

function compileReason(source: string): string | undefined {
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

export function compilePath(path: PathPattern): { ok: CompiledPath } | { error: PathError; named: readonly CaptureGroup[] } {
  const text = path.text;
  const source = normalisePathSource(text);
  const named = namedGroups(path);
  const reason = compiles(source);
  if (reason === undefined) return { ok: { source, named, groupCount: countGroups(source) } };
  // A name used twice is the caller's E0114 (with both places), not a pattern that does not compile.
  if (hasDuplicateNames(named) && compiles(withUniqueGroupNames(source)) === undefined) {
    return { ok: { source, named, groupCount: countGroups(source) } };
  }
  const at = path.span.start + originalOffset(text, offendingIndex(source));
  return { error: { message: reason, span: { start: at, end: at + 1 } }, named };
}

/**
 * Where a pattern that does not compile goes wrong. If closing what is still open would make it compile,
 * the culprit is the innermost unclosed `[` or `(`; otherwise it is the character after the longest prefix
 * that some closing would make compile (so a bad escape inside a group is found, not the group's `(`).
 */
function offendingIndex(source: string): number {
  const open = openDelimiters(source);
  if (open && open.innermost >= 0 && compiles(source + open.completion) === undefined) return open.innermost;
  if (source.length > 512) return 0;
  for (let k = source.length - 1; k > 0; k--) {
    const prefix = source.slice(0, k);
    const o = openDelimiters(prefix);
    if (o && compiles(prefix + o.completion) === undefined) return k;
  }
  return 0;
}

/** The text that closes every class and group still open at the end of `source`, and the innermost opener. */
function openDelimiters(source: string): { completion: string; innermost: number } | undefined {
  const groups: number[] = [];
  let classStart = -1;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') { i++; continue; }
    if (classStart >= 0) { if (c === ']') classStart = -1; continue; }
    if (c === '[') classStart = i;
    else if (c === '(') groups.push(i);
    else if (c === ')' && groups.pop() === undefined) return undefined;
  }
  const completion = (classStart >= 0 ? ']' : '') + ')'.repeat(groups.length);
  return { completion, innermost: classStart >= 0 ? classStart : (groups[groups.length - 1] ?? -1) };
}

function hasDuplicateNames(named: readonly CaptureGroup[]): boolean {
  return new Set(named.map((g) => g.name)).size < named.length;
}

function withUniqueGroupNames(source: string): string {
  let k = 0;
  return source.replace(/\(\?<([A-Za-z_$][\w$]*)>/g, () => `(?<g${k++}>`);
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

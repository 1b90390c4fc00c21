// Points (SPEC §2) and select patterns (SPEC §8): parses their raw text into parts with precise spans,
// reporting E0402/E0407/E0603 at the offending characters and W0301 for Starlane's `${doc.bundle}/path`.

import type { PointRef } from '../../grammar/ast.ts';
import type { DiagnosticParts } from '../../grammar/diagnostic.ts';
import type { Span } from '../../grammar/span.ts';
import { type Reporter, replaceWith } from './report.ts';
import { closestMatch } from './suggest.ts';

// ---------------------------------------------------------------- results

export type SegmentKind = 'space' | 'base' | 'version' | 'dir' | 'file';

export interface PointSegment {
  readonly text: string;
  readonly span: Span;
  readonly kind: SegmentKind;
}

/** `${name}` (named) or `$1` (positional, bind/router captures only). */
export interface PointVariable {
  /** `doc.bundle`, `user`; the digit for a positional `$1`. */
  readonly name: string;
  /** The whole `${name}` or `$1`. */
  readonly span: Span;
  /** Just the name, for edits that rename it. */
  readonly nameSpan: Span;
  readonly positional: boolean;
}

export type RouteKind = 'local' | 'remote' | 'global' | 'domain' | 'tag' | 'variable';

export interface PointRoute {
  readonly text: string;
  readonly span: Span;
  readonly kind: RouteKind;
}

/** The `:/...` part, without the `:`: text starts with `/`. */
export interface PointPath {
  readonly text: string;
  readonly span: Span;
}

export interface ParsedPoint {
  readonly text: string;
  readonly span: Span;
  readonly route?: PointRoute;
  /** `ROOT` (then there are no segments). */
  readonly root: boolean;
  /** Space, bases, version, then the path's dirs and file, in order. */
  readonly segments: readonly PointSegment[];
  readonly version?: PointSegment;
  readonly filePath?: PointPath;
  readonly variables: readonly PointVariable[];
}

/** Variables every configuration document may use (SPEC §2). */
export const DOCUMENT_VARIABLES: ReadonlySet<string> = new Set(['doc', 'doc.bundle', 'self']);

const ROUTE_KEYWORDS: Readonly<Record<string, RouteKind>> = { LOCAL: 'local', REMOTE: 'remote', GLOBAL: 'global' };

const POINT_SHAPE_NOTE =
  'a point is `[route::]space{:base}[:version][:/path]`, e.g. `localhost:app`, `repo:hello:1.0.0:/wasm/hello.wasm`';

// ---------------------------------------------------------------- literal shapes shared with other checks

const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** `1.0.0`, `2.1.0-beta`, `1.0.0+build.5` (semver.org 2.0.0). */
export function isSemver(text: string): boolean {
  return SEMVER.test(text);
}

/** A close semver for a near miss (`1.0` → `1.0.0`, `v1.2.3` → `1.2.3`), if there is an obvious one. */
export function semverFix(text: string): string | undefined {
  const bare = text.replace(/^[vV]/, '');
  const parts = bare.split('.');
  if (parts.length === 0 || parts.length > 3 || !parts.every((p) => /^\d+$/.test(p))) {
    return bare !== text && isSemver(bare) ? bare : undefined;
  }
  const fixed = [...parts, '0', '0'].slice(0, 3).map((p) => String(Number(p))).join('.');
  return fixed !== text && isSemver(fixed) ? fixed : undefined;
}

/** `skewer-case`: `[a-z][a-z0-9-]*`. */
export function isSkewer(text: string): boolean {
  return /^[a-z][a-z0-9-]*$/.test(text);
}

/** `MyApp` → `my-app`, `my_app` → `my-app`: the skewer-case a user most likely meant. */
export function toSkewer(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[_\s.]+/g, '-')
    .toLowerCase()
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
}

// ---------------------------------------------------------------- scanning

// Character classes as code-point tests: points are checked in every bind stop, so this path stays cheap.
type CharTest = (c: number) => boolean;
const DOLLAR = 36;
const isLower: CharTest = (c) => c >= 97 && c <= 122;
const isDigit: CharTest = (c) => c >= 48 && c <= 57;
const isLowerOrDigit: CharTest = (c) => isLower(c) || isDigit(c);
/** `a-z 0-9 - .`: domain-like space names (`mechtron.io`). */
const isSpaceChar: CharTest = (c) => isLowerOrDigit(c) || c === 45 || c === 46;
/** `a-z 0-9 -`: skewer-case base names. */
const isBaseChar: CharTest = (c) => isLowerOrDigit(c) || c === 45;
/** `A-Z a-z 0-9 . _ -`: directory and file names. */
const isPathChar: CharTest = (c) => isLowerOrDigit(c) || (c >= 65 && c <= 90) || c === 45 || c === 46 || c === 95;
const isColonOrSlash: CharTest = (c) => c === 58 || c === 47;
const isSlash: CharTest = (c) => c === 47;
const isColonOrAngle: CharTest = (c) => c === 58 || c === 60;

/** A run of literal characters or one variable inside a segment; offsets are relative to the point text. */
type Piece =
  | { readonly kind: 'literal'; readonly start: number; readonly end: number }
  | { readonly kind: 'variable'; readonly start: number; readonly end: number; readonly variable: PointVariable };

interface RawSegment {
  readonly start: number;
  readonly end: number;
  readonly pieces: readonly Piece[];
}

/** Where a problem is and what to say; reported by the caller under its own code and message. */
interface Problem {
  readonly start: number;
  readonly end: number;
  readonly label: string;
  readonly parts?: DiagnosticParts;
  /** E0407 instead of the caller's code: a malformed version inside a point. */
  readonly version?: boolean;
}

function isProblem(x: unknown): x is Problem {
  return typeof x === 'object' && x !== null && 'label' in x;
}

/** Shared character-level reading of points and select patterns. */
class Scanner {
  readonly variables: PointVariable[] = [];

  constructor(
    readonly text: string,
    /** Offset of text[0] in the source. */
    readonly origin: number,
  ) {}

  span(start: number, end: number): Span {
    return { start: this.origin + start, end: this.origin + end };
  }

  /** Index of the first `::` outside `${ }`, or -1. */
  routeSeparator(): number {
    const t = this.text;
    let depth = 0;
    for (let i = 0; i + 1 < t.length; i++) {
      const c = t[i];
      if (c === '$' && t[i + 1] === '{') depth++;
      else if (c === '}' && depth > 0) depth--;
      else if (depth === 0 && c === ':' && t[i + 1] === ':') return i;
    }
    return -1;
  }

  /**
   * Reads one segment from `start` up to (not including) a character in `stops` or the end; variables become
   * pieces of their own (so `:` or `/` inside `${ }` never splits a segment).
   */
  segment(start: number, isStop: CharTest): RawSegment | Problem {
    const t = this.text;
    const pieces: Piece[] = [];
    let i = start;
    let literalStart = -1;
    while (i < t.length && !isStop(t.charCodeAt(i))) {
      if (t.charCodeAt(i) === DOLLAR) {
        if (literalStart >= 0) pieces.push({ kind: 'literal', start: literalStart, end: i });
        literalStart = -1;
        const v = this.variable(i);
        if (isProblem(v)) return v;
        pieces.push({ kind: 'variable', start: i, end: i + (v.span.end - v.span.start), variable: v });
        i += v.span.end - v.span.start;
        continue;
      }
      if (literalStart < 0) literalStart = i;
      i++;
    }
    if (literalStart >= 0) pieces.push({ kind: 'literal', start: literalStart, end: i });
    return { start, end: i, pieces };
  }

  /** `${name}` or `$1` at `start` (which holds `$`). */
  variable(start: number): PointVariable | Problem {
    const t = this.text;
    const next = t[start + 1];
    if (next !== undefined && next >= '1' && next <= '9') {
      const v = {
        name: next,
        span: this.span(start, start + 2),
        nameSpan: this.span(start + 1, start + 2),
        positional: true,
      };
      this.variables.push(v);
      return v;
    }
    if (next !== '{') {
      return {
        start,
        end: start + 1,
        label: 'expected `{` after `$`',
        parts: { notes: ['a variable is written `${name}`, e.g. `${doc.bundle}`'] },
      };
    }
    const close = t.indexOf('}', start + 2);
    if (close < 0) return { start, end: t.length, label: 'unclosed `${`: expected `}`' };
    const name = t.slice(start + 2, close);
    if (name === '') return { start, end: close + 1, label: 'expected a variable name between `${` and `}`' };
    // Named captures follow JavaScript's group names, so accept identifiers too: scope checks judge the name.
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) {
      return {
        start: start + 2,
        end: close,
        label: 'not a variable name',
        parts: { notes: ['variable names are lowercase words joined by `.` or `-`, e.g. `doc.bundle`'] },
      };
    }
    const v = {
      name,
      span: this.span(start, close + 1),
      nameSpan: this.span(start + 2, close),
      positional: false,
    };
    this.variables.push(v);
    return v;
  }
}

/** The text of a segment's literal pieces must fit `allowed`; the first literal character must fit `first`. */
function checkSegmentChars(
  scanner: Scanner,
  seg: RawSegment,
  role: string,
  allowed: CharTest,
  first: { readonly test: CharTest; readonly description: string } | undefined,
): Problem | undefined {
  const t = scanner.text;
  for (const piece of seg.pieces) {
    if (piece.kind !== 'literal') continue;
    for (let i = piece.start; i < piece.end; i++) {
      const c = t.charCodeAt(i);
      if (!allowed(c)) return badCharProblem(scanner, seg, role, i);
      if (i === seg.start && first && !first.test(c)) {
        return { start: i, end: i + 1, label: `${role} must start with ${first.description}` };
      }
    }
  }
  return undefined;
}

function badCharProblem(scanner: Scanner, seg: RawSegment, role: string, at: number): Problem {
  const c = scanner.text[at]!;
  const segText = scanner.text.slice(seg.start, seg.end);
  const fix = (label: string, replacement: string): Problem => ({
    start: at,
    end: at + 1,
    label,
    parts: {
      suggestions: [
        replaceWith(`did you mean \`${replacement}\`?`, scanner.span(seg.start, seg.end), replacement, false),
      ],
    },
  });
  const onlyLiterals = seg.pieces.every((p) => p.kind === 'literal');
  // Casing is a property of the whole segment, so underline all of it.
  if (/[A-Z]/.test(c) && onlyLiterals) {
    return { ...fix('not lowercase skewer-case', toSkewer(segText)), start: seg.start, end: seg.end };
  }
  if (c === '_' && onlyLiterals) return fix('`_` is not allowed in a point; use `-`', segText.replace(/_/g, '-'));
  if (c === '*') {
    return {
      start: at,
      end: at + 1,
      label: '`*` is not allowed in a point',
      parts: { notes: ['patterns with `*` and `**` belong in `select`'] },
    };
  }
  const shown = /\s/.test(c) ? 'whitespace' : `\`${c}\``;
  return { start: at, end: at + 1, label: `${shown} is not allowed in ${role}` };
}

// ---------------------------------------------------------------- points

/**
 * Parses a point per SPEC §2. Reports one diagnostic (E0402, or E0407 for a malformed version) at the first
 * mistake and returns undefined; W0301 (`${doc.bundle}/path`) is reported and the point still returned.
 */
export function parsePoint(ref: PointRef, reporter: Reporter): ParsedPoint | undefined {
  const scanner = new Scanner(ref.text, ref.span.start);
  const result = readPoint(scanner, ref, reporter);
  if (isProblem(result)) {
    reportPointProblem(scanner, ref, result, reporter);
    return undefined;
  }
  return result;
}

function reportPointProblem(scanner: Scanner, ref: PointRef, p: Problem, reporter: Reporter): void {
  const span = scanner.span(p.start, Math.max(p.end, p.start));
  if (p.version) {
    const text = ref.text.slice(p.start, p.end);
    reporter.report('E0407', `malformed version \`${text}\``, span, p.label, p.parts);
    return;
  }
  const notes = [...(p.parts?.notes ?? []), POINT_SHAPE_NOTE];
  reporter.report('E0402', `malformed point \`${ref.text}\``, span, p.label, { ...p.parts, notes });
}

/** The optional `route::` that starts points and select patterns, and where the rest begins. */
function readRoutePrefix(scanner: Scanner): { route: PointRoute | undefined; next: number } | Problem {
  const sep = scanner.routeSeparator();
  if (sep < 0) return { route: undefined, next: 0 };
  const route = readRoute(scanner, sep);
  return isProblem(route) ? route : { route, next: sep + 2 };
}

function readPoint(scanner: Scanner, ref: PointRef, reporter: Reporter): ParsedPoint | Problem {
  const text = scanner.text;
  if (text === '') return { start: 0, end: 0, label: 'expected a point' };
  const prefix = readRoutePrefix(scanner);
  if (isProblem(prefix)) return prefix;
  const { route, next: start } = prefix;
  if (route && start === text.length) return { start: start - 2, end: start, label: 'expected a point after the route `::`' };
  const rest = text.slice(start);
  if (rest === 'ROOT') return { text, span: ref.span, route, root: true, segments: [], variables: scanner.variables };
  if (rest.startsWith('ROOT:')) {
    return { start: start + 4, end: text.length, label: 'nothing may follow `ROOT`' };
  }
  const mesh = readMeshSegments(scanner, start, reporter);
  if (isProblem(mesh)) return mesh;
  const segments = mesh.segments;
  const last = segments[segments.length - 1];
  const version = last?.kind === 'version' ? last : undefined;
  let filePath: PointPath | undefined;
  if (mesh.pathStart !== undefined) {
    const path = readFilePath(scanner, mesh.pathStart, segments);
    if (isProblem(path)) return path;
    filePath = { text: text.slice(mesh.pathStart), span: scanner.span(mesh.pathStart, text.length) };
  }
  return { text, span: ref.span, route, root: false, segments, version, filePath, variables: scanner.variables };
}

function readRoute(scanner: Scanner, end: number): PointRoute | Problem {
  const text = scanner.text.slice(0, end);
  const span = scanner.span(0, end);
  const keyword = ROUTE_KEYWORDS[text];
  if (keyword) return { text, span, kind: keyword };
  if (/^\[[a-z][a-z0-9-]*\]$/.test(text)) return { text, span, kind: 'tag' };
  if (/^[a-z0-9][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)*$/.test(text)) return { text, span, kind: 'domain' };
  if (text.startsWith('$')) {
    const v = scanner.variable(0);
    if (isProblem(v)) return v;
    if (v.span.end - v.span.start === end && !v.positional) return { text, span, kind: 'variable' };
  }
  const close = closestMatch(text, Object.keys(ROUTE_KEYWORDS));
  return {
    start: 0,
    end,
    label: 'not a route',
    parts: {
      notes: ['a route is `LOCAL`, `REMOTE`, `GLOBAL`, a domain, a `[tag]` or a variable'],
      ...(close && { suggestions: [replaceWith(`did you mean \`${close}\`?`, span, close, false)] }),
    },
  };
}

interface MeshSegments {
  /** Appended to by readFilePath: one array per point. */
  readonly segments: PointSegment[];
  /** Index of the `/` that starts the file path, if any. */
  readonly pathStart: number | undefined;
}

/** `space{:base}[:version]` up to the end or the `/` of a `:/` path. */
function readMeshSegments(scanner: Scanner, start: number, reporter: Reporter): MeshSegments | Problem {
  const t = scanner.text;
  const segments: PointSegment[] = [];
  let i = start;
  for (;;) {
    const raw = scanner.segment(i, isColonOrSlash);
    if (isProblem(raw)) return raw;
    const seg = classifyMeshSegment(scanner, raw, segments);
    if (isProblem(seg)) return seg;
    segments.push(seg);
    i = raw.end;
    if (i === t.length) return { segments, pathStart: undefined };
    if (t[i] === '/') {
      // Only the bundle variables were written this way upstream (SPEC §2); elsewhere it is a plain mistake.
      const lone = raw.pieces.length === 1 && raw.pieces[0]!.kind === 'variable' && /^\$\{doc(\.bundle)?\}$/.test(t.slice(raw.start, raw.end));
      if (!lone) {
        return {
          start: i,
          end: i + 1,
          label: 'expected `:/` before a path',
          parts: { suggestions: [replaceWith('insert `:` before the path', scanner.span(i, i), ':', false)] },
        };
      }
      reportMissingPathColon(scanner, raw, i, reporter);
      return { segments, pathStart: i };
    }
    // t[i] is ':'
    if (t[i + 1] === '/') return { segments, pathStart: i + 1 };
    if (i + 1 === t.length) return { start: i, end: i + 1, label: 'expected a segment after `:`' };
    if (t[i + 1] === ':') return { start: i, end: i + 2, label: 'a route `::` may only come first' };
    i++;
  }
}

/** W0301: Starlane wrote `${doc.bundle}/wasm/x.wasm`; v1 wants `${doc.bundle}:/wasm/x.wasm`. */
function reportMissingPathColon(scanner: Scanner, raw: RawSegment, slash: number, reporter: Reporter): void {
  const variable = scanner.text.slice(raw.start, raw.end);
  reporter.report(
    'W0301',
    `missing \`:\` between \`${variable}\` and its path`,
    scanner.span(slash, slash + 1),
    'expected `:/` here',
    {
      notes: [`Starlane accepted \`${variable}/path\`; v1 writes \`${variable}:/path\``],
      suggestions: [replaceWith('insert `:`', scanner.span(slash, slash), ':')],
    },
  );
}

function classifyMeshSegment(scanner: Scanner, raw: RawSegment, before: readonly PointSegment[]): PointSegment | Problem {
  const text = scanner.text.slice(raw.start, raw.end);
  const span = scanner.span(raw.start, raw.end);
  if (text === '') {
    const what = before.length === 0 ? 'a space name' : 'a segment name';
    return { start: raw.start, end: Math.min(raw.start + 1, scanner.text.length), label: `expected ${what}` };
  }
  const previous = before[before.length - 1];
  if (previous?.kind === 'version') {
    return {
      start: raw.start - 1,
      end: raw.end,
      label: 'only `:/` may follow a version',
      parts: { notes: ['a bundle version ends the point; its contents follow `:/`, e.g. `repo:hello:1.0.0:/wasm/hello.wasm`'] },
    };
  }
  if (before.length === 0) {
    const bad = checkSegmentChars(scanner, raw, 'a space name', isSpaceChar, {
      test: isLowerOrDigit,
      description: 'a letter or digit',
    });
    if (bad) return bad;
    return { text, span, kind: 'space' };
  }
  // A digit can only start a version here (bases start with a letter): `1.0` is a malformed version, `2fa` a bad base.
  const literalOnly = raw.pieces.length === 1 && raw.pieces[0]!.kind === 'literal';
  if (literalOnly && isDigit(text.charCodeAt(0)) && (text.includes('.') || /^\d+$/.test(text))) {
    return versionSegment(raw, text, span);
  }
  const bad = checkSegmentChars(scanner, raw, 'a base name', isBaseChar, { test: isLower, description: 'a letter' });
  if (bad) return bad;
  return { text, span, kind: 'base' };
}

function versionSegment(raw: RawSegment, text: string, span: Span): PointSegment | Problem {
  if (isSemver(text)) return { text, span, kind: 'version' };
  const fix = semverFix(text);
  return {
    start: raw.start,
    end: raw.end,
    version: true,
    label: 'expected `major.minor.patch`',
    parts: {
      notes: ['versions are semver: `1.0.0`, `2.1.0-beta`'],
      ...(fix && { suggestions: [replaceWith(`did you mean \`${fix}\`?`, span, fix, false)] }),
    },
  };
}

/** `/{dir/}[file]` from `start` (which holds the `/`) to the end, appending to `segments`. */
function readFilePath(scanner: Scanner, start: number, segments: PointSegment[]): undefined | Problem {
  const t = scanner.text;
  let i = start + 1;
  while (i < t.length) {
    const raw = scanner.segment(i, isSlash);
    if (isProblem(raw)) return raw;
    const text = t.slice(raw.start, raw.end);
    if (text === '') return { start: i, end: i + 1, label: 'empty path segment: `//`' };
    const bad = checkSegmentChars(scanner, raw, 'a file path', isPathChar, undefined);
    if (bad) return bad;
    const isDir = raw.end < t.length;
    segments.push({ text, span: scanner.span(raw.start, raw.end), kind: isDir ? 'dir' : 'file' });
    i = raw.end + 1;
  }
  return undefined;
}

// ---------------------------------------------------------------- variables in scope

export interface VariableCheckOptions {
  /** Leave positional `$n` to the caller (bind checks report those as E0116). */
  readonly skipPositional?: boolean;
}

/** Starlane 0.2's names for what v1 calls `${doc.bundle}` and friends. */
const LEGACY_VARIABLES: Readonly<Record<string, string>> = {
  'self.config.bundle': 'doc.bundle',
  'self.bundle': 'doc.bundle',
};

/**
 * Reports every variable of `point` that is not in `allowed` under `code` (E0106 in bind/router stops, E0405
 * elsewhere), listing the names in scope and suggesting the nearest one. Returns how many it reported.
 */
export function checkPointVariables(
  point: Pick<ParsedPoint, 'variables'>,
  allowed: ReadonlySet<string>,
  reporter: Reporter,
  code: string,
  options: VariableCheckOptions = {},
): number {
  let count = 0;
  for (const v of point.variables) {
    if (v.positional && options.skipPositional) continue;
    const key = v.positional ? `$${v.name}` : v.name;
    if (allowed.has(key)) continue;
    count++;
    const written = v.positional ? `$${v.name}` : `\${${v.name}}`;
    const inScope = [...allowed].map((n) => (n.startsWith('$') ? `\`${n}\`` : `\`\${${n}}\``));
    const notes = [inScope.length > 0 ? `in scope here: ${inScope.join(', ')}` : 'no variables are in scope here'];
    const replacement = v.positional ? undefined : (LEGACY_VARIABLES[v.name] ?? closestMatch(v.name, allowed));
    const suggestions =
      replacement !== undefined && allowed.has(replacement)
        ? [replaceWith(`did you mean \`\${${replacement}}\`?`, v.nameSpan, replacement, false)]
        : [];
    reporter.report(code, `unknown variable \`${written}\``, v.span, 'not in scope here', { notes, suggestions });
  }
  return count;
}

// ---------------------------------------------------------------- select patterns

export type SelectorSegmentKind = 'exact' | 'any' | 'recursive' | 'version' | 'range' | 'variable';

export interface SelectorSegment {
  readonly text: string;
  readonly span: Span;
  readonly kind: SelectorSegmentKind;
  /** `<Mechtron>` written right after the segment: the text between the brackets, for checkKind. */
  readonly kindSelector?: { readonly text: string; readonly span: Span };
}

export interface ParsedSelector {
  readonly text: string;
  readonly span: Span;
  readonly route?: PointRoute;
  readonly segments: readonly SelectorSegment[];
  /** A trailing `:/path` glob (`*` and `**` allowed). */
  readonly filePath?: PointPath;
  readonly variables: readonly PointVariable[];
}

const SELECT_NOTE =
  'a select pattern is segments joined by `:`, each a name, `*` (one level) or `**` (any depth), optionally with `<Kind>`; versions may be ranges `(^1.0.0)`';

/** Parses a `select` pattern (`localhost:**`, `**`, `localhost:app:*`, `repo:hello:(^1.0.0)`); E0603 on error. */
export function parseSelectPattern(ref: PointRef, reporter: Reporter): ParsedSelector | undefined {
  const scanner = new Scanner(ref.text, ref.span.start);
  const result = readSelector(scanner, ref);
  if (isProblem(result)) {
    const notes = [...(result.parts?.notes ?? []), SELECT_NOTE];
    const span = scanner.span(result.start, result.end);
    reporter.report('E0603', `malformed select pattern \`${ref.text}\``, span, result.label, { ...result.parts, notes });
    return undefined;
  }
  return result;
}

function readSelector(scanner: Scanner, ref: PointRef): ParsedSelector | Problem {
  const t = scanner.text;
  if (t === '') return { start: 0, end: 0, label: 'expected a pattern' };
  const prefix = readRoutePrefix(scanner);
  if (isProblem(prefix)) return prefix;
  const route = prefix.route;
  let i = prefix.next;
  const segments: SelectorSegment[] = [];
  let filePath: PointPath | undefined;
  for (;;) {
    const seg = readSelectorSegment(scanner, i);
    if (isProblem(seg)) return seg;
    segments.push(seg.segment);
    i = seg.end;
    if (i === t.length) break;
    if (t[i] !== ':') return { start: i, end: i + 1, label: 'expected `:` between segments' };
    if (t[i + 1] === '/') {
      const path = readSelectorPath(scanner, i + 1);
      if (isProblem(path)) return path;
      filePath = path;
      break;
    }
    if (i + 1 === t.length) return { start: i, end: i + 1, label: 'expected a segment after `:`' };
    i++;
  }
  return {
    text: t,
    span: ref.span,
    ...(route && { route }),
    segments,
    ...(filePath && { filePath }),
    variables: scanner.variables,
  };
}

const RANGE = /^\((\^|~|=|>=|<=|>|<)?([^()\s]+)\)$/;

function readSelectorSegment(
  scanner: Scanner,
  start: number,
): { segment: SelectorSegment; end: number } | Problem {
  const t = scanner.text;
  let end: number;
  if (t[start] === '(') {
    const close = t.indexOf(')', start);
    if (close < 0) return { start, end: t.length, label: 'unclosed version range: expected `)`' };
    end = close + 1;
  } else {
    const raw = scanner.segment(start, isColonOrAngle);
    if (isProblem(raw)) return raw;
    end = raw.end;
  }
  const text = t.slice(start, end);
  const span = scanner.span(start, end);
  const kind = selectorSegmentKind(scanner, text, start, end);
  if (isProblem(kind)) return kind;
  if (t[end] !== '<') return { segment: { text, span, kind }, end };
  const close = matchingAngle(t, end);
  if (close < 0) return { start: end, end: t.length, label: 'unclosed kind selector: expected `>`' };
  const kindSelector = { text: t.slice(end + 1, close), span: scanner.span(end + 1, close) };
  if (kindSelector.text === '') return { start: end, end: close + 1, label: 'expected a kind between `<` and `>`' };
  return { segment: { text, span, kind, kindSelector }, end: close + 1 };
}

function selectorSegmentKind(scanner: Scanner, text: string, start: number, end: number): SelectorSegmentKind | Problem {
  if (text === '') return { start, end: start + 1, label: 'expected a segment' };
  if (text === '*') return 'any';
  if (text === '**') return 'recursive';
  if (text.startsWith('(')) {
    const m = RANGE.exec(text);
    if (m && isSemver(m[2]!)) return 'range';
    const fix = m && semverFix(m[2]!);
    return {
      start,
      end,
      label: 'not a version range',
      parts: {
        notes: ['a version range is a semver with an optional `^`, `~`, `=`, `>`, `>=`, `<`, `<=`: `(^1.0.0)`'],
        ...(fix && { suggestions: [replaceWith(`did you mean \`(${m[1] ?? ''}${fix})\`?`, scanner.span(start, end), `(${m[1] ?? ''}${fix})`, false)] }),
      },
    };
  }
  if (/^\$\{[^}]*\}$/.test(text)) return 'variable';
  if (/^\d/.test(text) && isSemver(text)) return 'version';
  if (text.includes('*')) {
    return {
      start,
      end,
      label: '`*` must be a whole segment',
      parts: { notes: ['write `*` for one level or `**` for any depth'] },
    };
  }
  if (/^[a-z0-9][a-z0-9.-]*$/.test(text)) return 'exact';
  const bad = /[^a-z0-9.-]/.exec(text);
  const at = start + (bad?.index ?? 0);
  return { start: at, end: at + 1, label: 'not allowed in a select pattern' };
}

function matchingAngle(t: string, open: number): number {
  let depth = 0;
  for (let i = open; i < t.length; i++) {
    if (t[i] === '<') depth++;
    else if (t[i] === '>' && --depth === 0) return i;
  }
  return -1;
}

function readSelectorPath(scanner: Scanner, start: number): PointPath | Problem {
  const t = scanner.text;
  for (let i = start; i < t.length; i++) {
    if (t[i] === '$') {
      const v = scanner.variable(i);
      if (isProblem(v)) return v;
      i += v.span.end - v.span.start - 1;
      continue;
    }
    if (!/[A-Za-z0-9._\-/*]/.test(t[i]!)) return { start: i, end: i + 1, label: 'not allowed in a path pattern' };
  }
  return { text: t.slice(start), span: scanner.span(start, t.length) };
}

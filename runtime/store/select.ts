// `select` patterns (SPEC §8) compiled for the store: a SQL filter that narrows the rows through the indexes
// (exact leading segments → a key range on the primary key, the last segment's `<Kind>` → the kind index,
// segment count → depth), then a matcher over the candidate keys for what SQL cannot say (inner `*`, `**`,
// version ranges, kind selectors on inner segments).

import { parseSelectPattern, isSemver, type SelectorSegment } from '../../compiler/check/point.ts';
import { Reporter } from '../../compiler/check/report.ts';
import { resolveKindText, splitKey, ancestorKey } from './points.ts';
import { fail, ok, type Result } from './types.ts';

export interface KindFilter {
  readonly base: string;
  /** Only when the selector names a sub-kind: `<File<Dir>>`. */
  readonly sub?: string;
}

type Match =
  | { readonly match: 'exact'; readonly text: string }
  | { readonly match: 'any' }
  | { readonly match: 'recursive' }
  | { readonly match: 'range'; readonly op: string; readonly version: string }
  | { readonly match: 'glob'; readonly re: RegExp };

export type PatternSegment = Match & { readonly kind?: KindFilter };

export interface CompiledSelect {
  readonly segments: readonly PatternSegment[];
  /** SQL conditions on `particles` and their parameters. */
  readonly where: string;
  readonly params: readonly (string | number)[];
  /** False when SQL alone selects exactly the right rows (no matcher needed). */
  readonly needsMatcher: boolean;
}

interface Segments {
  readonly segments: readonly PatternSegment[];
  /** How many of them come before the `:/path` glob. */
  readonly meshCount: number;
}

/**
 * Compiles a pattern. `*` matches one segment and `**` one or more, whether the segment is a name, a version
 * or a path segment (`localhost:files:**` lists the files too); a `:/glob` adds path segments.
 */
export function compileSelect(pattern: string, extraKind?: string): Result<CompiledSelect> {
  const reporter = new Reporter();
  const parsed = parseSelectPattern({ text: pattern, span: { start: 0, end: pattern.length } }, reporter);
  if (!parsed) {
    const d = reporter.diagnostics[0];
    return fail('E0603', d ? `${d.message}: ${d.primary.label}` : `malformed select pattern \`${pattern}\``);
  }
  if (parsed.route) return fail('E0603', `select pattern \`${pattern}\` has a route; this store holds local particles only`);
  if (parsed.variables.length > 0) return fail('E0603', `select pattern \`${pattern}\` has variables; substitute them first`);
  const segments: PatternSegment[] = [];
  for (const s of parsed.segments) {
    const seg = patternSegment(s);
    if (!seg.ok) return seg;
    segments.push(seg.value);
  }
  if (parsed.filePath) {
    const parts = parsed.filePath.text.split('/').filter((p) => p !== '');
    for (const p of parts) segments.push(globSegment(p));
  }
  if (extraKind !== undefined) {
    const k = kindFilter(extraKind);
    if (!k.ok) return k;
    const last = segments[segments.length - 1]!;
    if (last.kind && (last.kind.base !== k.value.base || (k.value.sub && last.kind.sub && last.kind.sub !== k.value.sub))) {
      return ok({ segments, where: '0', params: [], needsMatcher: false }); // contradictory: nothing matches
    }
    segments[segments.length - 1] = { ...last, kind: { base: k.value.base, ...((k.value.sub ?? last.kind?.sub) && { sub: k.value.sub ?? last.kind?.sub }) } };
  }
  return ok(toSql({ segments, meshCount: parsed.segments.length }));
}

function patternSegment(s: SelectorSegment): Result<PatternSegment> {
  let kind: KindFilter | undefined;
  if (s.kindSelector) {
    const k = kindFilter(s.kindSelector.text);
    if (!k.ok) return k;
    kind = k.value;
  }
  const base = ((): Match | undefined => {
    switch (s.kind) {
      case 'exact':
      case 'version':
        return { match: 'exact', text: s.text };
      case 'any':
        return { match: 'any' };
      case 'recursive':
        return { match: 'recursive' };
      case 'range': {
        const m = /^\((\^|~|=|>=|<=|>|<)?([^()\s]+)\)$/.exec(s.text)!;
        return { match: 'range', op: m[1] ?? '=', version: m[2]! };
      }
      case 'variable':
        return undefined; // refused above
    }
  })();
  if (!base) return fail('E0603', `segment \`${s.text}\` cannot be selected`);
  return ok(kind ? { ...base, kind } : base);
}

function globSegment(p: string): PatternSegment {
  if (p === '*') return { match: 'any' };
  if (p === '**') return { match: 'recursive' };
  if (!p.includes('*')) return { match: 'exact', text: p };
  const re = new RegExp(`^${p.split('*').map(escapeRegex).join('[^/]*')}$`);
  return { match: 'glob', re };
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function kindFilter(text: string): Result<KindFilter> {
  const k = resolveKindText(text);
  if (!k.ok) return fail('E0603', `${k.error.message} in a select pattern`);
  return ok(k.value.sub ? { base: k.value.base, sub: k.value.sub } : { base: k.value.base });
}

function toSql({ segments, meshCount }: Segments): CompiledSelect {
  const where: string[] = [];
  const params: (string | number)[] = [];
  const recursive = segments.filter((s) => s.match === 'recursive').length;
  where.push(recursive > 0 ? 'depth >= ?' : 'depth = ?');
  params.push(segments.length);
  // Leading exact segments without kind selectors: a key range (or one key when the pattern is exact).
  let n = 0;
  while (n < segments.length && segments[n]!.match === 'exact' && !segments[n]!.kind) n++;
  const texts = segments.slice(0, n).map((s) => (s as { text: string }).text);
  const prefix = texts.length <= meshCount ? texts.join(':') : `${texts.slice(0, meshCount).join(':')}:/${texts.slice(meshCount).join('/')}`;
  if (n === segments.length && n > 0) {
    where.push('point = ?');
    params.push(prefix);
  } else if (n > 0) {
    // Keys below `a:b` continue with `:` (a name, or `:/` and a path); keys below `a:b:/dir` continue with `/`.
    const next = n > meshCount ? '/' : ':';
    where.push('point > ? AND point < ?');
    params.push(`${prefix}${next}`, `${prefix}${next}\u{10FFFF}`);
  }
  const last = segments[segments.length - 1]!;
  let needsMatcher = segments.some((s, i) => i >= n && s.match !== 'any' && s.match !== 'recursive');
  needsMatcher ||= segments.slice(n, -1).some((s) => s.kind !== undefined);
  // A `**` before other segments needs the matcher to place them; a trailing one does not.
  needsMatcher ||= segments.some((s, i) => s.match === 'recursive' && i !== segments.length - 1);
  needsMatcher ||= recursive > 1;
  if (last.kind) {
    where.push('base_kind = ?');
    params.push(last.kind.base);
    if (last.kind.sub) {
      where.push('sub_kind = ?');
      params.push(last.kind.sub);
    }
  }
  return { segments, where: where.join(' AND '), params, needsMatcher };
}

/** Whether `key` (with its ancestors' kinds from `kindOf`) matches the compiled segments. */
export function matchesKey(
  compiled: CompiledSelect,
  key: string,
  kindOfRow: KindFilter,
  kindOf: (ancestor: string) => KindFilter | undefined,
): boolean {
  const segs = splitKey(key);
  const pattern = compiled.segments;
  const kindAt = (i: number): KindFilter | undefined => (i === segs.length - 1 ? kindOfRow : kindOf(ancestorKey(key, i + 1)));
  const fits = (k: KindFilter | undefined, want: KindFilter): boolean =>
    k !== undefined && k.base === want.base && (want.sub === undefined || k.sub === want.sub);
  const go = (p: number, s: number): boolean => {
    if (p === pattern.length) return s === segs.length;
    if (s === segs.length) return false;
    const seg = pattern[p]!;
    if (seg.match === 'recursive') {
      for (let end = s + 1; end <= segs.length; end++) {
        if (seg.kind && !fits(kindAt(end - 1), seg.kind)) continue;
        if (go(p + 1, end)) return true;
      }
      return false;
    }
    if (!segmentMatches(seg, segs[s]!)) return false;
    if (seg.kind && !fits(kindAt(s), seg.kind)) return false;
    return go(p + 1, s + 1);
  };
  return go(0, 0);
}

function segmentMatches(seg: PatternSegment, text: string): boolean {
  switch (seg.match) {
    case 'exact':
      return seg.text === text;
    case 'any':
    case 'recursive':
      return true;
    case 'glob':
      return seg.re.test(text);
    case 'range':
      return isSemver(text) && inRange(text, seg.op, seg.version);
  }
}

// ---------------------------------------------------------------- semver ranges

type Version = readonly [number, number, number, string];

function parseVersion(v: string): Version {
  const [core, pre = ''] = v.split('+')[0]!.split(/-(.*)/s);
  const [a, b, c] = core!.split('.').map(Number);
  return [a!, b!, c!, pre];
}

function compareVersions(x: Version, y: Version): number {
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  if (x[3] === y[3]) return 0;
  if (x[3] === '') return 1; // a release ranks above its pre-releases
  if (y[3] === '') return -1;
  return x[3] < y[3] ? -1 : 1;
}

/** npm's meanings: `^1.2.3` <2.0.0 (`^0.2.3` <0.3.0), `~1.2.3` <1.3.0, and the comparisons. */
export function inRange(text: string, op: string, version: string): boolean {
  const v = parseVersion(text);
  const r = parseVersion(version);
  const c = compareVersions(v, r);
  switch (op) {
    case '=':
      return c === 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '~':
      return c >= 0 && v[0] === r[0] && v[1] === r[1];
    case '^':
      if (c < 0) return false;
      if (r[0] > 0) return v[0] === r[0];
      if (r[1] > 0) return v[0] === 0 && v[1] === r[1];
      return v[0] === 0 && v[1] === 0 && v[2] === r[2];
    default:
      return false;
  }
}

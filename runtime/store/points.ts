// Points as the store keys them: parsed with the compiler's parsePoint, then written in one canonical text
// (`space:base:1.0.0:/dir/file`, a directory without its trailing `/`), with its depth and its parent's key.

import { parseKindText, checkKind, type ResolvedKind } from '../../compiler/check/kind.ts';
import { parsePoint, type PointSegment } from '../../compiler/check/point.ts';
import { Reporter } from '../../compiler/check/report.ts';
import { fail, ok, type Result } from './types.ts';

export const ROOT = 'ROOT';

export interface StorePoint {
  /** Canonical text: the key in the store. */
  readonly key: string;
  /** Segments (space, bases, version, path segments): ROOT has none. */
  readonly segments: readonly PointSegment[];
  readonly depth: number;
  /** Structural parent: one segment up; `ROOT` for one segment; undefined for ROOT. */
  readonly parent: string | undefined;
  /** The point without its `:/path`, when it has one (the FileStore or Bundle that holds it). */
  readonly meshOwner: string | undefined;
}

/** Parses `text` as a concrete point: no variables, no route (the local store holds local particles). */
export function parseStorePoint(text: string): Result<StorePoint> {
  const reporter = new Reporter();
  const parsed = parsePoint({ text, span: { start: 0, end: text.length } }, reporter);
  const firstError = reporter.diagnostics.find((d) => d.severity === 'error');
  if (!parsed || firstError) {
    const d = firstError ?? reporter.diagnostics[0];
    return fail('E0402', d ? `malformed point \`${text}\`: ${d.primary.label}` : `malformed point \`${text}\``);
  }
  if (parsed.variables.length > 0) {
    return fail('E0402', `\`${text}\` has variables; the store takes concrete points only`);
  }
  if (parsed.route) return fail('E0402', `\`${text}\` has a route \`${parsed.route.text}::\`; this store holds local particles only`);
  if (parsed.root) return ok({ key: ROOT, segments: [], depth: 0, parent: undefined, meshOwner: undefined });
  const segments = parsed.segments;
  const key = keyOf(segments);
  const pathStart = segments.findIndex(isPathSegment);
  const meshOwner = pathStart > 0 ? keyOf(segments.slice(0, pathStart)) : undefined;
  const parent = segments.length === 1 ? ROOT : keyOf(segments.slice(0, -1));
  return ok({ key, segments, depth: segments.length, parent, meshOwner });
}

function isPathSegment(s: PointSegment): boolean {
  return s.kind === 'dir' || s.kind === 'file';
}

function keyOf(segments: readonly PointSegment[]): string {
  const mesh: string[] = [];
  const path: string[] = [];
  for (const s of segments) (isPathSegment(s) ? path : mesh).push(s.text);
  return path.length === 0 ? mesh.join(':') : `${mesh.join(':')}:/${path.join('/')}`;
}

/** The segments of a canonical key, without re-parsing: mesh segments split on `:`, path ones on `/`. */
export function splitKey(key: string): string[] {
  if (key === ROOT) return [];
  const at = key.indexOf(':/');
  if (at < 0) return key.split(':');
  return [...key.slice(0, at).split(':'), ...key.slice(at + 2).split('/')];
}

/** The key of the ancestor made of the first `n` segments of `key`. */
export function ancestorKey(key: string, n: number): string {
  const segs = splitKey(key);
  const at = key.indexOf(':/');
  const meshCount = at < 0 ? segs.length : key.slice(0, at).split(':').length;
  const mesh = segs.slice(0, Math.min(n, meshCount)).join(':');
  return n <= meshCount ? mesh : `${mesh}:/${segs.slice(meshCount, n).join('/')}`;
}

/** Resolves kind text (`Mechtron`, `File<Dir>`, `FileSystem`) with the compiler's table and diagnostics. */
export function resolveKindText(text: string): Result<ResolvedKind> {
  const ref = parseKindText(text, 0);
  if (!ref) return fail('E0401', `malformed kind \`${text}\``);
  const reporter = new Reporter();
  const kind = checkKind(ref, reporter);
  const problem = reporter.diagnostics.find((d) => d.severity === 'error');
  if (!kind || problem) {
    const d = problem!;
    const help = d.suggestions[0]?.message;
    const code = (['E0401', 'E0403', 'E0404'] as const).find((c) => c === d.code) ?? 'E0401';
    return fail(code, help ? `${d.message}: ${help}` : d.message);
  }
  return ok(kind);
}

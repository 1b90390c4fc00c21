// Incremental diagnostics for large bind and router documents: an edit inside one top-level scope re-checks
// only that scope, so change → diagnostics stays fast on a 5,000-line file (bar B3: p50 ≤ 25 ms).
//
// Why the result equals `starc check`'s: after a clean parse (no syntax diagnostic at all), a top-level scope
// is parsed and checked independently of its siblings: each ends at its own `;` or `}`, the lexer's context
// resets there, and the checker walks each top-level scope from the same empty context. The one finding
// across siblings, W0103 (unreachable route), is recomputed for the whole top level from the scopes'
// selectors. The edited scope is re-parsed in a compact text: the header, one space, that scope, one space and
// what follows the root's body; its spans are mapped back to the document's offsets (the lexer sees the same
// tokens in the same context, and no diagnostic reads an absolute position), so a keystroke costs the
// scope's size, not the file's. The fast path is taken only when the edited scope still parses clean as
// exactly one scope over exactly the edited region; otherwise the whole document is checked (and the state
// rebuilt when it parses clean). The top-level W0103 list is reused, shifted, when the edited scope's
// selector is unchanged (an edit inside a route's pipeline or a block's body cannot change which top-level
// route shadows which). test/lsp-incremental.test.ts compares both paths on random edits.

import type { BindDocument, Scope } from '../../grammar/ast.ts';
import type { Diagnostic } from '../../grammar/diagnostic.ts';
import type { Span } from '../../grammar/span.ts';
import { parseDocument } from '../../grammar/parser.ts';
import type { BundleFiles } from '../../compiler/bundle/bundle-files.ts';
import { checkArtifacts } from '../../compiler/bundle/check-artifacts.ts';
import { checkFile } from '../../compiler/check-file.ts';
import { checkDocument } from '../../compiler/check/document.ts';
import { Reporter } from '../../compiler/check/report.ts';
import { sortByPosition } from '../../compiler/diagnostics/render.ts';
import type { ChangedRegion, OpenDocument } from '../workspace/document.ts';
import type { Frame } from './cursor-context.ts';
import type { RestartPoint } from '../services/completion.ts';

/** Below this size a whole check is as fast as bookkeeping. */
export const INCREMENTAL_MIN_LENGTH = 32_000;

interface TopScope {
  readonly span: Span;
  /** What W0103 needs of it: its selector (spans as in the current text) and whether it is a route. */
  readonly skeleton: Scope;
  /** Its diagnostics other than top-level W0103. */
  readonly diagnostics: readonly Diagnostic[];
}

interface State {
  readonly text: string;
  readonly bundle: BundleFiles | undefined;
  /** Where the root's body starts (after `{`) and its closing `}`. */
  readonly bodyStart: number;
  readonly bodyEnd: number;
  /** Header diagnostics (E0002, E0003, E0010). */
  readonly header: readonly Diagnostic[];
  readonly scopes: readonly TopScope[];
  /** The top-level W0103 findings, when known for this text (recomputed from the skeletons otherwise). */
  readonly unreachable: readonly Diagnostic[] | undefined;
}

const states = new Map<string, State>();

/** The diagnostics of `doc` by the incremental path, or undefined when it does not apply (use `checkFile`). */
export function incrementalDiagnostics(doc: OpenDocument, bundle: BundleFiles | undefined): Diagnostic[] | undefined {
  if ((doc.kind !== 'bind' && doc.kind !== 'router') || doc.text.length < INCREMENTAL_MIN_LENGTH) {
    states.delete(doc.key);
    return undefined;
  }
  const previous = states.get(doc.key);
  const fast = previous && previous.bundle === bundle ? recheckOneScope(previous, doc.text, doc.kind, bundle, doc.changed) : undefined;
  if (fast) {
    const complete = withUnreachable(fast, previous);
    states.set(doc.key, complete);
    return collect(complete);
  }
  const full = fullState(doc.text, doc.kind, bundle);
  if (!full) {
    states.delete(doc.key);
    return sortByPosition(checkFile(doc.path ?? `untitled.${doc.kind}`, doc.text, bundle));
  }
  const complete = withUnreachable(full);
  states.set(doc.key, complete);
  return collect(complete);
}

export function forgetIncrementalState(key: string): void {
  states.delete(key);
}

/** A whole check that also records the state; undefined when the text does not parse clean. */
function fullState(text: string, kind: 'bind' | 'router', bundle: BundleFiles | undefined): State | undefined {
  const { ast, diagnostics: syntax } = parseDocument(text, kind);
  if (syntax.length > 0 || ast.legacy || ast.kind !== 'BindDocument' || !ast.header) return undefined;
  // checkSource's clean path (no syntax diagnostic): the document's checks, then the bundle's.
  const artifacts = new Reporter();
  if (bundle) checkArtifacts(ast, bundle, artifacts);
  const all = [...checkDocument(ast, false), ...artifacts.diagnostics];
  const body = ast.body;
  const bodyStart = text.indexOf('{', ast.header.span.end) + 1;
  const bodyEnd = text.lastIndexOf('}');
  if (bodyStart <= 0 || bodyEnd < bodyStart) return undefined;
  const header: Diagnostic[] = [];
  const buckets = body.map(() => [] as Diagnostic[]);
  const selectorStarts = new Set(body.map((s) => s.selector.span.start));
  for (const d of all) {
    if (d.code === 'W0103' && selectorStarts.has(d.primary.span.start)) continue; // recomputed
    const k = scopeAt(body, d.primary.span.start);
    if (k >= 0) buckets[k]!.push(d);
    else header.push(d);
  }
  const scopes = body.map((s, k) => ({ span: s.span, skeleton: skeletonOf(s, identity), diagnostics: buckets[k]! }));
  return { text, bundle, bodyStart, bodyEnd, header, scopes, unreachable: undefined };
}

/** The index of the scope (sorted, disjoint) whose span holds `at`, or -1. */
function scopeAt(scopes: readonly { span: Span }[], at: number): number {
  let lo = 0;
  let hi = scopes.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const span = scopes[mid]!.span;
    if (at < span.start) hi = mid - 1;
    else if (at >= span.end) lo = mid + 1;
    else return mid;
  }
  return -1;
}

function recheckOneScope(state: State, text: string, kind: 'bind' | 'router', bundle: BundleFiles | undefined, changed: ChangedRegion | undefined): State | undefined {
  const old = state.text;
  // The changed region: the edit's, when it was made to this state's text; else the common prefix and suffix.
  let a: number;
  let oldEnd: number;
  if (changed && changed.before === old) {
    a = changed.start;
    oldEnd = changed.oldEnd;
  } else {
    a = 0;
    const max = Math.min(old.length, text.length);
    while (a < max && old.charCodeAt(a) === text.charCodeAt(a)) a++;
    oldEnd = old.length;
    let newEnd = text.length;
    while (oldEnd > a && newEnd > a && old.charCodeAt(oldEnd - 1) === text.charCodeAt(newEnd - 1)) {
      oldEnd--;
      newEnd--;
    }
  }
  const delta = text.length - old.length;
  if (delta === 0 && a === old.length) return state;
  // The scope holding the edit (an insertion right after a scope's end belongs to it).
  let k = scopeAt(state.scopes, a);
  if (k < 0 && a > 0) k = scopeAt(state.scopes, a - 1);
  if (k < 0 || oldEnd > state.scopes[k]!.span.end) return undefined;
  const target = state.scopes[k]!;
  const chunk = { start: target.span.start, end: target.span.end + delta };
  const bodyEnd = state.bodyEnd + delta;
  // The header, the edited scope and the end of the document, each whitespace-separated as in the document.
  const at = state.bodyStart + 1;
  const length = chunk.end - chunk.start;
  const compact = `${text.slice(0, state.bodyStart)} ${text.slice(chunk.start, chunk.end)} ${text.slice(bodyEnd)}`;
  const toDocument = (o: number): number => (o < at ? o : o <= at + length ? o - at + chunk.start : o - (at + length + 1) + bodyEnd);
  const mapSpan = (span: Span): Span => ({ start: toDocument(span.start), end: toDocument(span.end) });
  const { ast, diagnostics: syntax } = parseDocument(compact, kind);
  if (syntax.length > 0 || ast.kind !== 'BindDocument' || ast.body.length !== 1) return undefined;
  const scope = ast.body[0]!;
  if (scope.span.start !== at || scope.span.end !== at + length) return undefined;
  // A comment of the chunk must end inside it (in the document, what follows holds the rest of its line).
  if (ast.comments.some((c) => c.span.end > at + length && c.span.start < at + length)) return undefined;
  const artifacts = new Reporter();
  if (bundle) checkArtifacts(ast, bundle, artifacts);
  const diagnostics = [...checkDocument(ast, false), ...artifacts.diagnostics]
    .filter((d) => d.primary.span.start >= at && d.primary.span.start < at + length)
    .map((d) => mapDiagnostic(d, mapSpan));
  const skeleton = skeletonOf(scope, mapSpan);
  const byDelta = (span: Span): Span => shift(span, delta);
  const scopes = state.scopes.map((s, i) => {
    if (i < k || (i > k && delta === 0)) return s;
    if (i === k) return { span: chunk, skeleton, diagnostics };
    return { span: shift(s.span, delta), skeleton: skeletonOf(s.skeleton, byDelta), diagnostics: s.diagnostics.map((d) => mapDiagnostic(d, byDelta)) };
  });
  // The same selector at the same place in the scope: top-level W0103 is as before, shifted after the scope.
  const oldEndOfScope = target.span.end;
  const unreachable = state.unreachable && selectorKey(skeleton, chunk.start) === selectorKey(target.skeleton, target.span.start)
    ? state.unreachable.map((d) => mapDiagnostic(d, (span) => (span.start >= oldEndOfScope ? shift(span, delta) : span)))
    : undefined;
  return { ...state, text, bundle, bodyEnd, scopes, unreachable };
}

/** What W0103 reads of a top-level scope, its spans relative to the scope's start. */
function selectorKey(scope: Scope, base: number): string {
  const sel = scope.selector;
  const levels = sel.levels.map((l) => `${l.text}@${l.span.start - base}`).join(',');
  return `${sel.span.start - base}-${sel.span.end - base}|${levels}|${sel.path?.text ?? ''}@${sel.path ? sel.path.span.start - base : -1}|${scope.pipeline !== undefined}|${scope.body !== undefined}`;
}

/**
 * The state with its top-level W0103 findings computed, when they are not known. A finding also in `previous`
 * at the same place before the edit is kept as the same object (the adapter converts each object once).
 */
function withUnreachable(state: State, previous?: State): State {
  if (state.unreachable) return state;
  const skeleton: BindDocument = {
    kind: 'BindDocument', fileKind: 'bind', header: undefined, body: state.scopes.map((s) => s.skeleton), span: { start: 0, end: state.text.length }, comments: [], legacy: false,
  };
  // The skeleton's routes have no stops and its blocks no body: of its findings only W0103 is meaningful.
  const unreachable = checkDocument(skeleton, true).filter((d) => d.code === 'W0103');
  if (!previous?.unreachable) return { ...state, unreachable };
  // Unmoved text lies before the first scope whose span changed.
  let unmoved = 0;
  while (unmoved < state.scopes.length && state.scopes[unmoved] === previous.scopes[unmoved]) unmoved++;
  const before = unmoved < state.scopes.length ? state.scopes[unmoved]!.span.start : state.text.length;
  const kept = new Map<string, Diagnostic>();
  for (const d of previous.unreachable) if (lastOffset(d) <= before) kept.set(placeOf(d), d);
  return { ...state, unreachable: unreachable.map((d) => kept.get(placeOf(d)) ?? d) };
}

/** A W0103 finding's identity: its spans (its message and labels are fixed). */
function placeOf(d: Diagnostic): string {
  return `${d.primary.span.start}-${d.primary.span.end}|${d.secondary.map((l) => `${l.span.start}-${l.span.end}`).join(',')}`;
}

function lastOffset(d: Diagnostic): number {
  let end = d.primary.span.end;
  for (const l of d.secondary) end = Math.max(end, l.span.end);
  for (const s of d.suggestions) for (const e of s.edits) end = Math.max(end, e.span.end);
  return end;
}

/** Every diagnostic of the state, sorted as `starc check` sorts. */
function collect(state: State): Diagnostic[] {
  return sortByPosition([...state.header, ...state.scopes.flatMap((s) => s.diagnostics), ...(state.unreachable ?? [])]);
}

/** A scope reduced to what W0103 reads, its spans mapped by `map`. */
function skeletonOf(scope: Scope, map: (span: Span) => Span): Scope {
  const sel = scope.selector;
  return {
    kind: 'Scope',
    selector: {
      levels: sel.levels.map((l) => ({ ...l, span: map(l.span) })),
      filters: [],
      path: sel.path && { text: sel.path.text, span: map(sel.path.span) },
      span: map(sel.span),
    },
    blockStep: undefined,
    body: scope.body ? [] : undefined,
    pipeline: scope.pipeline ? [] : undefined,
    span: map(scope.span),
  };
}

const identity = (span: Span): Span => span;

function shift(span: Span, delta: number): Span {
  return delta === 0 ? span : { start: span.start + delta, end: span.end + delta };
}

/** `d` with every span mapped (its primary, secondary labels and suggested edits). */
function mapDiagnostic(d: Diagnostic, map: (span: Span) => Span): Diagnostic {
  const label = <T extends { span: Span }>(l: T): T => {
    const span = map(l.span);
    return span.start === l.span.start && span.end === l.span.end ? l : { ...l, span };
  };
  const primary = label(d.primary);
  const secondary = d.secondary.map(label);
  const suggestions = d.suggestions.map((s) => {
    const edits = s.edits.map(label);
    return edits.every((e, i) => e === s.edits[i]) ? s : { ...s, edits };
  });
  // Unmoved, it stays the same object (what the adapter's conversion cache keys on).
  if (primary === d.primary && secondary.every((l, i) => l === d.secondary[i]) && suggestions.every((x, i) => x === d.suggestions[i])) return d;
  return { ...d, primary, secondary, suggestions };
}

/**
 * Completion in a large bind lexes from the start of the top-level scope around the cursor (the root's block
 * open there) instead of from the start of the document.
 */
export const completionRestart: RestartPoint = (doc, offset) => {
  const state = states.get(doc.key);
  if (!state || state.text !== doc.text || offset < state.bodyStart) return undefined;
  let from = state.bodyStart;
  for (const s of state.scopes) {
    if (s.span.start > offset) break;
    // Inside a scope, or past it: lexing from its start (or the end of the one before) sees no open statement.
    from = s.span.start <= offset && offset <= s.span.end ? s.span.start : s.span.end;
  }
  const root: Frame = { header: [] };
  return { from, frames: [root] };
};

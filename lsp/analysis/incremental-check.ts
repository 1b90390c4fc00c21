// Incremental diagnostics for large bind and router documents: an edit inside one top-level scope re-checks
// only that scope, so change → diagnostics stays fast on a 5,000-line file (bar B3: p50 ≤ 25 ms).
//
// Why the result equals `starc check`'s: after a clean parse (no syntax diagnostic at all), a top-level scope
// is parsed and checked independently of its siblings: each ends at its own `;` or `}`, the lexer's context
// resets there, and the checker walks each top-level scope from the same empty context. The one finding
// across siblings, W0103 (unreachable route), is recomputed for the whole top level from the scopes'
// selectors. The edited scope is re-parsed in a copy of the text where everything but the header and that
// scope is blanked to spaces, so its offsets are the document's. The fast path is taken only when the edited
// scope still parses clean as exactly one scope over exactly the edited region; otherwise the whole document
// is checked (and the state rebuilt when it parses clean). test/lsp-incremental.test.ts compares both paths
// on random edits.

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
import type { OpenDocument } from '../workspace/document.ts';
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
}

const states = new Map<string, State>();

/** The diagnostics of `doc` by the incremental path, or undefined when it does not apply (use `checkFile`). */
export function incrementalDiagnostics(doc: OpenDocument, bundle: BundleFiles | undefined): Diagnostic[] | undefined {
  if ((doc.kind !== 'bind' && doc.kind !== 'router') || doc.text.length < INCREMENTAL_MIN_LENGTH) {
    states.delete(doc.key);
    return undefined;
  }
  const previous = states.get(doc.key);
  const fast = previous && previous.bundle === bundle ? recheckOneScope(previous, doc.text, doc.kind, bundle) : undefined;
  if (fast) {
    states.set(doc.key, fast);
    return collect(fast);
  }
  const full = fullState(doc.text, doc.kind, bundle);
  if (!full) {
    states.delete(doc.key);
    return sortByPosition(checkFile(doc.path ?? `untitled.${doc.kind}`, doc.text, bundle));
  }
  states.set(doc.key, full);
  return collect(full);
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
  for (const d of all) {
    if (d.code === 'W0103' && body.some((s) => s.selector.span.start === d.primary.span.start)) continue; // recomputed
    const at = d.primary.span.start;
    const k = body.findIndex((s) => s.span.start <= at && at < s.span.end);
    if (k >= 0) buckets[k]!.push(d);
    else header.push(d);
  }
  return { text, bundle, bodyStart, bodyEnd, header, scopes: body.map((s, k) => ({ span: s.span, skeleton: skeletonOf(s, 0), diagnostics: buckets[k]! })) };
}

function recheckOneScope(state: State, text: string, kind: 'bind' | 'router', bundle: BundleFiles | undefined): State | undefined {
  const old = state.text;
  // The changed region: common prefix and suffix.
  let a = 0;
  const max = Math.min(old.length, text.length);
  while (a < max && old.charCodeAt(a) === text.charCodeAt(a)) a++;
  let oldEnd = old.length;
  let newEnd = text.length;
  while (oldEnd > a && newEnd > a && old.charCodeAt(oldEnd - 1) === text.charCodeAt(newEnd - 1)) {
    oldEnd--;
    newEnd--;
  }
  const delta = text.length - old.length;
  if (delta === 0 && a === old.length) return state;
  const k = state.scopes.findIndex((s) => s.span.start <= a && oldEnd <= s.span.end);
  if (k < 0) return undefined;
  const target = state.scopes[k]!;
  const chunk = { start: target.span.start, end: target.span.end + delta };
  const bodyEnd = state.bodyEnd + delta;
  // Only the header and the edited scope; same offsets as the document.
  const blanked = text.slice(0, state.bodyStart) + ' '.repeat(chunk.start - state.bodyStart) + text.slice(chunk.start, chunk.end) + ' '.repeat(bodyEnd - chunk.end) + text.slice(bodyEnd);
  const { ast, diagnostics: syntax } = parseDocument(blanked, kind);
  if (syntax.length > 0 || ast.kind !== 'BindDocument' || ast.body.length !== 1) return undefined;
  const scope = ast.body[0]!;
  if (scope.span.start !== chunk.start || scope.span.end !== chunk.end) return undefined;
  // A comment of the chunk must end inside it (the blanks after it hold no line break).
  if (ast.comments.some((c) => c.span.end > chunk.end && c.span.start < chunk.end)) return undefined;
  const artifacts = new Reporter();
  if (bundle) checkArtifacts(ast, bundle, artifacts);
  const diagnostics = [...checkDocument(ast, false), ...artifacts.diagnostics].filter((d) => d.primary.span.start >= chunk.start && d.primary.span.start < chunk.end);
  const scopes = state.scopes.map((s, i) => {
    if (i < k) return s;
    if (i === k) return { span: chunk, skeleton: skeletonOf(scope, 0), diagnostics };
    return { span: shift(s.span, delta), skeleton: skeletonOf(s.skeleton, delta), diagnostics: s.diagnostics.map((d) => shiftDiagnostic(d, delta)) };
  });
  return { ...state, text, bundle, bodyEnd, scopes };
}

/** Every diagnostic of the state, W0103 of the top level recomputed, sorted as `starc check` sorts. */
function collect(state: State): Diagnostic[] {
  const skeleton: BindDocument = {
    kind: 'BindDocument', fileKind: 'bind', header: undefined, body: state.scopes.map((s) => s.skeleton), span: { start: 0, end: state.text.length }, comments: [], legacy: false,
  };
  // The skeleton's routes have no stops and its blocks no body: of its findings only W0103 is meaningful.
  const unreachable = checkDocument(skeleton, true).filter((d) => d.code === 'W0103');
  return sortByPosition([...state.header, ...state.scopes.flatMap((s) => s.diagnostics), ...unreachable]);
}

/** A scope reduced to what W0103 reads, spans shifted by `delta`. */
function skeletonOf(scope: Scope, delta: number): Scope {
  const sel = scope.selector;
  return {
    kind: 'Scope',
    selector: {
      levels: sel.levels.map((l) => ({ ...l, span: shift(l.span, delta) })),
      filters: [],
      path: sel.path && { text: sel.path.text, span: shift(sel.path.span, delta) },
      span: shift(sel.span, delta),
    },
    blockStep: undefined,
    body: scope.body ? [] : undefined,
    pipeline: scope.pipeline ? [] : undefined,
    span: shift(scope.span, delta),
  };
}

function shift(span: Span, delta: number): Span {
  return delta === 0 ? span : { start: span.start + delta, end: span.end + delta };
}

function shiftDiagnostic(d: Diagnostic, delta: number): Diagnostic {
  if (delta === 0) return d;
  const label = <T extends { span: Span }>(l: T): T => ({ ...l, span: shift(l.span, delta) });
  return {
    ...d,
    primary: label(d.primary),
    secondary: d.secondary.map(label),
    suggestions: d.suggestions.map((s) => ({ ...s, edits: s.edits.map(label) })),
  };
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

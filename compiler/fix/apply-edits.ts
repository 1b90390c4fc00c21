// Applying suggestions: the engine of `starc check --fix` (and later the LSP's "fix all").
//
// Pure text → text; the caller owns reading and writing files. Only `machine` suggestions are applied (DESIGN.md
// §3): those are safe without review. Fixing runs in rounds, like rustfix and eslint --fix: each round applies
// the first machine suggestion of every diagnostic whose edits do not collide with an earlier one's, then the
// text is checked again, so a fix that only becomes visible after another (or that was held back by a collision)
// is applied in a later round.

import type { Diagnostic, Edit, Suggestion } from '../../grammar/diagnostic.ts';

/** Rounds before giving up on converging (each round fixes at least one problem or stops). */
export const MAX_FIX_ROUNDS = 10;

/**
 * Two edits collide when they touch the same characters, or when an insertion falls strictly inside the
 * other's range. Insertions at one offset do not collide (they go in the order given), nor does an insertion
 * at either end of a replaced range.
 */
export function editsOverlap(a: Edit, b: Edit): boolean {
  if (Math.max(a.span.start, b.span.start) < Math.min(a.span.end, b.span.end)) return true;
  const inside = (point: number, range: Edit) => range.span.start < point && point < range.span.end;
  if (a.span.start === a.span.end && inside(a.span.start, b)) return true;
  if (b.span.start === b.span.end && inside(b.span.start, a)) return true;
  return false;
}

function isValidEdit(edit: Edit, length: number): boolean {
  const { start, end } = edit.span;
  return Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= length;
}

/**
 * Apply `edits` to `text`. Edits may come in any order; their offsets all refer to the original text. When
 * edits collide the one given first is kept and the later ones are dropped. Edits outside the text are dropped.
 * Insertions at one offset are applied in the order given, and before a replacement that starts there.
 */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  const kept: Edit[] = [];
  for (const edit of edits) {
    if (!isValidEdit(edit, text.length)) continue;
    if (kept.some((k) => editsOverlap(k, edit))) continue;
    kept.push(edit);
  }
  return spliceEdits(text, kept);
}

/** Apply edits known to be valid and free of collisions. */
function spliceEdits(text: string, edits: readonly Edit[]): string {
  // Array.prototype.sort is stable: same-offset insertions keep their given order.
  const sorted = [...edits].sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  let out = '';
  let at = 0;
  for (const edit of sorted) {
    out += text.slice(at, edit.span.start) + edit.newText;
    at = edit.span.end;
  }
  return out + text.slice(at);
}

/** The suggestion `--fix` applies for a diagnostic: its first `machine` one with at least one edit. */
export function machineSuggestion(diagnostic: Diagnostic): Suggestion | undefined {
  return diagnostic.suggestions.find((s) => s.applicability === 'machine' && s.edits.length > 0);
}

export interface FixOptions {
  /** Line break to use for the line breaks in inserted text (a CRLF file stays CRLF). Default: as written. */
  readonly eol?: '\n' | '\r\n';
  readonly maxRounds?: number;
}

export interface FixResult {
  /** The fixed text (the input itself when nothing was fixed). */
  readonly text: string;
  /** The diagnostics whose suggestion was applied, round by round, each in the text of its round. */
  readonly fixed: Diagnostic[];
  /** The diagnostics of the fixed text. */
  readonly remaining: Diagnostic[];
}

/**
 * Apply every machine-applicable suggestion `check` finds in `text`, re-checking after each round until none
 * is left (or the rounds run out, or a round would bring back a text seen before).
 */
export function fixSource(text: string, check: (text: string) => Diagnostic[], options: FixOptions = {}): FixResult {
  const maxRounds = options.maxRounds ?? MAX_FIX_ROUNDS;
  const fixed: Diagnostic[] = [];
  const seen = new Set<string>([text]);
  let current = text;
  let diagnostics = check(current);
  for (let round = 0; round < maxRounds; round++) {
    const chosen = chooseFixes(current, diagnostics, options.eol);
    if (chosen.length === 0) break;
    const next = spliceEdits(current, chosen.flatMap((c) => c.edits));
    // No progress, or a cycle between two spellings: stop at the current text rather than loop.
    if (next === current || seen.has(next)) break;
    seen.add(next);
    fixed.push(...chosen.map((c) => c.diagnostic));
    current = next;
    diagnostics = check(current);
  }
  return { text: current, fixed, remaining: diagnostics };
}

interface ChosenFix {
  readonly diagnostic: Diagnostic;
  readonly edits: readonly Edit[];
}

/**
 * One round's fixes, in the order of the diagnostics' positions: a diagnostic's suggestion is taken whole or
 * not at all, and not when any of its edits collides with one already taken this round (the next round's
 * check reports it again if it still applies).
 */
function chooseFixes(text: string, diagnostics: readonly Diagnostic[], eol: FixOptions['eol']): ChosenFix[] {
  const ordered = diagnostics
    .map((diagnostic, index) => ({ diagnostic, index }))
    .sort((a, b) => a.diagnostic.primary.span.start - b.diagnostic.primary.span.start || a.index - b.index);
  const chosen: ChosenFix[] = [];
  const taken: Edit[] = [];
  for (const { diagnostic } of ordered) {
    const suggestion = machineSuggestion(diagnostic);
    if (!suggestion) continue;
    const edits = suggestion.edits.map((e) => (eol ? { span: e.span, newText: e.newText.replace(/\r?\n/g, eol) } : e));
    if (!edits.every((e) => isValidEdit(e, text.length))) continue;
    const collides = edits.some((e, i) => taken.some((t) => editsOverlap(t, e)) || edits.slice(0, i).some((o) => editsOverlap(o, e)));
    if (collides) continue;
    // An edit that changes nothing (and a suggestion made only of such edits) fixes nothing.
    if (edits.every((e) => text.slice(e.span.start, e.span.end) === e.newText)) continue;
    taken.push(...edits);
    chosen.push({ diagnostic, edits });
  }
  return chosen;
}

/** `W0101 ×2, W0303`: the codes of fixed diagnostics with their counts, in code order. */
export function summarizeCodes(diagnostics: readonly Diagnostic[]): string {
  const counts = new Map<string, number>();
  for (const d of diagnostics) counts.set(d.code, (counts.get(d.code) ?? 0) + 1);
  return [...counts.keys()]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((code) => (counts.get(code)! > 1 ? `${code} ×${counts.get(code)}` : code))
    .join(', ');
}

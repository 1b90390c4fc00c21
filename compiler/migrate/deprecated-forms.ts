// Starlane 0.2/0.3 spellings that v1 still reads with a warning (`{{ }}`, `${doc.bundle}/x`, `,` between
// properties, `bin=` without `+` or `;`): migrate applies the checker's own machine-applicable fixes for them,
// so there is one definition of each fix. Other warnings (unreachable routes, empty blocks) are not
// migration's business and stay.

import type { Diagnostic, Edit } from '../../grammar/diagnostic.ts';
import type { FileKind } from '../../grammar/ast.ts';
import { checkSource } from '../check-file.ts';

export const DEPRECATED_FORM_CODES: ReadonlySet<string> = new Set(['W0101', 'W0301', 'W0302', 'W0303', 'W0304']);

const MAX_ROUNDS = 8;

/** The text with every deprecated form fixed, re-checking after each round of non-overlapping fixes. */
export function fixDeprecatedForms(text: string, kind: FileKind): string {
  let current = text;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const edits = chooseEdits(checkSource(current, kind), current.length);
    if (edits.length === 0) break;
    const next = splice(current, edits);
    if (next === current) break;
    current = next;
  }
  return current;
}

function chooseEdits(diagnostics: readonly Diagnostic[], length: number): Edit[] {
  const taken: Edit[] = [];
  for (const d of diagnostics) {
    if (!DEPRECATED_FORM_CODES.has(d.code)) continue;
    const suggestion = d.suggestions.find((s) => s.applicability === 'machine' && s.edits.length > 0);
    if (!suggestion) continue;
    const valid = suggestion.edits.every((e) => e.span.start >= 0 && e.span.start <= e.span.end && e.span.end <= length);
    if (!valid || suggestion.edits.some((e) => taken.some((t) => overlaps(t, e)))) continue;
    taken.push(...suggestion.edits);
  }
  return taken;
}

function overlaps(a: Edit, b: Edit): boolean {
  if (Math.max(a.span.start, b.span.start) < Math.min(a.span.end, b.span.end)) return true;
  // Two insertions at one point would depend on order; leave the second for the next round.
  return a.span.start === b.span.start && (a.span.start === a.span.end || b.span.start === b.span.end);
}

function splice(text: string, edits: readonly Edit[]): string {
  const sorted = [...edits].sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  let out = '';
  let at = 0;
  for (const edit of sorted) {
    out += text.slice(at, edit.span.start) + edit.newText;
    at = edit.span.end;
  }
  return out + text.slice(at);
}

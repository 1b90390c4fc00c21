// Formatting: `starc fmt`'s layout (compiler/format/), as the smallest edit that turns the text into it (the
// common prefix and suffix are kept, so the editor keeps the cursor and folds). A document with syntax errors
// is not formatted, as `starc fmt` refuses it: the result says why.

import { formatSource } from '../../compiler/format/format.ts';
import { isLanguage } from '../analysis/parsed.ts';
import type { OpenDocument, TextEdit } from '../workspace/document.ts';

export type FormatOutcome = { readonly edits: TextEdit[] } | { readonly refused: string };

export function formatDocument(doc: OpenDocument): FormatOutcome {
  if (!isLanguage(doc.kind)) return { refused: 'not a Starlane document' };
  const result = formatSource(doc.text, doc.kind);
  if ('error' in result) {
    return { refused: result.error === 'legacy' ? 'a legacy (pre-v1) document: run `starc migrate` first' : 'the document has syntax errors; fix them to format it' };
  }
  return { edits: minimalEdit(doc.text, result.text) };
}

/** One edit replacing only what differs between `before` and `after`; none when they are equal. */
export function minimalEdit(before: string, after: string): TextEdit[] {
  if (before === after) return [];
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before.charCodeAt(endBefore - 1) === after.charCodeAt(endAfter - 1)) {
    endBefore--;
    endAfter--;
  }
  // Never split a CRLF or a surrogate pair between the kept and the replaced text.
  while (start > 0 && (isLow(before.charCodeAt(start)) || (before.charCodeAt(start) === 10 && before.charCodeAt(start - 1) === 13))) start--;
  return [{ span: { start, end: endBefore }, newText: after.slice(start, endAfter) }];
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

// The diagnostics published for one document, converted to LSP once per diagnostic object: a diagnostic the
// checker hands back unchanged (the incremental check keeps the objects of scopes an edit did not touch)
// reuses its LSP form when every position it names is the same in the new text, i.e. lies within the text
// both versions share from the start. A large document's keystroke then converts only what moved.
// test/lsp-published-diagnostics.test.ts compares the cached forms with a fresh conversion after every edit.

import type { Diagnostic as LspDiagnostic } from 'vscode-languageserver';
import type { Diagnostic } from '../../grammar/diagnostic.ts';
import type { OpenDocument } from '../workspace/document.ts';
import { toLspDiagnostic } from './convert.ts';

interface Published {
  readonly uri: string;
  readonly text: string;
  readonly converted: ReadonlyMap<Diagnostic, LspDiagnostic>;
}

export class PublishedDiagnostics {
  private last: Published | undefined;

  /** `diagnostics` of `doc` in LSP form, as `toLspDiagnostic` gives them. */
  convert(diagnostics: readonly Diagnostic[], uri: string, doc: OpenDocument): LspDiagnostic[] {
    const previous = this.last?.uri === uri ? this.last : undefined;
    const stable = previous ? sharedPrefixLength(previous.text, doc) : 0;
    const converted = new Map<Diagnostic, LspDiagnostic>();
    const out = diagnostics.map((d) => {
      let lsp = converted.get(d);
      if (!lsp) {
        const cached = previous?.converted.get(d);
        lsp = cached && lastOffset(d) <= stable ? cached : toLspDiagnostic(d, uri, doc.lineIndex);
        converted.set(d, lsp);
      }
      return lsp;
    });
    this.last = { uri, text: doc.text, converted };
    return out;
  }
}

/** How long a prefix `before` and the document's text share (the edit's start when the document knows it). */
function sharedPrefixLength(before: string, doc: OpenDocument): number {
  const text = doc.text;
  if (before === text) return text.length;
  if (doc.changed?.before === before) return doc.changed.start;
  const max = Math.min(before.length, text.length);
  let n = 0;
  while (n < max && before.charCodeAt(n) === text.charCodeAt(n)) n++;
  return n;
}

/** The end of the furthest span a diagnostic's LSP form shows (its primary and related locations). */
function lastOffset(d: Diagnostic): number {
  let end = d.primary.span.end;
  for (const label of d.secondary) end = Math.max(end, label.span.end);
  return end;
}

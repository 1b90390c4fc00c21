// Code actions from the diagnostics' suggestions: each suggestion of a diagnostic under the range becomes a
// quick fix (a `machine` one is the preferred fix), and "fix all" applies every machine-applicable suggestion
// of the document in rounds, exactly as `starc check --fix` does (compiler/fix/apply-edits.ts).

import type { Diagnostic } from '../../grammar/diagnostic.ts';
import type { Span } from '../../grammar/span.ts';
import { fixSource, machineSuggestion } from '../../compiler/fix/apply-edits.ts';
import { checkFile } from '../../compiler/check-file.ts';
import type { OpenDocument, TextEdit } from '../workspace/document.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { diagnosticsOf } from './diagnostics.ts';
import { minimalEdit } from './formatting.ts';

export interface CodeAction {
  readonly title: string;
  readonly kind: 'quickfix' | 'source.fixAll';
  readonly edits: TextEdit[];
  /** The diagnostic it fixes (quick fixes only). */
  readonly diagnostic?: Diagnostic;
  readonly preferred: boolean;
}

export function codeActions(workspace: Workspace, doc: OpenDocument, range: Span, only?: readonly string[]): CodeAction[] {
  const wants = (kind: string) => !only || only.length === 0 || only.some((o) => kind === o || kind.startsWith(`${o}.`));
  const diagnostics = diagnosticsOf(workspace, doc);
  const out: CodeAction[] = [];
  if (wants('quickfix')) {
    for (const d of diagnostics) {
      const span = d.primary.span;
      if (span.end < range.start || span.start > range.end) continue;
      const preferred = machineSuggestion(d);
      for (const s of d.suggestions) {
        if (s.edits.length === 0) continue;
        out.push({ title: s.message, kind: 'quickfix', edits: [...s.edits], diagnostic: d, preferred: s === preferred });
      }
    }
  }
  if (wants('source.fixAll') && diagnostics.some((d) => machineSuggestion(d))) {
    const fixed = fixAll(workspace, doc);
    if (fixed) out.push(fixed);
  }
  return out;
}

/** Every machine-applicable fix of the document, as one edit; undefined when nothing changes. */
export function fixAll(workspace: Workspace, doc: OpenDocument): CodeAction | undefined {
  const bundle = workspace.bundleOf(doc);
  const path = doc.path ?? `untitled.${doc.kind}`;
  const lf = doc.text.indexOf('\n');
  const result = fixSource(doc.text, (text) => checkFile(path, text, bundle), lf > 0 && doc.text[lf - 1] === '\r' ? { eol: '\r\n' } : {});
  if (result.text === doc.text) return undefined;
  const n = result.fixed.length;
  return { title: `Fix all auto-fixable problems (${n})`, kind: 'source.fixAll', edits: minimalEdit(doc.text, result.text), preferred: false };
}

// Diagnostics of an open document, the very ones `starc check` reports for the file: the compiler's
// `checkFile` with the document's bundle (artifacts, wasm ABI, JSON Schemas), sorted by position. Large bind
// and router documents take the incremental path (analysis/incremental-check.ts), which yields the same list.

import { checkFile } from '../../compiler/check-file.ts';
import { sortByPosition } from '../../compiler/diagnostics/render.ts';
import type { Diagnostic } from '../../grammar/diagnostic.ts';
import { incrementalDiagnostics } from '../analysis/incremental-check.ts';
import type { OpenDocument } from '../workspace/document.ts';
import type { Workspace } from '../workspace/workspace.ts';

/** Where a code's explanation is published (the same text as `starc explain CODE`). */
export const EXPLANATION_URL = 'https://starc.dev/explain/';

export function explanationUrl(code: string): string {
  return `${EXPLANATION_URL}${encodeURIComponent(code)}`;
}

/** Per document version, and valid while no other file changed (the bundle checks read them). */
const results = new WeakMap<OpenDocument, { generation: number; diagnostics: Diagnostic[] }>();

export function diagnosticsOf(workspace: Workspace, doc: OpenDocument, options: { incremental?: boolean } = {}): Diagnostic[] {
  const cached = results.get(doc);
  if (cached?.generation === workspace.generation) return cached.diagnostics;
  let diagnostics: Diagnostic[];
  if (doc.kind === 'other') diagnostics = [];
  else {
    const bundle = workspace.bundleOf(doc);
    const incremental = options.incremental !== false ? incrementalDiagnostics(doc, bundle) : undefined;
    diagnostics = incremental ?? sortByPosition(checkFile(doc.path ?? `untitled.${doc.kind}`, doc.text, bundle));
  }
  results.set(doc, { generation: workspace.generation, diagnostics });
  return diagnostics;
}

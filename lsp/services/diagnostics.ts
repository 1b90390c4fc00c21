// Diagnostics of an open document, the very ones `starc check` reports for the file: the compiler's
// `checkFile` with the document's bundle (artifacts, wasm ABI, JSON Schemas), sorted by position. Large bind
// and router documents take the incremental path (analysis/incremental-check.ts), which yields the same list.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { explanationsDir } from '../../compiler/diagnostics/explain.ts';
import { checkFile } from '../../compiler/check-file.ts';
import { sortByPosition } from '../../compiler/diagnostics/render.ts';
import type { Diagnostic } from '../../grammar/diagnostic.ts';
import { incrementalDiagnostics } from '../analysis/incremental-check.ts';
import type { OpenDocument } from '../workspace/document.ts';
import type { Workspace } from '../workspace/workspace.ts';

/** Where a code's explanation is published (the same text as `starc explain CODE`). */
/**
 * The explanation of `code` as a `file:` URL of its markdown (shipped beside the server: dist/explanations/, or
 * compiler/diagnostics/explanations/ from source), which an editor opens as a document; undefined when the
 * explanations are not there or the code has none.
 */
export function explanationUrl(code: string): string | undefined {
  if (!explanationUrls.has(code)) {
    const dir = explanationsDir();
    const file = dir !== undefined && /^[EW]\d{4}$/.test(code) ? join(dir, `${code}.md`) : undefined;
    explanationUrls.set(code, file !== undefined && existsSync(file) ? pathToFileURL(file).href : undefined);
  }
  return explanationUrls.get(code);
}

const explanationUrls = new Map<string, string | undefined>();

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

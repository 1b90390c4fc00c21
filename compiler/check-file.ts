// Entry of the compiler front half for one file: parse, then check; returns every diagnostic of the file.

import type { Diagnostic } from '../grammar/diagnostic.ts';
import type { FileKind } from '../grammar/ast.ts';
import { parseDocument } from '../grammar/parser.ts';
import { checkDocument } from './check/document.ts';
import { checkArtifacts } from './bundle/check-artifacts.ts';
import type { BundleFiles } from './bundle/bundle-files.ts';
import { Reporter } from './check/report.ts';
import { FILE_EXTENSIONS, legacyRoutesConf, unknownFileKind } from './check/file-kind.ts';
import { isSettingsPath, parseSettings } from './settings/settings.ts';

export { FILE_EXTENSIONS };

/** The file kind a path's extension names; `routes-conf` for Starlane's 2021 `routes.conf`. */
export function fileKindOfPath(path: string): FileKind | 'routes-conf' | undefined {
  const dot = path.lastIndexOf('.');
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  if (dot <= slash) return undefined;
  const ext = path.slice(dot).toLowerCase();
  // Starlane 2021 kept its routes in `routes.conf`; any other `.conf` is not ours.
  if (ext === '.conf') return /routes\.conf$/i.test(path) ? 'routes-conf' : undefined;
  return FILE_EXTENSIONS[ext];
}

/**
 * Parse and check one source text of a known kind. With its `bundle`, also check the artifacts it names
 * (`${doc.bundle}:/...`): that they exist, that wasm binaries and JSON Schemas are what they must be.
 */
export function checkSource(text: string, fileKind: FileKind, bundle?: BundleFiles): Diagnostic[] {
  const { ast, diagnostics } = parseDocument(text, fileKind);
  if (ast.legacy) return diagnostics;
  // An unbalanced `{ }` leaves the document's structure unknown: its semantic findings would be noise.
  if (diagnostics.some((d) => d.code === 'E0007')) return diagnostics;
  const firstError = diagnostics.find((d) => d.severity === 'error');
  if (!firstError) {
    const artifacts = new Reporter();
    if (bundle) checkArtifacts(ast, bundle, artifacts);
    return [...diagnostics, ...checkDocument(ast, false), ...artifacts.diagnostics];
  }
  // After a syntax error the AST past it is recovery's guess: semantic findings there are mostly echoes.
  const before = firstError.primary.span.start;
  return [...diagnostics, ...checkDocument(ast, true).filter((d) => d.primary.span.start < before)];
}

/** Check a file by its path (which decides its kind; `starc.yaml` is settings) and text, in its bundle when it has one. */
export function checkFile(path: string, text: string, bundle?: BundleFiles): Diagnostic[] {
  // An app dir's runtime settings: told by name, not extension (no other `.yaml` is ours).
  if (isSettingsPath(path)) return parseSettings(text).diagnostics;
  const kind = fileKindOfPath(path);
  if (kind === undefined) return [unknownFileKind(path, text)];
  if (kind === 'routes-conf') return [legacyRoutesConf(text)];
  return checkSource(text, kind, bundle);
}

// An open document: its text at one version, edited in place by incremental changes (spans of the previous
// text), and what kind of Starlane file it is. Immutable per version: an edit makes a new object, so a
// service that holds a document sees a consistent text, line table and analysis.

import type { FileKind } from '../../grammar/ast.ts';
import { LineIndex, type Span } from '../../grammar/span.ts';
import { fileKindOfPath } from '../../compiler/check-file.ts';
import { isSettingsPath } from '../../compiler/settings/settings.ts';

/** What the checker makes of a document: one of the five languages, `starc.yaml` settings, or nothing of ours. */
export type DocumentKind = FileKind | 'settings' | 'routes-conf' | 'other';

export interface TextEdit {
  readonly span: Span;
  readonly newText: string;
}

/**
 * What one edit changed: `before` (the previous version's text) differs from this text only in
 * `[start, oldEnd)` of `before`, which became `[start, newEnd)` here. Lets an analysis of `before` be updated
 * without comparing the two texts.
 */
export interface ChangedRegion {
  readonly before: string;
  readonly start: number;
  readonly oldEnd: number;
  readonly newEnd: number;
}

export class OpenDocument {
  private lines: LineIndex | undefined;

  constructor(
    /** The workspace's key: the absolute file path, or the editor's URI for an unsaved document. */
    readonly key: string,
    /** The file on disk, when there is one (decides the bundle and the kind). */
    readonly path: string | undefined,
    readonly kind: DocumentKind,
    readonly version: number,
    readonly text: string,
    /** Set when this version is the previous one after exactly one edit. */
    readonly changed?: ChangedRegion,
  ) {}

  get lineIndex(): LineIndex {
    return (this.lines ??= new LineIndex(this.text));
  }

  /** This document after `edits`, applied one after the other (each span refers to the text before it). */
  edited(version: number, edits: readonly TextEdit[]): OpenDocument {
    let text = this.text;
    let changed: ChangedRegion | undefined;
    for (const edit of edits) {
      const start = clamp(edit.span.start, text.length);
      const end = clamp(Math.max(edit.span.end, start), text.length);
      changed = edits.length === 1 ? { before: text, start, oldEnd: end, newEnd: start + edit.newText.length } : undefined;
      text = text.slice(0, start) + edit.newText + text.slice(end);
    }
    return new OpenDocument(this.key, this.path, this.kind, version, text, changed);
  }

  withText(version: number, text: string): OpenDocument {
    return new OpenDocument(this.key, this.path, this.kind, version, text);
  }
}

function clamp(n: number, max: number): number {
  return Number.isFinite(n) ? Math.min(Math.max(0, Math.trunc(n)), max) : max;
}

/**
 * A document's kind: by its file name as `starc check` decides it, else by the editor's language id
 * (`starlane-bind`, `bind`, ...) for an unsaved document.
 */
export function documentKindOf(path: string | undefined, languageId = ''): DocumentKind {
  if (path !== undefined) {
    if (isSettingsPath(path)) return 'settings';
    const kind = fileKindOfPath(path);
    if (kind !== undefined) return kind;
  }
  const fromLanguage = /(bind|router|app|mechtron|script)$/.exec(languageId.toLowerCase())?.[1];
  return (fromLanguage as FileKind | undefined) ?? 'other';
}

/** Offset ↔ 0-based line/character (UTF-16, as LSP counts), clamped into the text. */
export function offsetAt(index: LineIndex, line: number, character: number): number {
  if (line < 0) return 0;
  if (line >= index.lineCount) return index.text.length;
  const start = index.lineStart(line);
  const nextStart = line + 1 < index.lineCount ? index.lineStart(line + 1) : index.text.length + 1;
  let lineEnd = nextStart - 1; // before the `\n` (or the end of the text)
  if (lineEnd > start && index.text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
  return Math.min(start + Math.max(0, character), Math.max(start, lineEnd));
}

export function positionAt(index: LineIndex, offset: number): { line: number; character: number } {
  const at = Math.min(Math.max(0, offset), index.text.length);
  const line = index.lineOf(at);
  return { line, character: at - index.lineStart(line) };
}

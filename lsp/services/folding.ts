// Folding ranges: every `{ … }` (blocks, sections, `Map{…}`, command property blocks) and runs of two or
// more whole-line comments. From the lexer's tokens, so a broken document folds as far as it is balanced.

import * as T from '../../grammar/tokens.ts';
import { lexedOf } from '../analysis/parsed.ts';
import type { OpenDocument } from '../workspace/document.ts';

export interface FoldingRange {
  /** 0-based lines: the fold hides `startLine + 1 .. endLine` (the closing line stays visible). */
  readonly startLine: number;
  readonly endLine: number;
  readonly kind: 'region' | 'comment';
}

export function foldingRanges(doc: OpenDocument): FoldingRange[] {
  if (doc.kind === 'other' || doc.kind === 'settings' || doc.kind === 'routes-conf') return [];
  const { tokens, comments } = lexedOf(doc);
  const lines = doc.lineIndex;
  const out: FoldingRange[] = [];
  const open: number[] = [];
  for (const token of tokens) {
    const type = token.tokenType;
    if (type === T.LCurly || type === T.MapOpen) open.push(token.startOffset);
    else if ((type === T.RCurly || type === T.MapClose) && open.length > 0) {
      const startLine = lines.lineOf(open.pop()!);
      // The `}` line stays visible, as VS Code folds `{ … }` in other languages.
      const endLine = lines.lineOf(token.startOffset) - 1;
      if (endLine > startLine) out.push({ startLine, endLine, kind: 'region' });
    }
  }
  let runStart = -1;
  let runEnd = -1;
  const flush = () => {
    if (runStart >= 0 && runEnd > runStart) out.push({ startLine: runStart, endLine: runEnd, kind: 'comment' });
  };
  for (const comment of comments) {
    const line = lines.lineOf(comment.span.start);
    const wholeLine = lines.lineText(line).trimStart().startsWith('#');
    if (wholeLine && line === runEnd + 1 && runStart >= 0) runEnd = line;
    else {
      flush();
      runStart = wholeLine ? line : -1;
      runEnd = wholeLine ? line : -1;
    }
  }
  flush();
  return out.sort((a, b) => a.startLine - b.startLine);
}

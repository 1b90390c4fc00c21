// A forgiving reader for Starlane 0.1/0.2 documents: `Name { ... }` blocks, `;`- or `,`-ended statements,
// comments and blank lines, with spans into the original text. The v1 parser does not read these forms (it
// reports E0004); migration needs only their outline, so this reader knows no grammar beyond braces.

import type { Span } from '../../grammar/span.ts';

export type LegacyItem = LegacyBlock | LegacyStatement | LegacyComment | LegacyBlank;

export interface LegacyBlock {
  readonly kind: 'block';
  readonly name: string;
  readonly span: Span;
  readonly items: LegacyItem[];
}

export interface LegacyStatement {
  readonly kind: 'statement';
  /** The statement's text without its terminator, whitespace trimmed. */
  readonly text: string;
  readonly span: Span;
  /** `;`, `,` or '' when the statement ended at `}` or the end of the text. */
  readonly terminator: string;
  /** A comment on the same line after the statement, `#` included. */
  trailingComment?: string;
}

export interface LegacyComment {
  readonly kind: 'comment';
  readonly text: string;
  readonly span: Span;
}

/** One or more empty lines between two items. */
export interface LegacyBlank {
  readonly kind: 'blank';
}

/** The legacy root `Bind {` / `App {` (a name and a `{` with no `(version=...)`), or undefined. */
export function legacyRoot(text: string): { name: string; open: number } | undefined {
  let i = skipTrivia(text, 0);
  const match = /^([A-Z][A-Za-z]*)\s*\{/.exec(text.slice(i));
  if (!match) return undefined;
  return { name: match[1]!, open: i + match[0].length - 1 };
}

function skipTrivia(text: string, from: number): number {
  let i = from;
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (text[i] === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    return i;
  }
}

/**
 * Read the items of the block whose `{` is at `open`. Returns the items, and the offset after the closing
 * `}` (the text's length when it is missing).
 */
export function scanBlock(text: string, open: number, statementEnds: ',;' | ';' = ',;'): { items: LegacyItem[]; end: number; closed: boolean } {
  const items: LegacyItem[] = [];
  let i = open + 1;
  let sawItem = false;
  while (i < text.length) {
    // Whitespace, counting line breaks for blank lines.
    let newlines = 0;
    while (i < text.length && /\s/.test(text[i]!)) {
      if (text[i] === '\n') newlines++;
      i++;
    }
    if (newlines >= 2 && sawItem) items.push({ kind: 'blank' });
    if (i >= text.length) break;
    const c = text[i]!;
    if (c === '}') return { items: trimBlanks(items), end: i + 1, closed: true };
    if (c === '#') {
      const start = i;
      while (i < text.length && text[i] !== '\n') i++;
      const comment: LegacyComment = { kind: 'comment', text: text.slice(start, i).trimEnd(), span: { start, end: i } };
      const last = items[items.length - 1];
      // A comment on the line of the statement before it belongs to that statement.
      if (last?.kind === 'statement' && !text.slice(last.span.end, start).includes('\n') && last.trailingComment === undefined) {
        last.trailingComment = comment.text;
      } else {
        items.push(comment);
      }
      sawItem = true;
      continue;
    }
    const header = /^([A-Za-z][A-Za-z0-9]*)\s*\{(?!\{)/.exec(text.slice(i, i + 200));
    if (header) {
      const start = i;
      const inner = scanBlock(text, i + header[0].length - 1, statementEnds);
      items.push({ kind: 'block', name: header[1]!, span: { start, end: inner.end }, items: inner.items });
      i = inner.end;
      sawItem = true;
      continue;
    }
    const statement = scanStatement(text, i, statementEnds);
    items.push(statement);
    i = statement.span.end + statement.terminator.length;
    sawItem = true;
  }
  return { items: trimBlanks(items), end: text.length, closed: false };
}

function trimBlanks(items: LegacyItem[]): LegacyItem[] {
  while (items.length > 0 && items[items.length - 1]!.kind === 'blank') items.pop();
  return items;
}

/**
 * A statement from `start` to its terminator at nesting depth 0 (brackets, braces and quotes
 * nest; `{{ }}` is a pair of braces), or to the `}` that closes its block.
 */
function scanStatement(text: string, start: number, ends: string): LegacyStatement {
  let depth = 0;
  let i = start;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"' || c === "'") {
      i++;
      while (i < text.length && text[i] !== c) i += text[i] === '\\' ? 2 : 1;
    } else if (c === '\\') {
      i++;
    } else if (c === '{' || c === '[') {
      depth++;
    } else if (c === '}' || c === ']') {
      if (depth === 0) break;
      depth--;
    } else if (depth === 0 && ends.includes(c)) {
      return { kind: 'statement', text: text.slice(start, i).trim(), span: { start, end: i }, terminator: c };
    }
    i++;
  }
  let end = Math.min(i, text.length);
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return { kind: 'statement', text: text.slice(start, end), span: { start, end }, terminator: '' };
}

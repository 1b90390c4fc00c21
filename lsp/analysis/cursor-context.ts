// Where the cursor is, told from the tokens before it (the AST of text being typed is recovery's guess, the
// tokens are not): the open blocks around it, the statement so far, and the word being typed. Completion
// decides what to offer from this alone, so it works on any broken text.

import type { IToken } from 'chevrotain';
import * as T from '../../grammar/tokens.ts';
import { lex } from '../../grammar/lexer.ts';
import type { Span } from '../../grammar/span.ts';

export interface Frame {
  /** The tokens of the statement that opened the block (`Route<Http>/users/ ->`, `Wasm`, `create x<App>`). */
  readonly header: readonly IToken[];
}

export interface CursorContext {
  /** The word being completed: from its start to the cursor. */
  readonly word: string;
  readonly wordSpan: Span;
  /** Open `{` blocks, outermost first (the root's block is the first for rooted documents). */
  readonly frames: readonly Frame[];
  /** The tokens of the current statement before the word (since the last `;`, `{` or `}` at this level). */
  readonly statement: readonly IToken[];
}

/** Characters a completed word may hold: points (`${doc.bundle}:/html/x.html`), names, keys, `*`. */
function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46 || c === 45 ||
    c === 58 || c === 47 || c === 36 || c === 123 || c === 125 || c === 42 || c === 64;
}

/**
 * The context at `offset`. `from` is where lexing may start (a position where no block or statement is
 * open, e.g. 0); `outerFrames` are the blocks already open there.
 */
export function cursorContext(text: string, offset: number, from = 0, outerFrames: readonly Frame[] = []): CursorContext {
  let start = offset;
  while (start > from && isWordChar(text.charCodeAt(start - 1))) {
    // A `{` belongs to a word only as the `{` of `${`: `Map{` and `Wasm {` end it.
    if (text.charCodeAt(start - 1) === 123 && text.charCodeAt(start - 2) !== 36) break;
    start--;
  }
  // A `}` belongs to the word only inside `${...}`; a block's `}` ends it.
  const brace = text.lastIndexOf('}', offset - 1);
  if (brace >= start && !text.slice(start, brace).includes('${')) start = brace + 1;
  const word = text.slice(start, offset);
  const { tokens } = lex(text.slice(from, start));
  const frames = [...outerFrames];
  let statement: IToken[] = [];
  let inCheck = false;
  for (const t of tokens) {
    const type = t.tokenType;
    if (type === T.RequestCheckOpen || type === T.ResponseCheckOpen) inCheck = true;
    else if (type === T.CheckCloseArrow || type === T.CheckCloseFatArrow || type === T.BrokenCheckClose) inCheck = false;
    if (type === T.LCurly) {
      frames.push({ header: statement });
      statement = [];
      inCheck = false;
    } else if (type === T.RCurly) {
      frames.pop();
      statement = [];
      inCheck = false;
    } else if (type === T.Semi && !inCheck) {
      statement = [];
    } else {
      statement.push(from === 0 ? t : { ...t, startOffset: t.startOffset + from });
    }
  }
  return { word, wordSpan: { start, end: offset }, frames, statement };
}

/** The selector names at the start of a statement: `Route<Http<Get>>/x` → Route, Http, Get; `<Get>` → Get. */
export function selectorNames(tokens: readonly IToken[]): string[] {
  const names: string[] = [];
  for (const t of tokens) {
    const type = t.tokenType;
    if (type === T.Ident || type === T.StarWord) names.push(t.image);
    else if (type !== T.LAngle && type !== T.RAngle) break;
  }
  return names;
}

/** The named groups of the path tokens in a statement's selector. */
export function captureNames(tokens: readonly IToken[]): string[] {
  const out: string[] = [];
  for (const t of tokens) {
    if (isStep(t)) break;
    if (t.tokenType !== T.Path) continue;
    for (const m of t.image.matchAll(/\(\?P?<([A-Za-z_$][\w$]*)>/g)) out.push(m[1]!);
  }
  return out;
}

export function isStep(t: IToken | undefined): boolean {
  const type = t?.tokenType;
  return type === T.Arrow || type === T.FatArrow || type === T.CheckCloseArrow || type === T.CheckCloseFatArrow || type === T.RequestCheckOpen || type === T.ResponseCheckOpen || type === T.Equals || type === T.BrokenCheckClose;
}

/** Whether the statement is inside an unclosed `-[`/`=[` payload check. */
export function insidePayloadCheck(tokens: readonly IToken[]): boolean {
  let open = false;
  for (const t of tokens) {
    const type = t.tokenType;
    if (type === T.RequestCheckOpen || type === T.ResponseCheckOpen) open = true;
    else if (type === T.CheckCloseArrow || type === T.CheckCloseFatArrow || type === T.BrokenCheckClose) open = false;
  }
  return open;
}

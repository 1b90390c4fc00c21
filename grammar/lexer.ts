// Lexer: source text → tokens, comments and lexical diagnostics. Hand-written rather than chevrotain's regex
// lexer because the languages are context-sensitive (a path runs to whitespace and may hold any character;
// a point is one no-space lexeme with `${...}` inside) and because it runs several times faster.

import type { IToken, TokenType } from 'chevrotain';
import type { Comment } from './ast.ts';
import { makeDiagnostic, type Diagnostic, type DiagnosticParts } from './diagnostic.ts';
import * as T from './tokens.ts';

export interface LexResult {
  readonly tokens: IToken[];
  readonly comments: Comment[];
  readonly diagnostics: Diagnostic[];
}

// Character classes, by code unit.
const WORD_CHAR = new Uint8Array(128);
for (const c of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-:/*$') WORD_CHAR[c.charCodeAt(0)] = 1;
const IDENT_CHAR = new Uint8Array(128);
for (const c of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_') IDENT_CHAR[c.charCodeAt(0)] = 1;

const CORE_STOP = /\(\([ \t]*\*?[ \t]*\)\)/y;
const LEGACY_CORE_STOP = /\{\{[ \t]*\}\}/y;
const ROUTE_PREFIX = /\[[a-z][a-z0-9-]*\]::/y;

/** `[hub]::` at `i`: a point's route prefix; leaves ROUTE_PREFIX.lastIndex after it. */
function startsRoutePrefix(text: string, i: number): boolean {
  ROUTE_PREFIX.lastIndex = i;
  return ROUTE_PREFIX.test(text);
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13 || c === 12 || c === 11 || c === 0xfeff || c === 0xa0;
}

function makeToken(type: TokenType, image: string, start: number): IToken {
  // Only what chevrotain reads with positionTracking 'onlyOffset'; fewer fields, less garbage.
  return { image, startOffset: start, endOffset: start + image.length - 1, tokenTypeIdx: type.tokenTypeIdx!, tokenType: type } as IToken;
}

/** The token types after which a `/` starts a path pattern (`Get/x`, `Http<Get>/x`, `(auth)/x`). */
function startsPathAfter(prev: IToken | undefined): boolean {
  if (!prev) return false;
  const t = prev.tokenType;
  return t === T.Ident || t === T.RAngle || t === T.RParen || t === T.StarWord;
}

function lexError(code: string, message: string, start: number, end: number, label: string, parts: DiagnosticParts = {}): Diagnostic {
  return makeDiagnostic(code, 'error', message, { span: { start, end }, label }, parts);
}

export function lex(text: string): LexResult {
  const tokens: IToken[] = [];
  const comments: Comment[] = [];
  const diagnostics: Diagnostic[] = [];
  const openCurlies: number[] = [];
  const openKinds: boolean[] = []; // per open brace: a `Map{`
  /** Matched `{ }` pairs, for the indentation hint when a delimiter is left unclosed. */
  const pairs: [number, number][] = [];
  const n = text.length;
  let i = 0;
  let unknownStart = -1;

  const push = (type: TokenType, end: number): void => {
    tokens.push(makeToken(type, text.slice(i, end), i));
    i = end;
  };
  const flushUnknown = (): void => {
    if (unknownStart < 0) return;
    let start = unknownStart;
    // Unknown characters on one line (`é ✓ 日本`) are one mistake: widen the line's diagnostic.
    const last = diagnostics[diagnostics.length - 1];
    if (last?.code === 'E0006' && !text.slice(last.primary.span.end, start).includes('\n')) {
      diagnostics.pop();
      start = last.primary.span.start;
    }
    const bad = text.slice(start, i);
    const many = [...bad.replace(/\s/g, '')].length > 1;
    diagnostics.push(lexError('E0006', `unexpected character${many ? 's' : ''} \`${bad}\``, start, i, 'not valid here', {
      help: ['text outside the grammar belongs in a quoted string or a `#` comment'],
    }));
    unknownStart = -1;
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      flushUnknown();
      i++;
      continue;
    }
    const start = i;
    switch (c) {
      case 35: { // '#': a comment to the end of the line
        let end = text.indexOf('\n', i);
        if (end < 0) end = n;
        if (end > i && text.charCodeAt(end - 1) === 13) end--;
        comments.push({ text: text.slice(i, end), span: { start: i, end } });
        i = end;
        break;
      }
      case 123: // '{'
        LEGACY_CORE_STOP.lastIndex = i;
        if (LEGACY_CORE_STOP.test(text)) {
          push(T.LegacyCoreStop, LEGACY_CORE_STOP.lastIndex);
        } else {
          // `Map{...}` in a payload pattern has braces of its own kind, so that when a pattern is broken,
          // recovery never takes them for a block's.
          const prev = tokens[tokens.length - 1];
          const map = prev?.tokenType === T.Ident && prev.image === 'Map';
          openCurlies.push(i);
          openKinds.push(map);
          push(map ? T.MapOpen : T.LCurly, i + 1);
        }
        break;
      case 125: // '}'
        if (openCurlies.length === 0) {
          diagnostics.push(unexpectedClose(text, i, pairs));
          i++; // dropped: the parser then sees balanced braces and does not cascade
        } else {
          pairs.push([openCurlies.pop()!, i]);
          push(openKinds.pop() ? T.MapClose : T.RCurly, i + 1);
        }
        break;
      case 40: // '('
        CORE_STOP.lastIndex = i;
        if (CORE_STOP.test(text)) push(T.CoreStop, CORE_STOP.lastIndex);
        else push(T.LParen, i + 1);
        break;
      case 41: push(T.RParen, i + 1); break;
      case 60: push(T.LAngle, i + 1); break;
      case 62: push(T.RAngle, i + 1); break;
      case 59: push(T.Semi, i + 1); break;
      case 44: push(T.Comma, i + 1); break;
      case 33: push(T.Bang, i + 1); break;
      case 63: push(T.Question, i + 1); break;
      case 38: push(T.Amp, i + 1); break;
      case 37: push(T.Percent, i + 1); break;
      case 126: push(T.Tilde, i + 1); break;
      case 43: // '+'
        push(text.charCodeAt(i + 1) === 64 ? T.PlusAt : T.Plus, text.charCodeAt(i + 1) === 64 ? i + 2 : i + 1);
        break;
      case 94: // '^'
        if (text.charCodeAt(i + 1) === 91) push(T.CaretBracket, i + 2);
        else push(T.Caret, i + 1);
        break;
      case 45: { // '-'
        const d = text.charCodeAt(i + 1);
        if (d === 62) push(T.Arrow, i + 2);
        else if (d === 91) push(T.RequestCheckOpen, i + 2);
        else push(T.Dash, i + 1);
        break;
      }
      case 61: { // '='
        const d = text.charCodeAt(i + 1);
        if (d === 62) push(T.FatArrow, i + 2);
        else if (d === 91 && !startsRoutePrefix(text, i + 1)) push(T.ResponseCheckOpen, i + 2);
        else push(T.Equals, i + 1);
        break;
      }
      case 93: { // ']'
        const d = text.charCodeAt(i + 1);
        const e = text.charCodeAt(i + 2);
        if (d === 45 && e === 62) push(T.CheckCloseArrow, i + 3);
        else if (d === 61 && e === 62) push(T.CheckCloseFatArrow, i + 3);
        else if ((d === 45 || d === 61) && e !== 91) push(T.BrokenCheckClose, i + 2);
        else push(T.RBracket, i + 1);
        break;
      }
      case 91: // '['
        if (startsRoutePrefix(text, i)) i = lexWord(text, i, ROUTE_PREFIX.lastIndex, tokens);
        else push(T.LBracket, i + 1);
        break;
      case 34: // '"'
      case 39: // "'"
        i = lexString(text, i, c, tokens, diagnostics);
        break;
      case 47: // '/'
        if (startsPathAfter(tokens[tokens.length - 1])) {
          let end = i + 1;
          while (end < n && !isSpace(text.charCodeAt(end))) end++;
          // A `;` inside a path is literal, but one that ends it terminates the route or command.
          while (end > i + 1 && text.charCodeAt(end - 1) === 59 && text.charCodeAt(end - 2) !== 92) end--;
          push(T.Path, end);
        } else {
          i = lexWord(text, i, i, tokens);
        }
        break;
      default:
        if (c >= 65 && c <= 90) {
          // A CamelCase name; an all-caps route (`GLOBAL::`, `LOCAL::`) continues as a point.
          let end = i + 1;
          while (end < n && (text.charCodeAt(end) < 128 && IDENT_CHAR[text.charCodeAt(end)] === 1)) end++;
          if (text.charCodeAt(end) === 58 && text.charCodeAt(end + 1) === 58 && /^[A-Z]+$/.test(text.slice(i, end))) {
            i = lexWord(text, i, end, tokens);
          } else {
            push(T.Ident, end);
          }
        } else if (c === 42) {
          // `*` and `**` stand alone (`*/app` is a selector and its path); `**<Mechtron>` selects.
          let end = i + 1;
          while (text.charCodeAt(end) === 42) end++;
          if (WORD_CHAR[text.charCodeAt(end)] === 1 && text.charCodeAt(end) !== 47) i = lexWord(text, i, i, tokens);
          else push(T.StarWord, end);
        } else if (c < 128 && WORD_CHAR[c] === 1) {
          i = lexWord(text, i, i, tokens);
        } else {
          if (unknownStart < 0) unknownStart = i;
          i += c >= 0xd800 && c <= 0xdbff && i + 1 < n ? 2 : 1;
          continue;
        }
    }
    if (unknownStart >= 0 && start !== unknownStart) {
      // A token ended a run of unknown characters: report the run at its own span.
      const end = i;
      i = start;
      flushUnknown();
      i = end;
    }
  }
  flushUnknown();
  if (openCurlies.length > 0) diagnostics.push(unclosedDelimiter(text, openCurlies[0]!, pairs));
  return { tokens, comments, diagnostics };
}

function indentOf(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart, offset))![0];
}

/**
 * Like rustc: among the braces that did match, the first pair whose `{` and `}` are indented differently
 * is where the text went wrong; label both ends.
 */
function mismatchedPairLabels(text: string, pairs: [number, number][]): { span: { start: number; end: number }; label: string }[] {
  const suspect = [...pairs].sort((a, b) => a[0] - b[0]).find(([open, close]) => indentOf(text, open) !== indentOf(text, close));
  if (!suspect) return [];
  return [
    { span: { start: suspect[0], end: suspect[0] + 1 }, label: 'this delimiter might not be properly closed...' },
    { span: { start: suspect[1], end: suspect[1] + 1 }, label: '...as it matches this `}` by nesting but not by indentation' },
  ];
}

/** A `{` never closed; the primary span is the end of the last line with text, as rustc shows it. */
function unclosedDelimiter(text: string, outermost: number, pairs: [number, number][]): Diagnostic {
  const secondary = [{ span: { start: outermost, end: outermost + 1 }, label: 'unclosed delimiter' }, ...mismatchedPairLabels(text, pairs)];
  const end = text.trimEnd().length;
  return makeDiagnostic('E0007', 'error', 'this file contains an unclosed delimiter', { span: { start: end, end }, label: '' }, { secondary });
}

/**
 * An unmatched `}`: label the pair that matched by nesting but not by indentation, and the nearest earlier
 * line that ends in a step with no `{` after it: where the missing `{` most likely belongs.
 */
function unexpectedClose(text: string, at: number, pairs: [number, number][]): Diagnostic {
  const secondary = mismatchedPairLabels(text, pairs);
  // The next line must start a scope (a selector), not continue a route with its stop.
  const opener = [...text.slice(0, at).matchAll(/(->|=>)[ \t]*(#[^\n]*)?\r?\n\s*[A-Z<*]/g)].pop();
  if (opener) secondary.push({ span: { start: opener.index!, end: opener.index! + 2 }, label: 'this block may be missing its `{`' });
  return makeDiagnostic('E0007', 'error', 'unexpected closing delimiter `}`', { span: { start: at, end: at + 1 }, label: 'unexpected closing delimiter' }, { secondary });
}

/** A run of point characters from `start`; `${...}` groups may hold any characters but `}` and whitespace. */
function lexWord(text: string, start: number, from: number, tokens: IToken[]): number {
  const n = text.length;
  let end = from;
  while (end < n) {
    const c = text.charCodeAt(end);
    if (c === 36 && text.charCodeAt(end + 1) === 123) {
      let close = end + 2;
      while (close < n && text.charCodeAt(close) !== 125 && !isSpace(text.charCodeAt(close))) close++;
      if (text.charCodeAt(close) !== 125) break;
      end = close + 1;
      continue;
    }
    if (c < 128 && WORD_CHAR[c] === 1) {
      end++;
      continue;
    }
    if (c === 40 && text.charCodeAt(end - 1) === 58) {
      // A version range in a select pattern: `repo:hello:(^1.0.0)`.
      const close = text.indexOf(')', end);
      if (close > end && !/\s/.test(text.slice(end, close))) {
        end = close + 1;
        continue;
      }
    }
    break;
  }
  if (end === start) end = start + 1; // a lone `$` or similar: still one token, the checker explains it
  const image = text.slice(start, end);
  const type = image === '*' || image === '**' ? T.StarWord : (T.KEYWORDS.get(image) ?? T.Word);
  tokens.push(makeToken(type, image, start));
  return end;
}

function lexString(text: string, start: number, quote: number, tokens: IToken[], diagnostics: Diagnostic[]): number {
  const n = text.length;
  let end = start + 1;
  while (end < n) {
    const c = text.charCodeAt(end);
    if (c === 92) { end += 2; continue; }
    if (c === quote) {
      tokens.push(makeToken(T.StringLiteral, text.slice(start, end + 1), start));
      return end + 1;
    }
    if (c === 10) break;
    end++;
  }
  if (end > n) end = n;
  let lineEnd = end;
  // `!404 "no such page;` or `+title="My App };`: the closing punctuation was meant for the route or
  // command, not the string; give it back to the parser so the one mistake stays one diagnostic.
  while (lineEnd > start + 1 && /[\s;},)\]>]/.test(text[lineEnd - 1]!)) lineEnd--;
  end = lineEnd;
  diagnostics.push(
    makeDiagnostic('E0005', 'error', 'unterminated string literal', { span: { start, end: start + 1 }, label: 'string starts here' }, {
      help: [`close the string with \`${String.fromCharCode(quote)}\` before the end of the line`],
    }),
  );
  tokens.push(makeToken(T.StringLiteral, text.slice(start, lineEnd), start));
  return end;
}

/** The value of a string token with its quotes removed and escapes resolved. */
export function stringValue(image: string): string {
  const quote = image[0];
  const body = image.length >= 2 && image[image.length - 1] === quote ? image.slice(1, -1) : image.slice(1);
  return body.replace(/\\(u\{[0-9a-fA-F]{1,6}\}|.)/gs, (_, e: string) => {
    switch (e[0]) {
      case 'n': return '\n';
      case 't': return '\t';
      case 'r': return '\r';
      case '0': return '\0';
      case 'u': {
        const cp = parseInt(e.slice(2, -1), 16);
        return cp <= 0x10ffff ? String.fromCodePoint(cp) : e;
      }
      default: return e;
    }
  });
}

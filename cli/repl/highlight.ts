// Syntax colouring of the REPL's input, from the project's own lexer (grammar/lexer.ts), so the colours follow
// exactly the tokens the parser will see: keywords, points, kinds, strings, paths, comments, and the characters
// the lexer refuses (E0006) in red. A `:meta` line colours its command name only.

import { lex } from '../../grammar/lexer.ts';
import type { Paint, Style } from './paint.ts';

/** One style (or none) per UTF-16 unit of `text`. */
export function styleOfEachChar(text: string): (Style | undefined)[] {
  const styles: (Style | undefined)[] = new Array(text.length).fill(undefined);
  const paintRange = (start: number, end: number, style: Style): void => {
    for (let i = Math.max(0, start); i < Math.min(end, text.length); i++) styles[i] = style;
  };
  if (/^\s*:/.test(text)) {
    const m = /^\s*:\S*/.exec(text)!;
    paintRange(0, m[0].length, 'blue');
    return styles;
  }
  const { tokens, comments, diagnostics } = lex(text);
  let angleDepth = 0;
  for (const t of tokens) {
    const name = t.tokenType.name;
    const start = t.startOffset;
    const end = t.startOffset + t.image.length;
    if (name === 'LAngle') angleDepth++;
    if (name === 'RAngle') angleDepth = Math.max(0, angleDepth - 1);
    const style = styleOfToken(name, angleDepth > 0);
    if (style) paintRange(start, end, style);
  }
  for (const c of comments) paintRange(c.span.start, c.span.end, 'gray');
  for (const d of diagnostics) if (d.code === 'E0006' || d.code === 'E0005') paintRange(d.primary.span.start, d.primary.span.end, 'red');
  return styles;
}

function styleOfToken(name: string, insideAngles: boolean): Style | undefined {
  if (name.startsWith('Kw')) return 'magenta';
  switch (name) {
    case 'Word':
    case 'StarWord':
      return 'cyan';
    case 'Ident':
      return insideAngles ? 'yellow' : 'cyan';
    case 'StringLiteral':
      return 'green';
    case 'Path':
      return 'yellow';
    case 'Question':
    case 'Bang':
    case 'Percent':
    case 'PlusAt':
    case 'Plus':
      return 'bold';
    case 'CaretBracket':
    case 'CheckCloseArrow':
    case 'Semi':
      return 'dim';
    default:
      return undefined;
  }
}

/**
 * The input, coloured, one string per line; the cursor (a UTF-16 offset) drawn as an inverse cell (a space when
 * it sits at the end of a line).
 */
export function highlightLines(text: string, cursor: number | undefined, paint: Paint): string[] {
  const styles = styleOfEachChar(text);
  const lines: string[] = [];
  let line = '';
  let run = '';
  let runStyle: Style | undefined;
  const flush = (): void => {
    if (run !== '') line += runStyle ? paint(runStyle, run) : run;
    run = '';
  };
  for (let i = 0; i <= text.length; i++) {
    const ch = i < text.length ? text[i]! : '';
    if (i === cursor) {
      flush();
      line += paint('inverse', ch === '' || ch === '\n' ? ' ' : ch);
      runStyle = undefined;
      if (ch === '\n') {
        lines.push(line);
        line = '';
      }
      continue;
    }
    if (ch === '') break;
    if (ch === '\n') {
      flush();
      lines.push(line);
      line = '';
      continue;
    }
    const style = styles[i];
    if (style !== runStyle) {
      flush();
      runStyle = style;
    }
    run += ch;
  }
  flush();
  lines.push(line);
  return lines;
}

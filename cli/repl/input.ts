// Deciding what the user has typed: a meta command (`:name args`, one line), a complete script (every command
// ended by a top-level `;`, outside strings and braces, as the lexer sees it), or an unfinished one that
// continues on the next line. Also splits piped input into those entries.

import { lex } from '../../grammar/lexer.ts';

export type Entry = { readonly kind: 'meta'; readonly name: string; readonly args: string } | { readonly kind: 'script'; readonly text: string };

export function isMetaInput(text: string): boolean {
  return /^\s*:/.test(text);
}

/** `:load  a.script ` → { name: 'load', args: 'a.script' } (the name is as written; help.ts resolves prefixes). */
export function parseMeta(text: string): { readonly name: string; readonly args: string } {
  const m = /^\s*:(\S*)\s*([\s\S]*?)\s*$/.exec(text)!;
  return { name: m[1]!, args: m[2]! };
}

/**
 * True when the input can run: a meta command, or text whose last token is a `;` at brace depth 0 with no
 * unterminated string. Comments and blank lines alone are complete (they run as nothing).
 */
export function isCompleteInput(text: string): boolean {
  if (isMetaInput(text)) return true;
  const { tokens, diagnostics } = lex(text);
  if (tokens.length === 0) return true;
  if (diagnostics.some((d) => d.code === 'E0005')) return false;
  let depth = 0;
  for (const t of tokens) {
    const name = t.tokenType.name;
    if (name === 'LCurly' || name === 'MapOpen') depth++;
    else if (name === 'RCurly' || name === 'MapClose') depth = Math.max(0, depth - 1);
  }
  return depth === 0 && tokens[tokens.length - 1]!.tokenType.name === 'Semi';
}

/** Only comments and whitespace. */
export function isBlankInput(text: string): boolean {
  return lex(text).tokens.length === 0 && !isMetaInput(text);
}

/** Piped input as entries: `:meta` lines on their own, and script text gathered line by line until complete. */
export function splitEntries(text: string): Entry[] {
  const entries: Entry[] = [];
  let pending = '';
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (pending === '' && isMetaInput(line)) {
      entries.push({ kind: 'meta', ...parseMeta(line) });
      continue;
    }
    pending = pending === '' ? line : `${pending}\n${line}`;
    if (isCompleteInput(pending)) {
      if (!isBlankInput(pending)) entries.push({ kind: 'script', text: pending });
      pending = '';
    }
  }
  if (!isBlankInput(pending) && pending.trim() !== '') entries.push({ kind: 'script', text: pending });
  return entries;
}

// Tab completion: what the word under the cursor may become. Commands at the start of a command, meta
// commands after `:`, kinds after `<` (sub-kinds after `File<`, from the compiler's table of kinds), property
// keys inside `{ }` (the keys the named particle has), points everywhere else (children of the parent typed so
// far, asked of the mesh), diagnostic codes after `:explain`, files after `:load`.

import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { KINDS } from '../../compiler/check/kind.ts';
import { CODES } from '../../compiler/diagnostics/registry.ts';
import { COMMAND_HELP, lookupMeta, META_NAMES } from './help.ts';

export interface CompletionSource {
  /** Children of `parent` (top-level particles when undefined). */
  childPoints(parent: string | undefined): Promise<string[]>;
  propertyKeys(point: string): Promise<string[]>;
  /** Where `:load` paths are relative to. */
  readonly cwd: string;
}

export interface Completion {
  /** The range of the input the chosen candidate replaces. */
  readonly start: number;
  readonly end: number;
  readonly candidates: readonly string[];
  /** Append a space after a lone candidate (keywords, meta names): the next thing is a new word. */
  readonly spaceAfter: boolean;
}

const COMMAND_WORDS = ['create', 'create?', 'create!', 'publish', 'publish?', 'select', 'set', 'get', 'delete', 'delete?', 'watch', 'send', 'exit;'];
const WORD_BREAK = /[\s;{},]/;

export async function completionsAt(text: string, cursor: number, source: CompletionSource): Promise<Completion> {
  let start = cursor;
  while (start > 0 && !WORD_BREAK.test(text[start - 1]!)) start--;
  const word = text.slice(start, cursor);
  const none: Completion = { start, end: cursor, candidates: [], spaceAfter: false };

  if (/^\s*:/.test(text)) return metaCompletions(text, start, cursor, word, source);

  const commandStart = Math.max(text.lastIndexOf(';', start - 1) + 1, 0);
  const before = text.slice(commandStart, start);
  if (before.trim() === '') {
    return { start, end: cursor, candidates: COMMAND_WORDS.filter((w) => w.startsWith(word)), spaceAfter: true };
  }
  const lt = word.lastIndexOf('<');
  if (lt >= 0) {
    const head = word.slice(0, lt);
    const outer = head.lastIndexOf('<') >= 0 ? head.slice(head.lastIndexOf('<') + 1) : undefined;
    const prefix = word.slice(lt + 1);
    const names = kindNames(outer);
    return { start: start + lt + 1, end: cursor, candidates: names.filter((n) => n.startsWith(prefix)), spaceAfter: false };
  }
  const openBraces = (before.match(/\{/g) ?? []).length - (before.match(/\}/g) ?? []).length;
  const words = before.trim().split(/\s+/);
  if (openBraces > 0) {
    const point = words[1]?.replace(/[{<].*$/, '');
    if (!point) return none;
    const sign = /^(\+@|\+|!)?/.exec(word)![0];
    const keys = await source.propertyKeys(point);
    return { start: start + sign.length, end: cursor, candidates: keys.filter((k) => k.startsWith(word.slice(sign.length))), spaceAfter: false };
  }
  if (words[0] === 'send' && words.length >= 2) return none; // a method, a path or a body
  return { start, end: cursor, candidates: await pointCandidates(word, source), spaceAfter: false };
}

async function metaCompletions(text: string, start: number, cursor: number, word: string, source: CompletionSource): Promise<Completion> {
  const nameMatch = /^\s*:(\S*)/.exec(text)!;
  const nameEnd = nameMatch[0].length;
  if (cursor <= nameEnd) {
    const typed = nameMatch[1]!.slice(0, cursor - (nameEnd - nameMatch[1]!.length));
    return { start: nameEnd - nameMatch[1]!.length, end: cursor, candidates: META_NAMES.filter((n) => n.startsWith(typed)), spaceAfter: true };
  }
  const meta = lookupMeta(nameMatch[1]!);
  if (!meta.ok) return { start, end: cursor, candidates: [], spaceAfter: false };
  switch (meta.name) {
    case 'help': {
      const names = [...COMMAND_HELP.map((c) => c.name), ...META_NAMES.map((m) => `:${m}`)];
      return { start, end: cursor, candidates: names.filter((n) => n.startsWith(word)), spaceAfter: false };
    }
    case 'explain': {
      const upper = word.toUpperCase();
      return { start, end: cursor, candidates: [...CODES.keys()].filter((c) => c.startsWith(upper)), spaceAfter: false };
    }
    case 'watch':
    case 'tail':
      return { start, end: cursor, candidates: await pointCandidates(word, source), spaceAfter: false };
    case 'load':
      return { start, end: cursor, candidates: fileCandidates(word, source.cwd), spaceAfter: false };
    default:
      return { start, end: cursor, candidates: [], spaceAfter: false };
  }
}

/** Kinds a user may write: every non-system kind, or the sub-kinds of `outer` (`File` → `File`, `Dir`). */
function kindNames(outer: string | undefined): string[] {
  if (outer !== undefined) {
    const info = KINDS.get(outer);
    if (info && info.subKinds.length > 0) return info.subKinds.map((s) => s.name);
  }
  return [...KINDS.values()].filter((k) => !k.system).map((k) => k.name);
}

async function pointCandidates(word: string, source: CompletionSource): Promise<string[]> {
  if (word.includes('::') || word.includes(':/')) return [];
  const colon = word.lastIndexOf(':');
  const parent = colon < 0 ? undefined : word.slice(0, colon);
  const children = await source.childPoints(parent);
  return children.filter((p) => p.startsWith(word)).sort();
}

function fileCandidates(word: string, cwd: string): string[] {
  const dir = word.endsWith('/') ? word : dirname(word) === '.' && !word.startsWith('./') ? '' : `${dirname(word)}/`;
  try {
    return readdirSync(resolve(cwd, dir || '.'), { withFileTypes: true })
      .filter((e) => !e.name.startsWith('.'))
      .map((e) => join(dir, e.name) + (e.isDirectory() ? '/' : ''))
      .filter((p) => p.startsWith(word))
      .sort();
  } catch {
    return [];
  }
}

/** The longest prefix every candidate shares. */
export function commonPrefix(candidates: readonly string[]): string {
  if (candidates.length === 0) return '';
  let prefix = candidates[0]!;
  for (const c of candidates) while (!c.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}

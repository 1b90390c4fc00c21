// The long explanations of diagnostic codes (`starc explain`, the REPL's `:explain`, LSP hover): one markdown
// file per registry code in explanations/, read on demand so that importing this module costs nothing.
//
// Convention of the files, which explanationExamples() relies on: the fenced blocks that follow a line
// `Erroneous code example:` are the erroneous example, those that follow `Fixed code example:` the fixed one.
// A group is the run of fenced blocks right after its marker line, separated only by blank lines; fences
// elsewhere (in notes) belong to neither. A fence's info string is the language (`bind`, `router`, `app`,
// `mechtron`, `script`, or `json` for a supporting file), optionally followed by `file=PATH`, the path the
// example is checked as when the extension or the bundle around it matters (E0009, E0303, E0501).

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { nearest } from '../check/suggest.ts';
import { CODES } from './registry.ts';

export const ERRONEOUS_MARKER = 'Erroneous code example:';
export const FIXED_MARKER = 'Fixed code example:';

export interface ExampleBlock {
  /** The fence's language: `bind`, `router`, `app`, `mechtron`, `script`, or `json` for a supporting file. */
  readonly lang: string;
  /** The block's text, ending with a newline. */
  readonly text: string;
  /** The path to check the block as: its `file=` attribute, else `example.<lang>`. */
  readonly file: string;
}

export interface ExplanationExamples {
  readonly erroneous: readonly ExampleBlock[];
  readonly fixed: readonly ExampleBlock[];
}

/** `e0102 ` → `E0102`. */
export function normalizeCode(code: string): string {
  return code.trim().toUpperCase();
}

let cachedDir: string | null | undefined;

/**
 * The directory holding the explanation files. In the bundle, scripts/build.mjs copies them to
 * dist/explanations/, beside dist/starc.mjs (or one level up from a chunk in dist/chunks/); from source they
 * sit beside this module.
 */
export function explanationsDir(): string | undefined {
  if (cachedDir !== undefined) return cachedDir ?? undefined;
  cachedDir = null;
  for (const relative of ['../explanations/', './explanations/']) {
    const dir = fileURLToPath(new URL(relative, import.meta.url));
    if (isDirectory(dir)) {
      cachedDir = dir;
      break;
    }
  }
  return cachedDir ?? undefined;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The markdown explanation of a registry code (any case), or undefined if the code is unknown. */
export function explanationOf(code: string): string | undefined {
  const normalized = normalizeCode(code);
  if (!CODES.has(normalized)) return undefined;
  const dir = explanationsDir();
  if (dir === undefined) return undefined;
  try {
    return readFileSync(`${dir}${normalized}.md`, 'utf8');
  } catch {
    return undefined;
  }
}

/** The codes that have an explanation file, sorted (tests hold this equal to the registry). */
export function explainedCodes(): string[] {
  const dir = explanationsDir();
  if (dir === undefined) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.md'))
    .map((name) => name.slice(0, -'.md'.length))
    .sort();
}

/** Up to `count` registry codes closest to `code` by edit distance, for "the nearest codes are ...". */
export function nearestCodes(code: string, count: number): string[] {
  return nearest(normalizeCode(code), CODES.keys(), count);
}

/** The erroneous and fixed examples of a code's explanation; both empty if the code has none. */
export function explanationExamples(code: string): ExplanationExamples {
  const markdown = explanationOf(code);
  return markdown === undefined ? { erroneous: [], fixed: [] } : examplesOfMarkdown(markdown);
}

/** The examples of one explanation text, by the marker convention described at the top of this module. */
export function examplesOfMarkdown(markdown: string): ExplanationExamples {
  const lines = markdown.split(/\r?\n/);
  const erroneous: ExampleBlock[] = [];
  const fixed: ExampleBlock[] = [];
  let target: ExampleBlock[] | undefined;
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const fence = /^(`{3,})(.*)$/.exec(line);
    if (fence) {
      const end = closingFence(lines, i + 1, fence[1]!);
      if (target) target.push(exampleBlock(fence[2]!, lines.slice(i + 1, end)));
      i = end + 1;
      continue;
    }
    const trimmed = line.trim();
    if (trimmed === ERRONEOUS_MARKER) target = erroneous;
    else if (trimmed === FIXED_MARKER) target = fixed;
    else if (trimmed !== '') target = undefined;
    i++;
  }
  return { erroneous, fixed };
}

/** Index of the line that closes a fence opened with `ticks` (or lines.length if it is never closed). */
function closingFence(lines: readonly string[], from: number, ticks: string): number {
  for (let j = from; j < lines.length; j++) {
    const m = /^(`{3,})\s*$/.exec(lines[j]!);
    if (m && m[1]!.length >= ticks.length) return j;
  }
  return lines.length;
}

function exampleBlock(info: string, body: readonly string[]): ExampleBlock {
  const [lang = '', ...attributes] = info.trim().split(/\s+/);
  const fileAttribute = attributes.find((a) => a.startsWith('file='));
  const file = fileAttribute ? fileAttribute.slice('file='.length) : `example.${lang}`;
  return { lang, text: body.length === 0 ? '' : `${body.join('\n')}\n`, file };
}

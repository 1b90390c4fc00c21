// What every legacy form shares: Starlane's variable spellings, `{{ }}`, the marker for text left to a human,
// and W0701 for it.

import type { Span } from '../../grammar/span.ts';
import type { Reporter } from '../check/report.ts';

/** Starlane 0.2's `${self.config.bundle}` / `$(self.config.bundle)` → v1's `${doc.bundle}` (and `${doc}`). */
export function migrateVariables(text: string): string {
  return text
    .replace(/\$[{(]self\.config\.bundle[})]/g, '${doc.bundle}')
    .replace(/\$[{(]self\.config[})]/g, '${doc}')
    .replace(/\$\(((?:self|doc)(?:\.bundle)?)\)/g, '${$1}');
}

/** `{{ }}` → `(())`, `{{*}}` → `((*))`. */
export function migrateCoreDelivery(text: string): string {
  return text.replace(/\{\{\s*(\*?)\s*\}\}/g, '(($1))');
}

/** Runs of whitespace outside quotes become one space; a pipeline reads best on one line. */
export function collapseSpaces(text: string): string {
  let out = '';
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    if (/\s/.test(c)) {
      if (!out.endsWith(' ')) out += ' ';
      continue;
    }
    out += c;
  }
  return out.trim();
}

export const MANUAL_MARKER = '# TODO(starc migrate): ';

/**
 * Text migrate cannot convert: kept, commented out, under a marker line so that the rest of the file still
 * checks, and reported as W0701 with what to do.
 */
export function leaveToHuman(
  original: string,
  span: Span,
  indent: string,
  reporter: Reporter,
  message: string,
  help: string,
): string[] {
  reporter.report('W0701', message, span, 'not migrated', { help: [help] });
  return original.split(/\r?\n/).map((line) => `${indent}${MANUAL_MARKER}${line.trim()}`);
}

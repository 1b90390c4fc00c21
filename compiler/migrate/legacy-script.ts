// Starlane 0.2 commands to v1, line by line so that a script keeps its layout and comments: `? create` →
// `create?` (also `? publish`, `? delete`), `ArtifactBundleSeries` → `BundleSeries`, `ArtifactBundle` →
// `Bundle`, `${self.config.bundle}` → `${doc.bundle}`. `Base<Repo>` stays: v1 accepts such a base as the parent
// of a `BundleSeries` (compiler/check/kind.ts), and renaming the particle's kind would change what it creates.

import { migrateVariables } from './legacy-common.ts';

/** One command text (or a whole script) with its legacy spellings rewritten; comments are left alone. */
export function migrateScriptText(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      const at = commentStart(line);
      return migrateCode(line.slice(0, at)) + line.slice(at);
    })
    .join('\n');
}

function migrateCode(code: string): string {
  return migrateVariables(
    code
      .replace(/(^|;)(\s*)\?[ \t]*(create|publish|delete)\b/g, '$1$2$3?')
      .replace(/\bArtifactBundleSeries\b/g, 'BundleSeries')
      .replace(/\bArtifactBundle\b/g, 'Bundle'),
  );
}

/** Where a line's comment starts: a `#` at the start of a token, outside quotes; the line's length if none. */
export function commentStart(line: string): number {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) {
      return i;
    }
  }
  return line.length;
}

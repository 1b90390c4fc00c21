// Legacy path patterns and the stops that use their captures: positional groups become named ones, `$1`
// becomes `${path}`, and a pattern keeps the meaning Starlane's unanchored matching gave it where a file
// relies on that (see `anchoredPath`).

/** The names given to positional groups, in order: `path`, then `path2`, `path3`... */
export function captureName(index: number): string {
  return index === 1 ? 'path' : `path${index}`;
}

/**
 * The pattern with its positional capturing groups named (`(.*)` → `(?P<path>.*)`) and the number of groups
 * named. Escapes, character classes and groups that are not capturing (`(?:`, `(?P<x>`, lookarounds) are left
 * alone.
 */
export function nameCaptures(pattern: string): { pattern: string; count: number } {
  let out = '';
  let count = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      out += pattern.slice(i, i + 2);
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') inClass = true;
    if (c === '(' && pattern[i + 1] !== '?') {
      count++;
      out += `(?P<${captureName(count)}>`;
      continue;
    }
    out += c;
  }
  return { pattern: out, count };
}

/** The highest `$N` (N ≥ 1) a stop text uses, 0 when none. `${name}` is not positional. */
export function highestPositional(text: string): number {
  let max = 0;
  for (const m of text.matchAll(/\$(\d)/g)) max = Math.max(max, Number(m[1]));
  return max;
}

/** `$1` → `${path}` for the groups that exist; others are left for the caller to report. */
export function namePositionals(text: string, groups: number): string {
  return text.replace(/\$(\d)/g, (whole, digit: string) => {
    const n = Number(digit);
    return n >= 1 && n <= groups ? `\${${captureName(n)}}` : whole;
  });
}

/**
 * A legacy path for v1, where the innermost path must match the whole request path (SPEC §4.2). Starlane
 * matched unanchored, so:
 * - a path that is only `/` matched every request: the selector gets no path at all (`undefined`);
 * - a path ending in `/` was a folder prefix (`/app/` served `/app/x`): it gets `.*` (`/app/.*`);
 * - any other path keeps its text: it now matches only the whole path, which is what its authors meant
 *   (`/index.html` no longer matches `/x/index.html`; `/(.*)` still matches everything).
 */
export function anchoredPath(path: string): string | undefined {
  if (path === '' || path === '/') return undefined;
  if (path.endsWith('/') && !path.endsWith('\\/')) return `${path}.*`;
  return path;
}

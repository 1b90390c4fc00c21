// Structural comparison of two ASTs with every `span` ignored: what "fmt keeps the meaning" means. Comment texts
// are compared without trailing whitespace, which the formatter drops.

/** Where two ASTs first differ (`body[2].pipeline[0].stop.kind: "CoreStop" ≠ "ReplyStop"`), or undefined. */
export function firstAstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (a === b) return undefined;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return `${path || '(root)'}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return `${path}: array ≠ object`;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${path}.length: ${a.length} ≠ ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = firstAstDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
  for (const key of keys) {
    if (key === 'span') continue;
    let va = ra[key];
    let vb = rb[key];
    if (path.startsWith('.comments[') && key === 'text' && typeof va === 'string' && typeof vb === 'string') {
      va = va.trimEnd();
      vb = vb.trimEnd();
    }
    const d = firstAstDifference(va, vb, `${path}.${key}`);
    if (d) return d;
  }
  return undefined;
}

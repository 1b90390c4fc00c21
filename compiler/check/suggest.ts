// "Did you mean" candidates by edit distance, as rustc picks them: close enough to be a likely typo.

/** Damerau-Levenshtein (optimal string alignment) distance, case-sensitive. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const n = a.length;
  const m = b.length;
  if (n === 0) return m;
  if (m === 0) return n;
  let prev2: number[] = [];
  let prev: number[] = Array.from({ length: m + 1 }, (_, j) => j);
  for (let i = 1; i <= n; i++) {
    const cur: number[] = [i];
    for (let j = 1; j <= m; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur.push(v);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[m]!;
}

/**
 * The candidate nearest to `name`, if it is a plausible typo: distance at most a third of the longer
 * word, rounded up (so `Fetch` → `Patch`, as SPEC §9 shows), or equal ignoring case. Ties go to the
 * earlier candidate.
 */
export function closestMatch(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = name.toLowerCase();
  for (const candidate of candidates) {
    if (candidate.toLowerCase() === lower && candidate !== name) return candidate;
    const d = editDistance(name, candidate);
    const limit = Math.max(1, Math.ceil(Math.max(name.length, candidate.length) / 3));
    if (d <= limit && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Up to `count` candidates ordered by distance (for lists such as "the nearest codes are ..."). */
export function nearest(name: string, candidates: Iterable<string>, count: number): string[] {
  return [...candidates]
    .map((c) => ({ c, d: editDistance(name.toLowerCase(), c.toLowerCase()) }))
    .sort((x, y) => x.d - y.d || (x.c < y.c ? -1 : 1))
    .slice(0, count)
    .map((x) => x.c);
}

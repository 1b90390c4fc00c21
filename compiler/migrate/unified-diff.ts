// A unified diff of two texts (`diff -u` layout, 3 lines of context), for `starc migrate` without `--write`.

const CONTEXT = 3;
/** Above this many line pairs the LCS table is not worth it: the changed middle is shown as one replacement. */
const MAX_CELLS = 4_000_000;

type Op = { readonly tag: ' ' | '-' | '+'; readonly line: string };

/** `--- a/old` / `+++ b/new` and the hunks; '' when the texts are equal. */
export function unifiedDiff(oldText: string, newText: string, oldName: string, newName: string): string {
  if (oldText === newText) return '';
  const a = splitLines(oldText);
  const b = splitLines(newText);
  const ops = diffLines(a, b);
  let out = `--- ${oldName}\n+++ ${newName}\n`;
  for (const hunk of hunks(ops)) out += hunk;
  return out;
}

/** Lines without their breaks; a last line without a break is marked as diff does. */
function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  else lines[lines.length - 1] += '\n\\ No newline at end of file';
  return lines;
}

function diffLines(a: readonly string[], b: readonly string[]): Op[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const head: Op[] = a.slice(0, start).map((line) => ({ tag: ' ', line }));
  const tail: Op[] = a.slice(endA).map((line) => ({ tag: ' ', line }));
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  let middle: Op[];
  if (midA.length * midB.length > MAX_CELLS) {
    middle = [...midA.map((line) => ({ tag: '-' as const, line })), ...midB.map((line) => ({ tag: '+' as const, line }))];
  } else {
    middle = lcsOps(midA, midB);
  }
  return [...head, ...middle, ...tail];
}

function lcsOps(a: readonly string[], b: readonly string[]): Op[] {
  const n = a.length;
  const m = b.length;
  // lengths[i][j]: LCS of a[i..] and b[j..].
  const lengths = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lengths[i]![j] = a[i] === b[j] ? lengths[i + 1]![j + 1]! + 1 : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push({ tag: ' ', line: a[i]! });
      i++;
      j++;
    } else if (i < n && (j >= m || lengths[i + 1]![j]! >= lengths[i]![j + 1]!)) {
      ops.push({ tag: '-', line: a[i++]! });
    } else {
      ops.push({ tag: '+', line: b[j++]! });
    }
  }
  return ops;
}

function hunks(ops: readonly Op[]): string[] {
  const changed = ops.map((op, index) => (op.tag === ' ' ? -1 : index)).filter((index) => index >= 0);
  const out: string[] = [];
  let k = 0;
  while (k < changed.length) {
    const from = Math.max(0, changed[k]! - CONTEXT);
    let to = changed[k]!;
    // Extend while the next change is close enough that the contexts touch.
    while (k + 1 < changed.length && changed[k + 1]! - to <= 2 * CONTEXT) to = changed[++k]!;
    k++;
    const end = Math.min(ops.length, to + CONTEXT + 1);
    let oldStart = 1;
    let newStart = 1;
    for (let i = 0; i < from; i++) {
      if (ops[i]!.tag !== '+') oldStart++;
      if (ops[i]!.tag !== '-') newStart++;
    }
    const slice = ops.slice(from, end);
    const oldCount = slice.filter((op) => op.tag !== '+').length;
    const newCount = slice.filter((op) => op.tag !== '-').length;
    // diff -u numbers an empty side by the line before it.
    const range = (start: number, count: number) => `${count === 0 ? start - 1 : start}${count === 1 ? '' : `,${count}`}`;
    out.push(`@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@\n${slice.map((op) => `${op.tag}${op.line}\n`).join('')}`);
  }
  return out;
}

// The bench report: rows of figures, each with its bar (when it has one), printed as an aligned table.

export interface BenchRow {
  /** The bar's id from DESIGN.md §7 (`B1`, `B2`, `R1`). */
  readonly bar: string;
  /** What was measured, in a few words. */
  readonly what: string;
  /** The figure, formatted with its unit. */
  readonly value: string;
  /** What the figure is compared with, when it is a ratio or has a reference (`JSON.parse 412 MB/s`). */
  readonly reference?: string;
  /** The bar as text (`≥ 20 MB/s`); absent for figures shown for information. */
  readonly target?: string;
  /** Whether the bar is met; absent when the row has no bar. */
  readonly pass?: boolean;
}

export function formatNumber(n: number, digits = 1): string {
  if (!Number.isFinite(n)) return String(n);
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function statusOf(row: BenchRow): string {
  return row.pass === undefined ? '' : row.pass ? 'PASS' : 'FAIL';
}

/** The rows as a plain-text table (no colours: the output is often redirected to a file or a CI log). */
export function renderTable(rows: readonly BenchRow[]): string {
  const header = ['bar', 'what', 'value', 'reference', 'target', 'status'];
  const cells = rows.map((r) => [r.bar, r.what, r.value, r.reference ?? '', r.target ?? '', statusOf(r)]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]): string => c.map((s, i) => s.padEnd(widths[i]!)).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...cells.map(line)].join('\n');
}

// Spans are half-open UTF-16 offsets into the source; lines and columns are computed only when shown.

export interface Span {
  readonly start: number;
  readonly end: number;
}

export function span(start: number, end: number): Span {
  return { start, end };
}

/** A 1-based line and column (column counted in UTF-16 code units, as editors and rustc's JSON do). */
export interface LineCol {
  readonly line: number;
  readonly col: number;
}

/** Line-start table for one source text: offset → line/column in O(log n). */
export class LineIndex {
  readonly lineStarts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) starts.push(i + 1);
    }
    this.lineStarts = starts;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** 0-based line that holds `offset`. */
  lineOf(offset: number): number {
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  lineCol(offset: number): LineCol {
    const line = this.lineOf(offset);
    return { line: line + 1, col: offset - this.lineStarts[line]! + 1 };
  }

  /** Text of 0-based line `line`, without its line break. */
  lineText(line: number): string {
    const start = this.lineStarts[line]!;
    let end = line + 1 < this.lineStarts.length ? this.lineStarts[line + 1]! - 1 : this.text.length;
    if (end > start && this.text.charCodeAt(end - 1) === 13) end--;
    return this.text.slice(start, end);
  }

  lineStart(line: number): number {
    return this.lineStarts[line]!;
  }
}

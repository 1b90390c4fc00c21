// The human format: rustc's layout (header, `-->`, gutter, underlines with labels, notes, patched suggestions).
//
// Everything is drawn on a grid of terminal cells (like rustc's StyledBuffer) and serialised at the end, so that
// labels, connectors and margins can be placed by column without string surgery. Columns here are display
// columns: tabs are 4 cells (rustc replaces each tab with 4 spaces), wide characters 2, combining marks 0.

import type { Diagnostic, Edit, Label, Severity, Suggestion } from '../../grammar/diagnostic.ts';
import { LineIndex } from '../../grammar/span.ts';
import { omittedMessage, plural, type Counts, type FileReport, type RenderOptions } from './render.ts';

// ---------------------------------------------------------------------------------------------------------------
// Styles and the cell grid

type Paint = 'plain' | 'error' | 'warning' | 'bold' | 'gutter' | 'secondary' | 'help' | 'addition' | 'removal';

// rustc's palette: bright red errors, bright yellow warnings, bright blue gutter and secondary labels.
const SGR: Record<Paint, string> = {
  plain: '',
  error: '\x1b[1;91m',
  warning: '\x1b[1;93m',
  bold: '\x1b[1m',
  gutter: '\x1b[1;94m',
  secondary: '\x1b[1;94m',
  help: '\x1b[1;96m',
  addition: '\x1b[92m',
  removal: '\x1b[91m',
};
const RESET = '\x1b[0m';

function severityPaint(severity: Severity): Paint {
  return severity === 'error' ? 'error' : 'warning';
}

interface Cell {
  /** What the cell prints: one character, or '' for the right half of a wide character. */
  ch: string;
  paint: Paint;
}

class Canvas {
  private readonly rows: Cell[][] = [];

  /** Index of a new empty row. */
  addRow(): number {
    this.rows.push([]);
    return this.rows.length - 1;
  }

  put(row: number, col: number, ch: string, paint: Paint): void {
    const cells = this.rows[row]!;
    while (cells.length <= col) cells.push({ ch: ' ', paint: 'plain' });
    cells[col] = { ch, paint };
  }

  /** Write text (laid out by display width) from `col`; returns the column after it. */
  text(row: number, col: number, text: string, paint: Paint): number {
    for (const cell of layoutText(text).cells) this.put(row, col++, cell, paint);
    return col;
  }

  /** Fill the columns [from, to) with `ch`. */
  fill(row: number, from: number, to: number, ch: string, paint: Paint): void {
    for (let col = from; col < to; col++) this.put(row, col, ch, paint);
  }

  /** The rows as text lines: trailing blanks trimmed, runs of one paint wrapped in one SGR sequence. */
  serialize(color: boolean): string[] {
    return this.rows.map((cells) => {
      let last = cells.length - 1;
      while (last >= 0 && cells[last]!.ch === ' ') last--;
      let out = '';
      let current: Paint = 'plain';
      // Blanks join the run around them only when the same paint follows, so no run ends in painted blanks.
      let blanks = '';
      for (let i = 0; i <= last; i++) {
        const { ch, paint } = cells[i]!;
        if (ch === ' ') {
          blanks += ' ';
          continue;
        }
        if (color && paint !== current) {
          if (current !== 'plain') out += RESET;
          out += blanks;
          if (paint !== 'plain') out += SGR[paint];
          current = paint;
        } else {
          out += blanks;
        }
        blanks = '';
        out += ch;
      }
      if (color && current !== 'plain') out += RESET;
      return out;
    });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Display width

const TAB_WIDTH = 4;

/** Terminal cells a code point takes: 0 for combining and zero-width marks, 2 for East Asian wide and emoji. */
function charWidth(cp: number): number {
  if (
    (cp >= 0x0300 && cp <= 0x036f) ||
    (cp >= 0x1ab0 && cp <= 0x1aff) ||
    (cp >= 0x20d0 && cp <= 0x20ff) ||
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    cp === 0x200b ||
    cp === 0x200c ||
    cp === 0x200d ||
    cp === 0xfeff
  ) {
    return 0;
  }
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

/**
 * What a character looks like on the terminal. Control characters become their visible Unicode pictures and
 * bidirectional overrides become U+FFFD (as rustc does), so source text can neither move the cursor, inject
 * escape sequences nor reorder what the reader sees.
 */
function visibleChar(cp: number): string {
  if (cp < 0x20) return String.fromCodePoint(0x2400 + cp);
  if (cp === 0x7f) return '\u2421';
  if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)) return '\ufffd';
  return String.fromCodePoint(cp);
}

interface LaidOut {
  /** One entry per display cell. */
  cells: string[];
  /** Display column of each UTF-16 index of the text, plus one entry for its end. */
  colOf: number[];
}

function layoutText(text: string): LaidOut {
  const cells: string[] = [];
  const colOf: number[] = new Array<number>(text.length + 1);
  let i = 0;
  while (i < text.length) {
    const cp = text.codePointAt(i)!;
    const units = cp > 0xffff ? 2 : 1;
    colOf[i] = cells.length;
    if (units === 2) colOf[i + 1] = cells.length;
    if (cp === 9) {
      for (let k = 0; k < TAB_WIDTH; k++) cells.push(' ');
    } else {
      const width = cp < 0x20 || cp === 0x7f ? 1 : charWidth(cp);
      if (width === 0 && cells.length > 0) cells[cells.length - 1] += String.fromCodePoint(cp);
      else {
        cells.push(visibleChar(cp));
        if (width === 2) cells.push('');
      }
    }
    i += units;
  }
  colOf[text.length] = cells.length;
  return { cells, colOf };
}

/** Message text made safe for a terminal (see visibleChar), newlines kept for the caller to lay out. */
function visible(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    out += cp === 10 ? '\n' : cp === 9 ? ' ' : visibleChar(cp);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Annotations: labels resolved to lines and display columns

interface Annotation {
  readonly primary: boolean;
  readonly label: string;
  readonly paint: Paint;
  /** 0-based lines of the first and last character. */
  readonly startLine: number;
  readonly endLine: number;
  /** Display columns on their lines: `startCol` of the first cell, `endCol` one past the last. */
  readonly startCol: number;
  readonly endCol: number;
  /** Multi-line only: margin column, and whether it starts at the line's indentation (rustc's `/` form). */
  depth: number;
  slash: boolean;
}

/** Source lines laid out once per diagnostic, since several annotations usually share one. */
class SourceLines {
  private readonly cache = new Map<number, LaidOut>();

  constructor(readonly index: LineIndex) {}

  layout(line: number): LaidOut {
    let laid = this.cache.get(line);
    if (!laid) {
      laid = layoutText(this.index.lineText(line));
      this.cache.set(line, laid);
    }
    return laid;
  }

  /** Display column of a text offset on `line`; offsets past the line's text (its line break) sit one past it. */
  colAt(line: number, offset: number): number {
    const laid = this.layout(line);
    const i = offset - this.index.lineStart(line);
    const len = laid.colOf.length - 1;
    if (i <= len) return laid.colOf[Math.max(0, i)]!;
    return laid.colOf[len]! + 1;
  }
}

function resolveLabel(label: Label, primary: boolean, severity: Severity, src: SourceLines): Annotation {
  const length = src.index.text.length;
  const start = clamp(label.span.start, 0, length);
  const end = clamp(label.span.end, start, length);
  const startLine = src.index.lineOf(start);
  // The line of the last character, not of `end`: a span that ends with a line break stays on its line.
  const endLine = end > start ? src.index.lineOf(end - 1) : startLine;
  const startCol = src.colAt(startLine, start);
  let endCol = end > start ? src.colAt(endLine, end) : startCol + 1;
  // A span over zero-width characters only still gets one caret.
  if (endCol <= startCol && startLine === endLine) endCol = startCol + 1;
  return {
    primary,
    label: visible(label.label).replace(/\n/g, ' '),
    paint: primary ? severityPaint(severity) : 'secondary',
    startLine,
    endLine,
    startCol,
    endCol,
    depth: 0,
    slash: false,
  };
}

function clamp(value: number, lo: number, hi: number): number {
  return Math.min(Math.max(value, lo), hi);
}

function isMultiline(a: Annotation): boolean {
  return a.startLine !== a.endLine;
}

/** Lines longer than this inside a multi-line span are elided, keeping two at each end. */
const MAX_MULTILINE_SHOWN = 6;

// ---------------------------------------------------------------------------------------------------------------
// The source snippet

/** 0-based lines that the annotations need shown. */
function linesToShow(annotations: readonly Annotation[]): number[] {
  const lines = new Set<number>();
  for (const a of annotations) {
    lines.add(a.startLine);
    lines.add(a.endLine);
    if (!isMultiline(a)) continue;
    if (a.endLine - a.startLine + 1 <= MAX_MULTILINE_SHOWN) {
      for (let l = a.startLine + 1; l < a.endLine; l++) lines.add(l);
    } else {
      lines.add(a.startLine + 1);
      lines.add(a.endLine - 1);
    }
  }
  return [...lines].sort((x, y) => x - y);
}

/** Give each multi-line annotation its margin column: outer (earlier) spans further left, overlapping ones apart. */
function assignDepths(multiline: Annotation[], src: SourceLines): number {
  multiline.sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
  const busyUntil: number[] = [];
  for (const a of multiline) {
    let depth = busyUntil.findIndex((line) => line < a.startLine);
    if (depth < 0) depth = busyUntil.length;
    busyUntil[depth] = a.endLine;
    a.depth = depth;
    const text = src.index.lineText(a.startLine);
    const indent = text.length - text.trimStart().length;
    a.slash = a.startCol <= src.colAt(a.startLine, src.index.lineStart(a.startLine) + indent);
  }
  return busyUntil.length;
}

/**
 * Draw the annotated source lines. `gutterWidth` is the width of the line numbers; text starts after
 * `N | ` and the margin that multi-line spans need.
 */
function drawSnippet(canvas: Canvas, annotations: Annotation[], src: SourceLines, gutterWidth: number): void {
  const multiline = annotations.filter(isMultiline);
  const marginColumns = assignDepths(multiline, src);
  const marginStart = gutterWidth + 3;
  const textStart = marginStart + (marginColumns > 0 ? marginColumns + 1 : 0);

  const gutterRow = (lineNumber?: number): number => {
    const row = canvas.addRow();
    if (lineNumber !== undefined) canvas.text(row, 0, String(lineNumber).padEnd(gutterWidth), 'gutter');
    canvas.put(row, gutterWidth + 1, '|', 'gutter');
    return row;
  };
  // Per source line: the multi-line spans whose start row has been drawn (their bar runs from there on) and
  // those whose end row has (their bar stops).
  const startDrawn = new Set<Annotation>();
  const endDrawn = new Set<Annotation>();
  /** The vertical bars of the multi-line spans that pass through a row below `line`. */
  const drawBars = (row: number, line: number, except?: Annotation): void => {
    for (const m of multiline) {
      if (m === except) continue;
      const started = m.startLine < line || (m.startLine === line && (m.slash || startDrawn.has(m)));
      if (started && line <= m.endLine && !endDrawn.has(m)) canvas.put(row, marginStart + m.depth, '|', m.paint);
    }
  };

  const shown = linesToShow(annotations);
  let previous: number | undefined;
  for (const line of withSmallGapsFilled(shown)) {
    if (previous !== undefined && line > previous + 1) {
      const row = canvas.addRow();
      canvas.text(row, 0, '...', 'gutter');
    }
    previous = line;
    startDrawn.clear();
    endDrawn.clear();

    // The source line itself, with the margin cells of the multi-line spans that cover it.
    const row = gutterRow(line + 1);
    for (const m of multiline) {
      if (m.startLine === line && m.slash) canvas.put(row, marginStart + m.depth, '/', m.paint);
      else if (m.startLine < line && line <= m.endLine) canvas.put(row, marginStart + m.depth, '|', m.paint);
    }
    src.layout(line).cells.forEach((ch, i) => canvas.put(row, textStart + i, ch, 'plain'));

    // Where multi-line spans start mid-line: ` ____^` from the margin to the first character.
    for (const m of multiline) {
      if (m.startLine !== line || m.slash) continue;
      const r = gutterRow();
      drawBars(r, line, m);
      canvas.fill(r, marginStart + m.depth + 1, textStart + m.startCol, '_', m.paint);
      canvas.put(r, textStart + m.startCol, m.primary ? '^' : '-', m.paint);
      startDrawn.add(m);
    }

    const single = annotations.filter((a) => !isMultiline(a) && a.startLine === line);
    if (single.length > 0) drawSingleLine(canvas, single, textStart, gutterRow, (r) => drawBars(r, line));

    // Where multi-line spans end: `|____^ label`, innermost first.
    const ending = multiline.filter((m) => m.endLine === line).sort((a, b) => b.depth - a.depth);
    for (const m of ending) {
      const r = gutterRow();
      drawBars(r, line, m);
      const caretCol = textStart + Math.max(0, m.endCol - 1);
      canvas.put(r, marginStart + m.depth, '|', m.paint);
      canvas.fill(r, marginStart + m.depth + 1, caretCol, '_', m.paint);
      canvas.put(r, caretCol, m.primary ? '^' : '-', m.paint);
      if (m.label) canvas.text(r, caretCol + 2, m.label, m.paint);
      endDrawn.add(m);
    }
  }
}

/** Lines in order, with a lone skipped line shown instead of `...` (which would take as much room). */
function withSmallGapsFilled(lines: number[]): number[] {
  const out: number[] = [];
  for (const line of lines) {
    const last = out[out.length - 1];
    if (last !== undefined && line === last + 2) out.push(last + 1);
    out.push(line);
  }
  return out;
}

/**
 * Underlines on one line, rustc style: every underline on one row; the rightmost label beside its underline;
 * the others hang below on `|` connectors, the nearer to the right the higher up:
 *
 *     foo(a, b)
 *     --- -  ^ label3
 *     |   |
 *     |   label2
 *     label1
 */
function drawSingleLine(
  canvas: Canvas,
  annotations: Annotation[],
  textStart: number,
  gutterRow: () => number,
  drawBars: (row: number) => void,
): void {
  const sorted = [...annotations].sort((a, b) => a.startCol - b.startCol || a.endCol - b.endCol);
  const underline = gutterRow();
  drawBars(underline);
  // Secondaries first so that the primary's carets win where spans overlap.
  for (const a of [...sorted].sort((x, y) => Number(x.primary) - Number(y.primary))) {
    canvas.fill(underline, textStart + a.startCol, textStart + a.endCol, a.primary ? '^' : '-', a.paint);
  }

  const last = sorted[sorted.length - 1]!;
  const maxEnd = Math.max(...sorted.map((a) => a.endCol));
  const inline = last.endCol >= maxEnd ? last : undefined;
  if (inline?.label) canvas.text(underline, textStart + maxEnd + 1, inline.label, inline.paint);

  const hanging = sorted.filter((a) => a !== inline && a.label).reverse();
  if (hanging.length === 0) return;
  const connector = gutterRow();
  drawBars(connector);
  for (const a of hanging) canvas.put(connector, textStart + a.startCol, '|', a.paint);
  hanging.forEach((a, i) => {
    const row = gutterRow();
    drawBars(row);
    for (const left of hanging.slice(i + 1)) canvas.put(row, textStart + left.startCol, '|', left.paint);
    canvas.text(row, textStart + a.startCol, a.label, a.paint);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Suggestions: the source lines as they would read with the edits applied

/** A UTF-16 range of patched text and its underline: `~` for replaced text, `+` for inserted text. */
interface Marked {
  readonly start: number;
  readonly end: number;
  readonly mark: '~' | '+';
}

interface PatchedLine {
  /** 1-based line number (the first patched line keeps its original number; the others count on). */
  readonly number: number;
  readonly text: string;
  /** The ranges of this line that the edits wrote (or, in a diff's `-` line, deleted). */
  readonly marks: readonly Marked[];
}

interface PatchedSnippet {
  /** `diff`: only deletions, shown as a `-` line and a `+` line, as rustc does. */
  readonly kind: 'patch' | 'diff';
  readonly lines: readonly PatchedLine[];
  /** For `diff`: the original lines, with the deleted ranges. */
  readonly removed: readonly PatchedLine[];
  readonly lastNumber: number;
}

/** Patched lines past this many are elided: a suggestion shows a fix, not a file. */
const MAX_SUGGESTION_LINES = 8;

function patchSnippet(suggestion: Suggestion, index: LineIndex): PatchedSnippet | undefined {
  const length = index.text.length;
  const edits: Edit[] = [];
  for (const e of [...suggestion.edits].sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end)) {
    const start = clamp(e.span.start, 0, length);
    const end = clamp(e.span.end, start, length);
    const prev = edits[edits.length - 1];
    if (prev && start < prev.span.end) continue; // overlapping edits: keep the first, as an editor would
    edits.push({ span: { start, end }, newText: e.newText });
  }
  if (edits.length === 0) return undefined;

  const firstLine = index.lineOf(edits[0]!.span.start);
  const lastLine = index.lineOf(edits[edits.length - 1]!.span.end);
  const from = index.lineStart(firstLine);
  const to = index.lineStart(lastLine) + index.lineText(lastLine).length;

  const onlyDeletions = edits.every((e) => e.newText === '' && e.span.end > e.span.start);
  let patched = '';
  let cursor = from;
  const written: Marked[] = [];
  const deleted: Marked[] = [];
  for (const e of edits) {
    patched += index.text.slice(cursor, e.span.start);
    written.push({
      start: patched.length,
      end: patched.length + e.newText.length,
      mark: e.span.start === e.span.end ? '+' : '~',
    });
    deleted.push({ start: e.span.start - from, end: e.span.end - from, mark: '~' });
    patched += e.newText;
    cursor = e.span.end;
  }
  patched += index.text.slice(cursor, Math.max(cursor, to));

  const lines = splitMarked(patched, written, firstLine + 1);
  const removed = onlyDeletions ? splitMarked(index.text.slice(from, to), deleted, firstLine + 1) : [];
  const lastNumber = Math.max(
    lines[lines.length - 1]?.number ?? firstLine + 1,
    removed[removed.length - 1]?.number ?? firstLine + 1,
  );
  return { kind: onlyDeletions ? 'diff' : 'patch', lines, removed, lastNumber };
}

/** Split text into lines numbered from `firstNumber`, moving each marked range onto the lines it covers. */
function splitMarked(
  text: string,
  marks: readonly Marked[],
  firstNumber: number,
): PatchedLine[] {
  const out: PatchedLine[] = [];
  let lineStart = 0;
  let number = firstNumber;
  for (;;) {
    const nl = text.indexOf('\n', lineStart);
    const lineEnd = nl < 0 ? text.length : nl;
    let body = text.slice(lineStart, lineEnd);
    if (body.endsWith('\r')) body = body.slice(0, -1);
    const lineMarks = marks
      .filter((m) => m.start < lineEnd + 1 && m.end > lineStart)
      .map((m) => ({
        start: Math.max(m.start, lineStart) - lineStart,
        end: Math.min(m.end, lineEnd) - lineStart,
        mark: m.mark,
      }))
      .filter((m) => m.end > m.start);
    out.push({ number: number++, text: body, marks: lineMarks });
    if (nl < 0) break;
    lineStart = nl + 1;
  }
  return out;
}

function drawSuggestion(canvas: Canvas, snippet: PatchedSnippet, gutterWidth: number): void {
  const textStart = gutterWidth + 3;
  const blank = canvas.addRow();
  canvas.put(blank, gutterWidth + 1, '|', 'gutter');

  const sourceRow = (line: PatchedLine, sign: string, signPaint: Paint, textPaint: (col: number) => Paint) => {
    const row = canvas.addRow();
    canvas.text(row, 0, String(line.number).padEnd(gutterWidth), 'gutter');
    canvas.put(row, gutterWidth + 1, sign, signPaint);
    layoutText(line.text).cells.forEach((ch, i) => canvas.put(row, textStart + i, ch, textPaint(i)));
    return row;
  };
  const elide = (lines: readonly PatchedLine[]): readonly PatchedLine[] =>
    lines.length > MAX_SUGGESTION_LINES ? lines.slice(0, MAX_SUGGESTION_LINES) : lines;
  const elisionRow = (lines: readonly PatchedLine[]) => {
    if (lines.length <= MAX_SUGGESTION_LINES) return;
    canvas.text(canvas.addRow(), 0, '...', 'gutter');
  };

  if (snippet.kind === 'diff') {
    // rustc shows a removal as the line before (deleted text in red) and after.
    for (const line of elide(snippet.removed)) {
      const laid = layoutText(line.text);
      const inDeleted = (col: number) =>
        line.marks.some((m) => col >= laid.colOf[m.start]! && col < laid.colOf[m.end]!);
      sourceRow(line, '-', 'removal', (col) => (inDeleted(col) ? 'removal' : 'plain'));
    }
    elisionRow(snippet.removed);
    for (const line of elide(snippet.lines)) sourceRow(line, '+', 'addition', () => 'plain');
    elisionRow(snippet.lines);
    return;
  }

  for (const line of elide(snippet.lines)) {
    sourceRow(line, '|', 'gutter', () => 'plain');
    if (line.marks.length === 0) continue;
    const laid = layoutText(line.text);
    const row = canvas.addRow();
    canvas.put(row, gutterWidth + 1, '|', 'gutter');
    for (const m of line.marks) {
      canvas.fill(row, textStart + laid.colOf[m.start]!, textStart + laid.colOf[m.end]!, m.mark, 'addition');
    }
  }
  elisionRow(snippet.lines);
}

// ---------------------------------------------------------------------------------------------------------------
// A whole diagnostic

export interface HumanFile {
  readonly path: string;
  readonly text: string;
  /** Pass one when rendering several diagnostics of a file, to build it once. */
  readonly index?: LineIndex;
}

/** One diagnostic in rustc's layout, ending with a newline (no blank line after it). */
export function renderDiagnostic(d: Diagnostic, file: HumanFile, options: Pick<RenderOptions, 'color'>): string {
  const index = file.index ?? new LineIndex(file.text);
  const src = new SourceLines(index);
  const canvas = new Canvas();
  const paint = severityPaint(d.severity);

  const annotations = [
    resolveLabel(d.primary, true, d.severity, src),
    ...d.secondary.map((label) => resolveLabel(label, false, d.severity, src)),
  ];
  const patches = d.suggestions.map((s) => ({ suggestion: s, snippet: patchSnippet(s, index) }));
  // rustc sizes the gutter once per diagnostic, by the largest line number any part of it shows.
  const largestLine = Math.max(
    ...annotations.map((a) => a.endLine + 1),
    ...patches.map((p) => p.snippet?.lastNumber ?? 0),
  );
  const gutterWidth = String(largestLine).length;

  // error[E0102]: message
  const header = canvas.addRow();
  let col = canvas.text(header, 0, `${d.severity}[${d.code}]`, paint);
  const [firstLine, ...moreLines] = visible(d.message).split('\n');
  canvas.text(header, col, `: ${firstLine}`, 'bold');
  for (const more of moreLines) canvas.text(canvas.addRow(), 0, more, 'bold');

  //  --> path:line:col
  const at = index.lineCol(clamp(d.primary.span.start, 0, index.text.length));
  const arrow = canvas.addRow();
  col = canvas.text(arrow, gutterWidth, '-->', 'gutter');
  canvas.text(arrow, col + 1, `${visible(file.path)}:${at.line}:${at.col}`, 'plain');

  canvas.put(canvas.addRow(), gutterWidth + 1, '|', 'gutter');
  drawSnippet(canvas, annotations, src, gutterWidth);

  //   |
  //   = note: ...
  // help: suggestion
  if (d.notes.length > 0 || d.help.length > 0 || patches.length > 0) {
    canvas.put(canvas.addRow(), gutterWidth + 1, '|', 'gutter');
  }
  const noteLines = (kind: 'note' | 'help', text: string) => {
    const row = canvas.addRow();
    let c = canvas.text(row, gutterWidth + 1, '=', 'gutter');
    c = canvas.text(row, c + 1, kind, kind === 'help' ? 'help' : 'bold');
    c = canvas.text(row, c, ': ', 'plain');
    const [first, ...rest] = visible(text).split('\n');
    canvas.text(row, c, first!, 'plain');
    // Continuation lines line up under the first line's text, as rustc's do.
    for (const more of rest) canvas.text(canvas.addRow(), c, more, 'plain');
  };
  for (const note of d.notes) noteLines('note', note);
  for (const help of d.help) noteLines('help', help);
  for (const { suggestion, snippet } of patches) {
    const row = canvas.addRow();
    const c = canvas.text(row, 0, 'help', 'help');
    canvas.text(row, c, `: ${visible(suggestion.message).replace(/\n/g, ' ')}`, 'plain');
    if (snippet) drawSuggestion(canvas, snippet, gutterWidth);
  }
  return canvas.serialize(options.color).join('\n') + '\n';
}

/** Every file's diagnostics, each followed by a blank line (rustc's spacing), then what `--max-errors` hid. */
export function renderHuman(reports: readonly FileReport[], options: RenderOptions): string {
  let out = '';
  for (const report of reports) {
    if (report.diagnostics.length === 0) continue;
    const file = { path: report.path, text: report.text, index: new LineIndex(report.text) };
    for (const d of report.diagnostics) out += renderDiagnostic(d, file, options) + '\n';
  }
  const omitted = options.omitted && omittedMessage(options.omitted, options.maxErrors);
  if (omitted) out += paintText('note', 'bold', options.color) + `: ${omitted}\n\n`;
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// The closing summary

export interface SummaryOptions {
  readonly color: boolean;
  /** Warnings fail the check (`--deny-warnings`), so a warnings-only run is reported as a failure. */
  readonly denyWarnings?: boolean;
}

/**
 * The last line of a human run, in rustc's spirit:
 *   error: check failed: 3 errors and 1 warning in 2 of 5 files
 *   warning: 2 warnings in 1 of 5 files
 *   checked 5 files: no problems found
 */
export function renderHumanSummary(counts: Counts, options: SummaryOptions): string {
  const { errors, warnings, files, filesWithProblems } = counts;
  const where =
    filesWithProblems === files ? `in ${plural(files, 'file')}` : `in ${filesWithProblems} of ${plural(files, 'file')}`;
  const found = [errors > 0 ? plural(errors, 'error') : '', warnings > 0 ? plural(warnings, 'warning') : '']
    .filter(Boolean)
    .join(' and ');
  if (errors > 0 || (warnings > 0 && options.denyWarnings)) {
    const denied = errors === 0 ? ' (warnings denied by `--deny-warnings`)' : '';
    return `${paintText('error', 'error', options.color)}${bold(`: check failed: ${found} ${where}${denied}`, options.color)}\n`;
  }
  if (warnings > 0) {
    return `${paintText('warning', 'warning', options.color)}${bold(`: ${found} ${where}`, options.color)}\n`;
  }
  return `checked ${plural(files, 'file')}: no problems found\n`;
}

function paintText(text: string, paint: Paint, color: boolean): string {
  return color && paint !== 'plain' ? `${SGR[paint]}${text}${RESET}` : text;
}

function bold(text: string, color: boolean): string {
  return paintText(text, 'bold', color);
}

// The json format: one versioned document for tools. Format version "1" is a contract: add fields freely, never
// rename or remove one without bumping `format_version`.
//
// Shape (keys in snake_case throughout, like rustc's JSON):
//   { format_version: "1",
//     files: [{ path, diagnostics: [{ code, severity, message, primary: label, secondary: [label],
//                                     notes: [string], help: [string],
//                                     suggestions: [{ message, applicability: "machine"|"maybe",
//                                                     edits: [{ span, new_text }] }] }] }],
//     summary: { files, files_with_problems, errors, warnings, omitted_errors, omitted_warnings } }
//   label = { span, label }
//   span  = { byte_start, byte_end, utf16_start, utf16_end, start: { line, column }, end: { line, column } }
// Offsets are 0-based and end-exclusive; lines and columns are 1-based, columns in UTF-16 code units (as LSP and
// SARIF count them), and `end` is the position just past the last character. Every file checked is listed, with
// an empty `diagnostics` when it is clean; errors and warnings count every diagnostic found, shown or not.

import type { Diagnostic, Label } from '../../grammar/diagnostic.ts';
import { LineIndex, type Span } from '../../grammar/span.ts';
import { countDiagnostics, type FileReport, type RenderOptions } from './render.ts';

export const JSON_FORMAT_VERSION = '1';

/** UTF-16 offset → UTF-8 byte offset, using a per-line table so that each look-up encodes one line at most. */
class ByteOffsets {
  private readonly lineBytes: number[] = [];

  constructor(private readonly index: LineIndex) {
    const encoder = new TextEncoder();
    let bytes = 0;
    for (let line = 0; line < index.lineCount; line++) {
      this.lineBytes.push(bytes);
      const start = index.lineStart(line);
      const end = line + 1 < index.lineCount ? index.lineStart(line + 1) : index.text.length;
      bytes += utf8Length(index.text.slice(start, end), encoder);
    }
  }

  byteOffset(offset: number): number {
    const line = this.index.lineOf(offset);
    const start = this.index.lineStart(line);
    return this.lineBytes[line]! + utf8Length(this.index.text.slice(start, offset));
  }
}

function utf8Length(text: string, encoder = new TextEncoder()): number {
  // Pure ASCII is the common case; skip the encoder for it.
  if (/^[\x00-\x7f]*$/.test(text)) return text.length;
  return encoder.encode(text).length;
}

interface JsonSpan {
  byte_start: number;
  byte_end: number;
  utf16_start: number;
  utf16_end: number;
  start: { line: number; column: number };
  end: { line: number; column: number };
}

function spanToJson(span: Span, index: LineIndex, bytes: ByteOffsets): JsonSpan {
  const length = index.text.length;
  const start = Math.min(Math.max(span.start, 0), length);
  const end = Math.min(Math.max(span.end, start), length);
  const s = index.lineCol(start);
  const e = index.lineCol(end);
  return {
    byte_start: bytes.byteOffset(start),
    byte_end: bytes.byteOffset(end),
    utf16_start: start,
    utf16_end: end,
    start: { line: s.line, column: s.col },
    end: { line: e.line, column: e.col },
  };
}

function diagnosticToJson(d: Diagnostic, index: LineIndex, bytes: ByteOffsets) {
  const label = (l: Label) => ({ span: spanToJson(l.span, index, bytes), label: l.label });
  return {
    code: d.code,
    severity: d.severity,
    message: d.message,
    primary: label(d.primary),
    secondary: d.secondary.map(label),
    notes: [...d.notes],
    help: [...d.help],
    suggestions: d.suggestions.map((s) => ({
      message: s.message,
      applicability: s.applicability,
      edits: s.edits.map((e) => ({ span: spanToJson(e.span, index, bytes), new_text: e.newText })),
    })),
  };
}

/** The whole run as one JSON document, pretty-printed, ending with a newline. */
export function renderJson(reports: readonly FileReport[], options: RenderOptions): string {
  const counts = options.counts ?? countDiagnostics(reports);
  const document = {
    format_version: JSON_FORMAT_VERSION,
    files: reports.map((report) => {
      const index = new LineIndex(report.text);
      const bytes = new ByteOffsets(index);
      return { path: report.path, diagnostics: report.diagnostics.map((d) => diagnosticToJson(d, index, bytes)) };
    }),
    summary: {
      files: counts.files,
      files_with_problems: counts.filesWithProblems,
      errors: counts.errors,
      warnings: counts.warnings,
      omitted_errors: options.omitted?.errors ?? 0,
      omitted_warnings: options.omitted?.warnings ?? 0,
    },
  };
  return JSON.stringify(document, null, 2) + '\n';
}

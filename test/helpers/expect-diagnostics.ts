// Test helpers that keep checker tests to a few lines: check a source text, then assert on its diagnostics.

import * as assert from 'uvu/assert';
import type { FileKind } from '../../grammar/ast.ts';
import type { Diagnostic } from '../../grammar/diagnostic.ts';
import { LineIndex } from '../../grammar/span.ts';
import { checkSource } from '../../compiler/check-file.ts';

/** Every diagnostic of `text` checked as a file of `fileKind` (parser and checker together). */
export function diagnosticsOf(text: string, fileKind: FileKind): Diagnostic[] {
  return checkSource(text, fileKind);
}

export interface DiagnosticExpectation {
  /** 1-based line of the primary span's start. */
  line?: number;
  /** 1-based column of the primary span's start. */
  col?: number;
  message?: RegExp;
  /** Also require that it is the only diagnostic of the text (one mistake, one diagnostic). */
  only?: boolean;
}

/** Asserts `text` has a diagnostic `code` matching `expected`; returns it for further assertions. */
export function expectDiagnostic(text: string, fileKind: FileKind, code: string, expected: DiagnosticExpectation = {}): Diagnostic {
  const diagnostics = diagnosticsOf(text, fileKind);
  const index = new LineIndex(text);
  const found = diagnostics.find((d) => {
    if (d.code !== code) return false;
    const at = index.lineCol(d.primary.span.start);
    if (expected.line !== undefined && at.line !== expected.line) return false;
    if (expected.col !== undefined && at.col !== expected.col) return false;
    return expected.message === undefined || expected.message.test(d.message);
  });
  if (!found) {
    const want = [code, expected.line !== undefined && `line ${expected.line}`, expected.col !== undefined && `col ${expected.col}`, expected.message]
      .filter(Boolean)
      .join(' ');
    assert.unreachable(`expected ${want}, got:\n${describe(diagnostics, index)}\nin:\n${text}`);
  }
  if (expected.only && diagnostics.length !== 1) {
    assert.unreachable(`expected only ${code}, got:\n${describe(diagnostics, index)}\nin:\n${text}`);
  }
  return found!;
}

/** Asserts `text` has no errors (and no warnings either with `noWarnings`). */
export function expectClean(text: string, fileKind: FileKind, options: { noWarnings?: boolean } = {}): Diagnostic[] {
  const diagnostics = diagnosticsOf(text, fileKind);
  const bad = diagnostics.filter((d) => d.severity === 'error' || options.noWarnings);
  if (bad.length > 0) {
    assert.unreachable(`expected no ${options.noWarnings ? 'diagnostics' : 'errors'}, got:\n${describe(bad, new LineIndex(text))}\nin:\n${text}`);
  }
  return diagnostics;
}

/** `3:14 error[E0102] unknown Http method `Fetch` (not an Http method)`, one per line. */
export function describe(diagnostics: readonly Diagnostic[], index: LineIndex): string {
  if (diagnostics.length === 0) return '  (none)';
  return diagnostics
    .map((d) => {
      const at = index.lineCol(d.primary.span.start);
      return `  ${at.line}:${at.col} ${d.severity}[${d.code}] ${d.message} (${d.primary.label})`;
    })
    .join('\n');
}

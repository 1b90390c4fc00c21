// The diagnostic data shape every layer produces and every front end (CLI, LSP, REPL) renders.
// Modelled on rustc's: one primary span, secondary labels, notes, help lines and suggestions with edits.
// The registry of codes (severity, summary, explanation) lives in compiler/diagnostics/registry.ts.

import type { Span } from './span.ts';

export type Severity = 'error' | 'warning';

export interface Label {
  readonly span: Span;
  /** Text shown beside the underline; may be empty. */
  readonly label: string;
}

export interface Edit {
  readonly span: Span;
  readonly newText: string;
}

export type Applicability = 'machine' | 'maybe';

export interface Suggestion {
  /** Shown as `help: <message>` above the patched source line. */
  readonly message: string;
  readonly edits: readonly Edit[];
  /** `machine`: safe to apply without review (quick fix, `check --fix`); `maybe`: a human should look. */
  readonly applicability: Applicability;
}

export interface Diagnostic {
  readonly code: string;
  readonly severity: Severity;
  /** Lowercase, no trailing period, code spans in backticks. */
  readonly message: string;
  readonly primary: Label;
  readonly secondary: readonly Label[];
  readonly notes: readonly string[];
  readonly help: readonly string[];
  readonly suggestions: readonly Suggestion[];
}

export interface DiagnosticParts {
  secondary?: Label[];
  notes?: string[];
  help?: string[];
  suggestions?: Suggestion[];
}

export function makeDiagnostic(
  code: string,
  severity: Severity,
  message: string,
  primary: Label,
  parts: DiagnosticParts = {},
): Diagnostic {
  return {
    code,
    severity,
    message,
    primary,
    secondary: parts.secondary ?? [],
    notes: parts.notes ?? [],
    help: parts.help ?? [],
    suggestions: parts.suggestions ?? [],
  };
}

// The checker's way to emit a diagnostic: severity comes from the registry, never from the call site.

import { makeDiagnostic, type Diagnostic, type DiagnosticParts, type Suggestion } from '../../grammar/diagnostic.ts';
import type { Span } from '../../grammar/span.ts';
import { codeInfo } from '../diagnostics/registry.ts';

export class Reporter {
  readonly diagnostics: Diagnostic[] = [];

  report(code: string, message: string, span: Span, label: string, parts: DiagnosticParts = {}): Diagnostic {
    const d = makeDiagnostic(code, codeInfo(code).severity, message, { span, label }, parts);
    this.diagnostics.push(d);
    return d;
  }
}

/** A one-edit suggestion that replaces `span` with `newText`. */
export function replaceWith(message: string, span: Span, newText: string, machine = true): Suggestion {
  return { message, edits: [{ span, newText }], applicability: machine ? 'machine' : 'maybe' };
}

// Between the services' plain data (offsets, spans, the compiler's Diagnostic) and LSP's types. The only
// module besides server.ts that knows LSP shapes.

import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CompletionItemKind, DiagnosticSeverity, DiagnosticTag, InsertTextFormat, SymbolKind,
  type CompletionItem as LspCompletionItem, type Diagnostic as LspDiagnostic, type DocumentSymbol, type Range,
} from 'vscode-languageserver';
import type { Diagnostic } from '../../grammar/diagnostic.ts';
import type { LineIndex, Span } from '../../grammar/span.ts';
import { explanationUrl } from '../services/diagnostics.ts';
import type { CompletionItem, CompletionKind } from '../services/completion.ts';
import type { OutlineSymbol, SymbolRole } from '../services/document-symbols.ts';
import { offsetAt, positionAt } from '../workspace/document.ts';

export function toRange(index: LineIndex, span: Span): Range {
  return { start: positionAt(index, span.start), end: positionAt(index, span.end) };
}

export function toSpan(index: LineIndex, range: Range): Span {
  const start = offsetAt(index, range.start.line, range.start.character);
  const end = offsetAt(index, range.end.line, range.end.character);
  return { start: Math.min(start, end), end: Math.max(start, end) };
}

/** A file URI's path; undefined for any other scheme (an unsaved document). */
export function pathOfUri(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

export function uriOfPath(path: string): string {
  return pathToFileURL(path).href;
}

const DEPRECATED_FORMS = new Set(['W0101', 'W0301', 'W0302', 'W0303', 'W0304']);
const UNREACHABLE = new Set(['W0102', 'W0103']);

export function toLspDiagnostic(d: Diagnostic, uri: string, index: LineIndex): LspDiagnostic {
  const notes = [...d.notes.map((n) => `note: ${n}`), ...d.help.map((h) => `help: ${h}`)];
  const href = explanationUrl(d.code);
  const out: LspDiagnostic = {
    range: toRange(index, d.primary.span),
    severity: d.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code: d.code,
    ...(href !== undefined ? { codeDescription: { href } } : {}),
    source: 'starc',
    // The first line is `starc check`'s message; then rustc's label, notes and help, one per line.
    message: [d.message, ...(d.primary.label ? [d.primary.label] : []), ...notes].join('\n'),
    relatedInformation: d.secondary.map((s) => ({ location: { uri, range: toRange(index, s.span) }, message: s.label || 'related' })),
  };
  if (DEPRECATED_FORMS.has(d.code)) out.tags = [DiagnosticTag.Deprecated];
  else if (UNREACHABLE.has(d.code)) out.tags = [DiagnosticTag.Unnecessary];
  return out;
}

const COMPLETION_KINDS: Record<CompletionKind, CompletionItemKind> = {
  keyword: CompletionItemKind.Keyword,
  'wave-kind': CompletionItemKind.Enum,
  method: CompletionItemKind.Method,
  filter: CompletionItemKind.Function,
  step: CompletionItemKind.Operator,
  stop: CompletionItemKind.Value,
  substance: CompletionItemKind.TypeParameter,
  format: CompletionItemKind.EnumMember,
  variable: CompletionItemKind.Variable,
  file: CompletionItemKind.File,
  section: CompletionItemKind.Module,
  property: CompletionItemKind.Property,
  kind: CompletionItemKind.Class,
  command: CompletionItemKind.Keyword,
  snippet: CompletionItemKind.Snippet,
};

export function toLspCompletion(item: CompletionItem, index: LineIndex, order: number): LspCompletionItem {
  return {
    label: item.label,
    kind: COMPLETION_KINDS[item.kind],
    ...(item.detail !== undefined ? { detail: item.detail } : {}),
    ...(item.documentation !== undefined ? { documentation: { kind: 'markdown', value: item.documentation } } : {}),
    textEdit: { range: toRange(index, item.replace), newText: item.insertText },
    insertTextFormat: item.snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
    // The editor filters by what is typed; keep the services' order (most relevant first).
    sortText: String(order).padStart(4, '0'),
    filterText: item.label.startsWith('+') ? item.label.slice(1) : item.label,
  };
}

const SYMBOL_KINDS: Record<SymbolRole, SymbolKind> = {
  document: SymbolKind.File,
  block: SymbolKind.Namespace,
  route: SymbolKind.Function,
  section: SymbolKind.Module,
  property: SymbolKind.Property,
  kind: SymbolKind.Class,
  command: SymbolKind.Event,
};

export function toDocumentSymbol(symbol: OutlineSymbol, index: LineIndex): DocumentSymbol {
  const range = toRange(index, symbol.span);
  const selection = toRange(index, symbol.selectionSpan);
  // LSP requires the selection inside the range.
  const inside = symbol.selectionSpan.start >= symbol.span.start && symbol.selectionSpan.end <= symbol.span.end;
  return {
    name: symbol.name || ' ',
    detail: symbol.detail,
    kind: SYMBOL_KINDS[symbol.role],
    range,
    selectionRange: inside ? selection : range,
    children: symbol.children.map((c) => toDocumentSymbol(c, index)),
  };
}

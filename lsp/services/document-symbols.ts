// The outline: for a bind or router, the route tree (a block's children are its routes; a route's detail is
// its pipeline); for an app or mechtron, its sections and their keys; for a script, its commands.

import type * as A from '../../grammar/ast.ts';
import type { Span } from '../../grammar/span.ts';
import { commandText, kindText, pipelineText, propText, selectorText } from '../../compiler/format/pieces.ts';
import { parsedOf } from '../analysis/parsed.ts';
import type { OpenDocument } from '../workspace/document.ts';

export type SymbolRole = 'document' | 'block' | 'route' | 'section' | 'property' | 'kind' | 'command';

export interface OutlineSymbol {
  readonly name: string;
  readonly detail: string;
  readonly role: SymbolRole;
  readonly span: Span;
  /** What the editor highlights when the symbol is chosen. */
  readonly selectionSpan: Span;
  readonly children: readonly OutlineSymbol[];
}

export function documentSymbols(doc: OpenDocument): OutlineSymbol[] {
  const parsed = parsedOf(doc);
  if (!parsed) return [];
  const ast = parsed.ast;
  const source = (span: Span) => doc.text.slice(span.start, span.end);
  switch (ast.kind) {
    case 'BindDocument':
      return rooted(ast, (ast.body ?? []).filter(Boolean).map((s) => scopeSymbol(s, source)));
    case 'ConfigDocument':
      return rooted(ast, (ast.sections ?? []).filter(Boolean).map((s) => sectionSymbol(s, source)));
    case 'ScriptDocument':
      return (ast.commands ?? []).filter(Boolean).map((c) => commandSymbol(c, source));
  }
}

function rooted(ast: A.BindDocument | A.ConfigDocument, children: OutlineSymbol[]): OutlineSymbol[] {
  if (!ast.header) return children;
  const name = `${ast.header.name.text}${ast.header.version ? `(version=${ast.header.version.text})` : ''}`;
  return [{ name, detail: '', role: 'document', span: ast.span, selectionSpan: ast.header.span, children }];
}

function scopeSymbol(scope: A.Scope, source: (span: Span) => string): OutlineSymbol {
  const name = safe(() => selectorText(scope.selector)) || '(selector)';
  const selectionSpan = scope.selector.span.end > scope.selector.span.start ? scope.selector.span : { start: scope.span.start, end: scope.span.start };
  if (scope.body) {
    return { name, detail: '{ … }', role: 'block', span: scope.span, selectionSpan, children: scope.body.filter(Boolean).map((s) => scopeSymbol(s, source)) };
  }
  return { name, detail: safe(() => pipelineText(scope.pipeline ?? [], source)), role: 'route', span: scope.span, selectionSpan, children: [] };
}

function sectionSymbol(section: A.Section, source: (span: Span) => string): OutlineSymbol {
  const content = section.content;
  const children: OutlineSymbol[] = [];
  if (content?.kind === 'Props') {
    for (const prop of content.props ?? []) {
      if (!prop) continue;
      children.push({ name: prop.key.text, detail: safe(() => propText(prop, source)), role: 'property', span: prop.span, selectionSpan: prop.key.span, children: [] });
    }
  } else if (content?.kind === 'Kinds') {
    for (const kind of content.kinds ?? []) if (kind) children.push({ name: safe(() => kindText(kind)), detail: '', role: 'kind', span: kind.span, selectionSpan: kind.span, children: [] });
  } else if (content?.kind === 'Commands') {
    for (const command of content.commands ?? []) if (command) children.push(commandSymbol(command, source));
  }
  return { name: section.name.text, detail: '', role: 'section', span: section.span, selectionSpan: section.name.span, children };
}

function commandSymbol(command: A.Command, source: (span: Span) => string): OutlineSymbol {
  const text = safe(() => commandText(command, source));
  return { name: text.length > 80 ? `${text.slice(0, 79)}…` : text, detail: command.keyword.text, role: 'command', span: command.span, selectionSpan: command.keyword.span, children: [] };
}

/** The printers expect a parsed document; on recovery's partial nodes an outline shows less, never fails. */
function safe(print: () => string): string {
  try {
    return print();
  } catch {
    return '';
  }
}

// `starc fmt`'s formatter: one canonical layout for the five file kinds, printed from the AST with every
// comment kept (compiler/format/layout.ts places them). A document with syntax errors is never formatted:
// recovery's guesses are no ground to rewrite a user's file on.
//
// Guarantees (test/fmt.test.ts): the output parses to the same AST as the input, spans aside; formatting
// is idempotent; every comment is kept, in order. `formatSource` verifies the first one on every call and
// treats a difference as a bug in starc (an exception), so a formatter bug can never silently change a file.

import type * as A from '../../grammar/ast.ts';
import { parseDocument } from '../../grammar/parser.ts';
import type { Span } from '../../grammar/span.ts';
import { Layout } from './layout.ts';
import { commandText, kindText, pipelineText, propText, selectorText, stepText, type SourceOf } from './pieces.ts';
import { firstAstDifference } from './same-ast.ts';

export type FormatResult =
  | { readonly text: string }
  /** `syntax`: parse errors; `legacy`: a pre-v1 document (`Bind { ... }`), which `starc migrate` converts. */
  | { readonly error: 'syntax' | 'legacy' };

/** Format `text` as a document of `fileKind`, or say why it cannot be formatted. */
export function formatSource(text: string, fileKind: A.FileKind): FormatResult {
  const { ast, diagnostics } = parseDocument(text, fileKind);
  if (diagnostics.some((d) => d.severity === 'error')) return { error: ast.legacy ? 'legacy' : 'syntax' };
  const formatted = formatDocument(ast, text);
  const again = parseDocument(formatted, fileKind);
  const difference = again.diagnostics.some((d) => d.severity === 'error') ? 'the output has syntax errors' : firstAstDifference(ast, again.ast);
  if (difference !== undefined) throw new Error(`the formatter changed the meaning of a ${fileKind} document (${difference})`);
  return { text: formatted };
}

/** The canonical text of a document parsed from `text` without errors. Lines end as the source's first line does. */
export function formatDocument(ast: A.Document, text: string): string {
  const layout = new Layout(text, ast.comments);
  const source: SourceOf = (span) => text.slice(span.start, span.end);
  const eol = /\r\n/.test(text.slice(0, text.indexOf('\n') + 1)) ? '\r\n' : '\n';
  switch (ast.kind) {
    case 'BindDocument':
      rooted(layout, ast, text, (depth) => ast.body.forEach((scope) => printScope(layout, scope, depth, source, text)));
      break;
    case 'ConfigDocument':
      rooted(layout, ast, text, (depth) => ast.sections.forEach((section) => printSection(layout, section, depth, source, text)));
      break;
    case 'ScriptDocument':
      printCommands(layout, ast.commands, 0, source);
      break;
  }
  return layout.finish(0, eol);
}

/** `Bind(version=1.0.0) {`, the body, `}`. */
function rooted(layout: Layout, ast: A.BindDocument | A.ConfigDocument, text: string, body: (depth: number) => void): void {
  const header = ast.header;
  if (!header) return body(0); // not reached: a document without a header has a syntax error
  const version = header.version ? `(version=${header.version.text})` : '';
  layout.open(0, `${header.name.text}${version} {`, header.span.start, header.span.end);
  body(1);
  layout.close(0, rootCloseBrace(ast, text));
}

function printScope(layout: Layout, scope: A.Scope, depth: number, source: SourceOf, text: string): void {
  const selector = selectorText(scope.selector);
  if (scope.body === undefined) {
    layout.item(depth, `${selector} ${pipelineText(scope.pipeline ?? [], source)};`, scope.span.start, scope.span.end);
    return;
  }
  const step = scope.blockStep ? ` ${stepText(scope.blockStep)}` : '';
  const headerEnd = scope.blockStep?.span.end ?? scope.selector.span.end;
  layout.open(depth, `${selector}${step} {`, scope.span.start, headerEnd);
  for (const inner of scope.body) printScope(layout, inner, depth + 1, source, text);
  layout.close(depth, closeBrace(text, scope.span));
}

/** `Wasm {` with one `+key=value;` per line, `Require {` with one `Kind;` per line, `Install {` with commands. */
function printSection(layout: Layout, section: A.Section, depth: number, source: SourceOf, text: string): void {
  layout.open(depth, `${section.name.text} {`, section.span.start, section.name.span.end);
  const content = section.content;
  switch (content.kind) {
    case 'Props':
      for (const prop of content.props) layout.item(depth + 1, propText(prop, source), prop.span.start, prop.span.end);
      break;
    case 'Kinds':
      for (const kind of content.kinds) layout.item(depth + 1, `${kindText(kind)};`, kind.span.start, kind.span.end);
      break;
    case 'Commands':
      printCommands(layout, content.commands, depth + 1, source);
      break;
  }
  layout.close(depth, closeBrace(text, section.span));
}

function printCommands(layout: Layout, commands: readonly A.Command[], depth: number, source: SourceOf): void {
  for (const command of commands) layout.item(depth, `${commandText(command, source)};`, command.span.start, command.span.end);
}

/** The `}` that ends a block whose span ends at (or just after) it. */
function closeBrace(text: string, span: Span): number {
  let i = span.end - 1;
  while (i > span.start && text[i] !== '}') i--;
  return i;
}

/** The root's `}`: the last `}` of the text that is not inside a comment after it. */
function rootCloseBrace(ast: A.Document, text: string): number {
  let c = ast.comments.length - 1;
  for (let i = text.length - 1; i >= 0; i--) {
    while (c >= 0 && ast.comments[c]!.span.start > i) c--;
    const comment = c >= 0 ? ast.comments[c] : undefined;
    if (comment && i < comment.span.end) {
      i = comment.span.start;
      continue;
    }
    if (text[i] === '}') return i;
  }
  return text.length;
}

// A document's parse, tokens and line table, computed once per version (documents are immutable per
// version, so a WeakMap keyed by the document object is the whole cache).

import type { IToken } from 'chevrotain';
import type { Comment, Document, FileKind } from '../../grammar/ast.ts';
import type { Diagnostic } from '../../grammar/diagnostic.ts';
import { lex } from '../../grammar/lexer.ts';
import { parseDocument } from '../../grammar/parser.ts';
import type { OpenDocument } from '../workspace/document.ts';

export interface Parsed {
  readonly fileKind: FileKind;
  readonly ast: Document;
  /** The parser's and lexer's diagnostics (not the semantic ones). */
  readonly syntax: readonly Diagnostic[];
}

export interface Lexed {
  readonly tokens: readonly IToken[];
  readonly comments: readonly Comment[];
}

const parses = new WeakMap<OpenDocument, Parsed>();
const lexes = new WeakMap<OpenDocument, Lexed>();

export function isLanguage(kind: OpenDocument['kind']): kind is FileKind {
  return kind === 'bind' || kind === 'router' || kind === 'app' || kind === 'mechtron' || kind === 'script';
}

/** The AST of one of the five languages; undefined for `starc.yaml` and files that are not ours. */
export function parsedOf(doc: OpenDocument): Parsed | undefined {
  if (!isLanguage(doc.kind)) return undefined;
  let parsed = parses.get(doc);
  if (!parsed) {
    const { ast, diagnostics } = parseDocument(doc.text, doc.kind);
    parses.set(doc, (parsed = { fileKind: doc.kind, ast, syntax: diagnostics }));
  }
  return parsed;
}

export function lexedOf(doc: OpenDocument): Lexed {
  let lexed = lexes.get(doc);
  if (!lexed) {
    const { tokens, comments } = lex(doc.text);
    lexes.set(doc, (lexed = { tokens, comments }));
  }
  return lexed;
}

/** Exclusive end of a token. */
export function tokenEnd(token: IToken): number {
  return token.startOffset + token.image.length;
}

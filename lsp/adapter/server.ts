// The LSP adapter: the one place that speaks vscode-languageserver. It keeps the workspace in step with the
// editor (incremental sync, watched files), turns requests into service calls on offsets, and converts the
// answers back. Diagnostics are pushed for a document and for the open documents that depend on a changed
// file; computing them is queued per document (the newest version wins), so a burst of edits costs one check,
// and each is converted to LSP once while it stays where it was (published-diagnostics.ts).
// A handler that throws is a bug in starc: it is logged to the client's output and answered with nothing,
// never allowed to take the server down.

import {
  CodeActionKind, createConnection, DidChangeWatchedFilesNotification, FileChangeType, ResponseError, SemanticTokensBuilder,
  TextDocumentSyncKind, type CodeAction as LspCodeAction, type Connection, type InitializeParams, type InitializeResult,
  type Location as LspLocation, type TextEdit as LspTextEdit, type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { LineIndex, type Span } from '../../grammar/span.ts';
import { codeActions } from '../services/code-actions.ts';
import { completionsAt } from '../services/completion.ts';
import { diagnosticsOf } from '../services/diagnostics.ts';
import { documentSymbols } from '../services/document-symbols.ts';
import { foldingRanges } from '../services/folding.ts';
import { formatDocument } from '../services/formatting.ts';
import { hoverAt } from '../services/hover.ts';
import { definitionAt, prepareRenameAt, referencesAt, renameAt, type Location } from '../services/navigation.ts';
import { semanticTokens, TOKEN_TYPES } from '../services/semantic-tokens.ts';
import { completionRestart } from '../analysis/incremental-check.ts';
import type { OpenDocument, TextEdit } from '../workspace/document.ts';
import { nodeFileSystem } from '../workspace/file-system.ts';
import { Workspace } from '../workspace/workspace.ts';
import { PublishedDiagnostics } from './published-diagnostics.ts';
import { pathOfUri, toDocumentSymbol, toLspCompletion, toLspDiagnostic, toRange, toSpan, uriOfPath } from './convert.ts';
import pkg from '../../package.json' with { type: 'json' };

export function startServer(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): void {
  const connection = createConnection(input, output);
  new StarlaneServer(connection).listen();
}

class StarlaneServer {
  private readonly workspace = new Workspace(nodeFileSystem);
  /** Document key → the editor's URI for it. */
  private readonly uris = new Map<string, string>();
  private readonly pending = new Set<string>();
  /** Per document key: its last published diagnostics, to convert only what changed. */
  private readonly published = new Map<string, PublishedDiagnostics>();
  private flushScheduled = false;
  private watchFiles = false;

  constructor(private readonly connection: Connection) {}

  listen(): void {
    const c = this.connection;
    c.onInitialize((params) => this.initialize(params));
    c.onInitialized(() => {
      if (this.watchFiles) {
        void c.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*' }] }).catch(() => undefined);
      }
    });

    c.onDidOpenTextDocument(({ textDocument: d }) => this.guard('didOpen', () => {
      const path = pathOfUri(d.uri);
      const key = path ?? d.uri;
      this.uris.set(key, d.uri);
      this.workspace.open(key, path, d.version, d.text, d.languageId);
      this.changed(key, path);
    }));
    c.onDidChangeTextDocument(({ textDocument, contentChanges }) => this.guard('didChange', () => {
      const key = this.keyOf(textDocument.uri);
      let doc = this.workspace.get(key);
      if (!doc) return;
      // Each change's range refers to the text after the changes before it.
      for (const change of contentChanges) {
        const edit: TextEdit = 'range' in change
          ? { span: toSpan(doc.lineIndex, change.range), newText: change.text }
          : { span: { start: 0, end: doc.text.length }, newText: change.text };
        doc = this.workspace.change(key, textDocument.version, [edit])!;
      }
      this.changed(key, doc.path);
    }));
    c.onDidCloseTextDocument(({ textDocument }) => this.guard('didClose', () => {
      const key = this.keyOf(textDocument.uri);
      const path = this.workspace.get(key)?.path;
      this.workspace.close(key);
      this.pending.delete(key);
      this.published.delete(key);
      void c.sendDiagnostics({ uri: textDocument.uri, diagnostics: [] });
      this.uris.delete(key);
      if (path) for (const dep of this.workspace.dependentsOf(path)) this.queue(dep.key);
    }));
    c.onDidChangeWatchedFiles(({ changes }) => this.guard('didChangeWatchedFiles', () => {
      for (const change of changes) {
        const path = pathOfUri(change.uri);
        if (!path) continue;
        this.workspace.fileChanged(path);
        for (const dep of this.workspace.dependentsOf(path)) this.queue(dep.key);
        // A created or deleted file may be what another document names but could not find.
        if (change.type !== FileChangeType.Changed) for (const doc of this.workspace.documents()) this.queue(doc.key);
      }
    }));

    c.onHover((p) => this.withDoc(p.textDocument.uri, (doc) => {
      const hover = hoverAt(this.workspace, doc, this.offset(doc, p.position));
      return hover ? { contents: { kind: 'markdown', value: hover.contents }, range: toRange(doc.lineIndex, hover.span) } : null;
    }));
    c.onCompletion((p) => this.withDoc(p.textDocument.uri, (doc) => {
      const items = completionsAt(this.workspace, doc, this.offset(doc, p.position), completionRestart);
      return { isIncomplete: false, items: items.map((item, i) => toLspCompletion(item, doc.lineIndex, i)) };
    }));
    c.onDefinition((p) => this.withDoc(p.textDocument.uri, (doc) => this.locations(definitionAt(this.workspace, doc, this.offset(doc, p.position)))));
    c.onReferences((p) => this.withDoc(p.textDocument.uri, (doc) =>
      this.locations(referencesAt(this.workspace, doc, this.offset(doc, p.position), p.context.includeDeclaration))));
    c.onPrepareRename((p) => this.withDoc(p.textDocument.uri, (doc) => {
      const check = prepareRenameAt(doc, this.offset(doc, p.position));
      if ('error' in check) throw new ResponseError(-32803, check.error);
      return { range: toRange(doc.lineIndex, check.span), placeholder: check.placeholder };
    }, true));
    c.onRenameRequest((p) => this.withDoc(p.textDocument.uri, (doc): WorkspaceEdit => {
      const result = renameAt(doc, this.offset(doc, p.position), p.newName);
      if ('error' in result) throw new ResponseError(-32803, result.error);
      return { changes: { [p.textDocument.uri]: this.lspEdits(doc.lineIndex, result.edits) } };
    }, true));
    c.onDocumentSymbol((p) => this.withDoc(p.textDocument.uri, (doc) => documentSymbols(doc).map((s) => toDocumentSymbol(s, doc.lineIndex))));
    c.onFoldingRanges((p) => this.withDoc(p.textDocument.uri, (doc) => foldingRanges(doc)));
    c.languages.semanticTokens.on((p) => this.withDoc(p.textDocument.uri, (doc) => {
      const builder = new SemanticTokensBuilder();
      const index = doc.lineIndex;
      for (const token of semanticTokens(doc)) {
        // A token never spans lines in LSP without the client's multiline support: split it per line.
        for (const piece of splitByLine(index, token.span)) {
          const at = index.lineCol(piece.start);
          builder.push(at.line - 1, at.col - 1, piece.end - piece.start, TOKEN_TYPES.indexOf(token.type), 0);
        }
      }
      return builder.build();
    }) ?? { data: [] });
    c.onDocumentFormatting((p) => this.withDoc(p.textDocument.uri, (doc) => {
      const outcome = formatDocument(doc);
      if ('refused' in outcome) {
        void c.window.showWarningMessage(`starc: not formatted: ${outcome.refused}`);
        return [];
      }
      return this.lspEdits(doc.lineIndex, outcome.edits);
    }));
    c.onCodeAction((p) => this.withDoc(p.textDocument.uri, (doc) => {
      const range = toSpan(doc.lineIndex, p.range);
      return codeActions(this.workspace, doc, range, p.context.only).map((action): LspCodeAction => ({
        title: action.title,
        kind: action.kind === 'quickfix' ? CodeActionKind.QuickFix : CodeActionKind.SourceFixAll,
        edit: { changes: { [p.textDocument.uri]: this.lspEdits(doc.lineIndex, action.edits) } },
        ...(action.diagnostic ? { diagnostics: [toLspDiagnostic(action.diagnostic, p.textDocument.uri, doc.lineIndex)] } : {}),
        ...(action.preferred ? { isPreferred: true } : {}),
      }));
    }));
    c.onShutdown(() => {
      this.pending.clear();
    });
    c.listen();
  }

  private initialize(params: InitializeParams): InitializeResult {
    const folders = (params.workspaceFolders ?? []).map((f) => pathOfUri(f.uri)).filter((p): p is string => p !== undefined);
    const root = params.rootUri ? pathOfUri(params.rootUri) : undefined;
    this.workspace.setFolders(folders.length > 0 ? folders : root ? [root] : []);
    this.watchFiles = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    return {
      serverInfo: { name: 'starc', version: pkg.version },
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        completionProvider: { triggerCharacters: ['<', '{', '/', ':', '(', '^', '~', '>', '+', '$', '['] },
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        semanticTokensProvider: { legend: { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [] }, full: true },
        documentFormattingProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.SourceFixAll] },
      },
    };
  }

  // ------------------------------------------------------------------------------------------------ diagnostics

  /** A document changed: check it, and the open documents that name it. */
  private changed(key: string, path: string | undefined): void {
    this.queue(key);
    if (path) for (const dep of this.workspace.dependentsOf(path)) this.queue(dep.key);
  }

  private queue(key: string): void {
    this.pending.add(key);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // After the messages already read: a burst of changes is checked once, at its last version.
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    const keys = [...this.pending];
    this.pending.clear();
    for (const key of keys) {
      this.guard('diagnostics', () => {
        const doc = this.workspace.get(key);
        const uri = this.uris.get(key);
        if (!doc || !uri) return;
        let published = this.published.get(key);
        if (!published) this.published.set(key, (published = new PublishedDiagnostics()));
        const diagnostics = published.convert(diagnosticsOf(this.workspace, doc), uri, doc);
        void this.connection.sendDiagnostics({ uri, version: doc.version, diagnostics });
      });
    }
  }

  // ------------------------------------------------------------------------------------------------ helpers

  private keyOf(uri: string): string {
    return pathOfUri(uri) ?? uri;
  }

  private offset(doc: OpenDocument, position: { line: number; character: number }): number {
    return toSpan(doc.lineIndex, { start: position, end: position }).start;
  }

  private lspEdits(index: LineIndex, edits: readonly TextEdit[]): LspTextEdit[] {
    return edits.map((e) => ({ range: toRange(index, e.span), newText: e.newText }));
  }

  private locations(locations: readonly Location[]): LspLocation[] {
    return locations.map((l) => {
      const open = this.workspace.get(l.key);
      const uri = this.uris.get(l.key) ?? uriOfPath(l.key);
      const text = open?.text ?? (l.span.end > 0 ? this.workspace.textOf(l.key) : '') ?? '';
      return { uri, range: toRange(open?.lineIndex ?? new LineIndex(text), l.span) };
    });
  }

  private withDoc<T>(uri: string, run: (doc: OpenDocument) => T, rethrowUserErrors = false): T | null {
    const doc = this.workspace.get(this.keyOf(uri));
    if (!doc) return null;
    try {
      return run(doc);
    } catch (error) {
      if (rethrowUserErrors && error instanceof ResponseError) throw error;
      this.reportBug(error);
      return null;
    }
  }

  private guard(what: string, run: () => void): void {
    try {
      run();
    } catch (error) {
      this.reportBug(error, what);
    }
  }

  private reportBug(error: unknown, what = 'a request'): void {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    this.connection.console.error(`internal error in starc ${pkg.version} while handling ${what} (a bug: please report it): ${message}`);
  }
}

function splitByLine(index: LineIndex, span: Span): Span[] {
  const out: Span[] = [];
  let start = span.start;
  while (start < span.end) {
    const line = index.lineOf(start);
    const next = line + 1 < index.lineCount ? index.lineStart(line + 1) - 1 : index.text.length;
    const end = Math.min(span.end, next);
    if (end > start) out.push({ start, end });
    start = next + 1;
  }
  return out;
}

// The services on broken text: every corpus file and sample, cut at every token boundary (and with the
// token at the cut deleted), must never throw, and completion must still offer something at the cut.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { lex } from '../grammar/lexer.ts';
import { fileKindOfPath } from '../compiler/check-file.ts';
import { completionsAt } from '../lsp/services/completion.ts';
import { hoverAt } from '../lsp/services/hover.ts';
import { definitionAt, prepareRenameAt, referencesAt } from '../lsp/services/navigation.ts';
import { documentSymbols } from '../lsp/services/document-symbols.ts';
import { semanticTokens } from '../lsp/services/semantic-tokens.ts';
import { foldingRanges } from '../lsp/services/folding.ts';
import { formatDocument } from '../lsp/services/formatting.ts';
import { codeActions } from '../lsp/services/code-actions.ts';
import { diagnosticsOf } from '../lsp/services/diagnostics.ts';
import { memoryFileSystem } from '../lsp/workspace/file-system.ts';
import { Workspace } from '../lsp/workspace/workspace.ts';
import { ROOT } from './helpers/project.ts';
import { findCorpusDir } from './fuzz/generators.ts';

function sourceFiles(dir: string | undefined): string[] {
  if (!dir) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (fileKindOfPath(path) !== undefined && fileKindOfPath(path) !== 'routes-conf') out.push(path);
  }
  return out;
}

const corpus = findCorpusDir();
const files = [...sourceFiles(corpus && join(corpus, 'v1')), ...sourceFiles(join(ROOT, 'samples'))];

test('there are files to cut', () => {
  assert.ok(files.length >= 10, `${files.length} files`);
});

const ws = new Workspace(memoryFileSystem({ '/app/bundle/html/index.html': 'x', '/app/install.script': 'publish ^[ bundle ]-> repo:x:1.0.0;\n' }));

/** Every service at `offset` of `text` opened as `name`; returns how many completions were offered. */
function exercise(name: string, text: string, offset: number): number {
  const ext = name.slice(name.lastIndexOf('.') + 1);
  const path = ext === 'script' ? '/app/install.script' : `/app/bundle/${ext === 'app' || ext === 'mechtron' ? 'config' : ext}/${name}`;
  const doc = ws.open(path, path, 1, text);
  try {
    diagnosticsOf(ws, doc);
    hoverAt(ws, doc, offset);
    definitionAt(ws, doc, offset);
    referencesAt(ws, doc, offset, true);
    prepareRenameAt(doc, offset);
    documentSymbols(doc);
    semanticTokens(doc);
    foldingRanges(doc);
    formatDocument(doc);
    codeActions(ws, doc, { start: offset, end: offset });
    return completionsAt(ws, doc, offset).length;
  } finally {
    ws.close(path);
  }
}

for (const file of files) {
  const name = file.slice(file.lastIndexOf('/') + 1);
  test(`cut at every token boundary: ${name}`, () => {
    const text = readFileSync(file, 'utf8');
    const { tokens } = lex(text);
    const cuts = new Set<number>([0, text.length]);
    for (const t of tokens) {
      cuts.add(t.startOffset);
      cuts.add(t.startOffset + t.image.length);
    }
    for (const cut of [...cuts].sort((a, b) => a - b)) {
      const where = `${name} cut at ${cut}`;
      try {
        assert.ok(exercise(name, text.slice(0, cut), cut) > 0, `${where}: completion offered`);
        // The rest of the file after the cut, with the token at the cut deleted: broken in the middle.
        const next = tokens.find((t) => t.startOffset >= cut);
        if (next) exercise(name, text.slice(0, cut) + text.slice(next.startOffset + next.image.length), cut);
      } catch (error) {
        throw new Error(`${where}: ${(error as Error).stack ?? error}`);
      }
    }
  });
}

test.run();

// The adapter's conversion cache (lsp/adapter/published-diagnostics.ts) must never publish a stale position:
// after every edit of a large bind (the incremental path, whose unchanged diagnostics keep their objects),
// the cached LSP diagnostics must equal a fresh conversion of a whole `checkFile` of the same text.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { prngChoices } from './fuzz/generators.ts';
import { largeBind } from './helpers/large-bind.ts';
import { checkFile } from '../compiler/check-file.ts';
import { sortByPosition } from '../compiler/diagnostics/render.ts';
import { LineIndex } from '../grammar/span.ts';
import { toLspDiagnostic } from '../lsp/adapter/convert.ts';
import { PublishedDiagnostics } from '../lsp/adapter/published-diagnostics.ts';
import { diagnosticsOf } from '../lsp/services/diagnostics.ts';
import { memoryFileSystem } from '../lsp/workspace/file-system.ts';
import type { OpenDocument } from '../lsp/workspace/document.ts';
import { Workspace } from '../lsp/workspace/workspace.ts';

const PATH = '/b/bind/a.bind';
const URI = 'file:///b/bind/a.bind';

const EDITS = ['Get', 'Fetch', ' ', '', '\n', '\n\n  ', ';', '}', '(?P<x>a)', '${x}', '/.*', '#', '=> &', 'Route<Http<Get>>/y -> (( )) => &;'];

/** A whole check with the document's bundle (its artifacts are missing: E0408s), converted afresh. */
const fresh = (ws: Workspace, doc: OpenDocument) =>
  sortByPosition(checkFile(PATH, doc.text, ws.bundleOf(doc))).map((d) => toLspDiagnostic(d, URI, new LineIndex(doc.text)));

test('after every edit, the cached LSP diagnostics equal a fresh conversion of a whole check', () => {
  for (const seed of [3, 4]) {
    const rng = prngChoices(seed);
    const ws = new Workspace(memoryFileSystem({}));
    let doc = ws.open(PATH, PATH, 1, largeBind(seed * 100));
    const published = new PublishedDiagnostics();
    assert.equal(published.convert(diagnosticsOf(ws, doc), URI, doc), fresh(ws, doc));
    for (let round = 0; round < 25; round++) {
      const text = doc.text;
      // Mostly one small edit (the incremental path), sometimes two at once or a whole-text replacement.
      const edit = () => {
        const start = rng.below(doc.text.length);
        return { span: { start, end: Math.min(doc.text.length, start + rng.below(6)) }, newText: EDITS[rng.below(EDITS.length)]! };
      };
      const kind = rng.below(10);
      const edits = kind === 0 ? [edit(), edit()] : kind === 1 ? [{ span: { start: 0, end: text.length }, newText: text.replace('Bind', 'Bind ') }] : [edit()];
      doc = ws.change(doc.key, round + 2, edits)!;
      assert.equal(published.convert(diagnosticsOf(ws, doc), URI, doc), fresh(ws, doc), `seed ${seed} round ${round}`);
    }
  }
});

test('an edit near the end reuses the LSP form of the diagnostics before it', () => {
  const ws = new Workspace(memoryFileSystem({}));
  let doc = ws.open(PATH, PATH, 1, largeBind(500));
  const published = new PublishedDiagnostics();
  const first = published.convert(diagnosticsOf(ws, doc), URI, doc);
  assert.ok(first.length > 10, 'the file has diagnostics before the edit');
  const at = doc.text.lastIndexOf('Route<Http<Get>>/x') + 'Route<Http<'.length;
  doc = ws.change(doc.key, 2, [{ span: { start: at, end: at + 3 }, newText: 'Fetch' }])!;
  const second = published.convert(diagnosticsOf(ws, doc), URI, doc);
  assert.equal(second, fresh(ws, doc));
  assert.is(second[0], first[0], 'the first diagnostic is the same object');
  assert.is(second[first.length - 2], first[first.length - 2]);
});

test('an edit of the same length that adds a line break moves the diagnostics after it', () => {
  // The offsets after the edit do not change (the checker may hand back the same objects), their lines do.
  const ws = new Workspace(memoryFileSystem({}));
  let doc = ws.open(PATH, PATH, 1, largeBind(600));
  const published = new PublishedDiagnostics();
  const first = published.convert(diagnosticsOf(ws, doc), URI, doc);
  const at = doc.text.indexOf(' -> (( )) => &;');
  doc = ws.change(doc.key, 2, [{ span: { start: at, end: at + 1 }, newText: '\n' }])!;
  const second = published.convert(diagnosticsOf(ws, doc), URI, doc);
  assert.equal(second, fresh(ws, doc));
  assert.is(second.length, first.length);
  assert.is(second[second.length - 1]!.range.start.line, first[first.length - 1]!.range.start.line + 1);
});

test.run();

// The incremental check of large binds (lsp/analysis/incremental-check.ts) gives exactly `starc check`'s
// diagnostics: random edits (inside a route, across routes, breaking and mending the syntax) are applied one
// after another, and after each the incremental result must equal a whole check of the same text.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { prngChoices } from './fuzz/generators.ts';
import { largeBind } from './helpers/large-bind.ts';
import { checkFile } from '../compiler/check-file.ts';
import { sortByPosition } from '../compiler/diagnostics/render.ts';
import { incrementalDiagnostics } from '../lsp/analysis/incremental-check.ts';
import { completionRestart } from '../lsp/analysis/incremental-check.ts';
import { completionsAt } from '../lsp/services/completion.ts';
import { memoryFileSystem } from '../lsp/workspace/file-system.ts';
import { Workspace } from '../lsp/workspace/workspace.ts';


const EDITS = ['Get', 'Post', 'Fetch', ' ', '', ';', '}', '{', '(?P<x>a)', '${x}', '-> ', '/.*', '#', '"', '=> &'];

test('after every edit, the incremental diagnostics equal a whole check', () => {
  const bundle = undefined;
  for (const seed of [1, 2]) {
    let text = largeBind(seed * 1000);
    const rng = prngChoices(seed);
    const ws = new Workspace(memoryFileSystem({}));
    let doc = ws.open('/b/bind/a.bind', '/b/bind/a.bind', 1, text);
    for (let round = 0; round < 60; round++) {
      const start = rng.below(text.length);
      // Mostly small edits inside one route, sometimes a span across routes.
      const length = rng.below(10) === 0 ? rng.below(400) : rng.below(6);
      const insert = EDITS[rng.below(EDITS.length)]!;
      doc = ws.change(doc.key, round + 2, [{ span: { start, end: Math.min(text.length, start + length) }, newText: insert }])!;
      text = doc.text;
      const incremental = incrementalDiagnostics(doc, bundle);
      assert.ok(incremental, 'large binds take the incremental path');
      const whole = sortByPosition(checkFile('/b/bind/a.bind', text, bundle));
      assert.equal(incremental, whole, `seed ${seed} round ${round}`);
      if (round % 10 === 0) assert.ok(completionsAt(ws, doc, start, completionRestart).length > 0);
    }
  }
});

test('edits inside the pipelines and selectors of shadowed routes keep top-level W0103 exact', () => {
  // A pipeline edit reuses the W0103 list (shifted); a selector edit recomputes it: both must match a whole check.
  let text = largeBind(3000);
  const ws = new Workspace(memoryFileSystem({}));
  let doc = ws.open('/b/bind/a.bind', '/b/bind/a.bind', 1, text);
  assert.ok(incrementalDiagnostics(doc, undefined)!.some((d) => d.code === 'W0103'));
  const stops = [...text.matchAll(/ => &;/g)].map((m) => m.index!);
  const selectors = [...text.matchAll(/\n {2}Route<Http/g)].map((m) => m.index! + 3);
  for (let round = 0; round < 30; round++) {
    const inPipeline = round % 2 === 0;
    const pool = inPipeline ? stops : selectors;
    // The pools are offsets in the first text: search from there for the current text's occurrence.
    const base = pool[(round * 7919) % pool.length]!;
    const at = inPipeline ? doc.text.indexOf(' => &;', Math.min(base, doc.text.length - 10)) : doc.text.indexOf('Route<Http', Math.min(base, doc.text.length - 10));
    if (at < 0) continue;
    const edit = inPipeline
      ? { span: { start: at, end: at + 6 }, newText: round % 4 === 0 ? ' -> (( ))\n    => &;' : ' => !404;' }
      : { span: { start: at + 6, end: at + 10 }, newText: round % 4 === 1 ? 'Http<*>' : 'Http' };
    doc = ws.change(doc.key, round + 2, [edit])!;
    text = doc.text;
    const incremental = incrementalDiagnostics(doc, undefined);
    assert.ok(incremental);
    assert.equal(incremental, sortByPosition(checkFile('/b/bind/a.bind', text, undefined)), `round ${round}`);
  }
});

test('completion from the restart point offers what it offers from the start', () => {
  const text = largeBind(7);
  const ws = new Workspace(memoryFileSystem({}));
  const doc = ws.open('/b/bind/a.bind', '/b/bind/a.bind', 1, text);
  incrementalDiagnostics(doc, undefined);
  for (let offset = 30; offset < text.length; offset += 997) {
    const label = (items: { label: string }[]) => items.map((i) => i.label);
    assert.equal(label(completionsAt(ws, doc, offset, completionRestart)), label(completionsAt(ws, doc, offset)), `at ${offset}`);
  }
});

test.run();

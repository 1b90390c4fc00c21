import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LineIndex } from '../grammar/span.ts';
import { validateGrammar } from '../grammar/parser.ts';

test('line index maps offsets to 1-based lines and columns', () => {
  const index = new LineIndex('ab\ncd\r\nef');
  assert.equal(index.lineCol(0), { line: 1, col: 1 });
  assert.equal(index.lineCol(4), { line: 2, col: 2 });
  assert.equal(index.lineText(1), 'cd');
  assert.equal(index.lineCol(7), { line: 3, col: 1 });
});

test('the grammar passes chevrotain\'s validations (skipped at run time for start-up speed)', () => {
  validateGrammar();
});

test.run();

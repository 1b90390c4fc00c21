// The line writer behind `starc fmt`: indentation, blank lines and comments placed between the lines that the
// document printers emit. It decides where each comment of `document.comments` goes, so no printer has to.
//
// Rules, in source order (every comment is written exactly once, in its original order):
// - a comment on the same source line as the end of the last thing written stays on that line (a trailing
//   comment after a route, or after a block's `{`);
// - any other comment gets a line of its own at the current indentation, before the next item. A comment
//   inside an item that is printed on one line (a route written over several lines) moves above that item;
// - one blank line in the source between two items (or comments) is kept, more are collapsed to one; no
//   blank line is written right after a `{` or right before a `}`.

import type { Comment } from '../../grammar/ast.ts';

const INDENT = '  ';
const BLANK_LINE = /\n[^\S\n]*\n/;

export class Layout {
  private readonly lines: string[] = [];
  private nextComment = 0;
  /** Source offset of the end of the last thing written: trailing comments and blank lines are measured from it. */
  private lastEnd = 0;
  /** True right after a `{` (and at the start of the file): no blank line goes there. */
  private atBlockStart = true;

  constructor(
    private readonly text: string,
    private readonly comments: readonly Comment[],
  ) {}

  /** Write one item (a route, a property, a command, ...) that spans `start..end` in the source. */
  item(depth: number, content: string, start: number, end: number): void {
    this.commentsBefore(start, depth);
    this.commentsBefore(end, depth); // comments inside the item go above it
    this.push(depth, content, start);
    this.lastEnd = end;
    this.atBlockStart = false;
  }

  /** Write a block's opening line (`content` ends with `{`); `headerEnd` is where its header ends in the source. */
  open(depth: number, content: string, start: number, headerEnd: number): void {
    this.item(depth, content, start, headerEnd);
    this.atBlockStart = true;
  }

  /** Write the `}` of a block opened at `depth`, found at `closeAt` in the source. */
  close(depth: number, closeAt: number): void {
    this.commentsBefore(closeAt, depth + 1);
    this.lines.push(INDENT.repeat(depth) + '}');
    this.lastEnd = closeAt + 1;
    this.atBlockStart = false;
  }

  /** Every comment not written yet (those after the last item), then the text with `eol` line ends. */
  finish(depth: number, eol: string): string {
    this.commentsBefore(Infinity, depth);
    return this.lines.length === 0 ? '' : this.lines.join(eol) + eol;
  }

  private commentsBefore(offset: number, depth: number): void {
    while (this.nextComment < this.comments.length && this.comments[this.nextComment]!.span.start < offset) {
      const comment = this.comments[this.nextComment++]!;
      const text = comment.text.trimEnd();
      const gap = this.text.slice(this.lastEnd, comment.span.start);
      if (this.lines.length > 0 && !gap.includes('\n') && this.lines[this.lines.length - 1] !== '') {
        this.lines[this.lines.length - 1] += ` ${text}`;
      } else {
        this.push(depth, text, comment.span.start);
        this.atBlockStart = false;
      }
      this.lastEnd = comment.span.end;
    }
  }

  private push(depth: number, content: string, start: number): void {
    const gap = this.text.slice(this.lastEnd, Math.max(this.lastEnd, start));
    if (!this.atBlockStart && this.lines.length > 0 && this.lines[this.lines.length - 1] !== '' && BLANK_LINE.test(gap)) {
      this.lines.push('');
    }
    this.lines.push(INDENT.repeat(depth) + content);
  }
}

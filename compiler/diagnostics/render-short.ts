// The short format: `path:line:col: error[E0102]: message`, one diagnostic a line (for editors' problem matchers
// and grep).

import { LineIndex } from '../../grammar/span.ts';
import { omittedMessage, type FileReport, type RenderOptions } from './render.ts';

const RED = '\x1b[1;91m';
const YELLOW = '\x1b[1;93m';
const BOLD = '\x1b[1m';
const RESET = '\x1b[0m';

/** One line per diagnostic; a message never spans lines here, so line breaks in it become spaces. */
export function renderShort(reports: readonly FileReport[], options: RenderOptions): string {
  let out = '';
  for (const report of reports) {
    if (report.diagnostics.length === 0) continue;
    const index = new LineIndex(report.text);
    for (const d of report.diagnostics) {
      const { line, col } = index.lineCol(Math.min(Math.max(d.primary.span.start, 0), report.text.length));
      const level = `${d.severity}[${d.code}]`;
      const message = d.message.replace(/[\r\n]+/g, ' ');
      if (options.color) {
        const paint = d.severity === 'error' ? RED : YELLOW;
        out += `${BOLD}${report.path}:${line}:${col}:${RESET} ${paint}${level}${RESET}: ${message}\n`;
      } else {
        out += `${report.path}:${line}:${col}: ${level}: ${message}\n`;
      }
    }
  }
  const omitted = options.omitted && omittedMessage(options.omitted, options.maxErrors);
  if (omitted) out += `note: ${omitted}\n`;
  return out;
}

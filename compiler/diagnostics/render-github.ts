// The github format: GitHub Actions workflow commands, which the runner turns into annotations on the
// pull request's diff: `::error file=a.bind,line=3,col=14,endLine=3,endColumn=18,title=E0102::message`.

import { LineIndex } from '../../grammar/span.ts';
import { omittedMessage, type FileReport, type RenderOptions } from './render.ts';

/** Escaping of a command's message, as @actions/core's `escapeData` does. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escaping of a property value, as @actions/core's `escapeProperty` does: also `:` and `,`. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** One workflow command per diagnostic; notes and help follow the message on their own lines. */
export function renderGithub(reports: readonly FileReport[], options: RenderOptions): string {
  let out = '';
  for (const report of reports) {
    if (report.diagnostics.length === 0) continue;
    const index = new LineIndex(report.text);
    const length = report.text.length;
    for (const d of report.diagnostics) {
      const start = Math.min(Math.max(d.primary.span.start, 0), length);
      const end = Math.min(Math.max(d.primary.span.end, start), length);
      const s = index.lineCol(start);
      // GitHub's columns are inclusive and only allowed when the annotation stays on one line.
      const last = index.lineCol(end > start ? end - 1 : start);
      const props = [`file=${escapeProperty(report.path.replace(/\\/g, '/'))}`, `line=${s.line}`];
      if (s.line === last.line) props.push(`col=${s.col}`);
      props.push(`endLine=${last.line}`);
      if (s.line === last.line) props.push(`endColumn=${last.col}`);
      props.push(`title=${escapeProperty(d.code)}`);
      const message = [
        d.primary.label ? `${d.message}: ${d.primary.label}` : d.message,
        ...d.notes.map((n) => `note: ${n}`),
        ...d.help.map((h) => `help: ${h}`),
      ].join('\n');
      out += `::${d.severity} ${props.join(',')}::${escapeData(message)}\n`;
    }
  }
  const omitted = options.omitted && omittedMessage(options.omitted, options.maxErrors);
  if (omitted) out += `::notice::${escapeData(omitted)}\n`;
  return out;
}

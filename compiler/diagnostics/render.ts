// What every renderer takes (one FileReport per checked file) and the dispatcher from a format name to its renderer.

import type { Diagnostic } from '../../grammar/diagnostic.ts';
import { renderGithub } from './render-github.ts';
import { renderHuman } from './render-human.ts';
import { renderJson } from './render-json.ts';
import { renderSarif } from './render-sarif.ts';
import { renderShort } from './render-short.ts';

/** One checked file: its path as shown to the user (relative, forward slashes), its text and its diagnostics. */
export interface FileReport {
  readonly path: string;
  readonly text: string;
  readonly diagnostics: readonly Diagnostic[];
}

export const FORMATS = ['human', 'short', 'json', 'sarif', 'github'] as const;
export type Format = (typeof FORMATS)[number];

export interface Omitted {
  readonly errors: number;
  readonly warnings: number;
}

export interface RenderOptions {
  /** ANSI colours; only the human and short formats have any. */
  readonly color: boolean;
  /** What `--max-errors` left out, so that every format can say so. */
  readonly omitted?: Omitted;
  /** Totals over every diagnostic found, shown or not; counted from the reports when absent. */
  readonly counts?: Counts;
  /** The limit that caused `omitted`, for the message that says so. */
  readonly maxErrors?: number;
  /** starc's version, for the documents that name their producer (SARIF). */
  readonly toolVersion?: string;
}

export interface Counts {
  readonly errors: number;
  readonly warnings: number;
  readonly files: number;
  /** Files with at least one diagnostic. */
  readonly filesWithProblems: number;
}

/** Diagnostics in reading order: by primary start, then end; a stable sort keeps the producer's order on ties. */
export function sortByPosition(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) => a.primary.span.start - b.primary.span.start || a.primary.span.end - b.primary.span.end,
  );
}

export function countDiagnostics(reports: readonly FileReport[]): Counts {
  let errors = 0;
  let warnings = 0;
  let filesWithProblems = 0;
  for (const report of reports) {
    if (report.diagnostics.length > 0) filesWithProblems++;
    for (const d of report.diagnostics) {
      if (d.severity === 'error') errors++;
      else warnings++;
    }
  }
  return { errors, warnings, files: reports.length, filesWithProblems };
}

/**
 * Keep diagnostics, in order, up to and including the `maxErrors`-th error; what follows (warnings too) is
 * counted in `omitted`. The reports themselves are all kept, so file counts stay true.
 * Call this on reports whose diagnostics are already sorted.
 */
export function limitErrors(
  reports: readonly FileReport[],
  maxErrors: number,
): { reports: FileReport[]; omitted: Omitted } {
  let shownErrors = 0;
  let omittedErrors = 0;
  let omittedWarnings = 0;
  const limited = reports.map((report) => {
    const kept: Diagnostic[] = [];
    for (const d of report.diagnostics) {
      if (shownErrors >= maxErrors) {
        if (d.severity === 'error') omittedErrors++;
        else omittedWarnings++;
        continue;
      }
      kept.push(d);
      if (d.severity === 'error') shownErrors++;
    }
    return { ...report, diagnostics: kept };
  });
  return { reports: limited, omitted: { errors: omittedErrors, warnings: omittedWarnings } };
}

/** `3 errors`, `1 warning`: English plurals for the counts in summaries. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** The sentence every format uses when `--max-errors` hid something. */
export function omittedMessage(omitted: Omitted, maxErrors: number | undefined): string | undefined {
  if (omitted.errors === 0 && omitted.warnings === 0) return undefined;
  const parts: string[] = [];
  if (omitted.errors > 0) parts.push(plural(omitted.errors, 'more error'));
  if (omitted.warnings > 0) parts.push(plural(omitted.warnings, 'more warning'));
  const limit = maxErrors === undefined ? '' : ` (\`--max-errors ${maxErrors}\`)`;
  return `${parts.join(' and ')} not shown${limit}`;
}

/**
 * Render every file's diagnostics in one document or stream, each file's sorted by position. The human
 * format's closing summary is separate (renderHumanSummary) because the CLI prints it to another stream.
 */
export function renderReports(format: Format, reports: readonly FileReport[], options: RenderOptions): string {
  const sorted = reports.map((r) => ({ ...r, diagnostics: sortByPosition(r.diagnostics) }));
  switch (format) {
    case 'human':
      return renderHuman(sorted, options);
    case 'short':
      return renderShort(sorted, options);
    case 'json':
      return renderJson(sorted, options);
    case 'sarif':
      return renderSarif(sorted, options);
    case 'github':
      return renderGithub(sorted, options);
  }
}

// The sarif format: a SARIF 2.1.0 log (OASIS), the form GitHub code scanning and other CI dashboards ingest.
// One run; one rule per code that occurs; secondary labels become related locations and suggestions fixes.

import type { Diagnostic, Label } from '../../grammar/diagnostic.ts';
import { LineIndex, type Span } from '../../grammar/span.ts';
import { CODES } from './registry.ts';
import { omittedMessage, type FileReport, type RenderOptions } from './render.ts';

export const SARIF_VERSION = '2.1.0';
export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

interface SarifRegion {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

interface SarifRule {
  id: string;
  shortDescription: { text: string };
  defaultConfiguration: { level: 'error' | 'warning' };
  help: { text: string };
}

/**
 * The artifact URI of a path: relative paths stay relative (GitHub resolves them against the repository
 * root), with forward slashes and each segment percent-encoded; absolute paths become `file:` URIs.
 */
export function pathToSarifUri(path: string): string {
  const slashed = path.replace(/\\/g, '/');
  const encode = (p: string) => p.split('/').map(encodeURIComponent).join('/');
  if (/^[A-Za-z]:\//.test(slashed)) return `file:///${slashed.slice(0, 2)}${encode(slashed.slice(2))}`;
  if (slashed.startsWith('/')) return `file://${encode(slashed)}`;
  return encode(slashed.replace(/^\.\//, ''));
}

/** SARIF regions count lines and columns from 1; with `columnKind: utf16CodeUnits` columns are UTF-16, as ours. */
function region(span: Span, index: LineIndex): SarifRegion {
  const length = index.text.length;
  const start = Math.min(Math.max(span.start, 0), length);
  const end = Math.min(Math.max(span.end, start), length);
  const s = index.lineCol(start);
  const e = index.lineCol(end);
  // endColumn is exclusive in SARIF, like our span end; an empty region is an insertion point.
  return { startLine: s.line, startColumn: s.col, endLine: e.line, endColumn: e.col };
}

function resultText(d: Diagnostic): string {
  const lines = [d.message, ...d.notes.map((n) => `note: ${n}`), ...d.help.map((h) => `help: ${h}`)];
  return lines.join('\n');
}

/** Rules in order of first use, so `ruleIndex` is stable for a given input. */
function collectRules(reports: readonly FileReport[]): { rules: SarifRule[]; indexOf: Map<string, number> } {
  const rules: SarifRule[] = [];
  const indexOf = new Map<string, number>();
  for (const report of reports) {
    for (const d of report.diagnostics) {
      if (indexOf.has(d.code)) continue;
      indexOf.set(d.code, rules.length);
      const info = CODES.get(d.code);
      rules.push({
        id: d.code,
        shortDescription: { text: info?.summary ?? d.message },
        defaultConfiguration: { level: info?.severity ?? d.severity },
        help: { text: `Run \`starc explain ${d.code}\` for an explanation with a wrong and a right example.` },
      });
    }
  }
  return { rules, indexOf };
}

function diagnosticToResult(d: Diagnostic, uri: string, index: LineIndex, ruleIndex: number) {
  const location = (label: Label) => ({
    physicalLocation: { artifactLocation: { uri }, region: region(label.span, index) },
  });
  const result: Record<string, unknown> = {
    ruleId: d.code,
    ruleIndex,
    level: d.severity,
    message: { text: resultText(d) },
    locations: [
      d.primary.label ? { ...location(d.primary), message: { text: d.primary.label } } : location(d.primary),
    ],
  };
  if (d.secondary.length > 0) {
    result['relatedLocations'] = d.secondary.map((label, i) => ({
      id: i + 1,
      ...location(label),
      ...(label.label ? { message: { text: label.label } } : {}),
    }));
  }
  const fixes = d.suggestions.filter((s) => s.edits.length > 0);
  if (fixes.length > 0) {
    result['fixes'] = fixes.map((s) => ({
      description: { text: s.message },
      artifactChanges: [
        {
          artifactLocation: { uri },
          replacements: s.edits.map((e) => ({
            deletedRegion: region(e.span, index),
            insertedContent: { text: e.newText },
          })),
        },
      ],
    }));
  }
  return result;
}

/** The whole run as one SARIF log, pretty-printed, ending with a newline. */
export function renderSarif(reports: readonly FileReport[], options: RenderOptions): string {
  const { rules, indexOf } = collectRules(reports);
  const results = reports.flatMap((report) => {
    const index = new LineIndex(report.text);
    const uri = pathToSarifUri(report.path);
    return report.diagnostics.map((d) => diagnosticToResult(d, uri, index, indexOf.get(d.code)!));
  });
  const omitted = options.omitted && omittedMessage(options.omitted, options.maxErrors);
  const driver: Record<string, unknown> = { name: 'starc' };
  if (options.toolVersion) {
    driver['version'] = options.toolVersion;
    driver['semanticVersion'] = options.toolVersion;
  }
  driver['rules'] = rules;
  const log = {
    $schema: SARIF_SCHEMA,
    version: SARIF_VERSION,
    runs: [
      {
        tool: { driver },
        // The checker ran to completion even when it found errors: that is what executionSuccessful means.
        invocations: [
          {
            executionSuccessful: true,
            ...(omitted ? { toolExecutionNotifications: [{ level: 'note', message: { text: omitted } }] } : {}),
          },
        ],
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

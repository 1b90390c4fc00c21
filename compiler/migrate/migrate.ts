// `starc migrate`'s engine: Starlane 0.1/0.2 (and 0.3's deprecated spellings) to v1, text to text.
//
// Legacy grammars are not the v1 parser's job (it stops at E0004), so each legacy form has a small reader here
// that knows only its outline (legacy-scan.ts) and writes canonical v1: 2-space indentation, one route, property
// or command per line, comments kept. The result is then passed through the checker's own fixes for the forms
// v1 still reads with a warning (deprecated-forms.ts), and checked: what is left for a human is a W07xx
// diagnostic, never a silent change of meaning. A v1 file without deprecated forms comes back unchanged, and
// migrating a migrated file changes nothing.

import type { Diagnostic } from '../../grammar/diagnostic.ts';
import type { FileKind } from '../../grammar/ast.ts';
import type { Span } from '../../grammar/span.ts';
import { checkSource } from '../check-file.ts';
import { Reporter } from '../check/report.ts';
import { fixDeprecatedForms } from './deprecated-forms.ts';
import { migrateConfigItems } from './legacy-app.ts';
import { migrateBindItems } from './legacy-bind.ts';
import { legacyRoot, scanBlock } from './legacy-scan.ts';
import { migrateScriptText } from './legacy-script.ts';
import { routesConfToRouter } from './routes-conf.ts';

export type MigrateKind = FileKind | 'routes-conf';

export interface Migration {
  /** The v1 text (the input itself when nothing needed migrating). */
  readonly text: string;
  /** The kind of the result: a `routes.conf` becomes a `router`. */
  readonly kind: FileKind;
  readonly changed: boolean;
  /** W07xx: what is left for a human. Spans refer to the input text. */
  readonly diagnostics: Diagnostic[];
}

const ROOTS: Readonly<Record<string, FileKind>> = { Bind: 'bind', Router: 'router', App: 'app', Mechtron: 'mechtron' };

/** Migrate one source text of a known kind. Never throws for any input. */
export function migrateSource(text: string, kind: MigrateKind): Migration {
  const reporter = new Reporter();
  const resultKind: FileKind = kind === 'routes-conf' ? 'router' : kind;
  let migrated = kind === 'routes-conf' ? routesConfToRouter(text, reporter) : migrateLegacyForms(text, kind, reporter);
  migrated = fixDeprecatedForms(migrated, resultKind);
  const changed = migrated !== text;
  // One mistake, one diagnostic: after a W0701 the checker's errors there are echoes of it.
  if (changed && reporter.diagnostics.length === 0) verify(migrated, resultKind, text, reporter);
  return { text: changed ? migrated : text, kind: resultKind, changed, diagnostics: reporter.diagnostics };
}

function migrateLegacyForms(text: string, kind: FileKind, reporter: Reporter): string {
  if (kind === 'script') return migrateScriptText(text);
  const root = legacyRoot(text);
  if (!root || !(root.name in ROOTS)) return kind === 'app' ? migrateScriptText(text) : text;
  const nameStart = text.lastIndexOf(root.name, root.open);
  const rootSpan: Span = { start: nameStart, end: nameStart + root.name.length };
  const scanned = scanBlock(text, root.open, root.name === 'App' || root.name === 'Mechtron' ? ',;' : ';');
  if (!scanned.closed) {
    reporter.report('W0701', `the legacy \`${root.name}\` document's \`{\` is never closed`, rootSpan, 'not migrated', {
      help: ['close the document with `}` and run `starc migrate` again'],
    });
    return text;
  }
  const body =
    root.name === 'Bind' || root.name === 'Router'
      ? migrateBindItems(scanned.items, text, reporter)
      : migrateConfigItems(scanned.items, text, reporter);
  const before = text.slice(0, nameStart);
  const after = text.slice(scanned.end).trim();
  const inner = body.map((line) => (line === '' ? '\n' : `${line}\n`)).join('');
  return `${before}${root.name}(version=1.0.0) {\n${inner}}\n${after ? `${after}\n` : ''}`;
}

/** A migrated text that still has errors needs a human: say so once, with the errors as notes. */
function verify(migrated: string, kind: FileKind, original: string, reporter: Reporter): void {
  const errors = checkSource(migrated, kind).filter((d) => d.severity === 'error');
  if (errors.length === 0) return;
  const first = original.search(/\S/);
  const span = { start: Math.max(0, first), end: Math.max(0, first) };
  const lineOf = (offset: number) => migrated.slice(0, offset).split('\n').length;
  reporter.report('W0702', `the migrated file still has ${errors.length === 1 ? 'an error' : `${errors.length} errors`}`, span, 'in this file', {
    notes: errors.slice(0, 5).map((e) => `after migration, line ${lineOf(e.primary.span.start)}: ${e.code}: ${e.message}`),
    help: ['fix these by hand in the migrated file (`starc check` shows them in full)'],
  });
}

// `starc.yaml`, the app dir's runtime settings (DESIGN.md §1): parsed with `yaml`, checked against
// schema.ts with ajv (draft-07, first error only), and every mistake is a Diagnostic with the span of the
// YAML node at fault, so `starc check`, `starc run` and the LSP show it like any other.
//
// Codes (E08xx, settings):
// - E0801: not valid YAML (yaml's first error, at its position; one mistake, one diagnostic).
// - E0802: a key the schema does not know, with "did you mean" among the keys of its mapping.
// - E0803: a value of the wrong type or form (type, range, pattern), with what the schema's `description` says.
//
// `yaml` and `ajv` are loaded on first use, so `starc check` of Starlane files starts as fast as before.

import { createRequire } from 'node:module';
import type * as YamlModule from 'yaml';
import { makeDiagnostic, type Diagnostic, type Suggestion } from '../../grammar/diagnostic.ts';
import type { Span } from '../../grammar/span.ts';
import { codeInfo } from '../diagnostics/registry.ts';
import { closestMatch } from '../check/suggest.ts';
import { SETTINGS_SCHEMA, type Settings } from './schema.ts';

export type { Settings };
export { SETTINGS_SCHEMA };

/** The file name `starc check` and `starc run` treat as settings. */
export const SETTINGS_FILE = 'starc.yaml';

/** True for a path whose file name is `starc.yaml`. */
export function isSettingsPath(path: string): boolean {
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return path.slice(slash + 1) === SETTINGS_FILE;
}

export interface ParsedSettings {
  /** The settings when there is no error; `{}` otherwise (and for an empty file). */
  readonly settings: Settings;
  readonly diagnostics: Diagnostic[];
}

const require = createRequire(import.meta.url);
let yamlModule: typeof YamlModule | undefined;
let validator: ValidateFn | undefined;

interface AjvError {
  readonly keyword: string;
  readonly instancePath: string;
  readonly params: Record<string, unknown>;
}
type ValidateFn = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

function yaml(): typeof YamlModule {
  return (yamlModule ??= require('yaml') as typeof YamlModule);
}

function validate(): ValidateFn {
  if (!validator) {
    const Ajv = require('ajv').default;
    validator = new Ajv({ strict: false, allErrors: false, logger: false }).compile(SETTINGS_SCHEMA) as ValidateFn;
  }
  return validator;
}

function diagnostic(code: string, message: string, span: Span, label: string, parts: Parameters<typeof makeDiagnostic>[4] = {}): Diagnostic {
  return makeDiagnostic(code, codeInfo(code).severity, message, { span, label }, parts);
}

/** Parse and check the text of a `starc.yaml`. Never throws. */
export function parseSettings(text: string): ParsedSettings {
  const Y = yaml();
  const doc = Y.parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const syntax = doc.errors[0];
  if (syntax) return { settings: {}, diagnostics: [syntaxDiagnostic(text, syntax)] };

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    // Alias bombs and the like: yaml throws on resolving, not on parsing.
    const span = { start: 0, end: Math.min(text.length, firstLineEnd(text)) };
    return { settings: {}, diagnostics: [diagnostic('E0801', `\`starc.yaml\` cannot be read: ${lowerFirst((e as Error).message)}`, span, '')] };
  }
  if (value === null || value === undefined) return { settings: {}, diagnostics: [] };

  const check = validate();
  if (check(value)) return { settings: value as Settings, diagnostics: [] };
  const error = check.errors?.[0];
  if (!error) return { settings: {}, diagnostics: [] };
  return { settings: {}, diagnostics: [schemaDiagnostic(Y, doc, text, error)] };
}

function syntaxDiagnostic(text: string, error: YamlModule.YAMLError): Diagnostic {
  const [start, end] = error.pos;
  const s = Math.min(start, text.length);
  const e = Math.min(Math.max(end, s), text.length);
  const message = lowerFirst(error.message.replace(/\s+at line \d+, column \d+:?[\s\S]*$/, '').replace(/\.$/, ''));
  return diagnostic('E0801', `invalid YAML: ${message}`, { start: s, end: e }, labelOfYamlError(error.code), {
    notes: ['`starc.yaml` is read as YAML 1.2; keys and values are `key: value` lines, nested by indentation'],
  });
}

function labelOfYamlError(code: string): string {
  const labels: Record<string, string> = {
    DUPLICATE_KEY: 'this key is already set above',
    BLOCK_AS_IMPLICIT_KEY: 'a value here, so the indented lines below cannot be its keys',
    MULTILINE_IMPLICIT_KEY: 'a key must fit on one line',
    MISSING_CHAR: 'a character is missing here',
    MULTIPLE_DOCS: 'a second document',
    TAB_AS_INDENT: 'a tab used for indentation',
  };
  return labels[code] ?? '';
}

// ----------------------------------------------------------------------------------------------- schema errors

type Node = YamlModule.Node | YamlModule.Pair | null | undefined;

interface Located {
  /** The value node at the path (may be missing for `key:` with nothing after it). */
  readonly value: Node;
  /** The key of the pair holding it; undefined at the root. */
  readonly key: Node;
}

/** Walk the document by the keys of an ajv instancePath (`/delivery/retries`). */
function locate(Y: typeof YamlModule, doc: YamlModule.Document, segments: readonly string[]): Located {
  let value: Node = doc.contents;
  let key: Node;
  for (const segment of segments) {
    if (Y.isAlias(value)) value = value.resolve(doc);
    if (!Y.isMap(value)) return { value, key };
    const pair: YamlModule.Pair<unknown, unknown> | undefined = value.items.find((p) => keyText(Y, p.key) === segment);
    if (!pair) return { value, key };
    key = pair.key as Node;
    value = pair.value as Node;
  }
  return { value, key };
}

function keyText(Y: typeof YamlModule, key: unknown): string | undefined {
  return Y.isScalar(key) ? String(key.value) : undefined;
}

function spanOf(node: Node): Span | undefined {
  const range = node && 'range' in node ? node.range : undefined;
  if (!range || range[1] <= range[0]) return undefined;
  return { start: range[0], end: range[1] };
}

function pathSegments(instancePath: string): string[] {
  return instancePath === '' ? [] : instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function dotted(segments: readonly string[]): string {
  return segments.join('.');
}

/** The subschema at a path of property names. */
function schemaAt(segments: readonly string[]): { description?: string; properties?: Record<string, unknown> } {
  let schema: { description?: string; properties?: Record<string, unknown> } = SETTINGS_SCHEMA;
  for (const segment of segments) {
    const next = schema.properties?.[segment] as typeof schema | undefined;
    if (!next) break;
    schema = next;
  }
  return schema;
}

function schemaDiagnostic(Y: typeof YamlModule, doc: YamlModule.Document, text: string, error: AjvError): Diagnostic {
  const segments = pathSegments(error.instancePath);
  const where = locate(Y, doc, segments);
  const fallback: Span = { start: 0, end: Math.max(0, Math.min(text.length, firstLineEnd(text))) };

  if (error.keyword === 'additionalProperties') {
    const name = String(error.params['additionalProperty']);
    const known = Object.keys(schemaAt(segments).properties ?? {});
    const map = Y.isAlias(where.value) ? where.value.resolve(doc) : where.value;
    const pair = Y.isMap(map) ? map.items.find((p) => keyText(Y, p.key) === name) : undefined;
    const span = spanOf(pair?.key as Node) ?? spanOf(where.value) ?? fallback;
    const close = closestMatch(name, known);
    const inside = segments.length === 0 ? '`starc.yaml`' : `\`${dotted(segments)}\``;
    const suggestions: Suggestion[] = close
      ? [{ message: `did you mean \`${close}\`?`, edits: [{ span, newText: close }], applicability: 'maybe' }]
      : [];
    return diagnostic('E0802', `unknown setting \`${name}\` in ${inside}`, span, close ? `did you mean \`${close}\`?` : 'not a setting', {
      notes: [`the settings ${segments.length === 0 ? 'are' : `of ${inside} are`} ${known.map((k) => `\`${k}\``).join(', ')}`],
      suggestions,
    });
  }

  const expected = schemaAt(segments).description ?? 'a different value';
  const span = spanOf(where.value) ?? spanOf(where.key) ?? fallback;
  const name = segments.length === 0 ? '`starc.yaml`' : `\`${dotted(segments)}\``;
  const found = describeValue(text, span, where.value, Y);
  const notes: string[] = [];
  if (/duration/.test(expected)) notes.push('a duration is a whole number with `ms`, `s`, `m` or `h`');
  return diagnostic('E0803', `${name} must be ${expected}`, span, found, { notes });
}

function describeValue(text: string, span: Span, node: Node, Y: typeof YamlModule): string {
  if (Y.isMap(node)) return 'found a mapping';
  if (Y.isSeq(node)) return 'found a list';
  if (Y.isScalar(node)) {
    if (node.value === null) return 'found nothing';
    const shown = text.slice(span.start, span.end);
    const kind = typeof node.value === 'string' ? 'text' : typeof node.value === 'boolean' ? 'a boolean' : 'a number';
    return shown.length <= 40 && !shown.includes('\n') ? `found ${kind} \`${shown}\`` : `found ${kind}`;
  }
  return 'not allowed here';
}

function firstLineEnd(text: string): number {
  const nl = text.indexOf('\n');
  return nl < 0 ? text.length : nl;
}

function lowerFirst(s: string): string {
  return s.length > 0 && !/^[A-Z]{2}/.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s;
}

/** Milliseconds of a settings duration (`15s`); undefined for text that is not one. */
export function durationMs(text: string | undefined): number | undefined {
  const m = text === undefined ? null : /^([0-9]+)(ms|s|m|h)$/.exec(text);
  if (!m) return undefined;
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  return Number(m[1]) * unit[m[2]!]!;
}

// Payload patterns (`-[ Map{a<Text>} ]->`): substance kinds, list ranges, map keys, formats, validators.

import type { MapStructure, PayloadPattern, Structure, Validator } from '../../grammar/ast.ts';
import { parsePoint } from './point.ts';
import { replaceWith, type Reporter } from './report.ts';
import { closestMatch } from './suggest.ts';

export const SUBSTANCE_KINDS = [
  'Empty', 'Text', 'Bin', 'Int', 'Boolean', 'Point', 'Map', 'List', 'Json', 'Stub', 'Details', 'Status', 'Err',
] as const;
/** Other languages' names for a substance kind (lowercased), for "did you mean". */
const SUBSTANCE_SYNONYMS: Readonly<Record<string, string>> = {
  string: 'Text', str: 'Text', bytes: 'Bin', binary: 'Bin', blob: 'Bin', integer: 'Int', number: 'Int',
  bool: 'Boolean', object: 'Map', dict: 'Map', array: 'List', vec: 'List', error: 'Err',
};
export const PAYLOAD_FORMATS = ['json', 'image', 'utf8'] as const;
/** Formats people write for one kind of image: all of them are `image`. */
const IMAGE_FORMATS = new Set(['png', 'jpg', 'jpeg', 'gif', 'webp', 'svg', 'bmp', 'ico', 'avif', 'tiff']);

export function checkPayloadPattern(pattern: PayloadPattern, reporter: Reporter): void {
  switch (pattern.kind) {
    case 'AnyPattern':
    case 'EmptyPattern':
      return;
    case 'StructurePattern':
      checkStructure(pattern.structure, reporter);
      if (pattern.format && !(PAYLOAD_FORMATS as readonly string[]).includes(pattern.format.text)) {
        const format = pattern.format.text;
        const close = IMAGE_FORMATS.has(format.toLowerCase()) ? 'image' : closestMatch(format, PAYLOAD_FORMATS);
        reporter.report('E0504', `unknown payload format \`${pattern.format.text}\``, pattern.format.span, 'not a format', {
          notes: [`formats are ${PAYLOAD_FORMATS.map((f) => `\`${f}\``).join(', ')}`],
          suggestions: close ? [replaceWith(`did you mean \`${close}\`?`, pattern.format.span, close, false)] : [],
        });
      }
      if (pattern.validator) checkValidator(pattern.validator, reporter);
      return;
  }
}

function checkSubstanceKind(name: { text: string; span: { start: number; end: number } }, reporter: Reporter): boolean {
  if ((SUBSTANCE_KINDS as readonly string[]).includes(name.text)) return true;
  const close = SUBSTANCE_SYNONYMS[name.text.toLowerCase()] ?? closestMatch(name.text, SUBSTANCE_KINDS);
  reporter.report('E0502', `unknown substance kind \`${name.text}\``, name.span, 'not a substance kind', {
    notes: [`substance kinds are ${SUBSTANCE_KINDS.join(', ')}`],
    suggestions: close ? [replaceWith(`did you mean \`${close}\`?`, name.span, close, false)] : [],
  });
  return false;
}

function checkStructure(structure: Structure, reporter: Reporter): void {
  switch (structure.kind) {
    case 'KindStructure':
      checkSubstanceKind(structure.name, reporter);
      return;
    case 'ListStructure': {
      checkSubstanceKind(structure.item, reporter);
      const range = structure.range;
      if (!range) return;
      const m = /^(\d+)(?:-(\d+))?$/.exec(range.text);
      if (!m) {
        // `1..5`, `1,5`, `1:5`, `1 - 5`: two bounds with another separator.
        const bounds = /^\s*(\d+)\s*(?:\.\.=?|,|:|-|to)\s*(\d+)\s*$/.exec(range.text);
        const fixed = bounds && Number(bounds[1]) <= Number(bounds[2]) ? `${bounds[1]}-${bounds[2]}` : undefined;
        reporter.report('E0503', `malformed list range \`${range.text}\``, range.span, 'expected `n` or `n-m`', {
          notes: ['a list is written `Text[]` (any length), `Text[5]` (exactly 5) or `Text[1-5]` (1 to 5)'],
          suggestions: fixed ? [replaceWith(`write \`${fixed}\``, range.span, fixed)] : [],
        });
      } else if (m[2] !== undefined && Number(m[2]) < Number(m[1])) {
        reporter.report('E0503', `list range \`${range.text}\` is empty`, range.span, `${m[1]} is more than ${m[2]}`, {
          suggestions: [replaceWith('swap the bounds', range.span, `${m[2]}-${m[1]}`, false)],
        });
      }
      return;
    }
    case 'MapStructure':
      checkMap(structure, reporter);
      return;
  }
}

function checkMap(map: MapStructure, reporter: Reporter): void {
  if (map.name.text !== 'Map') {
    if (checkSubstanceKind(map.name, reporter)) {
      reporter.report('E0502', `\`${map.name.text}\` takes no keys`, map.name.span, 'only `Map` lists keys', {
        suggestions: [replaceWith('write `Map`', map.name.span, 'Map', false)],
      });
    }
  }
  const seen = new Map<string, { start: number; end: number }>();
  for (const entry of map.entries ?? []) {
    const first = seen.get(entry.key.text);
    if (first) {
      reporter.report('E0505', `key \`${entry.key.text}\` is listed twice`, entry.key.span, 'listed again here', {
        secondary: [{ span: first, label: 'first listed here' }],
      });
    } else {
      seen.set(entry.key.text, entry.key.span);
    }
    if (entry.pattern) checkPayloadPattern(entry.pattern, reporter);
  }
  if (map.rest?.pattern) checkPayloadPattern(map.rest.pattern, reporter);
}

function checkValidator(validator: Validator, reporter: Reporter): void {
  parsePoint(validator.point, reporter);
  if (validator.kind === 'MechtronValidator') {
    const { waveKind, method } = validator.method;
    if (waveKind.text !== 'Ext' || !method) {
      reporter.report('E0506', 'a validating mechtron is called with an `Ext<Method>`', validator.method.span, 'expected `Ext<Method>`', {
        notes: ['the mechtron answers 2xx for a valid payload: `Json~localhost:app:validator^Ext<Validate>`'],
      });
    }
  }
}

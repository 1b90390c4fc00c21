// Starlane 0.2/0.3 spellings that v1 still reads with a warning (`{{ }}`, `${doc.bundle}/x`, `,` between
// properties, `bin=` without `+` or `;`): migrate applies the checker's own machine-applicable fixes for them,
// so there is one definition of each fix. Other warnings (unreachable routes, empty blocks) are not
// migration's business and stay.

import type { FileKind } from '../../grammar/ast.ts';
import { checkSource } from '../check-file.ts';
import { fixSource } from '../fix/apply-edits.ts';

export const DEPRECATED_FORM_CODES: ReadonlySet<string> = new Set(['W0101', 'W0301', 'W0302', 'W0303', 'W0304']);

/** The text with every deprecated form fixed: `check --fix`'s engine, limited to these codes. */
export function fixDeprecatedForms(text: string, kind: FileKind): string {
  return fixSource(text, (current) => checkSource(current, kind).filter((d) => DEPRECATED_FORM_CODES.has(d.code))).text;
}

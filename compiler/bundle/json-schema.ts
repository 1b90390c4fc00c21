// JSON Schema artifacts (`Json~schema(...)`): the file must be JSON and a valid draft 2020-12 or 07 schema.
// ajv is loaded only when a bundle references a schema, so `starc check` of other files starts as fast.

import { createRequire } from 'node:module';

export type SchemaProblem = { readonly reason: string; readonly line?: number; readonly col?: number };

const require = createRequire(import.meta.url);

/** Undefined when `bytes` holds a valid JSON Schema. */
export function checkSchemaArtifact(bytes: Uint8Array): SchemaProblem | undefined {
  const text = new TextDecoder().decode(bytes);
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const at = /position (\d+)/.exec(message);
    const where = at ? lineCol(text, Number(at[1])) : {};
    return { reason: `not JSON: ${message.replace(/ in JSON at position \d+.*$/, '').replace(/^Unexpected/, 'unexpected')}`, ...where };
  }
  if (typeof schema !== 'object' || schema === null) {
    if (typeof schema === 'boolean') return undefined; // `true` and `false` are schemas
    return { reason: 'a JSON Schema is an object (or `true`/`false`)' };
  }
  const draft2020 = (schema as { $schema?: unknown }).$schema === 'https://json-schema.org/draft/2020-12/schema';
  const Ajv = draft2020 ? require('ajv/dist/2020').default : require('ajv').default;
  const ajv = new Ajv({ strict: false, allErrors: false, validateSchema: true });
  if (!ajv.validateSchema(schema)) {
    const error = (ajv.errors as { instancePath: string; message?: string }[] | null)?.[0];
    const pointer = error?.instancePath ?? '';
    return { reason: `\`${pointer || '/'}\` ${error?.message ?? 'is not valid'}`, ...locatePointer(text, pointer) };
  }
  try {
    ajv.compile(schema); // what the meta-schema cannot see: unresolvable `$ref`s, bad regexes
    return undefined;
  } catch (e) {
    return { reason: (e as Error).message };
  }
}

/** Line and column of the value at a JSON pointer, found by walking its keys through the text in order. */
function locatePointer(text: string, pointer: string): { line: number; col: number } | {} {
  let at = 0;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(key)) continue; // array indices have no text of their own
    const found = text.indexOf(JSON.stringify(key), at);
    if (found < 0) return {};
    at = found;
  }
  return pointer ? lineCol(text, at) : {};
}

function lineCol(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, col: offset - before.lastIndexOf('\n') };
}

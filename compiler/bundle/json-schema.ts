// JSON Schema artifacts (`Json~schema(...)`): the file must be JSON and a valid draft 2020-12 or 07 schema,
// one that ajv (what the runtime validates payloads with, runtime/payload/schemas.ts) compiles.
//
// Cold start (bar B2) shapes this module: loading ajv and generating its meta-schema validator cost ~70 ms.
// - The meta-schema check runs ajv's standalone code, generated at build time (scripts/gen-schema-validators.mjs)
//   with the options used here: the same verdicts and first errors as `ajv.validateSchema`, no ajv loaded.
// - ajv itself is loaded (lazily, from node_modules) only when the check needs what only its compiler knows:
//   references, ids and the like (json-schema-compile-hazards.ts), or a `$schema` naming neither draft.
// ajv's logger is off: a `format` it does not know is not a problem of the schema, and no output but
// diagnostics belongs on stderr.

import { createRequire } from 'node:module';
import { validate as validateDraft07 } from '../schema-validators/draft-07.generated.js';
import { validate as validateDraft2020 } from '../schema-validators/draft-2020-12.generated.js';
import type { MetaSchemaValidator } from '../schema-validators/meta-schema-validator.ts';
import { needsAjvCompile } from './json-schema-compile-hazards.ts';

export type SchemaProblem = { readonly reason: string; readonly line?: number; readonly col?: number };

const require = createRequire(import.meta.url);

const DRAFT_2020 = 'https://json-schema.org/draft/2020-12/schema';
/** The meta-schema ajv validates with, by `$schema` (ajv's default, draft-07, when absent or empty). */
const META_SCHEMAS: ReadonlyMap<unknown, MetaSchemaValidator> = new Map<unknown, MetaSchemaValidator>([
  [undefined, validateDraft07],
  ['', validateDraft07],
  ['http://json-schema.org/draft-07/schema#', validateDraft07],
  ['http://json-schema.org/draft-07/schema', validateDraft07],
  [DRAFT_2020, validateDraft2020],
]);

type AjvInstance = {
  validateSchema(schema: unknown): boolean;
  compile(schema: unknown): unknown;
  errors?: { instancePath: string; message?: string }[] | null;
};

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
  try {
    return checkSchemaValue(schema, text);
  } catch (e) {
    // The validators (generated and ajv's) recurse; JSON.parse does not. A stack overflow is the schema's size.
    if (e instanceof RangeError) return { reason: 'nested too deeply to check' };
    throw e;
  }
}

function checkSchemaValue(schema: object, text: string): SchemaProblem | undefined {
  const $schema = (schema as { $schema?: unknown }).$schema;
  const draft2020 = $schema === DRAFT_2020;
  const validateMeta = META_SCHEMAS.get($schema);
  if (!validateMeta) return checkWithAjv(schema, text, draft2020); // ajv resolves other spellings, or says why not
  if (!validateMeta(schema)) return metaSchemaProblem(validateMeta.errors, text);
  if (!needsAjvCompile(schema)) return undefined;
  // Already meta-valid (the same check ajv would run): let ajv compile without validating it again.
  return compileWithAjv(newAjv(draft2020, false), schema);
}

/** The whole check in ajv, for a `$schema` this module does not know by its spelling. */
function checkWithAjv(schema: object, text: string, draft2020: boolean): SchemaProblem | undefined {
  const ajv = newAjv(draft2020, true);
  let valid: boolean;
  try {
    valid = ajv.validateSchema(schema);
  } catch (e) {
    if (e instanceof RangeError) throw e;
    const $schema = (schema as { $schema?: unknown }).$schema;
    const named = typeof $schema === 'string' ? `\`${$schema}\`, which is neither draft 2020-12 (\`${DRAFT_2020}\`) nor draft-07 (\`http://json-schema.org/draft-07/schema#\`)` : 'not a string';
    return { reason: `\`/$schema\` is ${named}`, ...locatePointer(text, '/$schema') };
  }
  if (!valid) return metaSchemaProblem(ajv.errors, text);
  return compileWithAjv(ajv, schema);
}

function compileWithAjv(ajv: AjvInstance, schema: object): SchemaProblem | undefined {
  try {
    ajv.compile(schema); // what the meta-schema cannot see: unresolvable `$ref`s, bad regexes
    return undefined;
  } catch (e) {
    if (e instanceof RangeError) throw e;
    return { reason: (e as Error).message };
  }
}

function newAjv(draft2020: boolean, validateSchema: boolean): AjvInstance {
  const Ajv = draft2020 ? require('ajv/dist/2020').default : require('ajv').default;
  return new Ajv({ strict: false, allErrors: false, logger: false, validateSchema });
}

function metaSchemaProblem(errors: readonly { instancePath: string; message?: string }[] | null | undefined, text: string): SchemaProblem {
  const error = errors?.[0];
  const pointer = error?.instancePath ?? '';
  return { reason: `\`${pointer || '/'}\` ${error?.message ?? 'is not valid'}`, ...locatePointer(text, pointer) };
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

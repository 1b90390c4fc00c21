// The JSON Schema artifact check (compiler/bundle/json-schema.ts) against ajv itself, the reference: ajv's
// `validateSchema` then `compile`, as the runtime's ajv would judge the schema. The check uses generated
// meta-schema validators and loads ajv only for hazards; its verdicts and first errors must not differ.
// (Proposed as test/json-schema-check.test.ts; needs `node scripts/gen-schema-validators.mjs` to have run.)

import { createRequire } from 'node:module';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkSchemaArtifact } from '../compiler/bundle/json-schema.ts';
import { needsAjvCompile } from '../compiler/bundle/json-schema-compile-hazards.ts';

const require = createRequire(import.meta.url);
const D07 = 'http://json-schema.org/draft-07/schema#';
const D2020 = 'https://json-schema.org/draft/2020-12/schema';

/** ajv's verdict: undefined (a schema), the meta-schema's first error, a compile error, or `throws`. */
function ajvVerdict(schema: unknown): string | undefined {
  if (typeof schema === 'boolean') return undefined;
  const is2020 = (schema as { $schema?: unknown }).$schema === D2020;
  const Ajv = is2020 ? require('ajv/dist/2020').default : require('ajv').default;
  const ajv = new Ajv({ strict: false, allErrors: false, logger: false });
  try {
    if (!ajv.validateSchema(schema)) return `\`${ajv.errors?.[0]?.instancePath || '/'}\` ${ajv.errors?.[0]?.message}`;
  } catch {
    return 'throws';
  }
  try {
    ajv.compile(schema);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

function agree(schema: unknown): void {
  const text = JSON.stringify(schema);
  const expected = ajvVerdict(schema);
  const got = checkSchemaArtifact(new TextEncoder().encode(text))?.reason;
  if (expected === 'throws') assert.ok(got?.startsWith('`/$schema` is'), `${text}: ${got}`);
  else assert.is(got, expected, text);
}

const EDGE_CASES: unknown[] = [
  {}, true, false, [], { type: 'strin' }, { enum: [] }, { $schema: D2020, enum: [] }, { pattern: '((' }, { pattern: '\\-' },
  { pattern: '\\p{L}' }, { patternProperties: { '((': { type: 'string' } } }, { properties: { id: { type: 'string' }, $ref: { type: 'number' } } },
  { id: 'x' }, { nullable: true }, { type: 'null', nullable: false }, { $ref: '#/definitions/a', definitions: { a: {} } },
  { $ref: '#/definitions/b' }, { $schema: D2020, $defs: { a: { $anchor: 'x' } }, $ref: '#x' }, { $id: 'https://example.com/a.json', type: 'object' },
  { $id: D07 }, { $id: '%68ttp://x' }, { $schema: 'http://json-schema.org/draft-04/schema#' }, { $schema: 42 }, { $schema: '' },
  { $schema: 'http://json-schema.org/draft-07/schema' }, { $schema: `${D2020}#` }, { const: { $ref: '#nope', pattern: '((' } },
  { allOf: [{ $id: '#a' }, { $id: '#a' }] }, { 'x-custom': { $id: '#a' }, y: { $id: '#a' } }, { $schema: D2020, $dynamicRef: '#meta' },
  { $schema: D2020, items: [{}] }, { dependencies: { a: ['b'], c: { required: ['d'] } } }, { properties: { a: { $schema: 'x' } } },
  { format: 'email' }, JSON.parse('{"properties":{"__proto__":{"type":"string"}},"required":["__proto__"]}'),
];

test('edge cases: the same verdict and first error as ajv', () => {
  for (const schema of EDGE_CASES) agree(schema);
});

test('random schemas built from every keyword that can fail to compile: the same verdict as ajv', () => {
  const keyword = fc.constantFrom('type', 'properties', 'items', 'prefixItems', 'enum', 'const', '$ref', '$id', 'id', 'pattern', 'patternProperties',
    'required', 'additionalProperties', 'allOf', 'not', 'nullable', '$anchor', '$defs', 'definitions', 'minLength', 'format', 'if', 'x-unknown',
    '$schema', 'dependencies', '$dynamicRef', '$dynamicAnchor');
  const leaf = fc.oneof(fc.constantFrom('string', 'null', '((', '^a$', '#', '#/definitions/a', '#a', 'a', D07, D2020), fc.integer({ min: -1, max: 2 }), fc.boolean(), fc.constant([]));
  const { schema } = fc.letrec((tie) => ({
    schema: fc.oneof({ depthSize: 'small' }, leaf, fc.dictionary(keyword, tie('schema'), { maxKeys: 4 }),
      fc.dictionary(fc.constantFrom('a', 'id', '$ref', '(('), tie('schema'), { maxKeys: 3 }), fc.array(tie('schema'), { maxLength: 3 })),
  }));
  const root = fc.record({ meta: fc.constantFrom(undefined, D07, D2020), body: fc.dictionary(keyword, schema, { maxKeys: 5 }) });
  fc.assert(fc.property(root, ({ meta, body }) => agree(meta ? { $schema: meta, ...body } : body)), { numRuns: 400, seed: 1 });
});

test('ajv is needed only for hazards: a plain schema, properties named like keywords, data that looks like a schema', () => {
  assert.not.ok(needsAjvCompile({ $schema: D2020, $id: 'https://example.com/s.json', type: 'object', properties: { id: { type: 'string', pattern: '^[a-z]+$' } }, required: ['id'] }));
  assert.not.ok(needsAjvCompile({ properties: { $ref: { const: { $ref: '#/nowhere' } } }, examples: [{ id: 1 }] }));
  assert.ok(needsAjvCompile({ properties: { a: { $ref: '#/definitions/a' } } }));
  assert.ok(needsAjvCompile({ $id: 'http://json-schema.org/draft-07/schema#' }));
  assert.ok(needsAjvCompile({ items: { pattern: '((' } }));
});

test('a schema nested too deeply to check is a problem, not a crash', () => {
  const text = `{"not":`.repeat(50_000) + '{}' + '}'.repeat(50_000);
  const problem = checkSchemaArtifact(new TextEncoder().encode(text));
  assert.ok(problem === undefined || typeof problem.reason === 'string');
});

test.run();

// Whether a schema that passed its meta-schema might still fail to COMPILE in ajv (the runtime compiles it,
// runtime/payload/schemas.ts), so that `starc check` loads ajv only for those: ajv costs ~70 ms of a cold check.
//
// With the options starc uses (`strict: false`, no `$data`, no formats, no custom keywords), ajv's compiler
// throws, for a meta-valid schema, only on: references it cannot resolve (`$ref`, `$dynamicRef`,
// `$recursiveRef`) and ambiguous or clashing ids/anchors (`$id`, `$anchor`, `$dynamicAnchor`); the keywords
// `id`, `$async`, `nullable` (and `discriminator`, to be safe); a nested `$schema`; an empty `enum`; and a
// `pattern` or `patternProperties` key that is not a valid `u`-flag RegExp. This walk says yes to every
// schema in which any of those could occur, and may say yes to more (then ajv decides): it is conservative.
// It walks every value that could be a schema (also those under unknown keywords, as ajv's id collection
// does), skipping only the keywords whose values are plain data, and takes map keywords (`properties`, ...)
// by their values, so a property NAMED `id` or `$ref` does not count.

const HAZARD_KEYWORDS: ReadonlySet<string> = new Set([
  '$ref', '$dynamicRef', '$recursiveRef', '$id', '$anchor', '$dynamicAnchor', '$recursiveAnchor',
  'id', '$async', 'nullable', 'discriminator', '$schema',
]);
/** Keywords whose values are instance data, never schemas. */
const DATA_KEYWORDS: ReadonlySet<string> = new Set(['const', 'default', 'examples', 'enum']);
/** Keywords whose values map names (or patterns) to schemas. */
const SCHEMA_MAP_KEYWORDS: ReadonlySet<string> = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas', 'dependencies']);

/** True when only ajv's compiler can tell whether `schema` (meta-valid) compiles. */
export function needsAjvCompile(schema: unknown): boolean {
  if (!isObject(schema)) return hasHazard(schema);
  const { $schema: _meta, $id: id, ...rest } = schema;
  if (id !== undefined && !isPlainRootId(id)) return true;
  return hasHazard(rest);
}

/**
 * A root `$id` can only clash with the ids of the meta-schemas ajv holds (all on json-schema.org); one
 * made of plain URI characters and not naming that host is safe. (`%` is out: ajv normalises escapes.)
 */
function isPlainRootId(id: unknown): boolean {
  return typeof id === 'string' && /^[A-Za-z0-9:/._~?#&=+-]*$/.test(id) && !/json-schema\.org/i.test(id);
}

function hasHazard(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(hasHazard);
  if (!isObject(node)) return false; // `true`/`false` schemas and plain values
  for (const key of Object.keys(node)) {
    const value = node[key];
    if (HAZARD_KEYWORDS.has(key)) return true;
    if (key === 'enum') {
      if (!Array.isArray(value) || value.length === 0) return true;
      continue;
    }
    if (DATA_KEYWORDS.has(key)) continue;
    if (key === 'pattern' && typeof value === 'string' && !isValidPattern(value)) return true;
    if (SCHEMA_MAP_KEYWORDS.has(key) && isObject(value)) {
      if (key === 'patternProperties' && !Object.keys(value).every(isValidPattern)) return true;
      if (Object.values(value).some(hasHazard)) return true;
      continue;
    }
    if (hasHazard(value)) return true;
  }
  return false;
}

/** As ajv builds a pattern (`unicodeRegExp` is on by default). */
function isValidPattern(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

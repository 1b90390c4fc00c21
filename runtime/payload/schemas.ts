// The JSON Schemas that `~schema(point)` validators name: resolved through an injected loader and compiled
// with ajv ONCE per schema point (the compiled validator is cached, and so is the compile in flight).

import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { Store } from '../store/store.ts';

/** Reads a schema artifact: its JSON (parsed or as text/bytes), or undefined when there is none. */
export type SchemaLoader = (point: string) => unknown | Promise<unknown>;

/** One rule a value broke, with the JSON pointer of the offending value inside the validated value. */
export interface SchemaViolation {
  readonly instancePath: string;
  readonly keyword: string;
  readonly schemaPath: string;
  readonly message: string;
}

export type SchemaVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly violation: SchemaViolation }
  /** The schema itself could not be had (missing, not JSON, not a schema): a server fault, not the sender's. */
  | { readonly ok: false; readonly unavailable: string };

const DRAFT_2020 = 'https://json-schema.org/draft/2020-12/schema';

export class SchemaRegistry {
  private readonly compiled = new Map<string, Promise<ValidateFunction>>();
  private draft07: Ajv | undefined;
  private draft2020: Ajv2020 | undefined;
  /** How many schemas were compiled; tests use it to see that each is compiled once. */
  compileCount = 0;

  constructor(private readonly load: SchemaLoader) {}

  /** Validate `value` against the schema at `point` (already resolved: no `${doc.bundle}` left). */
  async validate(point: string, value: unknown): Promise<SchemaVerdict> {
    let validate: ValidateFunction;
    try {
      validate = await this.validatorFor(point);
    } catch (e) {
      return { ok: false, unavailable: `schema \`${point}\`: ${(e as Error).message}` };
    }
    if (validate(value)) return { ok: true };
    const error = validate.errors?.[0];
    return {
      ok: false,
      violation: {
        instancePath: error?.instancePath ?? '',
        keyword: error?.keyword ?? 'schema',
        schemaPath: error?.schemaPath ?? '#',
        message: error?.message ?? 'is not valid',
      },
    };
  }

  private validatorFor(point: string): Promise<ValidateFunction> {
    let found = this.compiled.get(point);
    if (!found) {
      found = this.compile(point);
      this.compiled.set(point, found);
      // A failure is not cached: a later publish may supply the artifact.
      found.catch(() => this.compiled.delete(point));
    }
    return found;
  }

  private async compile(point: string): Promise<ValidateFunction> {
    const loaded = await this.load(point);
    if (loaded === undefined) throw new Error('no such artifact');
    let schema: unknown = loaded;
    if (typeof loaded === 'string' || loaded instanceof Uint8Array) {
      const text = typeof loaded === 'string' ? loaded : new TextDecoder().decode(loaded);
      try {
        schema = JSON.parse(text);
      } catch (e) {
        throw new Error(`not JSON: ${(e as Error).message}`);
      }
    }
    const is2020 = typeof schema === 'object' && schema !== null && (schema as { $schema?: unknown }).$schema === DRAFT_2020;
    const ajv = is2020
      ? (this.draft2020 ??= new Ajv2020({ strict: false, allErrors: false, logger: false }))
      : (this.draft07 ??= new Ajv({ strict: false, allErrors: false, logger: false }));
    this.compileCount++;
    // The same `$id` in two bundles must not collide inside one ajv instance: compile without adding it.
    const { $id: _id, ...anonymous } = typeof schema === 'object' && schema !== null && !Array.isArray(schema) ? (schema as Record<string, unknown>) : {};
    const source = typeof schema === 'boolean' ? schema : typeof schema === 'object' && schema !== null && !Array.isArray(schema) ? anonymous : undefined;
    if (source === undefined) throw new Error('a JSON Schema is an object (or `true`/`false`)');
    return ajv.compile(source as object);
  }
}

/** A registry whose schemas are the store's JSON artifacts (`repo:app:1.0.0:/schema/user.json`). */
export function storeSchemas(store: Pick<Store, 'artifact' | 'getBlob'>): SchemaRegistry {
  return new SchemaRegistry((point) => {
    const found = store.artifact(point);
    if (!found.ok) throw new Error(found.error.message);
    const bytes = store.getBlob(found.value.hash);
    if (!bytes.ok) throw new Error(bytes.error.message);
    return JSON.parse(new TextDecoder().decode(bytes.value)) as unknown;
  });
}

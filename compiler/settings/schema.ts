// The JSON Schema (draft-07) of `starc.yaml`, the app dir's runtime settings (DESIGN.md §1). Each leaf's
// `description` is what a diagnostic says the value must be, so the schema and the messages cannot drift.

const DURATION = {
  type: 'string',
  pattern: '^[0-9]+(ms|s|m|h)$',
  description: 'a duration such as `500ms`, `15s`, `2m` or `1h`',
} as const;

export const SETTINGS_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://starlane.io/schemas/starc-settings.json',
  title: 'starc.yaml: runtime settings of an app dir',
  description: 'a mapping of settings (`port`, `data`, `timeouts`, `delivery`, `lattice`)',
  type: 'object',
  additionalProperties: false,
  properties: {
    port: { type: 'integer', minimum: 0, maximum: 65535, description: 'a whole number from 0 to 65535 (0: any free port)' },
    data: { type: 'string', minLength: 1, description: 'a folder path (relative to the app dir)' },
    timeouts: {
      type: 'object',
      additionalProperties: false,
      description: 'a mapping with `request`',
      properties: { request: DURATION },
    },
    delivery: {
      type: 'object',
      additionalProperties: false,
      description: 'a mapping with `ackTimeout`, `retries` and `dedupeWindow`',
      properties: {
        ackTimeout: DURATION,
        retries: { type: 'integer', minimum: 0, maximum: 100, description: 'a whole number from 0 to 100' },
        dedupeWindow: DURATION,
      },
    },
    lattice: {
      type: 'string',
      pattern: '^nats://[^\\s/]+(/.*)?$',
      description: 'a NATS URL such as `nats://127.0.0.1:4222`',
    },
  },
} as const;

/** The settings a valid `starc.yaml` holds; every one is optional. Durations stay as written (`15s`). */
export interface Settings {
  readonly port?: number;
  readonly data?: string;
  readonly timeouts?: { readonly request?: string };
  readonly delivery?: { readonly ackTimeout?: string; readonly retries?: number; readonly dedupeWindow?: string };
  readonly lattice?: string;
}

// The IR's JSON Schema (draft-07): the contract between `starc build` and the runtime, which validates every
// IR against it on load. Mirrors compiler/ir/types.ts; test/ir.test.ts validates every IR the build writes.

const span = {
  type: 'object',
  required: ['file', 'line'],
  additionalProperties: false,
  properties: { file: { type: 'string' }, line: { type: 'integer', minimum: 1 } },
};

const text = { type: 'string', minLength: 1 };
const bool = { type: 'boolean' };

const prop = {
  oneOf: [
    {
      type: 'object',
      required: ['op', 'key', 'value', 'locked'],
      additionalProperties: false,
      properties: { op: { const: 'set' }, key: text, value: { type: 'string' }, locked: bool },
    },
    {
      type: 'object',
      required: ['op', 'key'],
      additionalProperties: false,
      properties: { op: { const: 'unset' }, key: text },
    },
  ],
};

/** One command shape: `kind` plus its own fields (all of them required unless listed as optional). */
function command(kind: string, fields: Record<string, unknown>, optional: readonly string[] = []): object {
  return {
    type: 'object',
    required: ['kind', ...Object.keys(fields).filter((f) => !optional.includes(f)), 'span'],
    additionalProperties: false,
    properties: { kind: { const: kind }, ...fields, span: { $ref: '#/definitions/span' } },
  };
}

const props = { type: 'array', items: { $ref: '#/definitions/prop' } };

export const IR_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://starlane.io/schemas/starc-ir-1.json',
  title: 'starc IR, version 1',
  type: 'object',
  required: ['irVersion', 'bundle', 'documents'],
  additionalProperties: false,
  properties: {
    irVersion: { const: 1 },
    bundle: {
      type: 'object',
      required: ['files'],
      additionalProperties: false,
      properties: {
        name: text,
        files: { type: 'array', items: text, uniqueItems: true },
      },
    },
    documents: { type: 'array', items: { $ref: '#/definitions/document' } },
  },
  definitions: {
    span,
    prop,
    document: {
      type: 'object',
      required: ['path', 'kind'],
      properties: { kind: { enum: ['bind', 'router', 'app', 'mechtron', 'script'] } },
      oneOf: [
        { $ref: '#/definitions/routeDocument' },
        { $ref: '#/definitions/mechtronDocument' },
        { $ref: '#/definitions/appDocument' },
        { $ref: '#/definitions/scriptDocument' },
      ],
    },
    routeDocument: {
      type: 'object',
      required: ['path', 'kind', 'routes'],
      additionalProperties: false,
      properties: {
        path: text,
        kind: { enum: ['bind', 'router'] },
        routes: { type: 'array', items: { $ref: '#/definitions/route' } },
      },
    },
    route: {
      type: 'object',
      required: ['waveKind', 'method', 'paths', 'captures', 'filters', 'pipeline', 'span'],
      additionalProperties: false,
      properties: {
        waveKind: { enum: ['Http', 'Ext', 'Cmd', 'Hyp', '*'] },
        method: { type: 'string', pattern: '^(\\*|[A-Z][A-Za-z0-9]*)$' },
        paths: {
          type: 'array',
          items: {
            type: 'object',
            required: ['regex', 'whole'],
            additionalProperties: false,
            properties: { regex: { type: 'string', pattern: '^\\^' }, whole: bool },
          },
        },
        captures: { type: 'array', items: text, uniqueItems: true },
        filters: { type: 'array', items: { $ref: '#/definitions/filter' } },
        pipeline: { type: 'array', minItems: 1, items: { $ref: '#/definitions/segment' } },
        span: { $ref: '#/definitions/span' },
      },
    },
    filter: {
      oneOf: [
        {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: { name: { const: 'auth' }, role: text },
        },
        {
          type: 'object',
          required: ['name', 'timeoutMs'],
          additionalProperties: false,
          properties: { name: { const: 'timeout' }, timeoutMs: { type: 'integer', minimum: 1 } },
        },
        {
          type: 'object',
          required: ['name', 'count', 'perMs'],
          additionalProperties: false,
          properties: {
            name: { const: 'limit' },
            count: { type: 'integer', minimum: 0 },
            perMs: { type: 'integer', minimum: 1 },
          },
        },
      ],
    },
    flow: { enum: ['request', 'response'] },
    segment: {
      type: 'object',
      required: ['step', 'stop'],
      additionalProperties: false,
      properties: {
        step: {
          type: 'object',
          required: ['checks', 'pass'],
          additionalProperties: false,
          properties: {
            checks: {
              type: 'array',
              items: {
                type: 'object',
                required: ['flow', 'pattern'],
                additionalProperties: false,
                properties: { flow: { $ref: '#/definitions/flow' }, pattern: { $ref: '#/definitions/pattern' } },
              },
            },
            pass: { $ref: '#/definitions/flow' },
          },
        },
        stop: { $ref: '#/definitions/stop' },
      },
    },
    stop: {
      oneOf: [
        { type: 'object', required: ['kind'], additionalProperties: false, properties: { kind: { const: 'core' } } },
        { type: 'object', required: ['kind'], additionalProperties: false, properties: { kind: { const: 'reply' } } },
        {
          type: 'object',
          required: ['kind', 'status'],
          additionalProperties: false,
          properties: {
            kind: { const: 'status' },
            status: { type: 'integer', minimum: 100, maximum: 599 },
            message: { type: 'string' },
          },
        },
        {
          type: 'object',
          required: ['kind', 'point'],
          additionalProperties: false,
          properties: { kind: { const: 'point' }, point: text },
        },
        {
          type: 'object',
          required: ['kind', 'point', 'method'],
          additionalProperties: false,
          properties: {
            kind: { const: 'call' },
            point: text,
            method: { $ref: '#/definitions/method' },
            path: { type: 'string', pattern: '^/' },
          },
        },
      ],
    },
    method: { type: 'string', pattern: '^[A-Z][A-Za-z0-9]*(<([A-Z][A-Za-z0-9]*|\\*)>)?$' },
    substanceKind: {
      enum: ['Empty', 'Text', 'Bin', 'Int', 'Boolean', 'Point', 'Map', 'List', 'Json', 'Stub', 'Details', 'Status', 'Err'],
    },
    pattern: {
      oneOf: [
        { type: 'object', required: ['kind'], additionalProperties: false, properties: { kind: { const: 'any' } } },
        { type: 'object', required: ['kind'], additionalProperties: false, properties: { kind: { const: 'empty' } } },
        {
          type: 'object',
          required: ['kind', 'structure'],
          additionalProperties: false,
          properties: {
            kind: { const: 'structure' },
            structure: { $ref: '#/definitions/structure' },
            format: { enum: ['json', 'image', 'utf8'] },
            validator: { $ref: '#/definitions/validator' },
          },
        },
      ],
    },
    structure: {
      oneOf: [
        {
          type: 'object',
          required: ['kind', 'name'],
          additionalProperties: false,
          properties: { kind: { const: 'kind' }, name: { $ref: '#/definitions/substanceKind' } },
        },
        {
          type: 'object',
          required: ['kind', 'item'],
          additionalProperties: false,
          properties: {
            kind: { const: 'list' },
            item: { $ref: '#/definitions/substanceKind' },
            min: { type: 'integer', minimum: 0 },
            max: { type: 'integer', minimum: 0 },
          },
        },
        {
          type: 'object',
          required: ['kind', 'entries', 'open'],
          additionalProperties: false,
          properties: {
            kind: { const: 'map' },
            entries: {
              type: 'array',
              items: {
                type: 'object',
                required: ['key', 'optional'],
                additionalProperties: false,
                properties: { key: text, optional: bool, pattern: { $ref: '#/definitions/pattern' } },
              },
            },
            rest: {
              type: 'object',
              additionalProperties: false,
              properties: { pattern: { $ref: '#/definitions/pattern' } },
            },
            open: bool,
          },
        },
      ],
    },
    validator: {
      oneOf: [
        {
          type: 'object',
          required: ['kind', 'point'],
          additionalProperties: false,
          properties: { kind: { const: 'schema' }, point: text },
        },
        {
          type: 'object',
          required: ['kind', 'point', 'method'],
          additionalProperties: false,
          properties: { kind: { const: 'mechtron' }, point: text, method: { $ref: '#/definitions/method' } },
        },
      ],
    },
    mechtronDocument: {
      type: 'object',
      required: ['path', 'kind', 'bin', 'name', 'limits'],
      additionalProperties: false,
      properties: {
        path: text,
        kind: { const: 'mechtron' },
        bin: text,
        name: { type: 'string', pattern: '^[a-z][a-z0-9-]*$' },
        limits: {
          type: 'object',
          additionalProperties: false,
          properties: {
            timeoutMs: { type: 'integer', minimum: 1 },
            memoryBytes: { type: 'integer', minimum: 1, maximum: 4 * 1024 ** 3 },
            instances: { type: 'integer', minimum: 1 },
          },
        },
      },
    },
    appDocument: {
      type: 'object',
      required: ['path', 'kind', 'set', 'require', 'install'],
      additionalProperties: false,
      properties: {
        path: text,
        kind: { const: 'app' },
        set: props,
        require: { type: 'array', items: text },
        install: { type: 'array', items: { $ref: '#/definitions/command' } },
      },
    },
    scriptDocument: {
      type: 'object',
      required: ['path', 'kind', 'commands'],
      additionalProperties: false,
      properties: {
        path: text,
        kind: { const: 'script' },
        commands: { type: 'array', items: { $ref: '#/definitions/command' } },
      },
    },
    command: {
      type: 'object',
      required: ['kind'],
      properties: { kind: { enum: ['create', 'publish', 'select', 'set', 'get', 'delete', 'watch', 'send', 'exit'] } },
      oneOf: [
        command('create', {
          mode: { enum: ['plain', 'ensure', 'override'] },
          point: text,
          generated: bool,
          particleKind: text,
          props,
        }),
        command('publish', { ensure: bool, source: text, target: text }),
        command('select', { pattern: text, particleKind: text }, ['particleKind']),
        command('set', { point: text, props }),
        command('get', { point: text, keys: { type: 'array', items: text } }),
        command('delete', { ensure: bool, point: text }),
        command('watch', { point: text }),
        command('send', { point: text, method: { $ref: '#/definitions/method' }, path: text, body: { type: 'string' } }, [
          'path',
          'body',
        ]),
        command('exit', {}),
      ],
    },
  },
} as const;

// Payload patterns (SPEC §4.5) on bodies: each form accepts and rejects, JSON Schemas compiled once, mechtron
// validators, body limits; and R2: hostile payloads against schema'd routes are all refused with a 4xx before
// the core is called.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseDocument } from '../grammar/parser.ts';
import { checkSource } from '../compiler/check-file.ts';
import { lowerDocument } from '../compiler/ir/lower.ts';
import type { IrPattern, IrRoute, IrRouteDocument } from '../compiler/ir/types.ts';
import { checkPattern, patternText, type CheckEnv } from '../runtime/payload/check-pattern.ts';
import { SchemaRegistry } from '../runtime/payload/schemas.ts';
import { routePing, type PipelineContext } from '../runtime/pipeline/execute.ts';
import type { Ping, Pong, Substance } from '../runtime/waves/wave.ts';

// ---------------------------------------------------------------- helpers

function routesOf(body: string): IrRoute[] {
  const text = `Bind(version=1.0.0) {\n${body}\n}`;
  const errors = checkSource(text, 'bind').filter((d) => d.severity === 'error');
  assert.equal(errors.map((d) => `${d.code} ${d.message}`), [], 'the source has errors');
  return [...(lowerDocument(parseDocument(text, 'bind').ast, 'bind/x.bind', text) as IrRouteDocument).routes];
}

/** The IR of a pattern as written between `-[` and `]->`. */
function patternOf(source: string): IrPattern {
  return routesOf(`  Route<Ext<Check>> -[ ${source} ]-> (()) => &;`)[0]!.pipeline[0]!.step.checks[0]!.pattern;
}

const T = (value: string): Substance => ({ kind: 'Text', value });
const I = (value: number): Substance => ({ kind: 'Int', value });
const J = (value: unknown): Substance => ({ kind: 'Json', value });
const M = (value: Record<string, Substance>): Substance => ({ kind: 'Map', value });
const L = (...value: Substance[]): Substance => ({ kind: 'List', value });
const B = (bytes: number[] | string): Substance => ({ kind: 'Bin', base64: Buffer.from(bytes as never).toString('base64') });
const EMPTY: Substance = { kind: 'Empty' };

const SCHEMAS: Record<string, unknown> = {
  'repo:app:1.0.0:/schema/user.json': {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    required: ['username', 'password'],
    additionalProperties: false,
    properties: { username: { type: 'string', minLength: 3, maxLength: 32 }, password: { type: 'string', minLength: 8 }, age: { type: 'integer', minimum: 0 } },
  },
  'repo:app:1.0.0:/schema/tags.json': JSON.stringify({
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'array',
    prefixItems: [{ const: 'first' }],
    items: { type: 'string' },
  }),
};

function env(extra: Partial<CheckEnv> = {}): CheckEnv & { schemas: SchemaRegistry } {
  return {
    schemas: new SchemaRegistry((point) => SCHEMAS[point]),
    resolvePoint: (p) => p.replace('${doc.bundle}', 'repo:app:1.0.0'),
    ...extra,
  };
}

async function accepts(source: string, body: Substance, e: CheckEnv = env()): Promise<void> {
  const result = await checkPattern(patternOf(source), body, e);
  assert.ok(result.ok, `\`${source}\` should accept ${JSON.stringify(body).slice(0, 200)}: ${JSON.stringify(result)}`);
}

/** Asserts a rejection at `path`; returns the failure for further checks. */
async function rejects(source: string, body: Substance, path: string, e: CheckEnv = env()) {
  const result = await checkPattern(patternOf(source), body, e);
  if (result.ok) throw new assert.Assertion({ message: `\`${source}\` should reject ${JSON.stringify(body).slice(0, 200)}`, operator: 'rejects', expects: 'a rejection', actual: result });
  assert.is(result.path, path, `\`${source}\`: ${result.expected} / ${result.found}`);
  return result;
}

// ---------------------------------------------------------------- pattern forms

test('`*` takes anything, the empty pattern only Empty', async () => {
  await accepts('*', T('x'));
  await accepts('*', EMPTY);
  await accepts('', EMPTY);
  const r = await rejects('', T('x'), '');
  assert.equal([r.expected, r.found], ['an Empty body', 'Text']);
});

test('substance kinds are strict', async () => {
  await accepts('Text', T('x'));
  await accepts('Int', I(3));
  await accepts('Boolean', { kind: 'Boolean', value: false });
  await accepts('Point', { kind: 'Point', value: 'localhost:x' });
  await accepts('Bin', B([1, 2]));
  await accepts('Json', J({ a: 1 }));
  await accepts('Map', M({}));
  await accepts('List', L());
  const r = await rejects('Text', I(1), '');
  assert.equal([r.expected, r.found, r.status], ['Text', 'Int', 400]);
  await rejects('Text', B('hello'), '');
  await rejects('Json', T('{"a":1}'), '');
  await rejects('Int', EMPTY, '');
});

test('lists with ranges check their length and every item', async () => {
  await accepts('Text[]', L());
  await accepts('Text[]', L(T('a'), T('b')));
  await accepts('Text[2]', L(T('a'), T('b')));
  await accepts('Int[1-3]', L(I(1), I(2), I(3)));
  await rejects('Text[2]', L(T('a')), '');
  await rejects('Int[1-3]', L(), '');
  await rejects('Int[1-3]', L(I(1), I(2), I(3), I(4)), '');
  const r = await rejects('Text[]', L(T('a'), I(1)), '/1');
  assert.equal([r.expected, r.found], ['Text', 'Int']);
  await accepts('Text[]', J(['a', 'b']), env());
  await rejects('Text[]', T('a'), '');
});

test('maps: required, optional and closed keys; `*` and `*<P>` for the rest; nested paths', async () => {
  const user = 'Map{username<Text>, age?<Int>}';
  await accepts(user, M({ username: T('scott') }));
  await accepts(user, M({ username: T('scott'), age: I(40) }));
  let r = await rejects(user, M({ age: I(40) }), '/username');
  assert.equal([r.expected, r.found], ['the key `username`', 'no such key']);
  await rejects(user, M({ username: T('scott'), age: T('old') }), '/age');
  r = await rejects(user, M({ username: T('scott'), admin: { kind: 'Boolean', value: true } }), '/admin');
  assert.match(r.expected, 'only the keys `username`, `age`');
  await accepts('Map{a<Text>, *}', M({ a: T('x'), b: I(1) }));
  await accepts('Map{a<Text>, *<Int>}', M({ a: T('x'), b: I(1) }));
  await rejects('Map{a<Text>, *<Int>}', M({ a: T('x'), b: T('y') }), '/b');
  await accepts('Map{a}', M({ a: L() }));
  await rejects('Map{}', M({ a: T('x') }), '/a');
  await rejects('Map{profile<Map{name<Text>}>}', M({ profile: M({ name: I(1) }) }), '/profile/name');
  await rejects('Map{a?<Text>}', M({ 'x/y~z': T('') }), '/x~1y~0z');
});

test('a Json body is seen as substances: object = Map, array = List, string = Text, integer = Int', async () => {
  const signup = 'Map{username<Text>, password<Text>, tags?<Text[]>, profile?<Map{age<Int>}>}';
  await accepts(signup, J({ username: 'scott', password: 'secret', tags: ['a'], profile: { age: 40 } }));
  await rejects(signup, J({ username: 'scott', password: 123 }), '/password');
  await rejects(signup, J({ username: 'scott', password: 'x', profile: { age: 4.5 } }), '/profile/age');
  await rejects(signup, J({ username: 'scott', password: 'x', extra: null }), '/extra');
  await rejects(signup, J(['scott']), '');
  await accepts('Map{raw<Json>}', J({ raw: [1, { a: null }] }));
});

test('formats: ~json parses Text and Bin, ~utf8 needs well-formed UTF-8, ~image needs image magic bytes', async () => {
  await accepts('Text~json', T('{"a":[1,2]}'));
  let r = await rejects('Text~json', T('{"a":'), '');
  assert.match(r.found, 'not JSON');
  await accepts('Bin~json', B('[1]'));
  r = await rejects('Bin~json', B([0x5b, 0xff, 0x5d]), '');
  assert.is(r.found, 'invalid UTF-8 at byte 1');
  await accepts('Bin~utf8', B('héllo'));
  r = await rejects('Bin~utf8', B([0x68, 0x69, 0xc3, 0x28]), '');
  assert.is(r.found, 'invalid UTF-8 at byte 2');
  await rejects('Text~utf8', T('a\uD800b'), '');
  await accepts('Text~utf8', T('a😀b'));
  await accepts('Bin~image', B([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]));
  await accepts('Bin~image', B([0xff, 0xd8, 0xff, 0xe0]));
  await accepts('Bin~image', B([...Buffer.from('RIFF'), 0, 0, 0, 0, ...Buffer.from('WEBP')]));
  await rejects('Bin~image', B('<svg onload=alert(1)>'), '');
  await rejects('Bin~image', T('png'), '');
});

test('~schema: draft-07 and 2020-12, errors at their JSON path, each schema compiled once', async () => {
  const e = env();
  const user = 'Json~schema(${doc.bundle}:/schema/user.json)';
  await accepts(user, J({ username: 'scott', password: 'password1' }), e);
  let r = await rejects(user, J({ username: 'scott', password: 'short' }), '/password', e);
  assert.match(r.expected, 'minLength');
  assert.is(r.found, 'string "short"');
  r = await rejects(user, J({ username: 'scott' }), '', e);
  assert.match(r.expected, 'required');
  await rejects(user, J({ username: 'scott', password: 'password1', age: -1 }), '/age', e);
  for (let i = 0; i < 20; i++) await accepts(user, J({ username: 'scott', password: 'password1' }), e);
  assert.is(e.schemas.compileCount, 1);

  const tags = 'Json~schema(${doc.bundle}:/schema/tags.json)';
  await accepts(tags, J(['first', 'b']), e);
  await rejects(tags, J(['second']), '/0', e);
  assert.is(e.schemas.compileCount, 2);

  // The schema sees the parsed text after ~json, and a nested pattern's path prefixes the schema's.
  await accepts('Text~json~schema(${doc.bundle}:/schema/user.json)', T('{"username":"scott","password":"password1"}'), e);
  await rejects('Map{user<Json~schema(${doc.bundle}:/schema/user.json)>}', J({ user: { username: 1, password: 'password1' } }), '/user/username', e);
  assert.is(e.schemas.compileCount, 2);
});

test('~schema of a missing artifact is a 500 (server fault), not the sender\'s', async () => {
  const r = await rejects('Json~schema(${doc.bundle}:/schema/none.json)', J({}), '');
  assert.is(r.status, 500);
  assert.match(r.found, 'no such artifact');
});

test('a mechtron validator: 2xx valid, 4xx invalid with its message, failure is a 500', async () => {
  const asked: { point: string; method: string; body: Substance }[] = [];
  const e = env({
    askValidator: async (point, method, body) => {
      asked.push({ point, method, body });
      return body.kind === 'Text' && body.value === 'ok' ? { status: 200 } : { status: 422, message: 'nope' };
    },
  });
  await accepts('Text~localhost:checker^Ext<Validate>', T('ok'), e);
  assert.equal(asked[0], { point: 'localhost:checker', method: 'Ext<Validate>', body: T('ok') });
  const r = await rejects('Text~localhost:checker^Ext<Validate>', T('bad'), '', e);
  assert.equal([r.found, r.status], ['refused: nope', 400]);
  const down = env({ askValidator: () => Promise.reject(new Error('down')) });
  assert.is((await rejects('Text~localhost:checker^Ext<Validate>', T('ok'), '', down)).status, 500);
});

test('patternText prints patterns as written', () => {
  for (const source of ['*', 'Text[1-5]', 'Map{username<Text>, age?<Int>, *<Text>}', 'Bin~image~localhost:c^Ext<Validate>', 'Json~schema(${doc.bundle}:/s.json)', 'Map']) {
    assert.is(patternText(patternOf(source)), source);
  }
});

// ---------------------------------------------------------------- limits

function nestedJson(levels: number): unknown {
  let v: unknown = 'bottom';
  for (let i = 0; i < levels; i++) v = i % 2 ? { a: v } : [v];
  return v;
}

function nestedMap(levels: number): Substance {
  let v: Substance = T('bottom');
  for (let i = 0; i < levels; i++) v = M({ a: v });
  return v;
}

test('limits: depth and size are refused before any pattern, iteratively (10k levels cost no stack)', async () => {
  let r = await rejects('*', J(nestedJson(10_000)), r0(64));
  assert.match(r.expected, 'at most 64 levels');
  r = await rejects('*', nestedMap(10_000), r0(64, '/a'));
  await accepts('*', J(nestedJson(60)));
  r = await rejects('Text', T('x'.repeat(1024 * 1024 + 1)), '');
  assert.match(r.expected, 'at most 1048576 bytes');
  await accepts('Text', T('x'.repeat(1000)));
  // Configurable.
  await rejects('Text', T('x'.repeat(101)), '', env({ limits: { maxDepth: 64, maxBytes: 100 } }));
  await rejects('Map', nestedMap(3), '/a/a/a', env({ limits: { maxDepth: 2, maxBytes: 1e6 } }));
  // ~json text meets the same depth limit once parsed.
  r = await rejects('Text~json', T('['.repeat(10_000) + ']'.repeat(10_000)), r0(64, '/0'));
});

/** The path where a depth limit of `depth` is first exceeded, for a chain of `step` segments. */
function r0(depth: number, step = ''): string {
  if (step) return step.repeat(depth + 1);
  // nestedJson alternates arrays and objects from the inside out; 10k levels: the outermost is an object.
  let path = '';
  for (let level = 0; level <= depth; level++) path += (10_000 - 1 - level) % 2 ? '/a' : '/0';
  return path;
}

test('malformed substances are refused: wrong value types, unknown kinds, bad base64', async () => {
  const bad: unknown[] = [
    { kind: 'Text', value: 3 },
    { kind: 'Int', value: '3' },
    { kind: 'Int', value: 1.5 },
    { kind: 'Bin', base64: '%%%' },
    { kind: 'Exploit' },
    { kind: 'Map', value: [1] },
    { kind: 'List', value: { 0: T('a') } },
    null,
    'text',
    M({ a: { kind: 'Text' } as never }),
  ];
  for (const body of bad) {
    const result = await checkPattern({ kind: 'any' }, body as Substance, env());
    assert.is(result.ok, false, JSON.stringify(body));
  }
});

// ---------------------------------------------------------------- R2: hostile payloads on schema'd routes

const R2_BIND = `
  Route<Http<Post>>/api/signup -[ Json~schema(\${doc.bundle}:/schema/user.json) ]-> (()) => &;
  Route<Http<Post>>/api/form -[ Map{username<Text>, password<Text>, age?<Int>} ]-> (()) => &;
  Route<Http<Post>>/api/upload -[ Bin~json~schema(\${doc.bundle}:/schema/user.json) ]-> (()) => &;
  Route<Http<Post>>/api/avatar -[ Bin~image ]-> (()) => &;`;

function r2Harness() {
  const core: Ping[] = [];
  const ctx: PipelineContext = {
    self: 'localhost:app',
    docBundle: 'repo:app:1.0.0',
    deliverToCore: async (p) => {
      core.push(p);
      return { kind: 'Pong', id: 'x', reflectionOf: p.id, from: p.to, to: p.from, status: 200, headers: {}, body: T('welcome') };
    },
    send: async () => {
      throw new Error('no stop sends');
    },
    schemas: new SchemaRegistry((point) => SCHEMAS[point]),
    now: () => 0,
  };
  return { core, ctx };
}

let n = 0;
const post = (path: string, body: unknown, headers: Record<string, string> = {}): Ping => ({
  kind: 'Ping', id: `p${++n}`, from: 'localhost:attacker', to: 'localhost:app', method: 'Http<Post>', uri: path,
  headers, body: body as Substance, handling: { timeoutMs: 15_000, retries: 0 },
});

test('R2: every hostile payload is refused with a 4xx before the core runs', async () => {
  const routes = routesOf(R2_BIND);
  const good = { username: 'scott', password: 'password1' };
  const hostile: [string, Ping][] = [
    ['wrong type', post('/api/signup', J({ username: 'scott', password: 12345678 }))],
    ['wrong type (array for object)', post('/api/signup', J([good]))],
    ['wrong type (null)', post('/api/signup', J(null))],
    ['missing key', post('/api/signup', J({ username: 'scott' }))],
    ['extra key', post('/api/signup', J({ ...good, admin: true }))],
    ['__proto__ key', post('/api/signup', J(JSON.parse('{"username":"scott","password":"password1","__proto__":{"admin":true}}')))],
    ['too short', post('/api/signup', J({ username: 'sc', password: 'password1' }))],
    ['oversize', post('/api/signup', J({ ...good, username: 'x'.repeat(2 * 1024 * 1024) }))],
    ['deep nesting (10k)', post('/api/signup', J(nestedJson(10_000)))],
    ['wrong content type (text)', post('/api/signup', T(JSON.stringify(good)), { 'content-type': 'text/plain' })],
    ['wrong content type (bytes)', post('/api/signup', B(JSON.stringify(good)), { 'content-type': 'application/octet-stream' })],
    ['empty body', post('/api/signup', EMPTY)],
    ['malformed substance', post('/api/signup', { kind: 'Json' })],
    ['unknown substance kind', post('/api/signup', { kind: 'Stub', value: good })],
    ['form: wrong type', post('/api/form', M({ username: T('scott'), password: I(1) }))],
    ['form: missing key', post('/api/form', M({ username: T('scott') }))],
    ['form: extra key', post('/api/form', M({ username: T('scott'), password: T('p'), role: T('admin') }))],
    ['form: deep nesting (10k)', post('/api/form', nestedMap(10_000))],
    ['form: oversize', post('/api/form', M({ username: T('x'.repeat(1024 * 1024)), password: T('p') }))],
    ['upload: invalid UTF-8', post('/api/upload', B([0x7b, 0x22, 0xc0, 0xaf, 0x22, 0x7d]))],
    ['upload: not JSON', post('/api/upload', B('{"username":'))],
    ['upload: deep JSON text', post('/api/upload', B('['.repeat(10_000) + ']'.repeat(10_000)))],
    ['upload: schema', post('/api/upload', B(JSON.stringify({ username: 'scott' })))],
    ['avatar: not an image', post('/api/avatar', B('<?php system($_GET["c"]); ?>'))],
    ['avatar: text', post('/api/avatar', T('\x89PNG'))],
  ];
  const { core, ctx } = r2Harness();
  for (const [name, p] of hostile) {
    const pong = await routePing(routes, p, ctx);
    assert.ok(pong.status >= 400 && pong.status < 500, `${name}: status ${pong.status}`);
    assert.is(pong.body.kind, 'Err', name);
    assert.match((pong.body as { message: string }).message, 'request body does not match', name);
    assert.is(core.length, 0, `${name}: the core must not be called`);
  }
  // The same routes let good payloads through, so the refusals above are the checks' doing.
  const oks = [
    post('/api/signup', J(good)),
    post('/api/form', M({ username: T('scott'), password: T('p') })),
    post('/api/upload', B(JSON.stringify(good))),
    post('/api/avatar', B([0xff, 0xd8, 0xff, 0xdb])),
  ];
  for (const p of oks) assert.is((await routePing(routes, p, ctx)).status, 200, p.uri);
  assert.is(core.length, oks.length);
});

test('R2: a refusal says which pattern or schema rule failed, and where', async () => {
  const { ctx } = r2Harness();
  const pong = await routePing(routesOf(R2_BIND), post('/api/signup', J({ username: 'scott', password: 'short' })), ctx);
  assert.is(pong.status, 400);
  const message = (pong.body as { message: string }).message;
  assert.match(message, 'Json~schema(${doc.bundle}:/schema/user.json)');
  assert.match(message, 'at /password');
  assert.match(message, 'minLength');
  assert.match(message, 'bind/x.bind:3');
});

test('R2 runs fast: 1,000 hostile requests with a compiled schema', async () => {
  const { ctx } = r2Harness();
  const routes = routesOf(R2_BIND);
  const started = performance.now();
  for (let i = 0; i < 1000; i++) {
    const pong = await routePing(routes, post('/api/signup', J({ username: 'scott', password: i })), ctx);
    assert.is(pong.status, 400);
  }
  assert.ok(performance.now() - started < 2000);
  assert.is(ctx.schemas.compileCount, 1);
});

test.run();

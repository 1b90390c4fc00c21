// The pipeline executor on route tables lowered from real `.bind` text: route selection (first match, `*`,
// anchoring, captures of every level), steps and stops, filters, exactly one Pong, timeouts on a fake clock.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { FileKind } from '../grammar/ast.ts';
import { parseDocument } from '../grammar/parser.ts';
import { checkSource } from '../compiler/check-file.ts';
import { lowerDocument } from '../compiler/ir/lower.ts';
import type { IrRoute, IrRouteDocument } from '../compiler/ir/types.ts';
import { selectRoute } from '../runtime/pipeline/select-route.ts';
import { executePipeline, routePing, type PipelineContext, type Timers } from '../runtime/pipeline/execute.ts';
import { RateLimits } from '../runtime/pipeline/filters.ts';
import { SchemaRegistry } from '../runtime/payload/schemas.ts';
import type { Ping, Pong, Substance } from '../runtime/waves/wave.ts';

// ---------------------------------------------------------------- helpers

/** The route table of a clean bind (or router) body; fails the test when the source has an error. */
function routesOf(body: string, kind: FileKind = 'bind'): IrRoute[] {
  const text = `${kind === 'router' ? 'Router' : 'Bind'}(version=1.0.0) {\n${body}\n}`;
  const errors = checkSource(text, kind).filter((d) => d.severity === 'error');
  assert.equal(errors.map((d) => `${d.code} ${d.message}`), [], 'the source has errors');
  return [...(lowerDocument(parseDocument(text, kind).ast, `bind/x.${kind}`, text) as IrRouteDocument).routes];
}

let ids = 0;
function ping(method: string, uri: string, extra: Partial<Ping> = {}): Ping {
  return {
    kind: 'Ping', id: `ping-${++ids}`, from: 'localhost:client', to: 'localhost:app', method, uri,
    headers: {}, body: { kind: 'Empty' }, handling: { timeoutMs: 15_000, retries: 0 }, ...extra,
  };
}

function reply(to: Ping, status: number, body: Substance = { kind: 'Empty' }): Pong {
  return { kind: 'Pong', id: `pong-${++ids}`, reflectionOf: to.id, from: to.to, to: to.from, status, headers: {}, body };
}

const text = (value: string): Substance => ({ kind: 'Text', value });

/** A fake clock whose timers fire only when the test advances it. */
function fakeClock() {
  let now = 0;
  let next = 0;
  const pending = new Map<number, { at: number; fn: () => void }>();
  const timers: Timers = {
    set: (fn, ms) => {
      pending.set(++next, { at: now + ms, fn });
      return next;
    },
    clear: (handle) => void pending.delete(handle as number),
  };
  return {
    timers,
    now: () => now,
    pending: () => pending.size,
    advance(ms: number) {
      now += ms;
      for (const [id, t] of [...pending]) if (t.at <= now) {
        pending.delete(id);
        t.fn();
      }
    },
  };
}

interface Harness {
  readonly ctx: PipelineContext;
  readonly core: Ping[];
  readonly sent: { to: string; ping: Ping }[];
  readonly clock: ReturnType<typeof fakeClock>;
}

function harness(options: {
  core?: (p: Ping) => Promise<Pong> | Pong;
  send?: (to: string, p: Ping) => Promise<Pong> | Pong;
} = {}): Harness {
  const core: Ping[] = [];
  const sent: { to: string; ping: Ping }[] = [];
  const clock = fakeClock();
  const ctx: PipelineContext = {
    self: 'localhost:app',
    docBundle: 'repo:site:1.0.0',
    deliverToCore: async (p) => {
      core.push(p);
      return options.core ? options.core(p) : reply(p, 200, text('from core'));
    },
    send: async (to, p) => {
      sent.push({ to, ping: p });
      return options.send ? options.send(to, p) : reply(p, 200, text(`from ${to}`));
    },
    schemas: new SchemaRegistry(() => undefined),
    now: clock.now,
    timers: clock.timers,
    rateLimits: new RateLimits(),
  };
  return { ctx, core, sent, clock };
}

const flush = () => new Promise((r) => setImmediate(r));

// ---------------------------------------------------------------- route selection

test('selectRoute: first match in source order, `*` wave kinds and methods', () => {
  const routes = routesOf(`
  Route<Http<Get>>/a -> (()) => &;
  Route<Http<*>>/a -> (()) => &;
  Route<Ext<Hello>> -> (()) => &;
  Route<*<Get>>/b -> (()) => &;
  Route -> (()) => &;`);
  const line = (method: string, path: string) => selectRoute(routes, { method, path })?.route.span.line;
  // Line 1 is the `Bind` header, line 2 the empty first line of the body.
  assert.is(line('Http<Get>', '/a'), 3);
  assert.is(line('Http<Post>', '/a'), 4);
  assert.is(line('Ext<Hello>', '/anything'), 5);
  assert.is(line('Ext<Bye>', '/'), 7, 'the catch-all `Route` takes any kind');
  assert.is(line('Http<Get>', '/b'), 6);
  assert.is(line('Cmd<Get>', '/b'), 6, 'a `*` wave kind with a method');
});

test('selectRoute: paths are whole-path anchored by the IR; enclosing ones are prefixes', () => {
  const routes = routesOf(`
  Route<Http<Get>>/index.html -> (()) => &;
  Route<Http>/users/ -> { Post/users/scott -> (()) => &; }`);
  assert.ok(selectRoute(routes, { method: 'Http<Get>', path: '/index.html' }));
  assert.is(selectRoute(routes, { method: 'Http<Get>', path: '/x/index.html' }), undefined);
  assert.is(selectRoute(routes, { method: 'Http<Get>', path: '/index.html/x' }), undefined);
  assert.ok(selectRoute(routes, { method: 'Http<Post>', path: '/users/scott' }));
  assert.is(selectRoute(routes, { method: 'Http<Post>', path: '/users/scottie' }), undefined);
  assert.ok(selectRoute(routes, { method: 'Http<Get>', path: '/index.html?x=1#top' }), 'query and fragment are ignored');
});

test('selectRoute: captures of every level, positional groups of the innermost path, raw (undecoded) path', () => {
  const routes = routesOf(`
  Route<Http>/(?P<space>[a-z]+)/ -> {
    Get/[a-z]+/files/(?<file>.+)/([0-9]+) -> \${space}:files:/\${file} => &;
  }`);
  const hit = selectRoute(routes, { method: 'Http<Get>', path: '/acme/files/a%20b.txt/42' });
  assert.equal(hit?.captures, { space: 'acme', file: 'a%20b.txt' });
  assert.equal(hit?.groups, ['a%20b.txt', '42']);
  assert.is(selectRoute(routes, { method: 'Http<Get>', path: '/ACME/files/a/1' }), undefined);
});

test('selectRoute: the `u` flag applies; a route table is compiled once and reused', () => {
  const routes = routesOf('  Route<Http<Get>>/(?P<name>\\p{L}+) -> (()) => &;');
  assert.equal(selectRoute(routes, { method: 'Http<Get>', path: '/Zoë' })?.captures, { name: 'Zoë' });
  const first = selectRoute(routes, { method: 'Http<Get>', path: '/a' });
  assert.is(selectRoute(routes, { method: 'Http<Get>', path: '/a' })?.route, first?.route);
});

// ---------------------------------------------------------------- steps and stops

async function run(routes: IrRoute[], p: Ping, h: Harness): Promise<Pong> {
  return routePing(routes, p, h.ctx);
}

test('`-> (()) => &`: the core gets the request, its reply goes back to the sender', async () => {
  const h = harness();
  const p = ping('Ext<Hello>', '/', { body: text('hi') });
  const pong = await run(routesOf('  Route<Ext<Hello>> -> (()) => &;'), p, h);
  assert.is(h.core.length, 1);
  assert.equal(h.core[0]!.body, text('hi'));
  assert.is(pong.status, 200);
  assert.equal(pong.body, text('from core'));
  assert.is(pong.reflectionOf, p.id);
  assert.is(pong.to, 'localhost:client');
  assert.is(pong.from, 'localhost:app');
});

test('a point stop forwards method, URI and body, with captures and `${doc.bundle}` substituted', async () => {
  const h = harness();
  const routes = routesOf('  Route<Http<Get>>/(?P<path>.*) -> ${doc.bundle}:/html/${path} => &;');
  const pong = await run(routes, ping('Http<Get>', '/index.html?v=2', { body: text('b') }), h);
  assert.is(h.sent.length, 1);
  assert.is(h.sent[0]!.to, 'repo:site:1.0.0:/html/index.html');
  assert.equal([h.sent[0]!.ping.method, h.sent[0]!.ping.uri, h.sent[0]!.ping.body], ['Http<Get>', '/index.html?v=2', text('b')]);
  assert.is(h.sent[0]!.ping.from, 'localhost:app');
  assert.equal(pong.body, text('from repo:site:1.0.0:/html/index.html'));
});

test('a call stop converts method and path; `${self}`, captures and `$n` are substituted', async () => {
  const h = harness();
  const routes = routesOf('  Route<Http<Post>>/users/(?P<user>[a-z]+)/([0-9]+) -> ${self}:users^Ext<Save>/v2/${user}/$2 => &;');
  await run(routes, ping('Http<Post>', '/users/scott/7', { body: text('x') }), h);
  assert.is(h.sent[0]!.to, 'localhost:app:users');
  assert.equal([h.sent[0]!.ping.method, h.sent[0]!.ping.uri, h.sent[0]!.ping.body], ['Ext<Save>', '/v2/scott/7', text('x')]);
});

test('a non-2xx reply of a point stop ends the pipeline with that reply', async () => {
  const h = harness({ send: (to, p) => reply(p, 404, { kind: 'Err', status: 404, message: 'gone' }) });
  const pong = await run(routesOf('  Route<Http<Get>>/x -> localhost:a => localhost:b => &;'), ping('Http<Get>', '/x'), h);
  assert.is(pong.status, 404);
  assert.equal(h.sent.map((s) => s.to), ['localhost:a']);
});

test('`=>` passes the current response on: the next stop gets its body', async () => {
  const h = harness();
  await run(routesOf('  Route<Ext<Hello>> -> (()) => localhost:next => &;'), ping('Ext<Hello>', '/', { body: text('in') }), h);
  assert.equal(h.sent[0]!.ping.body, text('from core'));
});

test('`&` ends the pipeline: later segments (W0102) never run', async () => {
  const h = harness();
  const pong = await run(routesOf('  Route<Ext<A>> -> (()) => & => localhost:audit;'), ping('Ext<A>', '/'), h);
  assert.equal([pong.status, pong.body], [200, text('from core')]);
  assert.is(h.sent.length, 0);
});

test('`!status "message"` ends with that status and an Err body; the core is not called', async () => {
  const h = harness();
  const routes = routesOf('  Route<Http<Delete>>/x -> !403 "forbidden";\n  Route<Http<*>>/.* -> !404;');
  const forbidden = await run(routes, ping('Http<Delete>', '/x'), h);
  assert.equal([forbidden.status, forbidden.body], [403, { kind: 'Err', status: 403, message: 'forbidden' }]);
  const missing = await run(routes, ping('Http<Get>', '/nope'), h);
  assert.equal([missing.status, missing.body], [404, { kind: 'Err', status: 404, message: 'Not Found' }]);
  assert.is(h.core.length, 0);
});

test('a pipeline without `&` still answers with its last response', async () => {
  const h = harness({ core: (p) => reply(p, 202, text('queued')) });
  const pong = await run(routesOf('  Route<Ext<Log>> -> (());'), ping('Ext<Log>', '/'), h);
  assert.equal([pong.status, pong.body], [202, text('queued')]);
});

test('no matching route: 404 that names the method and path', async () => {
  const pong = await run(routesOf('  Route<Ext<Hello>> -> (()) => &;'), ping('Http<Get>', '/x?q=1'), harness());
  assert.is(pong.status, 404);
  assert.match((pong.body as { message: string }).message, 'Http<Get> /x');
});

test('request and response checks: 400 before the core, 500 for a response that breaks the contract', async () => {
  const routes = routesOf('  Route<Ext<Save>> -[ Map{name<Text>} ]-> (()) =[ Text ]=> &;');
  const h = harness();
  const bad = await run(routes, ping('Ext<Save>', '/', { body: { kind: 'Map', value: { name: { kind: 'Int', value: 1 } } } }), h);
  assert.is(bad.status, 400);
  assert.match((bad.body as { message: string }).message, /Map\{name<Text>\}.*at \/name: expected Text, found Int/);
  assert.is(h.core.length, 0);

  const wrongReply = harness({ core: (p) => reply(p, 200, { kind: 'Int', value: 3 }) });
  const good = { kind: 'Map', value: { name: text('scott') } } as const;
  const broken = await run(routes, ping('Ext<Save>', '/', { body: good }), wrongReply);
  assert.is(broken.status, 500);
  assert.match((broken.body as { message: string }).message, 'response body does not match `Text`');

  const ok = await run(routes, ping('Ext<Save>', '/', { body: good }), harness());
  assert.equal([ok.status, ok.body], [200, text('from core')]);
});

test('a block check applies to every route inside it', async () => {
  const routes = routesOf('  Route<Http> -[ Text ]-> { Post/a -> (()) => &; Put/b -> (()) => &; }');
  for (const [method, path] of [['Http<Post>', '/a'], ['Http<Put>', '/b']] as const) {
    const h = harness();
    assert.is((await run(routes, ping(method, path, { body: { kind: 'Int', value: 1 } }), h)).status, 400);
    assert.is(h.core.length, 0);
  }
});

// ---------------------------------------------------------------- filters

test('(auth): 401 without an agent, 403 without the role, through with it', async () => {
  const routes = routesOf('  Route<Http<*>>(auth)/me -> (()) => &;\n  Route<Http<*>>(auth role=admin)/admin/.* -> (()) => &;');
  const h = harness();
  assert.is((await run(routes, ping('Http<Get>', '/me'), h)).status, 401);
  const user = { point: 'localhost:users:scott', roles: ['user'] };
  assert.is((await run(routes, ping('Http<Get>', '/me', { agent: user }), h)).status, 200);
  assert.is((await run(routes, ping('Http<Get>', '/admin/x', { agent: user }), h)).status, 403);
  assert.is((await run(routes, ping('Http<Get>', '/admin/x', { agent: { point: 'a', roles: ['admin'] } }), h)).status, 200);
  assert.is(h.core.length, 2);
});

test('filters of every level apply: a block (auth) and a route (auth role=...)', async () => {
  const routes = routesOf('  Route<Http>(auth)/users/ -> { <Put>(auth role=admin)/users/x -> (()) => &; }');
  const h = harness();
  assert.is((await run(routes, ping('Http<Put>', '/users/x'), h)).status, 401);
  assert.is((await run(routes, ping('Http<Put>', '/users/x', { agent: { point: 'a', roles: [] } }), h)).status, 403);
});

test('(limit N/s): 429 per sender once the bucket is empty, refilled as the clock moves', async () => {
  const routes = routesOf('  Route<Ext<Hello>>(limit 2/s) -> (()) => &;');
  const h = harness();
  const from = (sender: string) => ping('Ext<Hello>', '/', { from: sender });
  const statuses = async (sender: string, n: number) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push((await run(routes, from(sender), h)).status);
    return out;
  };
  assert.equal(await statuses('localhost:a', 3), [200, 200, 429]);
  assert.equal(await statuses('localhost:b', 1), [200], 'another sender has its own bucket');
  const refused = await run(routes, from('localhost:a'), h);
  assert.is(refused.headers['retry-after'], '1');
  h.clock.advance(500);
  assert.equal(await statuses('localhost:a', 2), [200, 429], 'half a second refills one token');
  h.clock.advance(10_000);
  assert.equal(await statuses('localhost:a', 3), [200, 200, 429], 'never more than N tokens');
});

test('(timeout): 408 at the deadline on a fake clock; the late reply is dropped, one Pong only', async () => {
  let answer!: (p: Pong) => void;
  const h = harness({ core: (p) => new Promise<Pong>((r) => (answer = () => r(reply(p, 200, text('late'))))) });
  const routes = routesOf('  Route<Ext<Slow>>(timeout 2s) -> (()) => &;');
  let pongs = 0;
  const pending = run(routes, ping('Ext<Slow>', '/'), h).then((p) => {
    pongs++;
    return p;
  });
  await flush();
  h.clock.advance(1999);
  await flush();
  assert.is(pongs, 0);
  h.clock.advance(1);
  const pong = await pending;
  assert.equal([pong.status, pong.body.kind], [408, 'Err']);
  answer(reply(h.core[0]!, 200));
  await flush();
  assert.is(pongs, 1);
});

test('(timeout): a reply in time wins and the timer is cleared; the tightest timeout of all levels applies', async () => {
  const h = harness();
  const routes = routesOf('  Route<Ext>(timeout 5s) -> { <Fast>(timeout 1s) -> (()) => &; }');
  const pong = await run(routes, ping('Ext<Fast>', '/'), h);
  assert.is(pong.status, 200);
  assert.is(h.clock.pending(), 0);

  let fired = false;
  const slow = harness({ core: () => new Promise<Pong>(() => {}) });
  const pending = run(routes, ping('Ext<Fast>', '/'), slow).then((p) => ((fired = true), p));
  await flush();
  slow.clock.advance(1000);
  assert.is((await pending).status, 408);
  assert.ok(fired);
});

test('every Ping gets exactly one Pong: a throwing core or peer is a 500, never a rejection', async () => {
  const routes = routesOf('  Route<Ext<A>> -> (()) => &;\n  Route<Ext<B>> -> localhost:peer => &;');
  const h = harness({
    core: () => {
      throw new Error('boom');
    },
    send: () => Promise.reject(new Error('unreachable')),
  });
  const a = await run(routes, ping('Ext<A>', '/'), h);
  assert.equal([a.status, (a.body as { message: string }).message.includes('boom')], [500, true]);
  const b = await run(routes, ping('Ext<B>', '/'), h);
  assert.is(b.status, 500);
});

test('executePipeline takes a selection directly', async () => {
  const routes = routesOf('  Route<Ext<Hello>> -> !418 "teapot";');
  const selection = selectRoute(routes, { method: 'Ext<Hello>', path: '/' })!;
  const pong = await executePipeline(selection, ping('Ext<Hello>', '/'), harness().ctx);
  assert.is(pong.status, 418);
});

test.run();

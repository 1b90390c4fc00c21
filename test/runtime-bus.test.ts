// The local bus (runtime/bus/local-bus.ts): exactly one Pong per Ping under races, 404/408/500/503 made by the
// bus, late replies dropped and counted, copies at the boundary, signals, ripples and watchers, close, and a
// 10k-request storm. Timers are fake: nothing here waits on the wall clock except one real-timer check.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLocalBus, type LocalBus, type LocalBusOptions } from '../runtime/bus/local-bus.ts';
import type { LogLevel, PongReply, WaveHandler } from '../runtime/bus/bus.ts';
import { DEFAULT_TIMEOUT_MS, type Ping, type Pong, type Ripple, type Signal } from '../runtime/waves/wave.ts';

// ---------------------------------------------------------------- helpers

/** A fake clock whose timers fire, in the order they were set, only when the test advances it. */
function fakeClock() {
  let now = 0;
  let next = 0;
  const pending = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    setTimer: (fn: () => void, ms: number) => {
      pending.set(++next, { at: now + ms, fn });
      return next;
    },
    clearTimer: (handle: unknown) => void pending.delete(handle as number),
    pending: () => pending.size,
    /** Moves time forward by `ms`, firing due timers in order of due time, then of creation (timers set while
     *  firing run in a later batch). */
    advance(ms: number) {
      const target = now + ms;
      for (;;) {
        const due = [...pending].filter(([, t]) => t.at <= target).sort((a, b) => a[1].at - b[1].at || a[0] - b[0]);
        if (due.length === 0) break;
        for (const [id, t] of due) {
          if (!pending.delete(id)) continue; // cleared by an earlier timer of this batch
          now = t.at;
          t.fn();
        }
      }
      now = target;
    },
  };
}

function harness(extra: LocalBusOptions = {}) {
  const clock = fakeClock();
  const logs: { level: LogLevel; message: string }[] = [];
  let ids = 0;
  const bus = createLocalBus({
    now: clock.now, setTimer: clock.setTimer, clearTimer: clock.clearTimer, newId: () => `bus-${++ids}`,
    logger: { log: (level, message) => logs.push({ level, message }) },
    ...extra,
  });
  return { bus, clock, logs };
}

let pingIds = 0;
function ping(to = 'localhost:app', extra: Partial<Ping> = {}): Ping {
  return {
    kind: 'Ping', id: `ping-${++pingIds}`, from: 'localhost:client', to, method: 'Ext<Hello>', uri: '/hello',
    headers: {}, body: { kind: 'Text', value: 'hi' }, handling: { timeoutMs: 1000, retries: 0 }, ...extra,
  };
}

function signalTo(to: string, extra: Partial<Signal> = {}): Signal {
  return {
    kind: 'Signal', id: `sig-${++pingIds}`, from: 'localhost:client', to, method: 'Ext<Note>', uri: '/note',
    headers: {}, body: { kind: 'Json', value: { n: 1 } }, ...extra,
  };
}

function rippleOf(value: unknown): Ripple {
  return { kind: 'Ripple', id: `rip-${++pingIds}`, from: 'localhost:app', to: 'localhost:app', body: { kind: 'Json', value } };
}

/** Lets every queued microtask and promise continuation run. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Tracks how many times a request's promise settles and with what (a promise settles once, but this also
 *  proves it settled at all, and not by rejecting). */
function track(p: Promise<Pong>) {
  const t = { pongs: [] as Pong[], rejections: 0 };
  p.then((pong) => void t.pongs.push(pong), () => void t.rejections++);
  return t;
}

const errMessage = (pong: Pong) => (pong.body.kind === 'Err' ? pong.body.message : `(${pong.body.kind})`);

// ---------------------------------------------------------------- request and reply

test('a reply reaches the sender, completed by the bus', async () => {
  const { bus, clock } = harness();
  bus.serve('localhost:app', async (wave) => {
    assert.is(wave.kind, 'Ping');
    return { status: 200, body: { kind: 'Text', value: `hello ${wave.body.kind === 'Text' ? wave.body.value : '?'}` } };
  });
  const p = ping();
  const pong = await bus.request(p);
  assert.equal(pong, {
    kind: 'Pong', id: 'bus-1', reflectionOf: p.id, from: 'localhost:app', to: 'localhost:client', status: 200,
    headers: {}, body: { kind: 'Text', value: 'hello hi' },
  });
  assert.is(clock.pending(), 0, 'the timeout timer is cleared');
  assert.is(bus.stats().pending, 0);
});

test('wrong reflectionOf/from/to in a reply are fixed up; a given id is kept; a partial reply gets Empty', async () => {
  const { bus } = harness();
  const replies: PongReply[] = [
    { kind: 'Pong', id: 'mine', reflectionOf: 'someone-else', from: 'localhost:liar', to: 'localhost:nobody', status: 201, headers: { a: 'b' } },
    { status: 204 },
  ];
  bus.serve('localhost:app', async () => replies.shift()!);
  const p1 = ping();
  const first = await bus.request(p1);
  assert.equal(first, {
    kind: 'Pong', id: 'mine', reflectionOf: p1.id, from: 'localhost:app', to: 'localhost:client', status: 201,
    headers: { a: 'b' }, body: { kind: 'Empty' },
  });
  const p2 = ping();
  const second = await bus.request(p2);
  assert.is(second.reflectionOf, p2.id);
  assert.is(second.status, 204);
  assert.equal(second.body, { kind: 'Empty' });
});

test('the handler is never called in the sender\'s call stack', async () => {
  const { bus } = harness();
  let called = false;
  bus.serve('localhost:app', () => {
    called = true;
    return { status: 200 };
  });
  const reply = bus.request(ping());
  assert.is(called, false);
  assert.is((await reply).status, 200);
  assert.is(called, true);
});

test('no particle at the point: an immediate 404, no timer', async () => {
  const { bus, clock } = harness();
  const t = track(bus.request(ping('localhost:nowhere')));
  await flush();
  assert.is(t.pongs.length, 1);
  assert.is(t.pongs[0]!.status, 404);
  assert.is(errMessage(t.pongs[0]!), 'no particle at `localhost:nowhere`');
  assert.is(t.pongs[0]!.from, 'localhost:nowhere');
  assert.is(t.pongs[0]!.to, 'localhost:client');
  assert.is(clock.pending(), 0);
});

test('a server that left between send and delivery: 404, not a hang', async () => {
  const { bus, clock } = harness();
  const off = bus.serve('localhost:app', async () => ({ status: 200 }));
  const t = track(bus.request(ping()));
  off();
  await flush();
  assert.is(t.pongs[0]?.status, 404);
  assert.is(clock.pending(), 0);
});

// ---------------------------------------------------------------- timeouts, races, late replies

test('a slow handler: 408 at handling.timeoutMs, not before', async () => {
  const { bus, clock } = harness();
  bus.serve('localhost:app', () => new Promise(() => {}));
  const t = track(bus.request(ping('localhost:app', { handling: { timeoutMs: 250, retries: 0 } })));
  await flush();
  clock.advance(249);
  await flush();
  assert.is(t.pongs.length, 0);
  clock.advance(1);
  await flush();
  assert.is(t.pongs.length, 1);
  assert.is(t.pongs[0]!.status, 408);
  assert.match(errMessage(t.pongs[0]!), /^Timeout: no reply from `localhost:app` within 250 ms$/);
  assert.is(bus.stats().timeouts, 1);
  assert.is(bus.stats().pending, 0);
});

test('a missing or invalid timeout means DEFAULT_TIMEOUT_MS; the bus default is configurable', async () => {
  for (const handling of [undefined, { timeoutMs: 0, retries: 0 }, { timeoutMs: Number.NaN, retries: 0 }]) {
    const { bus, clock } = harness();
    bus.serve('localhost:app', () => new Promise(() => {}));
    const t = track(bus.request(ping('localhost:app', { handling: handling as Ping['handling'] })));
    await flush();
    clock.advance(DEFAULT_TIMEOUT_MS - 1);
    await flush();
    assert.is(t.pongs.length, 0, `still waiting (${JSON.stringify(handling)})`);
    clock.advance(1);
    await flush();
    assert.is(t.pongs[0]?.status, 408);
  }
  const { bus, clock } = harness({ defaultTimeoutMs: 50 });
  bus.serve('localhost:app', () => new Promise(() => {}));
  const t = track(bus.request(ping('localhost:app', { handling: undefined as unknown as Ping['handling'] })));
  await flush();
  clock.advance(50);
  await flush();
  assert.is(t.pongs[0]?.status, 408);
});

test('a late reply is dropped and counted', async () => {
  const { bus, clock, logs } = harness();
  const reply = deferred<PongReply>();
  bus.serve('localhost:app', () => reply.promise);
  const t = track(bus.request(ping('localhost:app', { handling: { timeoutMs: 100, retries: 0 } })));
  await flush();
  clock.advance(100);
  await flush();
  clock.advance(7);
  reply.resolve({ status: 200 });
  await flush();
  assert.is(t.pongs.length, 1);
  assert.is(t.pongs[0]!.status, 408);
  assert.is(bus.stats().lateReplies, 1);
  assert.ok(logs.some((l) => l.level === 'debug' && /late reply from `localhost:app`.*107 ms/.test(l.message)), JSON.stringify(logs));
});

test('races: a reply and the timeout in the same tick give exactly one Pong, whichever came first', async () => {
  // The handler answers from a timer due at `replyAt`; the bus times out at 100.
  for (const replyAt of [99, 100, 101]) {
    const { bus, clock } = harness();
    bus.serve('localhost:app', () => new Promise((resolve) => clock.setTimer(() => resolve({ status: 200 }), replyAt)));
    const t = track(bus.request(ping('localhost:app', { handling: { timeoutMs: 100, retries: 0 } })));
    await flush();
    for (let ms = 0; ms < 200; ms++) {
      clock.advance(1); // timers due in the same millisecond fire together, then microtasks run
      await flush();
    }
    assert.is(t.pongs.length, 1, `replyAt ${replyAt}`);
    assert.is(t.rejections, 0);
    // At 100 both timers are due; the bus's was set first (at send), so it wins, as on a real event loop.
    assert.is(t.pongs[0]!.status, replyAt < 100 ? 200 : 408, `replyAt ${replyAt}`);
    const s = bus.stats();
    assert.is(s.timeouts + (t.pongs[0]!.status === 200 ? 1 : 0), 1);
    assert.is(s.lateReplies, replyAt < 100 ? 0 : 1);
    assert.is(s.pending, 0);
    assert.is(clock.pending(), 0);
  }
});

test('races: a reply resolved in the same synchronous block as the timeout fires', async () => {
  for (const order of ['reply-then-timeout', 'timeout-then-reply'] as const) {
    const { bus, clock } = harness();
    const reply = deferred<PongReply>();
    bus.serve('localhost:app', () => reply.promise);
    const t = track(bus.request(ping('localhost:app', { handling: { timeoutMs: 100, retries: 0 } })));
    await flush();
    if (order === 'reply-then-timeout') {
      reply.resolve({ status: 200 });
      clock.advance(100); // the timer fires synchronously, before the reply's continuation runs
    } else {
      clock.advance(100);
      reply.resolve({ status: 200 });
    }
    await flush();
    assert.is(t.pongs.length, 1, order);
    assert.is(t.pongs[0]!.status, 408, order);
    assert.is(bus.stats().lateReplies, 1, order);
  }
});

// ---------------------------------------------------------------- handler failures

test('a handler that throws or rejects: 500 with the message', async () => {
  const { bus } = harness();
  const handlers: WaveHandler[] = [
    () => {
      throw new Error('boom');
    },
    async () => {
      throw new TypeError('bad thing');
    },
    () => Promise.reject('just a string'),
  ];
  bus.serve('localhost:app', (w) => handlers.shift()!(w));
  const a = await bus.request(ping());
  const b = await bus.request(ping());
  const c = await bus.request(ping());
  assert.equal([a.status, b.status, c.status], [500, 500, 500]);
  assert.is(errMessage(a), '`localhost:app` failed on Ext<Hello> /hello: boom');
  assert.match(errMessage(b), /bad thing$/);
  assert.match(errMessage(c), /just a string$/);
  assert.is(bus.stats().handlerErrors, 3);
});

test('a handler that answers a Ping with nothing or garbage: 500 saying so', async () => {
  const { bus } = harness();
  const replies: unknown[] = [
    undefined,
    { status: 99 },
    { status: '200' },
    { kind: 'Ping', status: 200 },
    { status: 200, headers: { a: 1 } },
    { status: 200, body: 'text' },
    { status: 200, body: { kind: 'Json', value: () => 1 } },
    [1, 2],
  ];
  bus.serve('localhost:app', async () => replies.shift() as PongReply);
  const messages: string[] = [];
  for (let i = 0; i < 8; i++) {
    const pong = await bus.request(ping());
    assert.is(pong.status, 500);
    messages.push(errMessage(pong));
  }
  assert.match(messages[0]!, /gave no reply to Ping/);
  assert.match(messages[1]!, /status 99 is not an HTTP status/);
  assert.match(messages[2]!, /status "200" is not an HTTP status/);
  assert.match(messages[3]!, /kind "Ping" is not "Pong"/);
  assert.match(messages[4]!, /header "a" is not a string/);
  assert.match(messages[5]!, /body is not a Substance/);
  assert.match(messages[6]!, /cannot be serialised/);
  assert.match(messages[7]!, /expected a Pong, got an array/);
});

// ---------------------------------------------------------------- copies at the boundary

test('no object is shared between sender and receiver', async () => {
  const { bus } = harness();
  let received: Ping | undefined;
  const replyBody = { kind: 'Json' as const, value: { list: [1, 2] } };
  bus.serve('localhost:app', async (wave) => {
    received = wave as Ping;
    const seen = JSON.stringify(wave.body);
    (wave.body as { value: unknown }).value = 'changed by the receiver';
    return { status: 200, headers: { seen }, body: replyBody };
  });
  const sent = ping('localhost:app', { body: { kind: 'Json', value: { deep: { n: 1 } } } });
  const reply = bus.request(sent);
  // The sender mutates its Ping after sending it.
  ((sent.body as { value: { deep: { n: number } } }).value.deep).n = 2;
  const pong = await reply;
  assert.is(pong.headers.seen, '{"kind":"Json","value":{"deep":{"n":1}}}', 'the receiver saw the Ping as sent');
  assert.equal(sent.body, { kind: 'Json', value: { deep: { n: 2 } } }, 'the receiver\'s mutation did not reach the sender');
  assert.is.not(received, sent);
  // The receiver mutates its reply after returning it.
  replyBody.value.list.push(3);
  assert.equal(pong.body, { kind: 'Json', value: { list: [1, 2] } });
  assert.is.not(pong.body, replyBody);
});

test('a Ping that cannot be serialised is refused with 400', async () => {
  const { bus } = harness();
  let called = false;
  bus.serve('localhost:app', async () => {
    called = true;
    return { status: 200 };
  });
  const pong = await bus.request(ping('localhost:app', { body: { kind: 'Json', value: { f: () => 1 } } }));
  assert.is(pong.status, 400);
  assert.match(errMessage(pong), /cannot be serialised/);
  assert.is(called, false);
});

// ---------------------------------------------------------------- signals

test('signals: delivered as copies, later, to the server of the point; nothing comes back', async () => {
  const { bus } = harness();
  const got: Signal[] = [];
  bus.serve('localhost:app', async (wave) => {
    assert.is(wave.kind, 'Signal');
    got.push(wave as Signal);
    return { status: 200 }; // ignored
  });
  const s = signalTo('localhost:app');
  assert.is(bus.signal(s), undefined);
  assert.is(got.length, 0, 'not in the sender\'s call stack');
  (s.body as { value: unknown }).value = 'mutated';
  await flush();
  assert.is(got.length, 1);
  assert.equal(got[0]!.body, { kind: 'Json', value: { n: 1 } });
  assert.is(bus.stats().signals, 1);
});

test('signals: failures are logged, never thrown to the sender', async () => {
  const { bus, logs } = harness();
  bus.serve('localhost:sync', () => {
    throw new Error('sync boom');
  });
  bus.serve('localhost:async', async () => {
    throw new Error('async boom');
  });
  bus.signal(signalTo('localhost:sync'));
  bus.signal(signalTo('localhost:async'));
  bus.signal(signalTo('localhost:nowhere'));
  bus.signal(signalTo('localhost:app', { body: { kind: 'Json', value: Symbol('x') } }));
  bus.signal({ kind: 'Ping' } as unknown as Signal);
  await flush();
  const text = logs.map((l) => `${l.level} ${l.message}`).join('\n');
  assert.match(text, /error `localhost:sync` failed on Signal Ext<Note> \/note: sync boom/);
  assert.match(text, /error `localhost:async` failed on Signal Ext<Note> \/note: async boom/);
  assert.match(text, /warn Signal Ext<Note> \/note to `localhost:nowhere` dropped: no particle there/);
  assert.match(text, /error Signal to `localhost:app` dropped/);
  assert.match(text, /error not a Signal \(kind Ping\) dropped/);
});

test('a broken logger does not break the bus', async () => {
  const { bus } = harness({ logger: { log: () => { throw new Error('logger down'); } } });
  bus.signal(signalTo('localhost:nowhere'));
  await flush();
  bus.serve('localhost:app', async () => ({ status: 200 }));
  assert.is((await bus.request(ping())).status, 200);
});

// ---------------------------------------------------------------- ripples and watchers

test('ripples: every watcher of the point gets its own copy; other points\' watchers do not', async () => {
  const { bus } = harness();
  const a: Ripple[] = [];
  const b: Ripple[] = [];
  const other: Ripple[] = [];
  bus.watch('localhost:app', (r) => a.push(r));
  bus.watch('localhost:app', (r) => b.push(r));
  bus.watch('localhost:other', (r) => other.push(r));
  const r = rippleOf({ status: 'Ready' });
  bus.ripple('localhost:app', r);
  assert.is(a.length, 0, 'not in the publisher\'s call stack');
  await flush();
  assert.is(a.length, 1);
  assert.is(b.length, 1);
  assert.is(other.length, 0);
  assert.equal(a[0], r);
  assert.is.not(a[0], r);
  assert.is.not(a[0], b[0]);
  assert.is.not(a[0]!.body, b[0]!.body);
});

test('ripples: order is kept, unsubscribe stops delivery at once, a throwing watcher is logged and others still get it', async () => {
  const { bus, logs } = harness();
  const got: unknown[] = [];
  bus.watch('localhost:app', () => {
    throw new Error('watcher down');
  });
  const off = bus.watch('localhost:app', (r) => got.push(r.body.kind === 'Json' ? r.body.value : null));
  bus.ripple('localhost:app', rippleOf(1));
  bus.ripple('localhost:app', rippleOf(2));
  await flush();
  assert.equal(got, [1, 2]);
  bus.ripple('localhost:app', rippleOf(3));
  off(); // published but not yet delivered: not delivered
  off(); // idempotent
  await flush();
  bus.ripple('localhost:app', rippleOf(4));
  await flush();
  assert.equal(got, [1, 2]);
  assert.is(logs.filter((l) => l.level === 'error' && /watcher of `localhost:app` failed.*watcher down/.test(l.message)).length, 4);
});

// ---------------------------------------------------------------- servers

test('several servers of one point share its Pings round-robin (a queue group); unsubscribing leaves the rest', async () => {
  const { bus } = harness();
  const offA = bus.serve('localhost:app', async () => ({ status: 200, headers: { by: 'a' } }));
  bus.serve('localhost:app', async () => ({ status: 200, headers: { by: 'b' } }));
  const by: string[] = [];
  for (let i = 0; i < 4; i++) by.push((await bus.request(ping())).headers.by!);
  assert.equal(by, ['a', 'b', 'a', 'b']);
  offA();
  for (let i = 0; i < 2; i++) assert.is((await bus.request(ping())).headers.by, 'b');
});

// ---------------------------------------------------------------- close

test('close answers pending requests 503, clears timers, refuses what comes after, drops late replies', async () => {
  const { bus, clock } = harness();
  const reply = deferred<PongReply>();
  bus.serve('localhost:app', () => reply.promise);
  const watched: Ripple[] = [];
  bus.watch('localhost:app', (r) => watched.push(r));
  const t1 = track(bus.request(ping()));
  const t2 = track(bus.request(ping()));
  await flush();
  assert.is(bus.stats().pending, 2);
  await bus.close();
  await flush();
  assert.equal([t1.pongs.length, t2.pongs.length], [1, 1]);
  assert.equal([t1.pongs[0]!.status, t2.pongs[0]!.status], [503, 503]);
  assert.is(errMessage(t1.pongs[0]!), 'bus closed');
  assert.is(clock.pending(), 0);
  reply.resolve({ status: 200 });
  await flush();
  assert.is(t1.pongs.length, 1);
  assert.is(bus.stats().lateReplies, 2);
  assert.is((await bus.request(ping())).status, 503);
  bus.signal(signalTo('localhost:app'));
  bus.ripple('localhost:app', rippleOf(1));
  await flush();
  assert.is(watched.length, 0);
  bus.serve('localhost:x', async () => ({ status: 200 }))();
  await bus.close(); // idempotent
});

test('a request sent just before close is answered 503, its handler never called', async () => {
  const { bus } = harness();
  let called = false;
  bus.serve('localhost:app', async () => {
    called = true;
    return { status: 200 };
  });
  const t = track(bus.request(ping()));
  await bus.close();
  await flush();
  assert.is(t.pongs[0]?.status, 503);
  assert.is(called, false);
});

// ---------------------------------------------------------------- load

test('10k concurrent requests: each answered exactly once, by the right Pong', async () => {
  const { bus, clock } = harness();
  const N = 10_000;
  // Thirds: reply at once, reply from a timer before the timeout, never reply (408).
  bus.serve('localhost:app', (wave) => {
    const n = Number(wave.uri.slice(1));
    if (n % 3 === 0) return Promise.resolve({ status: 200, body: { kind: 'Int', value: n } });
    if (n % 3 === 1) return new Promise((resolve) => clock.setTimer(() => resolve({ status: 201, body: { kind: 'Int', value: n } }), 50));
    return new Promise((resolve) => clock.setTimer(() => resolve({ status: 299 }), 150));
  });
  const pings = Array.from({ length: N }, (_, n) => ping('localhost:app', { uri: `/${n}`, handling: { timeoutMs: 100, retries: 0 } }));
  let settled = 0;
  const results: (Pong | undefined)[] = new Array(N);
  const all = pings.map((p, n) => bus.request(p).then((pong) => {
    settled++;
    assert.is(results[n], undefined);
    results[n] = pong;
  }));
  await flush();
  assert.is(bus.stats().pending, N - Math.ceil(N / 3));
  clock.advance(50);
  await flush();
  clock.advance(50);
  await flush();
  clock.advance(100);
  await Promise.all(all);
  await flush();
  assert.is(settled, N);
  for (let n = 0; n < N; n++) {
    const pong = results[n]!;
    assert.is(pong.reflectionOf, pings[n]!.id);
    assert.is(pong.status, [200, 201, 408][n % 3]);
    if (n % 3 !== 2) assert.equal(pong.body, { kind: 'Int', value: n });
  }
  const s = bus.stats();
  assert.is(s.pending, 0);
  assert.is(s.timeouts, Math.floor(N / 3));
  assert.is(s.lateReplies, Math.floor(N / 3));
  assert.is(clock.pending(), 0);
});

test('real timers: the default clock times out too', async () => {
  const bus: LocalBus = createLocalBus({ logger: { log: () => {} } });
  bus.serve('localhost:app', () => new Promise(() => {}));
  const pong = await bus.request(ping('localhost:app', { handling: { timeoutMs: 5, retries: 0 } }));
  assert.is(pong.status, 408);
  assert.match(pong.id, /^[0-9a-f-]{36}$/);
  await bus.close();
});

test.run();

// The guest SDK (runtime/guest/) through its ABI surface: the test guests of test/fixtures/guests/ are
// instantiated with WebAssembly directly and driven as DESIGN.md §5 and MESH-PROTOCOL.md say a host drives
// them (buffers from 1, JSON frames, the reader frees). The JSON parser and serializer are compared with
// JSON.parse/JSON.stringify on fast-check corpora. Host-side behaviour (timeouts, restarts, caps) is the
// host's tests' business; here each guest does what its header comment promises.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkGuestAbi } from '../compiler/bundle/wasm-abi.ts';
import { readBuffer, writeBuffer, type GuestExports, type GuestMemory } from '../runtime/mechtron/guest-abi.ts';
import { MAX_FRAME_BYTES } from '../runtime/mechtron/mechtron-runtime.ts';
import { capMemory } from '../runtime/wasm/cap-memory.ts';
import { meterModule } from '../runtime/wasm/meter.ts';
import { ROOT } from './helpers/project.ts';

const BUILD = join(ROOT, 'test/fixtures/guests/build');
const HOST_IMPORTS = ['mechtron_frame_to_host', 'mechtron_host_log', 'mechtron_host_panic', 'mechtron_uuid', 'mechtron_timestamp'];

type Frame = Record<string, unknown>;

/** A guest instance with a recording host around it: logs, panics and the frames the guest sent. Buffers go in
 *  and out through the host's own writeBuffer/readBuffer (runtime/mechtron/guest-abi.ts), checks included. */
class Guest implements GuestMemory {
  readonly maxFrameBytes = MAX_FRAME_BYTES;
  readonly logs: { level: number; text: string }[] = [];
  readonly panics: string[] = [];
  readonly sent: Frame[] = [];
  /** What the host answers to a Ping the guest sends (default: 200 echoing the body; null: no buffer). */
  answer: (frame: Frame) => Frame | null = (f) => ({ kind: 'Pong', status: 200, headers: {}, body: f['body'] });
  exports!: GuestExports;

  constructor(readonly module: WebAssembly.Module) {}

  static load(name: string): Guest {
    return new Guest(moduleOf(name));
  }

  start(details: Frame | string = defaultDetails(), version = 'mechtron-1'): number {
    this.instantiate();
    return this.init(details, version);
  }

  /** Instantiates without init. */
  instantiate(): GuestExports {
    const env = {
      mechtron_frame_to_host: (id: number) => {
        const frame = JSON.parse(this.take(id)) as Frame;
        this.sent.push(frame);
        if (frame['kind'] !== 'Ping') return 0;
        const pong = this.answer(frame);
        return pong === null ? 0 : this.write(JSON.stringify(pong));
      },
      mechtron_host_log: (level: number, id: number) => void this.logs.push({ level, text: this.take(id) }),
      mechtron_host_panic: (id: number) => void this.panics.push(this.take(id)),
      mechtron_uuid: () => this.write('6f1c2a4e-0000-4000-8000-000000000001'),
      mechtron_timestamp: () => 1_700_000_000_123n,
      mechtron_fuel_out: () => 1_000_000,
    };
    this.exports = new WebAssembly.Instance(this.module, { env }).exports as unknown as GuestExports;
    return this.exports;
  }

  init(details: Frame | string = defaultDetails(), version = 'mechtron-1'): number {
    const text = typeof details === 'string' ? details : JSON.stringify(details);
    return this.exports.mechtron_guest_init(this.write(version), this.write(text));
  }

  get raw(): GuestExports {
    return this.exports;
  }

  write(text: string): number {
    return writeBuffer(this, text);
  }

  /** Reads a guest buffer and frees it (the reader frees). */
  take(id: number): string {
    return readBuffer(this, id, 'buffer');
  }

  /** Delivers a frame; the reply buffer's text (freed), or 0 when absorbed. */
  deliverRaw(text: string): string | 0 {
    const id = this.exports.mechtron_frame_to_guest(this.write(text));
    return id === 0 ? 0 : this.take(id);
  }

  ping(method: string, body: Frame = { kind: 'Empty' }, uri = '/', headers: Record<string, string> = {}): Frame {
    const reply = this.deliverRaw(JSON.stringify({ kind: 'Ping', id: 'p-1', from: 'localhost:tester', to: 'localhost:app:guest', method, uri, headers, body }));
    assert.ok(reply !== 0, `${method}: a Ping must get a reply`);
    return JSON.parse(reply as string) as Frame;
  }
}

const modules = new Map<string, WebAssembly.Module>();
function moduleOf(name: string): WebAssembly.Module {
  let m = modules.get(name);
  if (!m) {
    m = new WebAssembly.Module(hostPrepared(readFileSync(join(BUILD, `${name}.wasm`))));
    modules.set(name, m);
  }
  return m;
}

/** The module as the host runs it: memory capped at 256 MiB and deadline metering injected (the host's own
 *  rewrites, runtime/wasm/), so these tests also hold for what the host really executes. */
function hostPrepared(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const capped = capMemory(bytes, 4096);
  if (!capped.ok) throw new Error(`capMemory: ${capped.error.message}`);
  const metered = meterModule(capped.value);
  if (!metered.ok) throw new Error(`meterModule: ${metered.error.message}`);
  return metered.value.bytes as Uint8Array<ArrayBuffer>;
}

function defaultDetails(): Frame {
  return { point: 'localhost:app:guest', kind: 'Mechtron', properties: { config: 'repo:t:1.0.0:/config/g.mechtron' }, config: { name: 'guest', bin: 'repo:t:1.0.0:/wasm/g.wasm' } };
}

const text = (value: string): Frame => ({ kind: 'Text', value });
const json = (value: unknown): Frame => ({ kind: 'Json', value });

test.before(() => {
  const built = spawnSync(process.execPath, [join(ROOT, 'scripts/build-guests.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`scripts/build-guests.mjs failed:\n${built.stderr}`);
});

test('every test guest exports the whole ABI, imports only the host ABI, and starts with one page', () => {
  for (const name of ['echo', 'loop', 'trap', 'membomb', 'garbage', 'panicky', 'counter', 'caller', 'sdk']) {
    const bytes = readFileSync(join(BUILD, `${name}.wasm`));
    assert.is(checkGuestAbi(bytes), undefined, name);
    for (const imp of WebAssembly.Module.imports(new WebAssembly.Module(bytes))) {
      assert.is(imp.module, 'env', `${name} imports ${imp.module}.${imp.name}`);
      assert.ok(HOST_IMPORTS.includes(imp.name), `${name} imports env.${imp.name}, which the host does not provide`);
    }
    const module = new WebAssembly.Module(hostPrepared(bytes));
    const guest = new Guest(module);
    assert.is(guest.start(), 0, `${name} init`);
    assert.is(guest.raw.memory.buffer.byteLength, 65536, `${name} memory after init`);
  }
});

test('buffer table: ids start at 1, 0 means none, a bad id answers -1 and is ignored by dealloc', () => {
  // A fresh instance, before init: the very first buffer is id 1.
  const g = new Guest(moduleOf('echo'));
  const e = g.instantiate();
  const a = e.mechtron_guest_alloc_buffer(10);
  const b = e.mechtron_guest_alloc_buffer(0);
  assert.is(a, 1);
  assert.is(b, 2);
  assert.is(e.mechtron_guest_get_buffer_len(a), 10);
  assert.is(e.mechtron_guest_get_buffer_len(b), 0);
  assert.ok(e.mechtron_guest_get_buffer_ptr(a) > 0);
  assert.is.not(e.mechtron_guest_get_buffer_ptr(a), e.mechtron_guest_get_buffer_ptr(b));
  assert.is(e.mechtron_guest_alloc_buffer(-1), 0);
  for (const bad of [0, -5, 3, 9999]) {
    assert.is(e.mechtron_guest_get_buffer_ptr(bad), -1, `ptr of ${bad}`);
    assert.is(e.mechtron_guest_get_buffer_len(bad), -1, `len of ${bad}`);
    e.mechtron_guest_dealloc_buffer(bad);
  }
  e.mechtron_guest_dealloc_buffer(a);
  assert.is(e.mechtron_guest_get_buffer_ptr(a), -1);
  e.mechtron_guest_dealloc_buffer(a); // twice: ignored
  assert.is(e.mechtron_guest_alloc_buffer(4), a, 'a freed id is reused');
  assert.is(e.mechtron_guest_get_buffer_len(2), 0, 'the other buffer is untouched');
});

test('init: 0, then -3; -1 for another ABI version; -2 for details that are not an object or a hook that fails', () => {
  const g = Guest.load('sdk');
  assert.is(g.start(), 0);
  assert.is(g.init(), -3);
  assert.is(Guest.load('sdk').start(defaultDetails(), 'mechtron-2'), -1);
  const bad = Guest.load('sdk');
  assert.is(bad.start('{"point":'), -2);
  assert.match(bad.logs.at(-1)?.text ?? '', /not a JSON object/);
  const failing = Guest.load('sdk');
  assert.is(failing.start({ ...defaultDetails(), properties: { 'fail-init': 'yes' } }), -2);
  assert.match(failing.logs.at(-1)?.text ?? '', /init failed: asked to fail/);
  // A failed init can be retried: it is not "already initialised".
  assert.is(failing.init(defaultDetails()), 0);
});

test('particle details from init are readable, and init hooks ran once', () => {
  const g = Guest.load('sdk');
  g.start();
  const reply = g.ping('Ext<Details>');
  assert.equal(reply['body'], json({ point: 'localhost:app:guest', kind: 'Mechtron', config: 'repo:t:1.0.0:/config/g.mechtron', name: 'guest', initCalls: 1 }));
});

test('echo: bodies of every kind round-trip unchanged, with the method and uri in headers', () => {
  const g = Guest.load('echo');
  g.start();
  const bodies: Frame[] = [
    text('héllo 👋 "quoted" \\ back\nslash \u0000 \u001f \u2028'),
    text('\ud800 lone and \udc00 low'),
    json({ a: [1, 2.5, -0.125, 1e300, 123456789012345680000, null, true, false], 'k\u00e9y': { nested: ['x', {}] } }),
    { kind: 'Bin', base64: Buffer.from([0, 1, 2, 250, 255]).toString('base64') },
    { kind: 'Empty' },
    { kind: 'Map', value: { a: text('x'), b: { kind: 'Int', value: 3 } } },
    { kind: 'Err', status: 404, message: 'nope' },
  ];
  for (const body of bodies) {
    const reply = g.ping('Ext<Whatever>', body, '/a/b?c=d');
    assert.is(reply['kind'], 'Pong');
    assert.is(reply['status'], 200);
    assert.equal(reply['body'], body);
    assert.equal(reply['headers'], { 'x-method': 'Ext<Whatever>', 'x-uri': '/a/b?c=d' });
  }
});

test('frames: a Signal is absorbed (0), a frame that is not JSON or not a Ping gets a 400 Pong', () => {
  const g = Guest.load('echo');
  g.start();
  assert.is(g.deliverRaw(JSON.stringify({ kind: 'Signal', id: 's', from: 'a', to: 'b', method: 'Ext<X>', uri: '/', headers: {}, body: text('x') })), 0);
  const notJson = JSON.parse(g.deliverRaw('{"kind":"Ping",') as string) as Frame;
  assert.is(notJson['status'], 400);
  assert.match(String((notJson['body'] as Frame)['message']), /the frame is not JSON: .* at the end of the input/);
  const pong = JSON.parse(g.deliverRaw('{"kind":"Pong","status":200}') as string) as Frame;
  assert.is(pong['status'], 400);
  const noBuffer = JSON.parse(g.take(g.raw.mechtron_frame_to_guest(4242))) as Frame;
  assert.is(noBuffer['status'], 400);
});

test('memory stays at one page over thousands of messages: the collector runs between messages', () => {
  const g = Guest.load('echo');
  g.start();
  const body = json({ list: Array.from({ length: 50 }, (_, i) => ({ i, s: 'x'.repeat(i) })) });
  for (let i = 0; i < 3000; i++) g.ping('Ext<Echo>', body);
  assert.ok(g.raw.memory.buffer.byteLength <= 2 * 65536, `memory grew to ${g.raw.memory.buffer.byteLength} bytes`);
  // Every reply buffer was freed by this host and every frame by the guest: the table never grew past 2 ids.
  assert.ok(g.raw.mechtron_guest_alloc_buffer(1) <= 2);
  assert.ok(g.raw.mechtron_guest_alloc_buffer(1) <= 2);
});

test('JSON: the guest parses and serializes what JSON.parse and JSON.stringify do (fast-check corpus)', () => {
  const g = Guest.load('sdk');
  g.start();
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 6 }), fc.constantFrom(0, 2), (value, indent) => {
      const source = JSON.stringify(value, null, indent);
      const reply = g.ping('Ext<JsonRoundTrip>', text(source));
      assert.is(reply['status'], 200, String((reply['body'] as Frame)['message']));
      const out = (reply['body'] as Frame)['value'] as string;
      // Same value (numbers as f64, -0 as 0 like JSON.stringify), and byte-identical when no number is fractional.
      assert.equal(JSON.parse(out), JSON.parse(JSON.stringify(value)));
      if (!/[.eE]/.test(JSON.stringify(value).replace(/"(?:[^"\\]|\\.)*"/g, ''))) assert.is(out, JSON.stringify(value));
    }),
    { numRuns: 600, seed: 20240501 },
  );
});

test('JSON: numbers parse to the same f64 as JSON.parse (doubles, integers, exponents)', () => {
  const g = Guest.load('sdk');
  g.start();
  fc.assert(
    fc.property(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.maxSafeInteger()), (n) => {
      const forms = [JSON.stringify(n), n.toExponential(), n.toPrecision(17)].filter((s) => /^-?\d/.test(s));
      for (const form of forms) {
        const reply = g.ping('Ext<JsonRoundTrip>', text(`[${form}]`));
        const out = JSON.parse((reply['body'] as Frame)['value'] as string) as number[];
        assert.ok(Object.is(out[0], JSON.parse(`[${form}]`)[0] === 0 ? 0 : JSON.parse(`[${form}]`)[0]), `${form} → ${out[0]}`);
      }
    }),
    { numRuns: 1000, seed: 7 },
  );
});

test('JSON: the guest rejects exactly what JSON.parse rejects, with a message and an offset', () => {
  const g = Guest.load('sdk');
  g.start();
  const cases = ['', ' ', '{', '[1,]', '{"a":1,}', '01', '1.', '.5', '-', '1e', '"\\x"', '"\\u12g4"', '"a\nb"', "'a'", 'tru', 'nul', '[1] 2', '{"a" 1}', 'NaN', 'Infinity', '"unterminated', '[' .repeat(600) + ']'.repeat(600)];
  for (const source of cases) {
    const reply = g.ping('Ext<JsonRoundTrip>', text(source));
    assert.is(reply['status'], 400, `${JSON.stringify(source.slice(0, 30))} should be rejected`);
    assert.match(String((reply['body'] as Frame)['message']), /(at byte \d+|at the end of the input)$/);
  }
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (source) => {
      let valid = true;
      try {
        JSON.parse(source);
      } catch {
        valid = false;
      }
      const reply = g.ping('Ext<JsonRoundTrip>', text(source));
      assert.is(reply['status'], valid ? 200 : 400, JSON.stringify(source));
    }),
    { numRuns: 1500, seed: 99 },
  );
});

test('body access: Json accessors, Bin base64 both ways, text of every kind', () => {
  const g = Guest.load('sdk');
  g.start();
  const read = g.ping('Ext<JsonRead>', json({ user: { name: 'Scott', age: 42.9, admin: true }, tags: ['a', 'b'] }));
  assert.equal((read['body'] as Frame)['value'], { name: 'Scott', age: 42, admin: true, tags: 2, second: 'b', missing: true });
  const none = g.ping('Ext<JsonRead>', text('not json'));
  assert.equal((none['body'] as Frame)['value'], { name: '?', age: -1, admin: false, tags: 0, second: 'none', missing: true });

  for (const length of [0, 1, 2, 3, 4, 5, 255, 1000]) {
    const bytes = Uint8Array.from({ length }, (_, i) => (i * 37 + 11) & 255);
    const reply = g.ping('Ext<Bin>', { kind: 'Bin', base64: Buffer.from(bytes).toString('base64') });
    const body = reply['body'] as Frame;
    assert.is(body['kind'], 'Bin');
    assert.is(body['base64'], Buffer.from(bytes.reverse()).toString('base64'), `length ${length}`);
    assert.equal(reply['headers'], { 'content-type': 'application/x-test' });
  }
  const textOf = (body: Frame) => (g.ping('Ext<Text>', body)['body'] as Frame)['value'];
  assert.is(textOf(text('plain')), 'plain');
  assert.is(textOf({ kind: 'Bin', base64: Buffer.from('bytes ✓').toString('base64') }), 'bytes ✓');
  assert.is(textOf({ kind: 'Bin', base64: Buffer.from([0x61, 0xff, 0x62, 0xe2, 0x82]).toString('base64') }), 'a\ufffdb\ufffd');
  assert.is(textOf(json({ a: [1, 'x'] })), '{"a":[1,"x"]}');
  assert.is(textOf({ kind: 'Empty' }), '');
  assert.is(textOf({ kind: 'Int', value: 7 }), '7');
  assert.is(textOf({ kind: 'Map', value: { a: text('x'), n: { kind: 'Int', value: 2 } } }), '{"a":"x","n":2}');
  assert.is(textOf({ kind: 'Err', status: 500, message: 'boom' }), 'boom');
  assert.is((g.ping('Ext<Kind>', { kind: 'Point', value: 'localhost' })['body'] as Frame)['value'], 'Point');
});

test('router: params (percent-decoded), rest, query, headers, 404 and 405, method wildcards', () => {
  const g = Guest.load('sdk');
  g.start();
  const user = g.ping('Http<Get>', { kind: 'Empty' }, '/users/J%C3%B6rg%20K?q=a%2Bb+c&x', { 'user-agent': 'curl/8' });
  assert.equal((user['body'] as Frame)['value'], { name: 'Jörg K', q: 'a+b c', agent: 'curl/8' });
  const noQuery = g.ping('Http<Get>', { kind: 'Empty' }, '/users/scott');
  assert.equal((noQuery['body'] as Frame)['value'], { name: 'scott', q: null, agent: null });
  assert.equal(g.ping('Http<Get>', { kind: 'Empty' }, '/files/a/b/c.txt')['body'], text('rest=a/b/c.txt'));
  assert.equal(g.ping('Http<Get>', { kind: 'Empty' }, '/files/')['body'], text('rest='));
  assert.is(g.ping('Http<Post>', { kind: 'Empty' }, '/users')['status'], 201);
  assert.equal(g.ping('Http<Delete>', { kind: 'Empty' }, '/any')['body'], text('Http<Delete>'));
  const root = g.ping('Http<Get>', { kind: 'Empty' }, '/');
  assert.equal(root['headers'], { 'content-type': 'text/html; charset=utf-8' });
  const missing = g.ping('Http<Get>', { kind: 'Empty' }, '/nothing/here');
  assert.is(missing['status'], 404);
  assert.equal(missing['body'], { kind: 'Err', status: 404, message: 'no handler for `Http<Get>` `/nothing/here`' });
  const wrongMethod = g.ping('Http<Put>', { kind: 'Empty' }, '/users');
  assert.is(wrongMethod['status'], 405);
  assert.match(String((wrongMethod['body'] as Frame)['message']), /Http<Post>/);
  assert.is(g.ping('Ext<Nobody>')['status'], 404);
  assert.is(g.ping('Http<Get>', { kind: 'Empty' }, '/users/')['status'], 404, 'an empty :param does not match');
});

test('mesh: send, signal and registry commands go out as MESH-PROTOCOL frames and return the Pong', () => {
  const g = Guest.load('sdk');
  g.start();
  g.answer = (f) => ({ kind: 'Pong', status: 201, headers: { 'x-from': 'other' }, body: text(`got ${JSON.stringify(f['body'])}`) });
  const reply = g.ping('Ext<Send>', text('hi'));
  assert.equal(g.sent.at(-1), { kind: 'Ping', to: 'localhost:other', method: 'Ext<Greet>', uri: '/x?y=1', headers: {}, body: text('hi') });
  assert.is(reply['status'], 201);
  assert.equal(reply['headers'], { 'x-from': 'other' });
  assert.equal(reply['body'], text('got {"kind":"Text","value":"hi"}'));

  assert.is(g.ping('Ext<Signal>')['status'], 202);
  assert.equal(g.sent.at(-1), { kind: 'Signal', to: 'localhost:other', method: 'Ext<Poke>', uri: '/', headers: {}, body: json({ n: 1 }) });

  const commands: [string, Frame, string][] = [
    ['Ext<Create>', text('child'), 'create? localhost:app:child<Base>{ +greeting="hello world", +@plain=repo:x:1.0.0:/a.b, !gone }'],
    ['Ext<Set>', { kind: 'Empty' }, 'set localhost:app:x{ +quote="say \\"hi\\"\\\\now" }'],
    ['Ext<Get>', text('localhost:app:x'), 'get localhost:app:x'],
    ['Ext<Select>', { kind: 'Empty' }, 'select localhost:app:*<Mechtron>'],
    ['Ext<Remove>', { kind: 'Empty' }, 'delete localhost:app:x'],
    ['Ext<Command>', text('get ${self}'), 'get ${self}'],
  ];
  g.answer = () => ({ kind: 'Pong', status: 200, body: json({ point: 'localhost:app:x', status: 'Ready' }) });
  for (const [method, body, command] of commands) {
    const pong = g.ping(method, body);
    assert.equal(g.sent.at(-1), { kind: 'Ping', to: 'localhost:app:guest', method: 'Cmd<RawCommand>', uri: '/', headers: {}, body: text(command) }, method);
    assert.equal(pong['body'], json({ point: 'localhost:app:x', status: 'Ready' }));
  }

  g.answer = () => ({ kind: 'Pong', status: 200, headers: { 'content-type': 'text/html' }, body: text('<p>t</p>') });
  const read = g.ping('Ext<Read>', text('repo:site:1.0.0:/html/t.html'));
  assert.equal(g.sent.at(-1), { kind: 'Ping', to: 'repo:site:1.0.0:/html/t.html', method: 'Cmd<Read>', uri: '/', headers: {}, body: { kind: 'Empty' } });
  assert.equal(read['body'], text('<p>t</p>'));
  g.ping('Ext<Write>', json({ name: 'scott' }));
  assert.equal(g.sent.at(-1), { kind: 'Ping', to: 'localhost:app:files:/a.json', method: 'Cmd<Update>', uri: '/', headers: {}, body: json({ name: 'scott' }) });
});

test('mesh: a point that is not a point never reaches the host (no command injection)', () => {
  const g = Guest.load('sdk');
  g.start();
  for (const bad of ['x; delete localhost', 'a b', 'x{ +a=b }', '${a;b}', '"q"', '']) {
    const before = g.sent.length;
    const reply = g.ping('Ext<Get>', text(bad));
    assert.is(reply['status'], 400, bad);
    assert.is(g.sent.length, before, `${bad} was sent`);
  }
  const ok = g.ping('Ext<Get>', text('localhost:app:${self}:x'));
  assert.is(ok['status'], 200);
});

test('mesh: a Ping the host answers with no buffer, or with a Pong missing its status, is a 500 Pong', () => {
  const g = Guest.load('sdk');
  g.start();
  g.answer = () => null;
  const none = g.ping('Ext<Send>', text('x'));
  assert.is(none['status'], 500);
  assert.match(String((none['body'] as Frame)['message']), /the host gave no Pong/);
  g.answer = () => ({ kind: 'Pong' });
  assert.is(g.ping('Ext<Send>', text('x'))['status'], 500);
});

test('log levels, uuid and timestamp go through the host imports', () => {
  const g = Guest.load('sdk');
  g.start();
  assert.is(g.ping('Ext<Log>', text('hello'))['status'], 204);
  assert.equal(g.logs, [
    { level: 0, text: 't' },
    { level: 1, text: 'd' },
    { level: 2, text: 'i hello' },
    { level: 3, text: 'w' },
    { level: 4, text: 'e' },
  ]);
  assert.equal(g.ping('Ext<Ids>')['body'], text('6f1c2a4e-0000-4000-8000-000000000001 1700000000123'));
});

test('panics: panic() and a failed assert reach mechtron_host_panic (with file:line) and trap', () => {
  const g = Guest.load('panicky');
  g.start();
  assert.throws(() => g.ping('Ext<Panic>', text('the reason')), /unreachable/);
  assert.equal(g.panics, ['the reason']);
  const h = Guest.load('panicky');
  h.start();
  assert.throws(() => h.ping('Ext<Assert>', text('x')), /unreachable/);
  assert.match(h.panics[0] ?? '', /^the body was not `never` at test\/fixtures\/guests\/panicky\.ts:\d+:\d+$/);
  const ok = Guest.load('panicky');
  ok.start();
  assert.equal(ok.ping('Ext<Other>')['body'], text('ok'));
});

test('test guests: trap, counter state, caller, membomb pages, loop answers other methods', () => {
  const trap = Guest.load('trap');
  trap.start();
  assert.equal(trap.ping('Ext<Fine>')['body'], text('ok'));
  assert.throws(() => trap.ping('Ext<Trap>'), /unreachable/);
  const div = Guest.load('trap');
  div.start();
  assert.throws(() => div.ping('Ext<DivZero>', text('')), /divide by zero/);

  const counter = Guest.load('counter');
  counter.start();
  assert.equal(counter.ping('Ext<Inc>')['body'], json(1));
  assert.equal(counter.ping('Ext<Inc>')['body'], json(2));
  assert.equal(counter.ping('Ext<Get>')['body'], json(2));
  const fresh = Guest.load('counter');
  fresh.start();
  assert.equal(fresh.ping('Ext<Get>')['body'], json(0), 'a new instance starts from 0');

  const caller = Guest.load('caller');
  caller.start();
  caller.answer = (f) => ({ kind: 'Pong', status: 200, body: text(`pong from ${String(f['to'])}`) });
  assert.equal(caller.ping('Ext<Call>', text('localhost:app:echo'))['body'], text('pong from localhost:app:echo'));
  assert.equal(caller.sent.at(-1)?.['method'], 'Ext<Ping>');
  caller.ping('Ext<Call>', json({ to: 'localhost:b', method: 'Ext<Hello>', uri: '/u', body: text('x') }));
  assert.equal(caller.sent.at(-1), { kind: 'Ping', to: 'localhost:b', method: 'Ext<Hello>', uri: '/u', headers: {}, body: text('x') });
  caller.answer = () => ({ kind: 'Pong', status: 200, body: json({ point: 'localhost:app:made' }) });
  caller.ping('Ext<Create>', text('localhost:app:made<Mechtron>'));
  assert.equal((caller.sent.at(-1)?.['body'] as Frame)['value'], 'create localhost:app:made<Mechtron>');
  caller.ping('Ext<Create>', json({ point: 'localhost:app:m2', kind: 'Mechtron', props: { config: 'repo:a:1.0.0:/config/x.mechtron' }, ensure: true }));
  assert.equal((caller.sent.at(-1)?.['body'] as Frame)['value'], 'create? localhost:app:m2<Mechtron>{ +config=repo:a:1.0.0:/config/x.mechtron }');

  const bomb = Guest.load('membomb');
  bomb.start();
  assert.equal(bomb.ping('Ext<Pages>')['body'], json(1));

  const loop = Guest.load('loop');
  loop.start();
  assert.equal(loop.ping('Ext<NotLoop>')['body'], text('ok'));
});

test('garbage: replies a host must refuse, and normal answers otherwise', () => {
  const g = Guest.load('garbage');
  g.start();
  const e = g.raw;
  const deliver = (method: string) => e.mechtron_frame_to_guest(g.write(JSON.stringify({ kind: 'Ping', id: '1', from: 'a', to: 'b', method, uri: '/', headers: {}, body: { kind: 'Empty' } })));
  assert.is(g.take(deliver('Ext<Garbage>')), 'this is not JSON {');
  assert.is(g.take(deliver('Ext<NotPong>')), '[1,2,3]');
  assert.is(g.take(deliver('Ext<Empty>')), '');
  const bad = deliver('Ext<BadId>');
  assert.is(bad, 987654);
  assert.is(e.mechtron_guest_get_buffer_ptr(bad), -1);
  const huge = deliver('Ext<Huge>');
  assert.is(e.mechtron_guest_get_buffer_len(huge), 64 << 20);
  const head = new TextDecoder().decode(new Uint8Array(e.memory.buffer, e.mechtron_guest_get_buffer_ptr(huge), 64));
  assert.ok(head.startsWith('{"kind":"Pong","status":200,"body":{"kind":"Text","value":"xxx'), head);
  e.mechtron_guest_dealloc_buffer(huge);
  assert.is(e.mechtron_guest_get_buffer_ptr(huge), -1);
  assert.equal(g.ping('Ext<Other>')['body'], text('ok'));
});

test.run();

// A guest worker: a worker thread hosting many mechtron instances (DESIGN.md §5, ABI `mechtron-1`). The main
// thread (worker-pool.ts) posts loads and frames; this thread instantiates the modules, writes frames into guest
// memory through the guest's buffer table, calls its exports, reads its replies back, and answers.
//
// Decisions:
// - Why a worker at all: a guest's `send` is synchronous from its view, but the Pong comes from the main thread's
//   event loop (another mechtron, the registry, the network). A worker can block in `Atomics.wait` while the main
//   thread works; then it takes the Pong from its port with `receiveMessageOnPort`. While blocked it also runs
//   frames for its *other* instances (a guest calling a guest in the same worker would deadlock otherwise).
// - Many instances per worker: an idle mechtron then costs its instance (a few pages of memory), not a thread.
//   A guest that computes past its deadline is cut off by the main thread's watchdog, which terminates the whole
//   worker (see worker-pool.ts); a metered module stops itself first (runtime/wasm/meter.ts).
// - Whoever reads a buffer frees it: this host frees the guest's replies and sent frames after reading them; the
//   guest frees the frames written into it.
// - A fault (trap, panic, a frame that is not what the ABI allows) poisons the instance: it is dropped here and
//   the main thread restarts it. Nothing a guest does throws out of this module.

import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { GuestFault, readAsString, readBuffer, writeBuffer, type GuestExports, type GuestMemory } from './guest-abi.ts';
import { readOutgoingFrame, readReplyFrame } from './guest-frames.ts';
import {
  F64_STARTED,
  I32_RUNNING,
  I32_WAKE,
  type Fault,
  type FaultKind,
  type FromWorker,
  type GuestFrame,
  type GuestLoad,
  type ToWorker,
} from './worker-protocol.ts';
import { LOG_LEVELS } from '../mesh/particle-logs.ts';
import { createDeadlineFuel, type DeadlineFuel } from '../wasm/meter.ts';

export const ABI_VERSION = 'mechtron-1';

interface Instance extends GuestMemory {
  readonly id: number;
  /** The deadline of the frame it runs, handed to its metered code as fuel (runtime/wasm/meter.ts). */
  readonly fuel: DeadlineFuel;
  /** The timeout of the frame it runs (for the message when the deadline stops it). */
  timeoutMs: number;
  /** On the call stack of this thread right now (a frame for it is running or blocked in a send). */
  busy: boolean;
  /** Set by `mechtron_host_panic`: the reason the guest gave. */
  panic: string | undefined;
}

const { port, state } = workerData as { port: MessagePort; state: SharedArrayBuffer };
const i32 = new Int32Array(state);
const f64 = new Float64Array(state);
const instances = new Map<number, Instance>();
let nextCall = 1;

// Messages go both ways in batches (one postMessage per batch: a postMessage costs more than a small frame's
// whole trip through a guest). Replies are flushed after each incoming batch and before blocking in a `send`.
const outbox: FromWorker[] = [];
/** Frames for an instance that is on the call stack (blocked in a `send`): run once it is free, in order. */
const deferred: GuestFrame[] = [];
/** Pongs for guests' calls, by call id, until the waiting frame takes them (nested waits may see them first). */
const pongs = new Map<number, string>();

/** Replies go out at least this often within a long batch, so the main thread works while this one does. */
const FLUSH_EVERY = 16;

function post(message: FromWorker): void {
  outbox.push(message);
  if (outbox.length >= FLUSH_EVERY) flush();
}

function flush(): void {
  if (outbox.length === 0) return;
  port.postMessage(outbox.splice(0));
}

port.on('message', (batch: readonly ToWorker[]) => {
  for (const message of batch) handle(message);
  runDeferred();
  flush();
});

function handle(message: ToWorker): void {
  switch (message.t) {
    case 'load':
      load(message);
      break;
    case 'frame':
      if (instances.get(message.inst)?.busy) deferred.push(message);
      else runFrame(message);
      break;
    case 'drop':
      instances.delete(message.inst);
      break;
    case 'pong':
      pongs.set(message.call, message.frame);
      break;
  }
}

function runDeferred(): void {
  for (let i = 0; i < deferred.length; ) {
    const frame = deferred[i]!;
    if (instances.get(frame.inst)?.busy) {
      i++;
      continue;
    }
    deferred.splice(i, 1);
    runFrame(frame);
    i = 0; // running it may have freed others
  }
}

// ------------------------------------------------------------------------------------------------ loading

function load(message: GuestLoad): void {
  const instance: Instance = { id: message.inst, exports: undefined as unknown as GuestExports, maxFrameBytes: message.maxFrameBytes, fuel: createDeadlineFuel(), timeoutMs: 0, busy: true, panic: undefined };
  const missing = WebAssembly.Module.imports(message.module).filter((i) => !(i.module === 'env' && i.name in HOST_IMPORT_NAMES));
  if (missing.length > 0) {
    const names = missing.map((i) => `\`${i.module}.${i.name}\``).join(', ');
    post({ t: 'loaded', inst: message.inst, fault: { kind: 'init', message: `the module imports ${names}, which the host does not provide (mechtron-1 provides env.${Object.keys(HOST_IMPORT_NAMES).join(', env.')})` } });
    return;
  }
  try {
    const wasm = new WebAssembly.Instance(message.module, { env: hostImports(instance) });
    instance.exports = wasm.exports as unknown as GuestExports;
    if (!(instance.exports.memory instanceof WebAssembly.Memory)) throw new GuestFault('init', 'the module does not export its `memory`');
    const version = writeBuffer(instance, ABI_VERSION);
    const details = writeBuffer(instance, message.details);
    const code = instance.exports.mechtron_guest_init(version, details);
    if (code !== 0) {
      const why = code === -1 ? `version mismatch: the guest does not speak ${ABI_VERSION}` : code === -2 ? 'the guest reported that its init failed' : code === -3 ? 'the guest says it was already initialised' : `unknown result ${code}`;
      throw new GuestFault('init', `mechtron_guest_init returned ${code} (${why})`);
    }
    instance.busy = false;
    instances.set(message.inst, instance);
    post({ t: 'loaded', inst: message.inst });
  } catch (e) {
    post({ t: 'loaded', inst: message.inst, fault: faultOf(e, instance, 'init') });
  }
}

// ------------------------------------------------------------------------------------------------ frames

function runFrame(message: GuestFrame): void {
  const instance = instances.get(message.inst);
  if (!instance) {
    post({ t: 'done', seq: message.seq, gone: true }); // it faulted on an earlier frame: the host sends this one again
    return;
  }
  const saved = [Atomics.load(i32, I32_RUNNING), f64[F64_STARTED]!] as const;
  const now = Date.now();
  // The time first, then the sequence number (an atomic store publishes them): the watchdog reads the
  // number, the time, and the number again, and trusts the time only if the number did not change.
  f64[F64_STARTED] = now;
  Atomics.store(i32, I32_RUNNING, message.seq);
  instance.busy = true;
  instance.timeoutMs = message.timeoutMs;
  instance.fuel.arm(message.timeoutMs);
  let reply: string | undefined;
  let fault: Fault | undefined;
  try {
    const replyId = instance.exports.mechtron_frame_to_guest(writeBuffer(instance, message.frame));
    if (replyId !== 0) {
      const text = readBuffer(instance, replyId, 'reply');
      const read = readReplyFrame(text);
      if (!read.ok) throw new GuestFault('bad-frame', `the guest's reply (buffer ${replyId}) is not a valid Pong frame: ${read.message}`);
      reply = text;
    }
  } catch (e) {
    fault = faultOf(e, instance, 'trap');
  } finally {
    instance.fuel.disarm();
    instance.busy = false;
    Atomics.store(i32, I32_RUNNING, 0);
    f64[F64_STARTED] = saved[1];
    Atomics.store(i32, I32_RUNNING, saved[0]);
  }
  if (fault) instances.delete(instance.id);
  post(fault ? { t: 'done', seq: message.seq, fault } : reply ? { t: 'done', seq: message.seq, reply } : { t: 'done', seq: message.seq });
}

/** Blocks until the main thread answers call `call`, running whatever else it sends meanwhile. */
function awaitPong(call: number): string {
  flush();
  for (;;) {
    const pong = pongs.get(call);
    if (pong !== undefined) {
      pongs.delete(call);
      return pong;
    }
    const seen = Atomics.load(i32, I32_WAKE);
    const received = receiveMessageOnPort(port);
    if (!received) {
      Atomics.wait(i32, I32_WAKE, seen);
      continue;
    }
    for (const message of received.message as readonly ToWorker[]) {
      // Once the Pong is in, what came after it in its batch runs after this frame, as without the wait.
      if (pongs.has(call) && message.t === 'frame') deferred.push(message);
      else handle(message);
    }
    flush();
  }
}

// ------------------------------------------------------------------------------------------------ host imports

const HOST_IMPORT_NAMES = {
  mechtron_frame_to_host: true,
  mechtron_host_log: true,
  mechtron_host_panic: true,
  mechtron_uuid: true,
  mechtron_timestamp: true,
  mechtron_fuel_out: true,
  // What AssemblyScript's standard library imports: `abort` (assertions, out of memory), `seed` (Math.random),
  // `trace`. Answered here so an unmodified asc build links; abort is a panic with the guest's own message.
  abort: true,
  seed: true,
  trace: true,
} as const;

function hostImports(instance: Instance): Record<string, (...args: never[]) => unknown> {
  return {
    mechtron_frame_to_host: (frameId: number): number => {
      const read = readOutgoingFrame(readBuffer(instance, frameId, 'frame'));
      if (!read.ok) throw new GuestFault('bad-frame', `the guest sent a frame that is not a valid Ping or Signal: ${read.message}`);
      if (read.value.kind === 'Signal') {
        post({ t: 'signal', inst: instance.id, signal: read.value.wave });
        return 0;
      }
      const call = nextCall++;
      const saved = Atomics.load(i32, I32_RUNNING);
      Atomics.store(i32, I32_RUNNING, 0); // waiting, not computing
      post({ t: 'call', inst: instance.id, call, ping: read.value.wave });
      const pong = awaitPong(call);
      Atomics.store(i32, I32_RUNNING, saved);
      return writeBuffer(instance, pong);
    },
    mechtron_host_log: (level: number, bufferId: number): void => {
      const message = readBuffer(instance, bufferId, 'log line');
      post({ t: 'log', inst: instance.id, level: LOG_LEVELS[level] ?? 'info', message });
    },
    mechtron_host_panic: (bufferId: number): never => {
      let message: string;
      try {
        message = readBuffer(instance, bufferId, 'panic message');
      } catch {
        message = 'the guest panicked (its message could not be read)';
      }
      instance.panic = message;
      throw new GuestFault('panic', message);
    },
    mechtron_uuid: (): number => writeBuffer(instance, crypto.randomUUID()),
    mechtron_timestamp: (): bigint => BigInt(Date.now()),
    mechtron_fuel_out: (): number => instance.fuel.fuelOut(),
    abort: (messagePtr: number, filePtr: number, line: number, column: number): never => {
      const message = readAsString(instance, messagePtr) ?? 'abort';
      const file = readAsString(instance, filePtr);
      instance.panic = file ? `${message} (${file}:${line}:${column})` : message;
      throw new GuestFault('panic', instance.panic);
    },
    seed: (): number => Date.now() * Math.random(),
    trace: (messagePtr: number): void => {
      post({ t: 'log', inst: instance.id, level: 'trace', message: readAsString(instance, messagePtr) ?? '' });
    },
  };
}

function faultOf(e: unknown, instance: Instance, otherwise: FaultKind): Fault {
  if (e instanceof GuestFault) return { kind: e.kind, message: e.message };
  if (instance.fuel.expired) return { kind: 'timeout', message: `the guest computed past its timeout of ${instance.timeoutMs} ms and was cut off` };
  if (instance.panic !== undefined) return { kind: 'panic', message: instance.panic };
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof WebAssembly.RuntimeError || e instanceof RangeError) return { kind: otherwise === 'init' ? 'init' : 'trap', message: `the guest trapped: ${message}` };
  if (e instanceof WebAssembly.LinkError) return { kind: 'init', message: `the module cannot be linked: ${message.replace(/^WebAssembly\.Instance\(\): /, '')}` };
  return { kind: otherwise, message };
}

// A small HTTP load generator for B5 (DESIGN.md §7), run in its own process so that it never shares an event
// loop with the server it measures:
//
//   node --import tsx bench/load.ts --url http://127.0.0.1:8080/ [--host localhost] [--connections 32]
//        [--duration 5] [--warmup 1]
//
// C connections (a keep-alive Agent with `maxSockets` = C, so each of the C request loops keeps one socket),
// each issuing GETs back to back: `warmup` seconds unmeasured, then `duration` seconds counted. Prints one JSON
// object (`LoadResult`) on stdout. Response bodies are read to the end (so the bytes really cross the socket) but
// not kept. A response that is not 2xx, or a socket error, counts as an error; errors do not stop the loop.

import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';

export interface LoadOptions {
  readonly url: string;
  /** The Host header (default: the URL's host). */
  readonly host?: string;
  readonly connections: number;
  readonly durationS: number;
  readonly warmupS: number;
}

export interface LoadResult {
  readonly tool: 'bench/load.ts';
  readonly url: string;
  readonly connections: number;
  readonly durationS: number;
  /** 2xx responses per second over the measured window. */
  readonly reqPerSec: number;
  readonly ok2xx: number;
  readonly errors: number;
  /** Bytes of response body per second over the measured window. */
  readonly bodyBytesPerSec: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const target = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections, maxFreeSockets: options.connections });
  const headers = { host: options.host ?? target.host, accept: '*/*' };
  const start = performance.now();
  const measureFrom = start + options.warmupS * 1000;
  const measureTo = measureFrom + options.durationS * 1000;

  let ok2xx = 0;
  let errors = 0;
  let bodyBytes = 0;
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  const record = (ms: number): void => {
    if (count === latencies.length) {
      const bigger = new Float64Array(latencies.length * 2);
      bigger.set(latencies);
      latencies = bigger;
    }
    latencies[count++] = ms;
  };

  const once = (): Promise<void> =>
    new Promise<void>((resolve) => {
      const sent = performance.now();
      const req = request(
        { agent, hostname: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: 'GET', headers },
        (res) => {
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
          });
          res.on('end', () => {
            const done = performance.now();
            if (sent >= measureFrom && done <= measureTo) {
              const status = res.statusCode ?? 0;
              if (status >= 200 && status < 300) {
                ok2xx++;
                bodyBytes += size;
                record(done - sent);
              } else errors++;
            }
            resolve();
          });
          res.on('error', () => {
            if (sent >= measureFrom) errors++;
            resolve();
          });
        },
      );
      req.on('error', () => {
        if (sent >= measureFrom && performance.now() <= measureTo) errors++;
        resolve();
      });
      req.end();
    });

  const loop = async (): Promise<void> => {
    while (performance.now() < measureTo) await once();
  };
  await Promise.all(Array.from({ length: options.connections }, loop));
  agent.destroy();

  const sorted = latencies.subarray(0, count).sort();
  return {
    tool: 'bench/load.ts',
    url: options.url,
    connections: options.connections,
    durationS: options.durationS,
    reqPerSec: ok2xx / options.durationS,
    ok2xx,
    errors,
    bodyBytesPerSec: bodyBytes / options.durationS,
    latencyMs: { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), max: count > 0 ? sorted[count - 1]! : NaN },
  };
}

function parseCli(argv: readonly string[]): LoadOptions {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--') || i + 1 >= argv.length) throw new Error(`bad argument \`${arg}\``);
    values.set(arg.slice(2), argv[++i]!);
  }
  const url = values.get('url');
  if (url === undefined) throw new Error('--url is required');
  const num = (name: string, fallback: number): number => {
    const n = Number(values.get(name) ?? fallback);
    if (!(n > 0)) throw new Error(`--${name} must be a positive number`);
    return n;
  };
  return {
    url,
    host: values.get('host'),
    connections: Math.floor(num('connections', 32)),
    durationS: num('duration', 5),
    warmupS: values.get('warmup') === '0' ? 0 : num('warmup', 1),
  };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const result = await runLoad(parseCli(process.argv.slice(2)));
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } catch (error) {
    process.stderr.write(`load: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  }
}

// B5: req/s of `GET /` through `starc run`'s router, against a bare node:http server answering the same bytes
// with the same headers, in one run (DESIGN.md §7: ≥ 0.7 × bare). Two parts: the file part (samples/site: the
// router's point stop to a bundle file) and the mechtron part (samples/hello: the router to a mechtron, its
// bind, a guest worker and the wasm guest, which answers `Hello, world!`).
//
// - `node dist/starc.mjs run <temp copy of samples/site> --port 0 --data <temp>`; its listening line gives the
//   port. One GET with `Host: localhost` gives the bytes and headers the bare server then replays (so both send
//   the same content-type, etag, content-length, nosniff); the bytes are checked against the sample's index.html.
// - The bare server is its own process (`node -e`), like starc; the load generator (bench/load.ts, or wrk when it
//   is installed) is a third, so no two of them share an event loop. The machine's cores are shared, which is
//   the same for both servers.
// - Runs alternate starc, bare, bare, starc (so drift touches both alike); the best run of each is reported.
// - Processes and temp dirs are cleaned up on every path, failures included.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadResult } from './load.ts';
import { formatNumber, type BenchRow } from './table.ts';

const STARC = 'dist/starc.mjs';

interface Part {
  readonly name: string;
  readonly app: string;
  /** What the first GET must answer, as text or as the bytes of a file. */
  readonly expect: { readonly file: string } | { readonly text: string };
  readonly what: string;
}

const PARTS: readonly Part[] = [
  { name: 'file', app: 'samples/site', expect: { file: 'samples/site/bundle/html/index.html' }, what: 'router→file' },
  { name: 'mechtron', app: 'samples/hello', expect: { text: 'Hello, world!' }, what: 'router→mechtron' },
];
const CONNECTIONS = 32;
const DURATION_S = 5;
const WARMUP_S = 1;
const BAR_RATIO = 0.7;
const START_TIMEOUT_MS = 30_000;
const HOST = 'localhost';

export interface B5Result {
  readonly loadTool: string;
  readonly connections: number;
  readonly durationS: number;
  readonly starcReqPerSec: number;
  readonly bareReqPerSec: number;
  readonly ratio: number;
  readonly starcP99Ms: number;
  readonly bareP99Ms: number;
  readonly bytes: number;
  readonly headers: Record<string, string>;
  readonly runs: readonly { readonly server: 'starc' | 'bare'; readonly result: LoadResult }[];
}

/** The bare server: argv[1] the body file, argv[2] the headers as JSON; prints its listening line. */
const BARE_SERVER = `
const http = require('node:http');
const fs = require('node:fs');
const body = fs.readFileSync(process.argv[1]);
const headers = JSON.parse(process.argv[2]);
const server = http.createServer((req, res) => { res.writeHead(200, headers); res.end(body); });
server.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + server.address().port));
process.on('SIGTERM', () => { server.close(); server.closeAllConnections(); process.exit(0); });
`;

/** Starts a server process and resolves with its port once it prints `listening on http://...:PORT`. */
function startServer(name: string, args: readonly string[], children: ChildProcess[]): Promise<number> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  children.push(child);
  let output = '';
  return new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${START_TIMEOUT_MS} ms: ${output.trim()}`)), START_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const match = /listening on http:\/\/[^\s:]+:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${signal ?? `code ${code}`}) before listening: ${output.trim()}`));
    });
  });
}

function get(port: number): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ hostname: '127.0.0.1', port, path: '/', headers: { host: HOST } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
        resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function hasWrk(): boolean {
  return spawnSync('sh', ['-c', 'command -v wrk'], { encoding: 'utf8' }).status === 0;
}

/** wrk's summary lines as a LoadResult (latency percentiles need `--latency`). */
function parseWrk(output: string, url: string): LoadResult {
  const unit = (value: string, u: string): number => Number(value) * ({ us: 0.001, ms: 1, s: 1000, m: 60_000 }[u] ?? NaN);
  const pct = (p: string): number => {
    const m = new RegExp(`^\\s*${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(output);
    return m ? unit(m[1]!, m[2]!) : NaN;
  };
  const reqs = /Requests\/sec:\s+([\d.]+)/.exec(output);
  const total = /(\d+) requests in/.exec(output);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(output);
  const sockErr = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const errors = (non2xx ? Number(non2xx[1]) : 0) + (sockErr ? sockErr.slice(1).reduce((a, b) => a + Number(b), 0) : 0);
  const max = /Latency\s+\S+\s+\S+\s+([\d.]+)(us|ms|s|m)/.exec(output);
  if (!reqs) throw new Error(`cannot read wrk's output: ${output.trim()}`);
  return {
    tool: 'bench/load.ts',
    url,
    connections: CONNECTIONS,
    durationS: DURATION_S,
    reqPerSec: Number(reqs[1]),
    ok2xx: total ? Number(total[1]) : NaN,
    errors,
    bodyBytesPerSec: NaN,
    latencyMs: { p50: pct('50'), p99: pct('99'), max: max ? unit(max[1]!, max[2]!) : NaN },
  };
}

async function runLoadProcess(port: number, useWrk: boolean): Promise<LoadResult> {
  const url = `http://127.0.0.1:${port}/`;
  if (useWrk) {
    // wrk has no warm-up: a short unmeasured run first.
    const base = ['-t', '1', '-c', String(CONNECTIONS), '-H', `Host: ${HOST}`, '--latency'];
    spawnSync('wrk', [...base, '-d', `${WARMUP_S}s`, url], { encoding: 'utf8' });
    const run = spawnSync('wrk', [...base, '-d', `${DURATION_S}s`, url], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`wrk failed: ${run.stderr}`);
    return parseWrk(run.stdout, url);
  }
  const args = ['--import', 'tsx', 'bench/load.ts', '--url', url, '--host', HOST, '--connections', String(CONNECTIONS), '--duration', String(DURATION_S), '--warmup', String(WARMUP_S)];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`bench/load.ts failed (exit ${code}): ${stderr.trim()}`);
  return JSON.parse(stdout.trim().split('\n').pop()!) as LoadResult;
}

async function stop(children: readonly ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
          child.once('exit', () => {
            clearTimeout(kill);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}

function failRow(what: string): { result: undefined; rows: BenchRow[] } {
  return { result: undefined, rows: [{ bar: 'B5', what, value: '—', target: `≥ ${BAR_RATIO}× bare node:http`, pass: false }] };
}

export async function runB5(): Promise<{ result: Record<string, B5Result | undefined>; rows: BenchRow[] }> {
  const result: Record<string, B5Result | undefined> = {};
  const rows: BenchRow[] = [];
  for (const part of PARTS) {
    const measured = await runPart(part);
    result[part.name] = measured.result;
    rows.push(...measured.rows);
  }
  return { result, rows };
}

async function runPart(part: Part): Promise<{ result: B5Result | undefined; rows: BenchRow[] }> {
  if (!existsSync(STARC)) return failRow(`GET through the router (${STARC} is missing: run \`npm run build\`)`);
  const tmp = mkdtempSync(join(tmpdir(), 'starc-b5-'));
  const children: ChildProcess[] = [];
  const onExit = (): void => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  };
  process.on('exit', onExit);
  try {
    const app = join(tmp, 'app');
    cpSync(part.app, app, { recursive: true });
    const starcPort = await startServer('starc run', [STARC, 'run', app, '--port', '0', '--data', join(tmp, 'data')], children);

    const first = await get(starcPort);
    const expected = 'file' in part.expect ? readFileSync(part.expect.file) : Buffer.from(part.expect.text);
    if (first.status !== 200 || !first.body.equals(expected)) {
      const want = 'file' in part.expect ? `${part.expect.file} (${expected.length} bytes)` : JSON.stringify(part.expect.text);
      return failRow(`GET / through starc (${part.app}) answers ${first.status} with ${JSON.stringify(first.body.toString('utf8').slice(0, 80))}, not ${want}`);
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(first.headers)) if (!['date', 'connection', 'keep-alive', 'transfer-encoding'].includes(k)) headers[k] = v;
    const bodyFile = join(tmp, 'index.html');
    writeFileSync(bodyFile, first.body);
    const barePort = await startServer('bare node:http', ['-e', BARE_SERVER, bodyFile, JSON.stringify(headers)], children);
    const check = await get(barePort);
    if (!check.body.equals(expected) || check.headers['etag'] !== headers['etag'] || check.headers['content-type'] !== headers['content-type']) {
      return failRow('the bare server does not answer the same bytes and headers');
    }

    const useWrk = hasWrk();
    const loadTool = useWrk ? 'wrk (1 thread)' : 'bench/load.ts (node:http keep-alive agent)';
    const runs: { server: 'starc' | 'bare'; result: LoadResult }[] = [];
    for (const server of ['starc', 'bare', 'bare', 'starc'] as const) {
      process.stderr.write(`  b5 ${part.name}: ${server} (${DURATION_S} s, ${CONNECTIONS} connections)...\n`);
      runs.push({ server, result: await runLoadProcess(server === 'starc' ? starcPort : barePort, useWrk) });
    }
    const best = (s: 'starc' | 'bare'): LoadResult =>
      runs.filter((r) => r.server === s).map((r) => r.result).reduce((a, b) => (b.reqPerSec > a.reqPerSec ? b : a));
    const starc = best('starc');
    const bare = best('bare');
    const ratio = starc.reqPerSec / bare.reqPerSec;
    const errors = runs.reduce((n, r) => n + r.result.errors, 0);
    const result: B5Result = {
      loadTool, connections: CONNECTIONS, durationS: DURATION_S,
      starcReqPerSec: starc.reqPerSec, bareReqPerSec: bare.reqPerSec, ratio,
      starcP99Ms: starc.latencyMs.p99, bareP99Ms: bare.latencyMs.p99,
      bytes: expected.length, headers, runs,
    };
    const lat = (r: LoadResult): string => `p50 ${formatNumber(r.latencyMs.p50, 2)} ms, p99 ${formatNumber(r.latencyMs.p99, 2)} ms`;
    const rows: BenchRow[] = [
      { bar: 'B5', what: `GET / (${part.what}, ${expected.length} B) through \`starc run\`, ${CONNECTIONS} conns`, value: `${formatNumber(starc.reqPerSec, 0)} req/s`, reference: lat(starc) },
      { bar: 'B5', what: `same bytes from bare node:http, ${CONNECTIONS} conns`, value: `${formatNumber(bare.reqPerSec, 0)} req/s`, reference: lat(bare) },
      {
        bar: 'B5', what: `${part.what} vs bare node:http (best of 2 each)`, value: `${formatNumber(ratio, 2)}×`,
        reference: `load: ${loadTool}`, target: `≥ ${BAR_RATIO}× bare node:http`, pass: ratio >= BAR_RATIO,
      },
    ];
    if (errors > 0) rows.push({ bar: 'B5', what: 'errors (non-2xx or socket) under load', value: String(errors), target: '0', pass: false });
    return { result, rows };
  } catch (error) {
    return failRow(`GET through the router: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await stop(children);
    process.off('exit', onExit);
    rmSync(tmp, { recursive: true, force: true });
  }
}

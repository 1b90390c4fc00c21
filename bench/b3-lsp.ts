// B3: the language server on a 5,000-line bind, through the real server: `dist/starc.mjs lsp --stdio` as a
// child process spoken to over JSON-RPC, as an editor does. Measured from the client:
// - change → diagnostics: an incremental didChange that edits one route (alternating a method, so every
//   change also changes the diagnostics), until the publishDiagnostics of that version arrives;
// - completion: a completion request inside a route, until its answer arrives.
// The bar is measured on a file a user would write: the generated routes of B1's generator (each document
// checks clean), concatenated without the top-level routes a route before them already matches, in a bundle
// that holds the artifacts they name. Concatenating the generator's documents as they are makes almost every
// later route unreachable (W0103 on ~1,700 routes, plus ~400 missing artifacts): that noisy file is kept as
// an informational row, since each publish there carries ~1 MB of JSON, which no incremental check removes.
// Plus, for information, a change that breaks the syntax (the whole-check path) and a whole check in-process.

import { spawn } from 'node:child_process';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundlePathOf } from '../compiler/bundle/check-artifacts.ts';
import { matchesEverything } from '../compiler/check/path-pattern.ts';
import { checkFile } from '../compiler/check-file.ts';
import { parseDocument } from '../grammar/parser.ts';
import { bundlePathsNamedIn } from '../lsp/workspace/workspace.ts';
import { prngChoices, renderBindDocument } from '../test/fuzz/generators.ts';
import { formatNumber, median, type BenchRow } from './table.ts';

const LINES = 5000;
const WARMUP = 5;
const RUNS = 60;
const BAR_DIAGNOSTICS_MS = 25;
const BAR_COMPLETION_MS = 10;

export interface B3Figures {
  readonly lines: number;
  readonly bytes: number;
  /** What the opened file reports (`starc check`'s count, with its bundle). */
  readonly diagnostics: number;
  readonly changeToDiagnosticsMs: { p50: number; p90: number };
  readonly completionMs: { p50: number; p90: number };
  readonly brokenChangeToDiagnosticsMs: { p50: number };
  readonly wholeCheckInProcessMs: { p50: number };
}

export interface B3Result extends B3Figures {
  /** The same measurements on the noisy file (for information). */
  readonly noisy: B3Figures;
}

/** The route the bench toggles: `Get` ↔ `Fetch` (E0102), about the middle of the file. */
const BENCH_ROUTE = '  Route<Http<Get>>/bench/(?P<id>[0-9]+) -> localhost:app:${id} => &;';

/**
 * A bind of about `lines` lines: generated routes (as B1's) under one header. `realistic` leaves out the
 * top-level routes an earlier top-level route already matches (what concatenation creates: every generated
 * document checks clean on its own); otherwise every generated body is kept whole.
 */
export function generateLargeBind(lines: number, options: { realistic?: boolean } = {}): string {
  const out: string[] = [];
  const seenPaths = new Set<string>();
  for (let i = 0; out.length < lines - 3; i++) {
    const text = renderBindDocument(prngChoices(0xb3 + i), 'bind', { routes: 40, minRoutes: 20, breadth: 5, depth: 2 });
    let body: string[];
    if (options.realistic) {
      const { ast } = parseDocument(text, 'bind');
      if (ast.kind !== 'BindDocument') continue;
      body = [];
      for (const scope of ast.body) {
        const path = scope.selector.path?.text;
        if (scope.pipeline && (matchesEverything(path) || seenPaths.has(path!))) continue;
        if (scope.pipeline) seenPaths.add(path!);
        body.push(...`  ${text.slice(scope.span.start, scope.span.end)}`.split('\n'));
      }
    } else {
      body = text.slice(text.indexOf('{') + 1, text.lastIndexOf('}')).split('\n').filter((l) => l.trim() !== '');
    }
    if (out.length < lines / 2 && out.length + body.length >= lines / 2) body.push(BENCH_ROUTE);
    out.push(...body);
  }
  return `Bind(version=1.0.0) {\n${out.join('\n')}\n}\n`;
}

/** The files `text` names in its bundle (`${doc.bundle}:/schema/x.json`), as a user's bundle holds them. */
function writeNamedArtifacts(bundleRoot: string, text: string): void {
  for (const named of bundlePathsNamedIn(text)) {
    const path = bundlePathOf(`\${doc.bundle}:/${named.replace(/\^.*$/, '')}`);
    if (!path) continue;
    const file = join(bundleRoot, ...path.split('/'));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, path.endsWith('.json') ? '{ "type": "object" }\n' : `${path}\n`);
  }
}

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;

async function measure(bin: string, text: string, options: { artifacts: boolean; completion: boolean }): Promise<B3Figures> {
  const dir = mkdtempSync(join(tmpdir(), 'starc-b3-'));
  const bundleRoot = join(dir, 'bundle');
  mkdirSync(join(bundleRoot, 'bind'), { recursive: true });
  const path = join(bundleRoot, 'bind', 'large.bind');
  writeFileSync(path, text);
  if (options.artifacts) writeNamedArtifacts(bundleRoot, text);
  const uri = pathToFileURL(path).href;
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes('/bench/'));
  const col = lines[line]!.indexOf('Get');
  const child = spawn(process.execPath, [bin, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const rpc = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const waiting = new Map<number, (count: number) => void>();
  rpc.onNotification('textDocument/publishDiagnostics', (p: { uri: string; version?: number; diagnostics: unknown[] }) => {
    if (p.uri === uri && p.version !== undefined) waiting.get(p.version)?.(p.diagnostics.length);
  });
  rpc.listen();
  try {
    await rpc.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(dir).href, capabilities: {} });
    rpc.sendNotification('initialized', {});
    let version = 1;
    const published = (v: number) => new Promise<number>((resolve) => waiting.set(v, resolve));
    let ready = published(1);
    rpc.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'starlane-bind', version, text } });
    const diagnosticsOnOpen = await ready;

    let method = 'Get';
    const change = async (range: { start: number; end: number }, newText: string, lineNo = line) => {
      version++;
      ready = published(version);
      const t0 = performance.now();
      rpc.sendNotification('textDocument/didChange', {
        textDocument: { uri, version },
        contentChanges: [{ range: { start: { line: lineNo, character: range.start }, end: { line: lineNo, character: range.end } }, text: newText }],
      });
      await ready;
      return performance.now() - t0;
    };
    const toggle = () => {
      const next = method === 'Get' ? 'Fetch' : 'Get';
      const range = { start: col, end: col + method.length };
      method = next;
      return change(range, next);
    };
    const diagnostics: number[] = [];
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const ms = await toggle();
      if (i >= WARMUP) diagnostics.push(ms);
    }
    const completion: number[] = [];
    const stopAt = lines[line]!.indexOf('localhost');
    for (let i = 0; options.completion && i < WARMUP + RUNS; i++) {
      const t0 = performance.now();
      await rpc.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line, character: i % 2 ? stopAt : col } });
      if (i >= WARMUP) completion.push(performance.now() - t0);
    }
    // A change that breaks the syntax (and its repair): the whole-check path.
    const broken: number[] = [];
    const semi = lines[line]!.lastIndexOf(';');
    for (let i = 0; i < 10; i++) {
      broken.push(await change({ start: semi, end: semi + 1 }, ''));
      await change({ start: semi, end: semi }, ';');
    }
    const whole: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      checkFile(path, text);
      whole.push(performance.now() - t0);
    }
    await rpc.sendRequest('shutdown');
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    await rpc.sendNotification('exit');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2000))]);
    return {
      lines: lines.length - 1,
      bytes: Buffer.byteLength(text),
      diagnostics: diagnosticsOnOpen,
      changeToDiagnosticsMs: { p50: median(diagnostics), p90: percentile(diagnostics, 0.9) },
      completionMs: completion.length ? { p50: median(completion), p90: percentile(completion, 0.9) } : { p50: NaN, p90: NaN },
      brokenChangeToDiagnosticsMs: { p50: median(broken) },
      wholeCheckInProcessMs: { p50: median(whole) },
    };
  } finally {
    if (child.exitCode === null) child.kill();
    rpc.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runB3(bin = process.env['STARC_BENCH_BIN'] ?? 'dist/starc.mjs'): Promise<{ result: B3Result; rows: BenchRow[] }> {
  const main = await measure(bin, generateLargeBind(LINES, { realistic: true }), { artifacts: true, completion: true });
  const noisy = await measure(bin, generateLargeBind(LINES), { artifacts: false, completion: false });
  const result: B3Result = { ...main, noisy };
  const kb = (f: B3Figures) => `${formatNumber(f.bytes / 1024, 0)} KB`;
  const rows: BenchRow[] = [
    { bar: 'B3', what: `LSP change → diagnostics, ${main.lines} lines (${kb(main)}, ${main.diagnostics} diagnostics), over stdio`, value: `${formatNumber(main.changeToDiagnosticsMs.p50)} ms p50`, reference: `p90 ${formatNumber(main.changeToDiagnosticsMs.p90)} ms`, target: `≤ ${BAR_DIAGNOSTICS_MS} ms`, pass: main.changeToDiagnosticsMs.p50 <= BAR_DIAGNOSTICS_MS },
    { bar: 'B3', what: `LSP completion, ${main.lines} lines, over stdio`, value: `${formatNumber(main.completionMs.p50)} ms p50`, reference: `p90 ${formatNumber(main.completionMs.p90)} ms`, target: `≤ ${BAR_COMPLETION_MS} ms`, pass: main.completionMs.p50 <= BAR_COMPLETION_MS },
    { bar: 'B3', what: 'LSP change that breaks the syntax (whole check)', value: `${formatNumber(main.brokenChangeToDiagnosticsMs.p50)} ms p50`, reference: `whole check in-process ${formatNumber(main.wholeCheckInProcessMs.p50)} ms` },
    { bar: 'B3', what: `LSP change → diagnostics, noisy file: ${noisy.lines} lines, ${noisy.diagnostics} diagnostics (~1 MB per publish)`, value: `${formatNumber(noisy.changeToDiagnosticsMs.p50)} ms p50`, reference: `p90 ${formatNumber(noisy.changeToDiagnosticsMs.p90)} ms; syntax-breaking ${formatNumber(noisy.brokenChangeToDiagnosticsMs.p50)} ms` },
  ];
  return { result, rows };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { rows } = await runB3();
  for (const r of rows) console.log(`${r.bar}  ${r.what}: ${r.value} (${r.reference ?? ''}) ${r.target ?? ''} ${r.pass === undefined ? '' : r.pass ? 'PASS' : 'FAIL'}`);
}

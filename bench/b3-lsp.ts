// B3: the language server on a 5,000-line bind, through the real server: `dist/starc.mjs lsp --stdio` as a
// child process spoken to over JSON-RPC, as an editor does. Measured from the client:
// - change → diagnostics: an incremental didChange that edits one route (alternating a method, so every
//   change also changes the diagnostics), until the publishDiagnostics of that version arrives;
// - completion: a completion request inside a route, until its answer arrives.
// Plus, for information, the same edits as one whole re-check in-process (what the incremental path saves)
// and a change that breaks the syntax (which takes the whole-check path).

import { spawn } from 'node:child_process';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkFile } from '../compiler/check-file.ts';
import { prngChoices, renderBindDocument } from '../test/fuzz/generators.ts';
import { formatNumber, median, type BenchRow } from './table.ts';

const LINES = 5000;
const WARMUP = 5;
const RUNS = 60;
const BAR_DIAGNOSTICS_MS = 25;
const BAR_COMPLETION_MS = 10;

export interface B3Result {
  readonly lines: number;
  readonly bytes: number;
  readonly changeToDiagnosticsMs: { p50: number; p90: number };
  readonly completionMs: { p50: number; p90: number };
  readonly brokenChangeToDiagnosticsMs: { p50: number };
  readonly wholeCheckInProcessMs: { p50: number };
}

/** A bind of `lines` lines: generated routes (as B1's), one per line, under one header. */
export function generateLargeBind(lines: number): string {
  // Whole generated bodies (blocks are never cut), to `lines` in all.
  const out: string[] = [];
  for (let i = 0; out.length < lines - 3; i++) {
    const text = renderBindDocument(prngChoices(0xb3 + i), 'bind', { routes: 40, minRoutes: 20, breadth: 5, depth: 2 });
    const body = text.slice(text.indexOf('{') + 1, text.lastIndexOf('}')).split('\n').filter((l) => l.trim() !== '');
    // A route whose method the bench toggles: `Get` ↔ `Fetch` (E0102), about the middle of the file.
    if (out.length < lines / 2 && out.length + body.length >= lines / 2) body.push('  Route<Http<Get>>/bench/(?P<id>[0-9]+) -> localhost:app:${id} => &;');
    out.push(...body);
  }
  return `Bind(version=1.0.0) {\n${out.join('\n')}\n}\n`;
}

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;

export async function runB3(bin = process.env['STARC_BENCH_BIN'] ?? 'dist/starc.mjs'): Promise<{ result: B3Result; rows: BenchRow[] }> {
  const text = generateLargeBind(LINES);
  const dir = mkdtempSync(join(tmpdir(), 'starc-b3-'));
  mkdirSync(join(dir, 'bundle', 'bind'), { recursive: true });
  const path = join(dir, 'bundle', 'bind', 'large.bind');
  writeFileSync(path, text);
  const uri = pathToFileURL(path).href;
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes('/bench/'));
  const col = lines[line]!.indexOf('Get');
  const child = spawn(process.execPath, [bin, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const rpc = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const waiting = new Map<number, () => void>();
  rpc.onNotification('textDocument/publishDiagnostics', (p: { uri: string; version?: number }) => {
    if (p.uri === uri && p.version !== undefined) waiting.get(p.version)?.();
  });
  rpc.listen();
  try {
    await rpc.sendRequest('initialize', { processId: process.pid, rootUri: pathToFileURL(dir).href, capabilities: {} });
    rpc.sendNotification('initialized', {});
    let version = 1;
    const published = (v: number) => new Promise<void>((resolve) => waiting.set(v, resolve));
    let ready = published(1);
    rpc.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'starlane-bind', version, text } });
    await ready;

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
    for (let i = 0; i < WARMUP + RUNS; i++) {
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
    rpc.sendNotification('exit');

    const result: B3Result = {
      lines: lines.length - 1,
      bytes: Buffer.byteLength(text),
      changeToDiagnosticsMs: { p50: median(diagnostics), p90: percentile(diagnostics, 0.9) },
      completionMs: { p50: median(completion), p90: percentile(completion, 0.9) },
      brokenChangeToDiagnosticsMs: { p50: median(broken) },
      wholeCheckInProcessMs: { p50: median(whole) },
    };
    const kb = `${formatNumber(result.bytes / 1024, 0)} KB`;
    const rows: BenchRow[] = [
      { bar: 'B3', what: `LSP change → diagnostics, ${result.lines} lines (${kb}), over stdio`, value: `${formatNumber(result.changeToDiagnosticsMs.p50)} ms p50`, reference: `p90 ${formatNumber(result.changeToDiagnosticsMs.p90)} ms`, target: `≤ ${BAR_DIAGNOSTICS_MS} ms`, pass: result.changeToDiagnosticsMs.p50 <= BAR_DIAGNOSTICS_MS },
      { bar: 'B3', what: `LSP completion, ${result.lines} lines, over stdio`, value: `${formatNumber(result.completionMs.p50)} ms p50`, reference: `p90 ${formatNumber(result.completionMs.p90)} ms`, target: `≤ ${BAR_COMPLETION_MS} ms`, pass: result.completionMs.p50 <= BAR_COMPLETION_MS },
      { bar: 'B3', what: 'LSP change that breaks the syntax (whole check)', value: `${formatNumber(result.brokenChangeToDiagnosticsMs.p50)} ms p50`, reference: `whole check in-process ${formatNumber(result.wholeCheckInProcessMs.p50)} ms` },
    ];
    return { result, rows };
  } finally {
    if (child.exitCode === null) child.kill();
    rpc.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { rows } = await runB3();
  for (const r of rows) console.log(`${r.bar}  ${r.what}: ${r.value} (${r.reference ?? ''}) ${r.target ?? ''} ${r.pass === undefined ? '' : r.pass ? 'PASS' : 'FAIL'}`);
}

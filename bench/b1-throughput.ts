// B1: `checkSource` throughput on ~10 MB of generated bind/router source, against `JSON.parse` on as many bytes,
// with lex-only and parse-only figures to show where the time goes.

import { build } from 'esbuild';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FileKind } from '../grammar/ast.ts';
import { prngChoices, renderBindDocument, type Choices } from '../test/fuzz/generators.ts';
import { formatNumber, median, type BenchRow } from './table.ts';

const TARGET_BYTES = 10_000_000;
const SINGLE_FILE_BYTES = 2_000_000;
const BAR_MB_PER_S = 20;
const WARMUP_RUNS = 1;
const MEASURED_RUNS = 5;
const SEED = 0xb1;

interface Source {
  readonly fileKind: FileKind;
  readonly text: string;
}

export interface Throughput {
  readonly bestMBps: number;
  readonly medianMBps: number;
  readonly runsMs: readonly number[];
}

export interface B1Result {
  readonly bytes: number;
  readonly files: number;
  readonly errorsInSource: number;
  readonly warningsInSource: number;
  /** Generated files the checker threw on, left out of the timed runs. */
  readonly filesThatThrew: number;
  readonly check: Throughput;
  readonly jsonParse: Throughput;
  /** check ÷ JSON.parse, medians. */
  readonly ratioToJsonParse: number;
  readonly lexOnly?: Throughput;
  readonly parseOnly: Throughput;
  readonly singleFile: Throughput & { readonly bytes: number };
}

/** Bind and router documents of a few hundred routes each (~30–60 KB, as large real ones get), to `bytes` in all. */
export function generateBindSources(bytes: number, seed = SEED): Source[] {
  const sources: Source[] = [];
  let total = 0;
  for (let i = 0; total < bytes; i++) {
    const fileKind = i % 3 === 2 ? 'router' : 'bind';
    const text = renderBindDocument(prngChoices(seed + i), fileKind, { routes: 300, minRoutes: 100, breadth: 5, depth: 2 });
    sources.push({ fileKind, text });
    total += Buffer.byteLength(text, 'utf8');
  }
  return sources;
}

/**
 * One bind document of about `bytes`, the bodies of the B1 bind files joined under one header: how checking
 * scales with file size (a check quadratic in routes shows here, not in B1).
 */
function generateSingleFile(bytes: number, sources: readonly Source[]): Source {
  const bodies: string[] = [];
  let size = 0;
  for (const s of sources) {
    if (s.fileKind !== 'bind' || size >= bytes) continue;
    const body = s.text.slice(s.text.indexOf('{') + 1, s.text.lastIndexOf('}'));
    bodies.push(body);
    size += Buffer.byteLength(body, 'utf8');
  }
  return { fileKind: 'bind', text: `Bind(version=1.0.0) {\n${bodies.join('\n')}\n}\n` };
}

/** A JSON document of at least `bytes`: the route tables a bind compiles to, as the runtime reads them. */
export function generateJson(bytes: number, seed = SEED): string {
  const c: Choices = prngChoices(seed);
  const pick = <T>(items: readonly T[]): T => items[c.below(items.length)]!;
  const routes: unknown[] = [];
  let size = 2;
  while (size < bytes) {
    const route = {
      waveKind: pick(['Http', 'Ext', 'Cmd']),
      method: pick(['Get', 'Post', 'Put', 'Delete', 'Hello', 'SignUp']),
      pathRegex: pick(['^/users/(?<user>[a-z-]+)$', '^/static/(?<file>.+)$', '^/api/signup$', '^/.*$']),
      captures: pick([[], ['user'], ['file', 'path']]),
      filters: c.below(4) === 0 ? [{ name: 'auth', args: { role: 'admin' } }] : [],
      pipeline: [
        { step: { dir: 'request', pattern: c.below(3) === 0 ? { kind: 'Map', entries: { username: 'Text', password: 'Text' } } : null }, stop: { kind: 'point', point: `localhost:app:${pick(['users', 'site', 'admin'])}` } },
        { step: { dir: 'response', pattern: null }, stop: { kind: 'reply' } },
      ],
      comment: pick(['', 'routes for the site', 'unicode é ✓']),
    };
    const json = JSON.stringify(route);
    routes.push(route);
    size += Buffer.byteLength(json, 'utf8') + 1;
  }
  return JSON.stringify(routes);
}

/** Runs `fn` after warm-up; returns the time of each measured run in ms. */
export function timeRuns(fn: () => void, warmup = WARMUP_RUNS, runs = MEASURED_RUNS): number[] {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  return times;
}

function throughput(bytes: number, runsMs: readonly number[]): Throughput {
  const mbps = (ms: number): number => bytes / 1e6 / (ms / 1000);
  return { bestMBps: mbps(Math.min(...runsMs)), medianMBps: mbps(median(runsMs)), runsMs };
}

type LexFunction = (text: string, fileKind: FileKind) => unknown;

/** The compiler front half as the CLI runs it: bundled by esbuild, so the figures are those of shipped code. */
export interface CompiledFrontEnd {
  readonly checkSource: typeof import('../compiler/check-file.ts').checkSource;
  readonly parseDocument: typeof import('../grammar/parser.ts').parseDocument;
  /** grammar/lexer.ts's `lex`, if it exports one (an internal of the parser). */
  readonly lex: LexFunction | undefined;
}

let compiled: Promise<CompiledFrontEnd> | undefined;

/**
 * Bundles check-file, parser and lexer to bench/out/build/ and loads them. Not the TypeScript sources under
 * tsx: tsx keeps function names with a helper call per closure, and the parser's embedded actions make closures
 * on every rule call, so under tsx over a tenth of parse time (profiled) goes to a cost the shipped bundle lacks.
 */
export function loadCompiledFrontEnd(): Promise<CompiledFrontEnd> {
  compiled ??= (async () => {
    const repo = (path: string): string => fileURLToPath(new URL(`../${path}`, import.meta.url));
    const outdir = repo('bench/out/build');
    await build({
      entryPoints: { 'check-file': repo('compiler/check-file.ts'), parser: repo('grammar/parser.ts'), lexer: repo('grammar/lexer.ts') },
      outdir, outExtension: { '.js': '.mjs' }, bundle: true, splitting: true, platform: 'node', format: 'esm',
      target: 'node20', logLevel: 'warning',
    });
    const load = (name: string): Promise<Record<string, unknown>> => import(pathToFileURL(`${outdir}/${name}.mjs`).href);
    const [checkFile, parser, lexer] = await Promise.all([load('check-file'), load('parser'), load('lexer')]);
    return {
      checkSource: checkFile.checkSource as CompiledFrontEnd['checkSource'],
      parseDocument: parser.parseDocument as CompiledFrontEnd['parseDocument'],
      lex: typeof lexer.lex === 'function' ? (lexer.lex as LexFunction) : undefined,
    };
  })();
  return compiled;
}

export async function runB1(): Promise<{ result: B1Result; rows: BenchRow[] }> {
  const { checkSource, parseDocument, lex } = await loadCompiledFrontEnd();
  // The generated source should check clean; the last rows count what does not (a generator or checker bug).
  // Files the checker throws on are left out, so that the timed runs measure checking, not crashing.
  const sources: Source[] = [];
  let generated = 0;
  let errorsInSource = 0;
  let warningsInSource = 0;
  let bytes = 0;
  for (let round = 0; bytes < TARGET_BYTES && round < 10; round++) {
    for (const s of generateBindSources(TARGET_BYTES - bytes, SEED + round * 100_003)) {
      generated++;
      try {
        for (const d of checkSource(s.text, s.fileKind)) {
          if (d.severity === 'error') errorsInSource++;
          else warningsInSource++;
        }
      } catch {
        continue; // left out, counted below
      }
      sources.push(s);
      bytes += Buffer.byteLength(s.text, 'utf8');
    }
  }
  const thrown = generated - sources.length;

  let sink = 0; // results feed a sink, so no run can be optimised away
  const check = throughput(bytes, timeRuns(() => {
    for (const s of sources) sink += checkSource(s.text, s.fileKind).length;
  }));
  const json = generateJson(bytes);
  const jsonBytes = Buffer.byteLength(json, 'utf8');
  const jsonParse = throughput(jsonBytes, timeRuns(() => {
    sink += (JSON.parse(json) as unknown[]).length;
  }));
  const parseOnly = throughput(bytes, timeRuns(() => {
    for (const s of sources) sink += parseDocument(s.text, s.fileKind).diagnostics.length;
  }));
  const lexOnly = lex && throughput(bytes, timeRuns(() => {
    for (const s of sources) sink += lex(s.text, s.fileKind) ? 1 : 0;
  }));
  const single = generateSingleFile(SINGLE_FILE_BYTES, sources);
  const singleBytes = Buffer.byteLength(single.text, 'utf8');
  const singleFile = { ...throughput(singleBytes, timeRuns(() => {
    sink += checkSource(single.text, single.fileKind).length;
  }, 1, 3)), bytes: singleBytes };
  if (sink < 0) console.log(sink);

  const ratioToJsonParse = check.medianMBps / jsonParse.medianMBps;
  const result: B1Result = {
    bytes, files: sources.length, errorsInSource, warningsInSource, filesThatThrew: thrown, check, jsonParse, ratioToJsonParse,
    ...(lexOnly && { lexOnly }), parseOnly, singleFile,
  };
  const mb = (n: number): string => `${formatNumber(n / 1e6)} MB`;
  const rate = (t: Throughput): string => `${formatNumber(t.medianMBps)} MB/s (best ${formatNumber(t.bestMBps)})`;
  const rows: BenchRow[] = [
    {
      bar: 'B1', what: `checkSource, ${mb(bytes)} in ${sources.length} bind/router files`, value: rate(check),
      target: `≥ ${BAR_MB_PER_S} MB/s`, pass: check.medianMBps >= BAR_MB_PER_S,
    },
    {
      bar: 'B1', what: 'checkSource ÷ JSON.parse, same bytes', value: `${formatNumber(ratioToJsonParse, 3)}×`,
      reference: `JSON.parse ${rate(jsonParse)} on ${mb(jsonBytes)}`,
    },
    ...(lexOnly ? [{ bar: 'B1', what: 'lex only', value: rate(lexOnly) }] : []),
    { bar: 'B1', what: 'parse only (lex + parse)', value: rate(parseOnly) },
    { bar: 'B1', what: `checkSource, one ${mb(singleBytes)} file`, value: rate(singleFile) },
    {
      bar: 'B1', what: 'errors in the generated source', value: `${errorsInSource} (and ${warningsInSource} warnings)`,
      reference: 'generated to check clean: an error is a generator or checker bug',
    },
    ...(thrown > 0 ? [{
      bar: 'B1', what: 'generated files the checker threw on', value: `${thrown} of ${generated}`,
      reference: 'left out of the timed runs; see R1',
    }] : []),
  ];
  return { result, rows };
}

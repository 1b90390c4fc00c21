// R1 in every test run: generated and mutated documents of all five kinds through `checkSource`. Nothing throws,
// every diagnostic is well formed, generated valid documents check clean, and one deleted character gives few errors.
// Deterministic: a fixed seed, or `FUZZ_SEED=n`; `FUZZ_COUNT=n` changes the number of mutated inputs.

import fc from 'fast-check';
import { test } from 'uvu';
import { checkSource } from '../compiler/check-file.ts';
import { checkKind, parseKindText } from '../compiler/check/kind.ts';
import { parsePoint } from '../compiler/check/point.ts';
import { Reporter } from '../compiler/check/report.ts';
import { CODES } from '../compiler/diagnostics/registry.ts';
import type { Diagnostic } from '../grammar/diagnostic.ts';
import type { Span } from '../grammar/span.ts';
import {
  anyValidDocumentArb, fuzzInputArb, kindArb, loadCorpus, pointArb, singleDeletionArb, type SourceDoc,
} from './fuzz/generators.ts';

const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : 20_240_611;
const FUZZ_RUNS = process.env.FUZZ_COUNT !== undefined ? Number(process.env.FUZZ_COUNT) : 20_000;
const VALID_RUNS = 3_000;
const DELETION_RUNS = 2_000;
const POINT_RUNS = 2_000;
/** The weak form of "one mistake, one diagnostic": a deleted character may not cascade past this many errors. */
const MAX_ERRORS_PER_DELETION = 3;

const corpus = loadCorpus();

/** What is wrong with one diagnostic of `text`, if anything (registry, spans, message style per SPEC §9). */
function diagnosticProblems(d: Diagnostic, text: string): string[] {
  const problems: string[] = [];
  const info = CODES.get(d.code);
  if (!info) problems.push(`code \`${d.code}\` is not in the registry`);
  else if (info.severity !== d.severity) problems.push(`${d.code} has severity ${d.severity}, the registry says ${info.severity}`);
  const spans: [string, Span][] = [
    ['primary span', d.primary.span],
    ...d.secondary.map((l, i): [string, Span] => [`secondary span ${i}`, l.span]),
    ...d.suggestions.flatMap((s, i) => s.edits.map((e, j): [string, Span] => [`edit ${j} of suggestion ${i}`, e.span])),
  ];
  for (const [what, span] of spans) {
    const ok = Number.isInteger(span.start) && Number.isInteger(span.end) && span.start >= 0 && span.start <= span.end && span.end <= text.length;
    if (!ok) problems.push(`${what} ${span.start}..${span.end} is outside 0..${text.length}`);
  }
  if (typeof d.message !== 'string' || d.message.length === 0) problems.push('empty message');
  else {
    if (!/^[^A-Z\s]/.test(d.message)) problems.push(`message does not start lowercase: ${JSON.stringify(d.message)}`);
    if (/[^.]\.$/.test(d.message)) problems.push(`message ends with a period: ${JSON.stringify(d.message)}`);
  }
  for (const line of [...d.notes, ...d.help]) if (typeof line !== 'string' || line.trim() === '') problems.push('empty note or help line');
  return problems;
}

function describe(d: Diagnostic, text: string): string {
  const { start, end } = d.primary.span;
  return `${d.code} at ${start}..${end} ${JSON.stringify(text.slice(start, end))}: ${d.message}`;
}

/** Checks `doc`, failing on a throw or a malformed diagnostic; returns the diagnostics. */
function checkWellFormed(doc: SourceDoc): Diagnostic[] {
  const diagnostics = checkSource(doc.text, doc.fileKind);
  const problems = diagnostics.flatMap((d) => diagnosticProblems(d, doc.text).map((p) => `${p} (${describe(d, doc.text)})`));
  if (problems.length > 0) throw new Error(`malformed diagnostics for a ${doc.fileKind} document:\n  ${problems.join('\n  ')}`);
  return diagnostics;
}

function errorsOf(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.severity === 'error');
}

/**
 * At most this many shrink candidates per failure: a document shrinks through its choice array, and unbounded
 * shrinking of one failure took minutes; this many still gets it down to a few lines.
 */
const MAX_SHRINKS = 2_000;

/** Runs a property with the run's seed; a failure names the seed that reproduces it. */
function assertProperty<T>(arb: fc.Arbitrary<T>, runs: number, predicate: (value: T) => void): void {
  try {
    fc.assert(fc.property(fc.limitShrink(arb, MAX_SHRINKS), predicate), { seed: SEED, numRuns: runs });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const cause = error instanceof Error && error.cause instanceof Error ? `\n${error.cause.stack ?? error.cause.message}` : '';
    throw new Error(`reproduce with FUZZ_SEED=${SEED}\n${message}${cause}`);
  }
}

test(`generated valid documents check with zero errors (${VALID_RUNS} documents)`, () => {
  assertProperty(anyValidDocumentArb, VALID_RUNS, (doc) => {
    const errors = errorsOf(checkWellFormed(doc));
    if (errors.length > 0) {
      throw new Error(`a generated ${doc.fileKind} document has errors:\n  ${errors.map((d) => describe(d, doc.text)).join('\n  ')}`);
    }
  });
});

test(`generated points and kinds parse clean (${POINT_RUNS} of each)`, () => {
  assertProperty(fc.tuple(pointArb, kindArb), POINT_RUNS, ([point, kind]) => {
    const reporter = new Reporter();
    parsePoint({ text: point, span: { start: 0, end: point.length } }, reporter);
    const ref = parseKindText(kind, 0);
    if (!ref) throw new Error(`kind \`${kind}\` is not kind-shaped`);
    checkKind(ref, reporter);
    const errors = errorsOf(reporter.diagnostics);
    if (errors.length > 0) throw new Error(`errors:\n  ${errors.map((d) => describe(d, `${point} / ${kind}`)).join('\n  ')}`);
  });
});

test(`generated and mutated inputs never throw and give well-formed diagnostics (${FUZZ_RUNS} inputs, ${corpus.length} corpus files)`, () => {
  assertProperty(fuzzInputArb(corpus), FUZZ_RUNS, (doc) => {
    checkWellFormed(doc);
  });
});

test(`one deleted character gives at most ${MAX_ERRORS_PER_DELETION} errors (${DELETION_RUNS} documents)`, () => {
  assertProperty(singleDeletionArb, DELETION_RUNS, ({ mutated }) => {
    const errors = errorsOf(checkWellFormed(mutated));
    if (errors.length > MAX_ERRORS_PER_DELETION) {
      throw new Error(`${errors.length} errors for one deleted character:\n  ${errors.map((d) => describe(d, mutated.text)).join('\n  ')}`);
    }
  });
});

test.run();

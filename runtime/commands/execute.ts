// Executes SPEC §8's commands against the registry: a script is parsed and checked as the compiler checks it
// (any error: nothing runs, the diagnostics come back as values), then run in order, stopping at the first
// failure. Every result is plain data; user mistakes are values, never exceptions.
//
// Publish: the source (a bundle folder, an app dir holding one bundle, or a `.zip`) is read into memory, checked
// and lowered by compiler/ir/build.ts (`buildSources`, the same code as `starc build`); a bundle with an error is
// refused with its reports. What is stored is exactly the bundle's files, nothing added: the IR is *not* stored
// as an artifact, because it depends on the compiler's version while a published version's files never change
// (a newer starc's `publish?` would otherwise see "other contents"). `buildStoredBundle` rebuilds the IR from
// the stored files, deterministically, whenever the runtime needs it.

import { readFileSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import type { Command, CreateCommand, KindRef, Prop, PublishCommand, ScriptDocument } from '../../grammar/ast.ts';
import type { Diagnostic } from '../../grammar/diagnostic.ts';
import { parseDocument } from '../../grammar/parser.ts';
import type { Span } from '../../grammar/span.ts';
import { checkSource, fileKindOfPath } from '../../compiler/check-file.ts';
import type { BundleFiles } from '../../compiler/bundle/bundle-files.ts';
import { readZip } from '../../compiler/bundle/zip.ts';
import { bundleFileList, buildSources, locateBundle, type BuildResult, type BundleSource } from '../../compiler/ir/build.ts';
import type { FileReport } from '../../compiler/diagnostics/render.ts';
import type { Ir } from '../../compiler/ir/types.ts';
import type { Store } from '../store/store.ts';
import type { PropOp, StoreEvent } from '../store/types.ts';

/** What `send` hands to the mesh; the runtime (`starc run`) provides it. */
export type SendFn = (point: string, method: string, path: string | undefined, body: string | undefined) => Promise<unknown>;

export interface CommandContext {
  readonly store: Store;
  /** `publish ^[ path ]` is relative to this (the script's folder). */
  readonly baseDir: string;
  /** `${self}`, `${doc.bundle}`, ...: names without `${ }`, substituted into points before use. */
  readonly variables?: Readonly<Record<string, string>>;
  /** Delegates `send`; without it `send` fails (it needs a running mesh). */
  readonly send?: SendFn;
  /** Receives the events of every `watch`; without it they are buffered in the handle's `events`. */
  readonly onEvent?: (point: string, event: StoreEvent) => void;
  /** Where `watch` records its handles; the caller closes them (`closeWatches`). */
  readonly watches?: WatchHandle[];
  /** How the script is named in its diagnostics; defaults to `<script>`. */
  readonly scriptPath?: string;
}

export interface WatchHandle {
  readonly point: string;
  /** Events seen while no `onEvent` was given. */
  readonly events: StoreEvent[];
  close(): void;
}

export interface CommandError {
  /** A store code (`E0406`, `parent-missing`, `exists`, ...) or one of `check-failed`, `bundle-errors`,
   *  `bad-source`, `unknown-variable`, `no-mesh`, `send-failed`. */
  readonly code: string;
  /** Lowercase, no trailing period, names in backticks. */
  readonly message: string;
  /** For `check-failed` and `bundle-errors`: the files and their diagnostics, for the compiler's renderers. */
  readonly reports?: readonly FileReport[];
}

export type CommandResult =
  | { readonly command: string; readonly span: Span; readonly ok: true; readonly value: unknown }
  | { readonly command: string; readonly span: Span; readonly ok: false; readonly error: CommandError };

type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: CommandError };

const EXIT = Symbol('exit');

/** Parse, check, then run every command in order; stops after the first failure or `exit`. */
export async function executeScript(text: string, ctx: CommandContext): Promise<CommandResult[]> {
  const diagnostics = checkSource(text, 'script');
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) return [checkFailed(text, diagnostics, errors, ctx)];
  const { ast } = parseDocument(text, 'script');
  const results: CommandResult[] = [];
  for (const command of (ast as ScriptDocument).commands) {
    const outcome = await runCommand(command, ctx);
    const commandText = text.slice(command.span.start, command.span.end);
    if (outcome === EXIT) {
      results.push({ command: commandText, span: command.span, ok: true, value: { exit: true } });
      break;
    }
    results.push({ command: commandText, span: command.span, ...outcome });
    if (!outcome.ok) break;
  }
  return results;
}

/** One command, already checked (the REPL checks each line first). `text` is its source, for the result. */
export async function executeCommand(command: Command, ctx: CommandContext, text?: string): Promise<CommandResult> {
  const outcome = await runCommand(command, ctx);
  const commandText = text === undefined ? command.keyword.text : text.slice(command.span.start, command.span.end);
  if (outcome === EXIT) return { command: commandText, span: command.span, ok: true, value: { exit: true } };
  return { command: commandText, span: command.span, ...outcome };
}

/** Close every watch a script opened. */
export function closeWatches(watches: WatchHandle[]): void {
  for (const w of watches.splice(0)) w.close();
}

function checkFailed(text: string, diagnostics: readonly Diagnostic[], errors: readonly Diagnostic[], ctx: CommandContext): CommandResult {
  const n = errors.length;
  return {
    command: text,
    span: { start: 0, end: text.length },
    ok: false,
    error: {
      code: 'check-failed',
      message: `the script has ${n} error${n === 1 ? '' : 's'} (${[...new Set(errors.map((d) => d.code))].join(', ')}): nothing ran`,
      reports: [{ path: ctx.scriptPath ?? '<script>', text, diagnostics }],
    },
  };
}

function failure(code: string, message: string, reports?: readonly FileReport[]): Outcome {
  return { ok: false, error: { code, message, ...(reports ? { reports } : {}) } };
}

async function runCommand(command: Command, ctx: CommandContext): Promise<Outcome | typeof EXIT> {
  switch (command.kind) {
    case 'CreateCommand':
      return create(command, ctx);
    case 'PublishCommand':
      return publish(command, ctx);
    case 'SelectCommand': {
      const pattern = substitute(command.pattern?.text ?? '**', ctx);
      if (!pattern.ok) return pattern;
      const kind = command.particleKind ? kindText(command.particleKind) : undefined;
      return ctx.store.select(pattern.value, kind);
    }
    case 'SetCommand': {
      const point = substitute(command.point?.text, ctx);
      if (!point.ok) return point;
      const ops = propOps(command.props, ctx);
      if (!ops.ok) return ops;
      return ctx.store.set(point.value, ops.value);
    }
    case 'GetCommand': {
      const point = substitute(command.point?.text, ctx);
      if (!point.ok) return point;
      if (command.keys.length === 0) return ctx.store.get(point.value);
      return ctx.store.getProperties(
        point.value,
        command.keys.map((k) => k.text),
      );
    }
    case 'DeleteCommand': {
      const point = substitute(command.point?.text, ctx);
      if (!point.ok) return point;
      return ctx.store.delete(point.value, { ensure: command.ensure });
    }
    case 'WatchCommand': {
      const point = substitute(command.point?.text, ctx);
      if (!point.ok) return point;
      return watch(point.value, ctx);
    }
    case 'SendCommand': {
      const point = substitute(command.point?.text, ctx);
      if (!point.ok) return point;
      if (!ctx.send) return failure('no-mesh', 'send needs a running mesh (starc run)');
      const method = command.method ? command.method.waveKind.text + (command.method.method ? `<${command.method.method.text}>` : '') : '';
      try {
        return { ok: true, value: await ctx.send(point.value, method, command.path?.text, command.body?.text) };
      } catch (e) {
        return failure('send-failed', `send to \`${point.value}\` failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    case 'ExitCommand':
      return EXIT;
  }
}

function create(command: CreateCommand, ctx: CommandContext): Outcome {
  const written = substitute(command.point?.text, ctx);
  if (!written.ok) return written;
  if (!command.particleKind) return failure('E0602', '`create` needs a kind');
  const ops = propOps(command.props ?? [], ctx);
  if (!ops.ok) return ops;
  // `%`: the written point is the parent; the runtime picks a fresh last segment.
  const point = command.generated ? `${written.value}:${generatedSegment(ctx, written.value)}` : written.value;
  return ctx.store.create(point, kindText(command.particleKind), ops.value, command.mode);
}

function generatedSegment(ctx: CommandContext, parent: string): string {
  for (;;) {
    const segment = `p${Math.random().toString(36).slice(2, 10)}`;
    if (!ctx.store.get(`${parent}:${segment}`).ok) return segment;
  }
}

function watch(point: string, ctx: CommandContext): Outcome {
  const events: StoreEvent[] = [];
  const listener = ctx.onEvent ? (e: StoreEvent) => ctx.onEvent!(point, e) : (e: StoreEvent) => void events.push(e);
  const subscribed = ctx.store.watch(point, listener);
  if (!subscribed.ok) return subscribed;
  const handle: WatchHandle = { point, events, close: subscribed.value };
  ctx.watches?.push(handle);
  return { ok: true, value: { watching: point } };
}

// ---------------------------------------------------------------------------------------------------------------
// publish

async function publish(command: PublishCommand, ctx: CommandContext): Promise<Outcome> {
  const target = substitute(command.target?.text, ctx);
  if (!target.ok) return target;
  if (!command.source) return failure('E0602', '`publish` needs a source');
  const read = readBundleSource(command.source.text, ctx.baseDir);
  if ('problem' in read) return failure('bad-source', read.problem);
  const built = buildInMemory(read.files, read.shownRoot, read.name);
  if (!built.ir) {
    const errors = built.reports.reduce((n, r) => n + r.diagnostics.filter((d) => d.severity === 'error').length, 0);
    const withErrors = built.reports.filter((r) => r.diagnostics.some((d) => d.severity === 'error'));
    return failure(
      'bundle-errors',
      `bundle \`${read.shownRoot}\` has ${errors} error${errors === 1 ? '' : 's'}: not published`,
      withErrors,
    );
  }
  const published = ctx.store.publishBundle(target.value, read.files, { ensure: command.ensure });
  if (!published.ok) return published;
  return {
    ok: true,
    value: { bundle: published.value.bundle.point, artifacts: published.value.artifacts, created: published.value.created },
  };
}

interface ReadSource {
  readonly files: Map<string, Uint8Array>;
  readonly shownRoot: string;
  readonly name: string | undefined;
}

/** The bundle's files, bundle-relative and sorted, from a folder (or an app dir's one bundle) or a `.zip`. */
function readBundleSource(source: string, baseDir: string): ReadSource | { problem: string } {
  const abs = isAbsolute(source) ? source : resolve(baseDir, source);
  const shown = relative(baseDir, abs) || '.';
  let isFile: boolean;
  try {
    isFile = statSync(abs).isFile();
  } catch {
    return { problem: `bundle source \`${shown}\` does not exist` };
  }
  if (isFile) {
    if (!/\.zip$/i.test(abs)) return { problem: `bundle source \`${shown}\` is not a bundle directory or \`.zip\`` };
    const zip = readZip(readFileSync(abs));
    if ('problem' in zip) return { problem: `cannot read \`${shown}\`: ${zip.problem}` };
    const files = new Map<string, Uint8Array>();
    for (const e of [...zip.entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
      if (e.path.endsWith('/')) continue; // directory entries
      files.set(e.path, e.bytes);
    }
    return { files, shownRoot: shown, name: basename(abs).replace(/\.zip$/i, '') };
  }
  const located = locateBundle(abs);
  if ('problem' in located) return { problem: located.problem + (located.help ? ` (${located.help})` : '') };
  const files = new Map<string, Uint8Array>();
  for (const f of bundleFileList(located.ok.root)) files.set(f, readFileSync(join(located.ok.root, ...f.split('/'))));
  return { files, shownRoot: relative(baseDir, located.ok.root) || '.', name: located.ok.name };
}

/** Check and lower a bundle held in memory (path → bytes), as `starc build` does a folder. */
export function buildInMemory(files: ReadonlyMap<string, Uint8Array>, shownRoot: string, name: string | undefined): BuildResult {
  const bundle: BundleFiles = { shownRoot, read: (path) => files.get(path) };
  const sources: BundleSource[] = [];
  for (const [path, bytes] of files) {
    if (fileKindOfPath(path) !== undefined) sources.push({ path, shown: `${shownRoot}/${path}`, bytes });
  }
  return buildSources(sources, [...files.keys()], bundle, name);
}

/** The IR of a published bundle, rebuilt from its stored files (see the note at the top). */
export function buildStoredBundle(store: Store, point: string): { ok: true; ir: Ir } | { ok: false; error: CommandError } {
  const listed = store.bundleFiles(point);
  if (!listed.ok) return { ok: false, error: listed.error };
  const files = new Map<string, Uint8Array>();
  for (const f of listed.value) {
    const bytes = store.getBlob(f.hash);
    if (!bytes.ok) return { ok: false, error: bytes.error };
    files.set(f.path, bytes.value);
  }
  const built = buildInMemory(files, point, undefined);
  if (!built.ir) return { ok: false, error: { code: 'bundle-errors', message: `stored bundle \`${point}\` no longer checks`, reports: built.reports } };
  return { ok: true, ir: built.ir };
}

// ---------------------------------------------------------------------------------------------------------------
// pieces

/** A kind as text: `File<Dir>`, `Database<Relational<postgresql.org:postgres:server:15.0.0>>`. */
export function kindText(ref: KindRef): string {
  if (!ref.sub) return ref.base.text;
  return `${ref.base.text}<${ref.sub.kind === 'SpecificRef' ? ref.sub.text : kindText(ref.sub)}>`;
}

function propOps(props: readonly Prop[], ctx: CommandContext): { ok: true; value: PropOp[] } | { ok: false; error: CommandError } {
  const ops: PropOp[] = [];
  for (const p of props) {
    if (p.op === 'unset') {
      ops.push({ op: 'unset', key: p.key.text });
      continue;
    }
    const value = substitute(p.value?.text ?? '', ctx);
    if (!value.ok) return value;
    ops.push({ op: p.op, key: p.key.text, value: value.value });
  }
  return { ok: true, value: ops };
}

/** Replaces `${name}` with `ctx.variables[name]`; an unknown one is an error naming it. */
function substitute(text: string | undefined, ctx: CommandContext): { ok: true; value: string } | { ok: false; error: CommandError } {
  if (text === undefined) return { ok: false, error: { code: 'E0602', message: 'the command is missing its point' } };
  let missing: string | undefined;
  const value = text.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
    const v = ctx.variables?.[name];
    if (v === undefined) missing ??= name;
    return v ?? whole;
  });
  if (missing !== undefined) return { ok: false, error: { code: 'unknown-variable', message: `\`\${${missing}}\` has no value here` } };
  return { ok: true, value };
}

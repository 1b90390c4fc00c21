// Lowering: a checked AST (no errors) → one IR document (compiler/ir/types.ts says what the shapes mean).
// Lowering trusts the checker: it is only called on documents without errors, so it does not re-report
// anything; a shape the checker should have refused is a bug and throws.

import type {
  BindDocument,
  Command,
  ConfigDocument,
  Document,
  Filter,
  KindRef,
  MethodRef,
  PayloadPattern,
  Prop,
  Scope,
  Section,
  Step,
  Stop,
  Structure,
} from '../../grammar/ast.ts';
import { LineIndex, type Span } from '../../grammar/span.ts';
import { compilePath } from '../check/path-pattern.ts';
import type {
  IrAppDocument,
  IrCheck,
  IrCommand,
  IrDocument,
  IrFilter,
  IrMechtronDocument,
  IrPath,
  IrPattern,
  IrProp,
  IrRoute,
  IrRouteDocument,
  IrSegment,
  IrSpan,
  IrStop,
  IrStructure,
  IrValidator,
  IrWaveKind,
} from './types.ts';

/** Lower one checked document; `path` is its bundle-relative path, `text` its source (for line numbers). */
export function lowerDocument(ast: Document, path: string, text: string): IrDocument {
  const at = spanner(path, text);
  switch (ast.kind) {
    case 'BindDocument':
      return lowerBind(ast, path, at);
    case 'ConfigDocument':
      return ast.fileKind === 'mechtron' ? lowerMechtron(ast, path) : lowerApp(ast, path, at);
    case 'ScriptDocument':
      return { path, kind: 'script', commands: ast.commands.map((c) => lowerCommand(c, at)) };
  }
}

type Spanner = (span: Span) => IrSpan;

function spanner(file: string, text: string): Spanner {
  let index: LineIndex | undefined;
  return (span) => ({ file, line: (index ??= new LineIndex(text)).lineOf(span.start) + 1 });
}

// ---------------------------------------------------------------- bind / router

/** What a route inherits from the scopes around it. */
interface Inherited {
  readonly levels: readonly string[];
  /** Enclosing paths (JS sources, not yet anchored). */
  readonly paths: readonly string[];
  readonly captures: readonly string[];
  readonly filters: readonly IrFilter[];
  readonly checks: readonly IrCheck[];
}

function lowerBind(doc: BindDocument, path: string, at: Spanner): IrRouteDocument {
  const routes: IrRoute[] = [];
  const top: Inherited = { levels: [], paths: [], captures: [], filters: [], checks: [] };
  for (const scope of doc.body) flattenScope(scope, top, routes, at);
  return { path, kind: doc.fileKind, routes };
}

function flattenScope(scope: Scope, outer: Inherited, out: IrRoute[], at: Spanner): void {
  const selector = scope.selector;
  const levels = [...outer.levels, ...selector.levels.map((l) => l.text)];
  let source: string | undefined;
  let captures = outer.captures;
  if (selector.path) {
    const compiled = compilePath(selector.path);
    if (!('ok' in compiled)) throw new Error(`lowering a path that does not compile: ${selector.path.text}`);
    source = compiled.ok.source;
    captures = [...captures, ...compiled.ok.named.map((g) => g.name)];
  }
  const filters = [...outer.filters, ...selector.filters.map(lowerFilter)];

  if (scope.body) {
    const check = scope.blockStep ? stepCheck(scope.blockStep) : undefined;
    const inner: Inherited = {
      levels,
      paths: source === undefined ? outer.paths : [...outer.paths, source],
      captures,
      filters,
      checks: check ? [...outer.checks, check] : outer.checks,
    };
    for (const child of scope.body) flattenScope(child, inner, out, at);
    return;
  }

  const paths: IrPath[] = outer.paths.map((p) => ({ regex: `^(?:${p})`, whole: false }));
  if (source !== undefined) paths.push({ regex: `^(?:${source})$`, whole: true });
  const pipeline = (scope.pipeline ?? []).map((segment, i): IrSegment => {
    if (!segment.step || !segment.stop) throw new Error('lowering a segment without a step or a stop');
    const own = stepCheck(segment.step);
    const checks = [...(i === 0 ? outer.checks : []), ...(own ? [own] : [])];
    return { step: { checks, pass: segment.step.pass }, stop: lowerStop(segment.stop) };
  });
  out.push({
    waveKind: waveKindOf(levels[1]),
    method: levels[2] ?? '*',
    paths,
    captures,
    filters,
    pipeline,
    span: at(scope.span),
  });
}

function waveKindOf(level: string | undefined): IrWaveKind {
  if (level === undefined || level === '*') return '*';
  if (level === 'Http' || level === 'Ext' || level === 'Cmd' || level === 'Hyp') return level;
  throw new Error(`lowering an unknown wave kind \`${level}\``);
}

function stepCheck(step: Step): IrCheck | undefined {
  if (step.check === undefined) return undefined;
  return { flow: step.check, pattern: step.pattern ? lowerPattern(step.pattern) : { kind: 'empty' } };
}

const DURATION_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `250ms` → 250; the checker has made sure of the form. */
function durationMs(text: string): number {
  const m = /^(\d+)(ms|s|m|h)$/.exec(text);
  if (!m) throw new Error(`lowering a malformed duration \`${text}\``);
  return Number(m[1]) * DURATION_MS[m[2]!]!;
}

function lowerFilter(filter: Filter): IrFilter {
  const name = filter.name.text;
  switch (name) {
    case 'auth': {
      const role = filter.args.find((a) => a.key?.text === 'role')?.value.text;
      return role === undefined ? { name: 'auth' } : { name: 'auth', role };
    }
    case 'timeout':
      return { name: 'timeout', timeoutMs: durationMs(filter.args[0]!.value.text) };
    case 'limit': {
      // `(limit 100)` is per second, as `(limit 100/s)`.
      const m = /^(\d+)(?:\/(s|m|h))?$/.exec(filter.args[0]!.value.text);
      if (!m) throw new Error(`lowering a malformed rate \`${filter.args[0]!.value.text}\``);
      return { name: 'limit', count: Number(m[1]), perMs: DURATION_MS[m[2] ?? 's']! };
    }
    default:
      throw new Error(`lowering an unknown filter \`${name}\``);
  }
}

/** Starlane's `${doc.bundle}/x` (W0301) means `${doc.bundle}:/x`; the runtime sees one spelling. */
function pointText(text: string): string {
  return text.replace(/^\$\{doc\.bundle\}\//, '${doc.bundle}:/');
}

function methodText(method: MethodRef): string {
  return method.method ? `${method.waveKind.text}<${method.method.text}>` : method.waveKind.text;
}

function lowerStop(stop: Stop): IrStop {
  switch (stop.kind) {
    case 'CoreStop':
      return { kind: 'core' };
    case 'ReplyStop':
      return { kind: 'reply' };
    case 'StatusStop':
      return stop.message
        ? { kind: 'status', status: Number(stop.status.text), message: stop.message.value }
        : { kind: 'status', status: Number(stop.status.text) };
    case 'PointStop':
      return { kind: 'point', point: pointText(stop.point.text) };
    case 'CallStop': {
      const call = { kind: 'call' as const, point: pointText(stop.point.text), method: methodText(stop.method) };
      return stop.path ? { ...call, path: stop.path.text } : call;
    }
  }
}

// ---------------------------------------------------------------- payload patterns

function lowerPattern(pattern: PayloadPattern): IrPattern {
  switch (pattern.kind) {
    case 'AnyPattern':
      return { kind: 'any' };
    case 'EmptyPattern':
      return { kind: 'empty' };
    case 'StructurePattern': {
      const out: { kind: 'structure'; structure: IrStructure; format?: 'json' | 'image' | 'utf8'; validator?: IrValidator } = {
        kind: 'structure',
        structure: lowerStructure(pattern.structure),
      };
      if (pattern.format) out.format = pattern.format.text as 'json' | 'image' | 'utf8';
      const v = pattern.validator;
      if (v) {
        out.validator = v.kind === 'SchemaValidator'
          ? { kind: 'schema', point: pointText(v.point.text) }
          : { kind: 'mechtron', point: pointText(v.point.text), method: methodText(v.method) };
      }
      return out;
    }
  }
}

function lowerStructure(structure: Structure): IrStructure {
  switch (structure.kind) {
    case 'KindStructure':
      return { kind: 'kind', name: structure.name.text };
    case 'ListStructure': {
      if (!structure.range) return { kind: 'list', item: structure.item.text };
      // `Text[5]` is exactly five items, `Text[1-5]` one to five.
      const m = /^(\d+)(?:-(\d+))?$/.exec(structure.range.text);
      if (!m) throw new Error(`lowering a malformed list range \`${structure.range.text}\``);
      return { kind: 'list', item: structure.item.text, min: Number(m[1]), max: Number(m[2] ?? m[1]) };
    }
    case 'MapStructure': {
      const entries = (structure.entries ?? []).map((e) => {
        const entry = { key: e.key.text, optional: e.optional };
        return e.pattern ? { ...entry, pattern: lowerPattern(e.pattern) } : entry;
      });
      const open = structure.entries === undefined || structure.rest !== undefined;
      if (!structure.rest) return { kind: 'map', entries, open };
      const rest = structure.rest.pattern ? { pattern: lowerPattern(structure.rest.pattern) } : {};
      return { kind: 'map', entries, rest, open };
    }
  }
}

// ---------------------------------------------------------------- mechtron / app

function sectionsByName(doc: ConfigDocument): Map<string, Section> {
  return new Map(doc.sections.map((s) => [s.name.text, s]));
}

function propValues(section: Section | undefined): Map<string, string> {
  const values = new Map<string, string>();
  if (section?.content.kind !== 'Props') return values;
  for (const prop of section.content.props) if (prop.value) values.set(prop.key.text, prop.value.text);
  return values;
}

const SIZE_BYTES: Readonly<Record<string, number>> = { KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };

function lowerMechtron(doc: ConfigDocument, path: string): IrMechtronDocument {
  const sections = sectionsByName(doc);
  const wasm = propValues(sections.get('Wasm'));
  const limits = propValues(sections.get('Limits'));
  const bin = wasm.get('bin');
  const name = wasm.get('name');
  if (bin === undefined || name === undefined) throw new Error('lowering a mechtron without `bin` and `name`');
  const out: { timeoutMs?: number; memoryBytes?: number; instances?: number } = {};
  const timeout = limits.get('timeout');
  if (timeout !== undefined) out.timeoutMs = durationMs(timeout);
  const memory = limits.get('memory');
  if (memory !== undefined) {
    const m = /^(\d+)(KiB|MiB|GiB)$/.exec(memory);
    if (!m) throw new Error(`lowering a malformed size \`${memory}\``);
    out.memoryBytes = Number(m[1]) * SIZE_BYTES[m[2]!]!;
  }
  const instances = limits.get('instances');
  if (instances !== undefined) out.instances = Number(instances);
  return { path, kind: 'mechtron', bin: pointText(bin), name, limits: out };
}

function lowerApp(doc: ConfigDocument, path: string, at: Spanner): IrAppDocument {
  const sections = sectionsByName(doc);
  const set = sections.get('Set');
  const require = sections.get('Require');
  const install = sections.get('Install');
  return {
    path,
    kind: 'app',
    set: set?.content.kind === 'Props' ? set.content.props.map(lowerProp) : [],
    require: require?.content.kind === 'Kinds' ? require.content.kinds.map(kindText) : [],
    install: install?.content.kind === 'Commands' ? install.content.commands.map((c) => lowerCommand(c, at)) : [],
  };
}

function lowerProp(prop: Prop): IrProp {
  if (prop.op === 'unset') return { op: 'unset', key: prop.key.text };
  const value = prop.value?.text ?? '';
  return { op: 'set', key: prop.key.text, value: prop.value?.quoted ? value : pointText(value), locked: prop.op === 'lock' };
}

export function kindText(ref: KindRef): string {
  if (!ref.sub) return ref.base.text;
  return `${ref.base.text}<${ref.sub.kind === 'KindRef' ? kindText(ref.sub) : ref.sub.text}>`;
}

// ---------------------------------------------------------------- commands

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`lowering a command without its ${what}`);
  return value;
}

function lowerCommand(command: Command, at: Spanner): IrCommand {
  const span = at(command.span);
  const point = (ref: { text: string } | undefined) => pointText(required(ref, 'point').text);
  switch (command.kind) {
    case 'CreateCommand':
      return {
        kind: 'create',
        mode: command.mode,
        point: point(command.point),
        generated: command.generated,
        particleKind: kindText(required(command.particleKind, 'kind')),
        props: (command.props ?? []).map(lowerProp),
        span,
      };
    case 'PublishCommand':
      return {
        kind: 'publish',
        ensure: command.ensure,
        source: required(command.source, 'source').text,
        target: point(command.target),
        span,
      };
    case 'SelectCommand': {
      const pattern = required(command.pattern, 'pattern').text;
      return command.particleKind
        ? { kind: 'select', pattern, particleKind: kindText(command.particleKind), span }
        : { kind: 'select', pattern, span };
    }
    case 'SetCommand':
      return { kind: 'set', point: point(command.point), props: command.props.map(lowerProp), span };
    case 'GetCommand':
      return { kind: 'get', point: point(command.point), keys: command.keys.map((k) => k.text), span };
    case 'DeleteCommand':
      return { kind: 'delete', ensure: command.ensure, point: point(command.point), span };
    case 'WatchCommand':
      return { kind: 'watch', point: point(command.point), span };
    case 'SendCommand': {
      const send = { kind: 'send' as const, point: point(command.point), method: methodText(required(command.method, 'method')) };
      return {
        ...send,
        ...(command.path ? { path: command.path.text } : {}),
        ...(command.body ? { body: command.body.text } : {}),
        span,
      };
    }
    case 'ExitCommand':
      return { kind: 'exit', span };
  }
}

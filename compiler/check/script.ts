// Commands (SPEC §8) of `.script` files and App `Install` sections: points, kinds, props, publish sources,
// select patterns, send methods, and the parent rules one script makes visible (a kind created earlier).

import type {
  Command,
  CreateCommand,
  GetCommand,
  KindRef,
  MethodRef,
  Name,
  PointRef,
  PublishCommand,
  SelectCommand,
  SendCommand,
  SetCommand,
} from '../../grammar/ast.ts';
import type { Span } from '../../grammar/span.ts';
import { canContain, checkKind, KINDS, parseKindText, type ResolvedKind } from './kind.ts';
import {
  checkPointVariables,
  DOCUMENT_VARIABLES,
  parsePoint,
  parseSelectPattern,
  toSkewer,
  type ParsedPoint,
} from './point.ts';
import { ALL_OPS, checkProps, POINT_KEYS, type PropsContext } from './props.ts';
import { type Reporter, replaceWith } from './report.ts';
import { closestMatch } from './suggest.ts';
import { CALLABLE_WAVE_KINDS, CAMEL_CASE, isWaveKind, methodsOf } from './waves.ts';

export interface CommandCheckOptions {
  /** Where the commands are: a `.script` file or an App's `Install` section (wording of messages). */
  readonly context?: 'script' | 'install';
  /** Variables points may use; any other is E0405. Defaults to `${doc}`, `${doc.bundle}`, `${self}`. */
  readonly variables?: ReadonlySet<string>;
  /** The parser recovered from syntax errors: skip "missing" checks (E0602), recovery may have dropped the part. */
  readonly recovered?: boolean;
}

/** A particle the script creates (or publishes), keyed by its normalised point. */
interface Created {
  readonly kind: ResolvedKind;
  /** The point as written in the command that made it (for "created here" labels). */
  readonly pointSpan: Span;
}

interface ScriptState {
  readonly reporter: Reporter;
  readonly variables: ReadonlySet<string>;
  readonly created: Map<string, Created>;
  readonly recovered: boolean;
}

/** Checks a list of commands in order; parent rules see only what earlier commands created. */
export function checkCommands(commands: readonly Command[], reporter: Reporter, options: CommandCheckOptions = {}): void {
  const state: ScriptState = {
    reporter,
    variables: options.variables ?? DOCUMENT_VARIABLES,
    created: new Map(),
    recovered: options.recovered ?? false,
  };
  for (const command of commands) checkCommand(command, state);
  checkAfterExit(commands, reporter, options.context ?? 'script');
}

function checkCommand(command: Command, state: ScriptState): void {
  switch (command.kind) {
    case 'CreateCommand':
      checkCreate(command, state);
      return;
    case 'PublishCommand':
      checkPublish(command, state);
      return;
    case 'SelectCommand':
      checkSelect(command, state);
      return;
    case 'SetCommand':
      checkSet(command, state);
      return;
    case 'GetCommand':
      checkPoint(command.point, state);
      checkGetKeys(command, state.reporter);
      return;
    case 'DeleteCommand': {
      const point = checkPoint(command.point, state);
      if (point) state.created.delete(pointKey(point));
      return;
    }
    case 'WatchCommand':
      checkPoint(command.point, state);
      return;
    case 'SendCommand':
      checkSend(command, state);
      return;
    case 'ExitCommand':
      return;
  }
}

/** Parses a point and checks its variables; undefined when it is missing or malformed. */
function checkPoint(ref: PointRef | undefined, state: ScriptState): ParsedPoint | undefined {
  if (!ref) return undefined;
  const point = parsePoint(ref, state.reporter);
  if (!point) return undefined;
  if (checkPointVariables(point, state.variables, state.reporter, 'E0405') > 0) return undefined;
  return point;
}

// ---------------------------------------------------------------- create

function checkCreate(command: CreateCommand, state: ScriptState): void {
  const point = checkPoint(command.point, state);
  const kind = command.particleKind && checkKind(command.particleKind, state.reporter);
  const props = command.props && checkProps(command.props, state.reporter, createContext(kind, state));
  if (!kind || !command.particleKind) return;
  if (kind.info.system) {
    reportSystemKind(command.particleKind, kind, state.reporter);
    return;
  }
  if (kind.base === 'Mechtron' && !props?.has('config') && !state.recovered) reportMissingConfig(command, state.reporter);
  if (!point || point.route) return;
  // With `%` the runtime appends the last segment: the written point is the parent.
  if (command.generated) {
    checkParent(command.particleKind.span, kind, pointKey(point), point.text, state);
    return;
  }
  if (!checkSegmentRule(point, kind, state.reporter)) return;
  const parent = parentOf(point);
  if (parent) checkParent(command.particleKind.span, kind, parent.key, parent.text, state);
  state.created.set(pointKey(point), { kind, pointSpan: point.span });
}

function createContext(kind: ResolvedKind | undefined, state: ScriptState): PropsContext {
  return {
    where: 'command',
    owner: '`create`',
    // A new particle has nothing to unset.
    ops: new Set(['set', 'lock']),
    variables: state.variables,
    pointKeys: pointKeysFor(kind),
  };
}

/** `config` names the artifact of the kind being configured: `.app` for an App, `.mechtron` for a Mechtron. */
function pointKeysFor(kind: ResolvedKind | undefined): ReadonlyMap<string, readonly string[]> {
  const config = kind?.base === 'Mechtron' ? ['.mechtron'] : kind?.base === 'App' ? ['.app'] : undefined;
  if (!config) return POINT_KEYS;
  return new Map([...POINT_KEYS, ['config', config]]);
}

function reportSystemKind(ref: KindRef, kind: ResolvedKind, reporter: Reporter): void {
  reporter.report('E0406', `a \`${kind.base}\` cannot be created by a script`, ref.span, 'only the runtime creates this kind', {
    notes: [`\`${kind.base}\` is ${kind.info.summary}`],
  });
}

function reportMissingConfig(command: CreateCommand, reporter: Reporter): void {
  const span = command.particleKind!.span;
  reporter.report('E0602', 'a `Mechtron` needs `+config`', span, 'created without its configuration', {
    help: ['add `{ +config=repo:name:1.0.0:/config/name.mechtron }`: the `.mechtron` artifact that configures it'],
  });
}

/** Bundles are named by a version, files and artifacts by a `:/path`, every other kind by a name. */
function checkSegmentRule(point: ParsedPoint, kind: ResolvedKind, reporter: Reporter): boolean {
  const last = point.segments[point.segments.length - 1];
  if (!last) return true; // `ROOT` exists already; the runtime refuses to create it, nothing more to see here
  const inPath = last.kind === 'dir' || last.kind === 'file';
  const problem = ((): string | undefined => {
    switch (kind.info.segment) {
      case 'version':
        return last.kind === 'version' ? undefined : `a \`${kind.base}\`'s last segment is its version, e.g. \`repo:hello:1.0.0\``;
      case 'path':
        return inPath ? undefined : `a \`${kind.base}\`'s point ends with its \`:/path\``;
      case 'name':
        if (last.kind === 'version') return 'only a `Bundle` is named by a version';
        if (inPath) return 'only a `File` or an `Artifact` has a `:/path`';
        return undefined;
    }
  })();
  if (!problem) return true;
  reporter.report('E0402', `\`${point.text}\` cannot name a \`${kind.base}\``, last.span, problem);
  return false;
}

// ---------------------------------------------------------------- parents

const ROOT_KEY = 'ROOT';
const ROOT_KIND: ResolvedKind = { base: 'Root', info: KINDS.get('Root')!, text: 'Root', legacy: false };

/** A point's identity within one script: segments without spelling variants (`${doc.bundle}/x` ≡ `${doc.bundle}:/x`). */
function pointKey(point: ParsedPoint): string {
  if (point.root) return ROOT_KEY;
  return keyOf(point.segments);
}

function keyOf(segments: ParsedPoint['segments']): string {
  const mesh = segments.filter((s) => s.kind !== 'dir' && s.kind !== 'file').map((s) => s.text);
  const path = segments.filter((s) => s.kind === 'dir' || s.kind === 'file').map((s) => s.text);
  return path.length === 0 ? mesh.join(':') : `${mesh.join(':')}:/${path.join('/')}`;
}

/** The parent's key and how to show it: one segment up; a single segment sits under ROOT. */
function parentOf(point: ParsedPoint): { key: string; text: string } | undefined {
  if (point.root) return undefined;
  if (point.segments.length === 1) return { key: ROOT_KEY, text: 'ROOT' };
  const key = keyOf(point.segments.slice(0, -1));
  return { key, text: key };
}

/** E0406 when the parent's kind is known (ROOT, or created earlier in this script) and cannot hold `kind`. */
function checkParent(at: Span, kind: ResolvedKind, parentKey: string, parentText: string, state: ScriptState): void {
  const parent = parentKey === ROOT_KEY ? { kind: ROOT_KIND, pointSpan: undefined } : state.created.get(parentKey);
  if (!parent || canContain(parent.kind, kind)) return;
  const allowed = kind.info.parents.map((p) => `\`${p}\``).join(', ');
  const where = parentKey === ROOT_KEY ? 'at the top level' : `under a \`${parent.kind.text}\``;
  state.reporter.report('E0406', `a \`${kind.base}\` cannot be placed ${where}`, at, `not allowed under \`${parentText}\``, {
    secondary: parent.pointSpan ? [{ span: parent.pointSpan, label: `\`${parentText}\` is created as a \`${parent.kind.text}\` here` }] : [],
    notes: [`a \`${kind.base}\`'s parent must be ${allowed.length > 0 ? `a ${allowed.replace(/, (?=[^,]*$)/, ' or ')}` : 'the runtime'}`],
  });
}

// ---------------------------------------------------------------- publish

function checkPublish(command: PublishCommand, state: ScriptState): void {
  if (command.source) checkPublishSource(command.source, state.reporter);
  const target = checkPoint(command.target, state);
  if (!target || target.route) return;
  const bundle = KINDS.get('Bundle')!;
  const kind: ResolvedKind = { base: 'Bundle', info: bundle, text: 'Bundle', legacy: false };
  const last = target.segments[target.segments.length - 1];
  if (last?.kind !== 'version') {
    const at = target.filePath?.span ?? last?.span ?? target.span;
    const label = target.filePath ? 'a bundle point has no `:/path`' : 'expected the bundle version, e.g. `repo:hello:1.0.0`';
    state.reporter.report('E0402', `\`${target.text}\` cannot name a \`Bundle\``, at, label, {
      notes: ['`publish` creates a Bundle: its point is the bundle series followed by the version'],
    });
    return;
  }
  const parent = parentOf(target);
  if (parent) checkParent(target.span, kind, parent.key, parent.text, state);
  state.created.set(pointKey(target), { kind, pointSpan: target.span });
}

/** A bundle directory (no extension) or a `.zip`; anything else is E0605. */
function checkPublishSource(source: Name, reporter: Reporter): void {
  const path = source.text.replace(/[/\\]+$/, '');
  const base = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  // `.`/`..` and dot-files are directories or names, not extensions.
  if (dot <= 0 || base === '..' || source.text.endsWith('/')) return;
  const extension = /\.tar\.[A-Za-z0-9]+$/.exec(base)?.[0] ?? base.slice(dot);
  if (extension.toLowerCase() === '.zip') return;
  reporter.report('E0605', `\`${source.text}\` is not a bundle directory or \`.zip\``, source.span, `a \`${extension}\` file`, {
    notes: ['`publish ^[ source ]->` takes a bundle directory (`bundle`, `./bundle/`) or a zip of one (`bundle.zip`)'],
  });
}

// ---------------------------------------------------------------- select, set, get

function checkSelect(command: SelectCommand, state: ScriptState): void {
  if (command.pattern) {
    const pattern = parseSelectPattern(command.pattern, state.reporter);
    if (pattern) {
      checkPointVariables(pattern, state.variables, state.reporter, 'E0405');
      for (const segment of pattern.segments) {
        if (!segment.kindSelector) continue;
        const ref = parseKindText(segment.kindSelector.text, segment.kindSelector.span.start);
        if (ref) checkKind(ref, state.reporter);
        else reportBadKindSelector(command.pattern, segment.kindSelector.span, state.reporter);
      }
    }
  }
  if (command.particleKind) checkKind(command.particleKind, state.reporter);
}

function reportBadKindSelector(pattern: PointRef, span: Span, reporter: Reporter): void {
  reporter.report('E0603', `malformed select pattern \`${pattern.text}\``, span, 'not a kind', {
    notes: ['a kind selector is a kind in `< >`: `**<Mechtron>`, `localhost:*<File<Dir>>`'],
  });
}

function checkSet(command: SetCommand, state: ScriptState): void {
  const point = checkPoint(command.point, state);
  const known = point && !point.route ? state.created.get(pointKey(point))?.kind : undefined;
  checkProps(command.props, state.reporter, {
    where: 'command',
    owner: '`set`',
    ops: ALL_OPS,
    variables: state.variables,
    pointKeys: pointKeysFor(known),
  });
}

/** `get x{ key, key }`: keys are property keys (skewer-case, dotted). */
function checkGetKeys(command: GetCommand, reporter: Reporter): void {
  for (const key of command.keys ?? []) {
    if (/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/.test(key.text)) continue;
    const fix = toSkewer(key.text);
    reporter.report('E0304', `\`${key.text}\` is not a property key`, key.span, 'property keys are skewer-case', {
      ...(fix !== '' && fix !== key.text && { suggestions: [replaceWith(`did you mean \`${fix}\`?`, key.span, fix, false)] }),
    });
  }
}

// ---------------------------------------------------------------- send

function checkSend(command: SendCommand, state: ScriptState): void {
  checkPoint(command.point, state);
  if (command.method) checkSendMethod(command.method, state.reporter);
}

/** Same rules as a bind call stop (`point^Ext<Render>`): a callable wave kind and one existing method. */
function checkSendMethod(ref: MethodRef, reporter: Reporter): void {
  const waveKind = ref.waveKind.text;
  if (!isWaveKind(waveKind)) {
    const close = closestMatch(waveKind, CALLABLE_WAVE_KINDS);
    reporter.report('E0108', `unknown wave kind \`${waveKind}\``, ref.waveKind.span, 'not a wave kind', {
      notes: [`\`send\` sends ${CALLABLE_WAVE_KINDS.map((k) => `\`${k}<Method>\``).join(', ')}`],
      ...(close && { suggestions: [replaceWith(`did you mean \`${close}\`?`, ref.waveKind.span, close, false)] }),
    });
    return;
  }
  if (!CALLABLE_WAVE_KINDS.includes(waveKind)) {
    reporter.report('E0115', `cannot send a \`${waveKind}\` wave`, ref.waveKind.span, 'only the runtime sends these', {
      notes: [`\`send\` sends ${CALLABLE_WAVE_KINDS.map((k) => `\`${k}<Method>\``).join(', ')}`],
    });
    return;
  }
  const method = ref.method;
  if (!method || method.text === '*') {
    reporter.report('E0115', '`send` names one method', method?.span ?? ref.span, 'expected a method', {
      notes: [`write \`${waveKind}<${waveKind === 'Http' ? 'Get' : 'Method'}>\``],
    });
    return;
  }
  const fixed = methodsOf(waveKind);
  if (!fixed) {
    if (CAMEL_CASE.test(method.text)) return;
    const fix = method.text.replace(/(^|[-_])([a-z])/g, (_: string, __: string, c: string) => c.toUpperCase()).replace(/[-_]/g, '');
    reporter.report('E0102', `\`${method.text}\` is not an Ext method name`, method.span, 'expected a CamelCase name', {
      notes: ['Ext methods are CamelCase names such as `Hello` or `SignUp`'],
      ...(CAMEL_CASE.test(fix) && { suggestions: [replaceWith(`did you mean \`${fix}\`?`, method.span, fix, false)] }),
    });
    return;
  }
  if (fixed.includes(method.text)) return;
  const close = closestMatch(method.text, fixed);
  const article = waveKind === 'Http' ? 'an' : 'a';
  reporter.report('E0102', `unknown ${waveKind} method \`${method.text}\``, method.span, `not ${article} ${waveKind} method`, {
    notes: [`${waveKind} methods are ${fixed.join(', ')}`],
    ...(close && { suggestions: [replaceWith(`did you mean \`${close}\`?`, method.span, close, false)] }),
  });
}

// ---------------------------------------------------------------- exit

/** One W0601 for everything after the first `exit`, however many commands follow. */
function checkAfterExit(commands: readonly Command[], reporter: Reporter, context: 'script' | 'install'): void {
  const exit = commands.findIndex((c) => c.kind === 'ExitCommand');
  if (exit < 0 || exit === commands.length - 1) return;
  const after = commands.length - exit - 1;
  const first = commands[exit + 1]!;
  const message = after === 1 ? 'command after `exit` is never run' : `${after} commands after \`exit\` are never run`;
  reporter.report('W0601', message, first.span, 'never run', {
    secondary: [{ span: commands[exit]!.span, label: context === 'install' ? 'the install ends here' : 'the script ends here' }],
    help: ['remove the commands after `exit`, or move `exit` to the end'],
  });
}

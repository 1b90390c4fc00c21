// Checks of `.bind` and `.router` documents: the three selector levels (Route → wave kind → method),
// path patterns and their captures, filters, pipelines (steps, stops, payload patterns), variables in stops,
// unreachable routes, and the router's restriction to Http waves.

import type { BindDocument, CallStop, PointRef, Scope, Selector, SelectorName, Stop } from '../../grammar/ast.ts';
import type { Span } from '../../grammar/span.ts';
import { checkFilter } from './filters.ts';
import { compilePath, matchesEverything, type CaptureGroup } from './path-pattern.ts';
import { checkPayloadPattern } from './payload.ts';
import { checkPointVariables, DOCUMENT_VARIABLES, parsePoint, type PointVariable } from './point.ts';
import { replaceWith, type Reporter } from './report.ts';
import { closestMatch } from './suggest.ts';
import { CALLABLE_WAVE_KINDS, CAMEL_CASE, isMethodOf, isWaveKind, methodsOf, WAVE_KINDS } from './waves.ts';

interface ScopeContext {
  /** Selector names of the enclosing scopes, outermost first. */
  readonly levels: readonly SelectorName[];
  /** Named captures of every enclosing path, by name. */
  readonly captures: ReadonlyMap<string, CaptureGroup>;
  /** Capturing groups of the innermost path so far: the range of `$1`..`$n`; undefined if it does not compile. */
  readonly groupCount: number | undefined;
  /** A path on the way here does not compile: its captures are unknown, so no variable is reported unknown. */
  readonly brokenPath: boolean;
}

const TOP: ScopeContext = { levels: [], captures: new Map(), groupCount: 0, brokenPath: false };

/**
 * `recovered`: the parser reported syntax errors and recovered, so a block may be empty only because its
 * contents were lost; checks that report something *missing* (W0104) stay quiet then.
 */
export function checkBindDocument(doc: BindDocument, reporter: Reporter, options: { recovered?: boolean } = {}): void {
  new BindChecker(reporter, doc.fileKind === 'router', options.recovered ?? false).checkScopes(doc.body, TOP);
}

class BindChecker {
  constructor(
    private readonly reporter: Reporter,
    private readonly router: boolean,
    private readonly recovered: boolean,
  ) {}

  checkScopes(scopes: readonly Scope[], ctx: ScopeContext): void {
    reportUnreachable(scopes, this.reporter);
    for (const scope of scopes) this.checkScope(scope, ctx);
  }

  private checkScope(scope: Scope, outer: ScopeContext): void {
    const { selector } = scope;
    let levels = [...outer.levels, ...selector.levels];
    const first = selector.levels[0];
    if (outer.levels.length === 0 && first && first.text !== 'Route' && (isWaveKind(first.text) || first.text === '*')) {
      // `Http<Get>` at the top: report E0101 once, then check it as if written `Route<Http<Get>>`.
      this.checkLevel(first, 0, levels, selector);
      levels = [{ text: 'Route', span: first.span, angled: false }, ...levels];
      selector.levels.forEach((name, i) => this.checkLevel(name, 1 + i, levels));
    } else {
      selector.levels.forEach((name, i) => this.checkLevel(name, outer.levels.length + i, levels));
    }
    for (const filter of selector.filters) checkFilter(filter, this.reporter);

    let ctx: ScopeContext = { ...outer, levels };
    if (selector.path) ctx = this.withPath(selector.path, ctx);

    if (scope.body) {
      if (scope.blockStep?.pattern) checkPayloadPattern(scope.blockStep.pattern, this.reporter);
      // A top-level block that is not `Route` already has its E0101.
      if (scope.body.length === 0 && !this.recovered && (outer.levels.length > 0 || first?.text === 'Route')) {
        this.reporter.report('W0104', 'empty block', selector.span, 'this block routes nothing', {
          notes: ['a block with no routes never matches; remove it or add routes'],
        });
      }
      this.checkScopes(scope.body, ctx);
      return;
    }
    if (!scope.pipeline) return;
    this.checkRouteLevels(levels);
    let ended: Stop | undefined;
    for (const segment of scope.pipeline) {
      if (ended) {
        const last = scope.pipeline[scope.pipeline.length - 1]!;
        this.reporter.report('W0102', 'unreachable pipeline after a final stop', { start: segment.span.start, end: last.span.end }, 'never runs', {
          secondary: [{ span: ended.span, label: ended.kind === 'StatusStop' ? 'the pipeline ends here' : 'the reply is sent here' }],
          suggestions: [replaceWith('remove the unreachable part', { start: ended.span.end, end: last.span.end }, '')],
        });
        break;
      }
      if (segment.step?.pattern) checkPayloadPattern(segment.step.pattern, this.reporter);
      if (segment.stop) {
        this.checkStop(segment.stop, ctx);
        if (segment.stop.kind === 'StatusStop' || segment.stop.kind === 'ReplyStop') ended = segment.stop;
      }
    }
  }

  /**
   * Level 0 is `Route`, level 1 a wave kind, level 2 a method of it; nothing deeper. `unrouted` is given for
   * a top-level selector that starts with a wave kind (`Http<Get>/x`), which `Route<...>` around it fixes.
   */
  private checkLevel(name: SelectorName, index: number, levels: readonly SelectorName[], unrouted?: Selector): void {
    const text = name.text;
    if (index === 0) {
      if (text !== 'Route') {
        const notes = ['a bind selects in three levels: `Route`, then a wave kind (`Http`, `Ext`, `Cmd`, `Hyp`), then a method'];
        const stacked = unrouted?.levels ?? [];
        // Selectors hold no whitespace, so the stacked names end after the last name and one `>` per level.
        const end = stacked.length > 0 ? stacked[stacked.length - 1]!.span.end + stacked.length - 1 : -1;
        if (unrouted && end <= unrouted.span.end) {
          const written = stacked.reduceRight((inner, n) => (inner ? `${n.text}<${inner}>` : n.text), '');
          this.reporter.report('E0101', '`Route` needs to be defined', name.span, 'expected `Route`', {
            notes,
            help: [`the block form works too: \`Route -> { ${written} ... }\``],
            suggestions: [{
              message: `put it under \`Route\`: \`Route<${written}>\``,
              edits: [{ span: { start: name.span.start, end: name.span.start }, newText: 'Route<' }, { span: { start: end, end }, newText: '>' }],
              applicability: 'machine',
            }],
          });
          return;
        }
        const close = closestMatch(text, ['Route']);
        this.reporter.report('E0101', '`Route` needs to be defined', name.span, 'expected `Route`', {
          notes,
          suggestions: close ? [replaceWith('did you mean `Route`?', name.span, 'Route', false)] : [],
          help: close ? [] : ['put the scope in a route: `Route<Http<Get>>/path -> ...;` or `Route -> { ... }`'],
        });
      }
      return;
    }
    if (index === 1) {
      if (text === '*') return;
      if (!isWaveKind(text)) {
        const close = closestMatch(text, WAVE_KINDS);
        this.reporter.report('E0108', `unknown wave kind \`${text}\``, name.span, 'not a wave kind', {
          notes: [`wave kinds are ${WAVE_KINDS.join(', ')} and \`*\``],
          suggestions: close ? [replaceWith(`did you mean \`${close}\`?`, name.span, close, false)] : [],
        });
      } else if (this.router && text !== 'Http') {
        this.reporter.report('E0201', `a router routes only \`Http\` waves, not \`${text}\``, name.span, 'not an Http wave', {
          notes: ['a router decides how a Space serves HTTP requests; route other waves in a `.bind`'],
        });
      }
      return;
    }
    if (index === 2) {
      const kind = levels[1]?.text;
      if (kind && isWaveKind(kind) && !isMethodOf(kind, text)) this.reportUnknownMethod(kind, name.text, name.span);
      return;
    }
    if (index === 3) {
      this.reporter.report('E0104', 'more than one sub-kind level below a wave kind', name.span, 'a method takes no sub-kind', {
        notes: [`selectors have three levels: \`Route<${levels[1]?.text ?? 'Http'}<${levels[2]?.text ?? 'Get'}>>\``],
      });
    }
  }

  private reportUnknownMethod(kind: string, method: string, span: Span): void {
    if (!isWaveKind(kind)) return;
    const fixed = methodsOf(kind);
    if (!fixed) {
      const camel = method.split(/[-_]+/).map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('');
      this.reporter.report('E0102', `\`${method}\` is not an Ext method name`, span, 'expected a CamelCase name', {
        notes: ['Ext methods are CamelCase names such as `Hello` or `SignUp`'],
        suggestions: CAMEL_CASE.test(camel) ? [replaceWith(`did you mean \`${camel}\`?`, span, camel, false)] : [],
      });
      return;
    }
    const close = closestMatch(method, fixed);
    this.reporter.report('E0102', `unknown ${kind} method \`${method}\``, span, `not an ${kind} method`.replace('an Cmd', 'a Cmd'), {
      notes: [`${kind} methods are ${fixed.join(', ')}`],
      suggestions: close ? [replaceWith(`did you mean \`${close}\`?`, span, close, false)] : [],
    });
  }

  /** A route's own checks on its full selector: `Hyp` must name a method. */
  private checkRouteLevels(levels: readonly SelectorName[]): void {
    const kind = levels[1];
    if (kind?.text === 'Hyp' && levels.length === 2) {
      this.reporter.report('E0103', '`Hyp` needs a method', kind.span, 'no method given', {
        notes: [`Hyp methods are ${methodsOf('Hyp')!.join(', ')}`],
      });
    }
  }

  private withPath(path: NonNullable<Scope['selector']['path']>, ctx: ScopeContext): ScopeContext {
    const compiled = compilePath(path);
    if ('error' in compiled) {
      this.reporter.report('E0105', 'path pattern does not compile', compiled.error.span, compiled.error.message, {
        notes: ['a path is a JavaScript regular expression (`u` flag); `(?P<name>...)` and `(?<name>...)` name a capture'],
        help: globHelp(path.text),
      });
    }
    const named = 'error' in compiled ? compiled.named : compiled.ok.named;
    const groupCount = 'error' in compiled ? undefined : compiled.ok.groupCount;
    const brokenPath = ctx.brokenPath || 'error' in compiled;
    if (named.length === 0) return { ...ctx, groupCount, brokenPath }; // most paths name nothing: share the map
    const captures = new Map(ctx.captures);
    for (const group of named) {
      const first = captures.get(group.name);
      if (first) {
        this.reporter.report('E0114', `capture \`${group.name}\` is defined twice`, group.span, 'defined again here', {
          secondary: [{ span: first.span, label: 'first defined here' }],
          help: ['rename one of them: both would set the same `${...}` variable'],
        });
      }
      captures.set(group.name, group);
    }
    return { ...ctx, captures, groupCount, brokenPath };
  }

  private checkStop(stop: Stop, ctx: ScopeContext): void {
    switch (stop.kind) {
      case 'CoreStop':
        if (stop.legacy && !this.router) { // in a router E0202 says the one thing to fix
          this.reporter.report('W0101', 'deprecated core delivery `{{ }}`', stop.span, 'Starlane 0.2 syntax', {
            suggestions: [replaceWith('write `(( ))`', stop.span, '(( ))')],
          });
        }
        if (this.router) {
          this.reporter.report('E0202', 'a router has no core to deliver to', stop.span, 'nothing receives this', {
            notes: ['a router serves a Space; forward to a mechtron instead: `-> localhost:app:handler => &`'],
          });
        }
        return;
      case 'ReplyStop':
        return;
      case 'StatusStop': {
        const status = stop.status.text;
        if (!/^\d{3}$/.test(status) || Number(status) < 400 || Number(status) > 599) {
          this.reporter.report('E0113', `\`${status}\` is not an error status`, stop.status.span, 'expected 400..599', {
            notes: ['`!status` ends the pipeline with an error; to reply normally use `&`'],
          });
        }
        return;
      }
      case 'PointStop':
        this.checkStopPoint(stop.point, ctx);
        return;
      case 'CallStop':
        this.checkStopPoint(stop.point, ctx);
        this.checkCall(stop, ctx);
        return;
    }
  }

  private checkStopPoint(ref: PointRef, ctx: ScopeContext): void {
    this.checkPositional(ref.text, ref.span.start, ctx);
    const point = parsePoint(ref, this.reporter);
    if (!point || ctx.brokenPath || point.variables.length === 0) return;
    checkPointVariables(point, this.variablesInScope(ctx), this.reporter, 'E0106', { skipPositional: true });
  }

  private variablesInScope(ctx: ScopeContext): Set<string> {
    return new Set<string>([...DOCUMENT_VARIABLES, ...ctx.captures.keys()]);
  }

  /** `$1`..`$9` name the groups of the innermost path. */
  private checkPositional(text: string, base: number, ctx: ScopeContext): void {
    if (ctx.groupCount === undefined) return;
    const re = /\$(\d+)/g;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const n = Number(m[1]);
      if (n >= 1 && n <= ctx.groupCount) continue;
      const span = { start: base + m.index, end: base + m.index + m[0].length };
      this.reporter.report('E0116', `no capture group \`${m[0]}\``, span, ctx.groupCount === 0 ? 'the path has no groups' : `the path has ${ctx.groupCount} group${ctx.groupCount === 1 ? '' : 's'}`, {
        help: ['prefer named captures: `(?P<name>...)` in the path and `${name}` here'],
      });
    }
  }

  private checkCall(stop: CallStop, ctx: ScopeContext): void {
    const { waveKind, method } = stop.method;
    const kind = waveKind.text;
    if (!isWaveKind(kind) || !CALLABLE_WAVE_KINDS.includes(kind)) {
      this.reporter.report('E0115', `cannot call with \`${kind}\``, waveKind.span, 'not a callable wave kind', {
        notes: ['a call converts the request to `Ext<Method>`, `Http<Method>` or `Cmd<Method>`'],
      });
      return;
    }
    if (!method || method.text === '*') {
      this.reporter.report('E0115', 'a call names one method', method?.span ?? waveKind.span, 'expected a method', {
        notes: [`write \`${kind}<${kind === 'Http' ? 'Get' : 'Method'}>\``],
      });
      return;
    }
    if (!isMethodOf(kind, method.text) || (kind === 'Ext' && !CAMEL_CASE.test(method.text))) this.reportUnknownMethod(kind, method.text, method.span);
    if (stop.path && !ctx.brokenPath) {
      this.checkPositional(stop.path.text, stop.path.span.start, ctx);
      const variables = pathVariables(stop.path.text, stop.path.span.start);
      checkPointVariables({ variables }, this.variablesInScope(ctx), this.reporter, 'E0106', { skipPositional: true });
    }
  }
}

/** Paths are regexes, not globs or templates: say so when one is written like a glob. */
function globHelp(text: string): string[] {
  const help: string[] = [];
  if (text.includes('**') || /(^|\/)\*/.test(text)) help.push('paths are regular expressions, not globs: `.*` matches anything');
  const template = /\{([a-z_][a-z0-9_]*)\}/i.exec(text);
  if (template) help.push(`to capture a segment, write a named group: \`(?P<${template[1]}>[^/]+)\``);
  return help;
}

/** `${name}` references in a call's path (which is a literal path, not a regex). */
function pathVariables(text: string, base: number): PointVariable[] {
  const out: PointVariable[] = [];
  const re = /\$\{([^}]*)\}/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const start = base + m.index;
    out.push({ name: m[1]!, span: { start, end: start + m[0].length }, nameSpan: { start: start + 2, end: start + 2 + m[1]!.length }, positional: false });
  }
  return out;
}

/**
 * W0103: a route after a sibling route that matches everything it matches. Only earlier routes whose path
 * matches everything, or is the same text, can shadow; indexing them keeps this linear in the block's size.
 */
function reportUnreachable(scopes: readonly Scope[], reporter: Reporter): void {
  const universal: Scope[] = [];
  const byPath = new Map<string, Scope[]>();
  for (const later of scopes) {
    const path = later.selector.path?.text;
    const samePath = path === undefined || matchesEverything(path) ? undefined : byPath.get(path);
    const earlier = universal.find((r) => shadows(r, later)) ?? samePath?.find((r) => shadows(r, later));
    if (earlier) {
      reporter.report('W0103', 'unreachable route', later.selector.span, 'never selected', {
        secondary: [{ span: earlier.selector.span, label: 'this route matches every wave this one would' }],
        help: ['move the more specific route first'],
      });
    }
    if (later.pipeline === undefined) continue;
    if (matchesEverything(path)) universal.push(later);
    else {
      let same = byPath.get(path!);
      if (!same) byPath.set(path!, (same = []));
      same.push(later);
    }
  }
}

function shadows(a: Scope, b: Scope): boolean {
  const la = a.selector.levels;
  const lb = b.selector.levels;
  if (la.length > lb.length) return false;
  for (let k = 0; k < la.length; k++) {
    if (la[k]!.text !== '*' && la[k]!.text !== lb[k]!.text) return false;
  }
  const pa = a.selector.path?.text;
  if (matchesEverything(pa)) return true;
  return b.pipeline !== undefined && pa === b.selector.path?.text;
}

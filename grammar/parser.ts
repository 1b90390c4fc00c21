// Parser: tokens → AST for all five file kinds, with chevrotain's error recovery so one mistake gives one
// diagnostic. The AST is built in embedded actions (no CST: it costs more than the whole lexer). Mistakes
// users often make in the pipeline DSL (`=` for `=>`, `]=` for `]=>`, a step with no stop, a stop with no
// step) are parsed on purpose and reported with precise codes instead of chevrotain's generic message.

import {
  EmbeddedActionsParser,
  EOF,
  LLkLookaheadStrategy,
  type ILookaheadStrategy,
  type IOrAlt,
  type IParserErrorMessageProvider,
  type IRecognitionException,
  type OrMethodOpts,
  type IToken,
  type TokenType,
} from 'chevrotain';
import type * as A from './ast.ts';
import { makeDiagnostic, type Diagnostic } from './diagnostic.ts';
import { lex, stringValue } from './lexer.ts';
import type { Span } from './span.ts';
import * as T from './tokens.ts';

export interface ParseResult {
  readonly ast: A.Document;
  readonly diagnostics: Diagnostic[];
}

const ROOT_NAMES: Record<A.FileKind, string> = {
  bind: 'Bind',
  router: 'Router',
  app: 'App',
  mechtron: 'Mechtron',
  script: '',
};

/** Where a rule that failed to parse gets its recovery value: at the token it could not use. */
function recoverySpan(e: IRecognitionException): Span {
  const at = e.token && !Number.isNaN(e.token.startOffset) ? e.token.startOffset : 0;
  return { start: at, end: at };
}

/** Exclusive end offset of a token (NaN for a token chevrotain inserted during recovery). */
function endOf(t: IToken): number {
  return (t.endOffset ?? NaN) + 1;
}

function describeToken(token: IToken): string {
  if (token.tokenType === EOF) return 'end of file';
  const image = token.image.length > 24 ? `${token.image.slice(0, 24)}…` : token.image;
  return `\`${image}\``;
}

function tokenLabel(type: TokenType): string {
  return type.LABEL ?? type.name;
}

function orList(items: string[]): string {
  const unique = [...new Set(items)];
  if (unique.length <= 1) return unique[0] ?? 'something else';
  return `${unique.slice(0, -1).join(', ')} or ${unique[unique.length - 1]}`;
}

const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected, actual }) => `expected ${tokenLabel(expected)}, found ${describeToken(actual)}`,
  buildNotAllInputParsedMessage: ({ firstRedundant }) => `unexpected ${describeToken(firstRedundant)} after the end of the document`,
  buildNoViableAltMessage: ({ expectedPathsPerAlt, actual, customUserDescription }) => {
    const expected =
      customUserDescription ?? orList(expectedPathsPerAlt.flatMap((alt) => alt.map((path) => tokenLabel(path[0]!))));
    return `expected ${expected}, found ${describeToken(actual[0]!)}`;
  },
  buildEarlyExitMessage: ({ expectedIterationPaths, actual, customUserDescription }) => {
    const expected = customUserDescription ?? orList(expectedIterationPaths.map((path) => tokenLabel(path[0]!)));
    return `expected at least one ${expected}, found ${describeToken(actual[0]!)}`;
  },
};

/**
 * chevrotain's LL(k) strategy, but each lookahead function is computed the first time its decision is taken.
 * `performSelfAnalysis` computes all of them up front, which was the largest part of `starc check`'s start-up
 * (B2) although one file exercises a fraction of the grammar. The functions are the same; only when they are
 * built changes (checked: the diagnostics goldens and conformance cases are byte-identical).
 */
function lazyLookahead(maxLookahead: number): ILookaheadStrategy {
  const eager = new LLkLookaheadStrategy({ maxLookahead });
  return {
    validate: (options) => eager.validate(options),
    initialize: (options) => eager.initialize?.(options),
    buildLookaheadForAlternation(options) {
      let built: ((orAlts?: IOrAlt<unknown>[]) => number | undefined) | undefined;
      return function (this: unknown, orAlts?: IOrAlt<unknown>[]) {
        built ??= eager.buildLookaheadForAlternation(options);
        return built.call(this, orAlts);
      };
    },
    buildLookaheadForOptional(options) {
      let built: (() => boolean) | undefined;
      return function (this: unknown) {
        built ??= eager.buildLookaheadForOptional(options);
        return built.call(this);
      };
    },
  };
}

class StarlaneParser extends EmbeddedActionsParser {
  /** Diagnostics raised by grammar actions (E0110, E0111, E0112, E0004). */
  diags: Diagnostic[] = [];
  private sawLegacyPrefix = false;
  legacyScript = false;

  /**
   * `validate`: run chevrotain's grammar validations (ambiguities, left recursion). They cost more than the
   * rest of start-up, so `starc` skips them; the test suite runs them once (validateGrammar).
   */
  constructor(validate = false) {
    super(T.ALL_TOKENS, {
      recoveryEnabled: true,
      maxLookahead: 1,
      errorMessageProvider: messages,
      skipValidations: !validate,
      // Validation needs every lookahead function; a parse needs only those of the rules it enters.
      lookaheadStrategy: validate ? new LLkLookaheadStrategy({ maxLookahead: 1 }) : lazyLookahead(1),
    });
    this.performSelfAnalysis();
  }

  /** `Install` sections met during the parse: their tokens, and the AST list their commands go into. */
  commandBlocks: { tokens: IToken[]; into: A.Command[] }[] = [];

  /** Start a document: forget what an earlier document taught (its legacy `? create`). */
  beginDocument(): void {
    this.sawLegacyPrefix = false;
    this.legacyScript = false;
    this.commandBlocks = [];
  }

  load(tokens: IToken[]): void {
    this.input = tokens;
    this.diags = [];
  }

  /** The tokens up to (not including) the `}` that closes the current block, consumed. */
  private takeBlockContent(): IToken[] {
    const out: IToken[] = [];
    let depth = 0;
    for (;;) {
      const next = this.LA(1);
      const type = next.tokenType;
      if (type === EOF) break;
      if (type === T.RCurly) {
        if (depth === 0) break;
        depth--;
      } else if (type === T.LCurly) {
        depth++;
      }
      out.push(next);
      this.SKIP_TOKEN(); // returns the token after the skipped one
    }
    return out;
  }

  // ------------------------------------------------------------ helpers

  private span(first: IToken, last: IToken | undefined = this.LA(0)): Span {
    const start = Number.isNaN(first.startOffset) ? this.prevEnd() : first.startOffset;
    const lastEnd = last && !Number.isNaN(endOf(last)) ? endOf(last) : start;
    return { start, end: Math.max(start, lastEnd) };
  }

  private tspan(t: IToken): Span {
    if (Number.isNaN(t.startOffset)) {
      const at = this.prevEnd();
      return { start: at, end: at };
    }
    return { start: t.startOffset, end: endOf(t) };
  }

  private prevEnd(): number {
    const prev = this.LA(0);
    return prev && !Number.isNaN(endOf(prev)) ? endOf(prev) : 0;
  }

  private name(t: IToken): A.Name {
    return { text: t.image, span: this.tspan(t) };
  }

  private error(code: string, message: string, span: Span, label: string, parts: Parameters<typeof makeDiagnostic>[4] = {}): void {
    this.diags.push(makeDiagnostic(code, 'error', message, { span, label }, parts));
  }


  /**
   * A CamelCase name never starts a stop; only all-caps points do (`ROOT`, `GLOBAL::x` lexes as a word).
   * Without this gate a route that lacks its `;` would swallow the next route's `Route` as a stop.
   */
  // Alternatives of the hottest ORs, built once: chevrotain otherwise allocates them on every call.
  private stepAlternatives: OrMethodOpts<A.Step> | undefined;
  private checkCloseAlternatives: OrMethodOpts<A.Flow> | undefined;
  private stopAlternatives: OrMethodOpts<A.Stop> | undefined;

  private stopAhead = (): boolean => {
    const next = this.LA(1);
    return next.tokenType !== T.Ident || /^[A-Z]+$/.test(next.image);
  };

  // ------------------------------------------------------------ documents

  public rootHeader = this.RULE('rootHeader', (): A.RootHeader => {
    const name = this.CONSUME(T.Ident);
    let version: IToken | undefined;
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      const key = this.CONSUME2(T.Word);
      this.CONSUME(T.Equals);
      version = this.CONSUME3(T.Word);
      this.CONSUME(T.RParen);
      this.ACTION(() => {
        if (key.image !== 'version' && !Number.isNaN(key.startOffset)) this.diags.push(misspeltVersionKey(key));
      });
    });
    return this.ACTION(() => ({
      name: this.name(name),
      version: version && !Number.isNaN(version.startOffset) ? this.name(version) : undefined,
      span: this.span(name),
    }));
  });

  public bindDocument = this.RULE('bindDocument', (): { header: A.RootHeader; body: A.Scope[] } => {
    const header = this.SUBRULE(this.rootHeader);
    const body = this.SUBRULE(this.block);
    return { header, body };
  });

  public configDocument = this.RULE('configDocument', (): { header: A.RootHeader; sections: A.Section[] } => {
    const header = this.SUBRULE(this.rootHeader);
    const sections = this.SUBRULE(this.configBody);
    return { header, sections };
  });

  public configBody = this.RULE('configBody', (): A.Section[] => {
    const sections: A.Section[] = [];
    this.CONSUME(T.LCurly);
    this.MANY(() => {
      const section = this.SUBRULE(this.section);
      this.ACTION(() => section && sections.push(section));
    });
    this.CONSUME(T.RCurly);
    return sections;
  }, { recoveryValueFunc: () => [] });

  // ------------------------------------------------------------ bind: scopes and selectors

  public scope = this.RULE('scope', (): A.Scope => {
    const first = this.LA(1);
    const selector = this.SUBRULE(this.selector);
    const finish = (blockStep: A.Step | undefined, body: A.Scope[] | undefined, pipeline: A.Segment[] | undefined): A.Scope =>
      ({ kind: 'Scope', selector, blockStep, body, pipeline, span: this.span(first) });
    return this.OR({
      ERR_MSG: 'a step (`->`, `=>`, `-[ ]->`, `=[ ]=>`)',
      DEF: [
        {
          ALT: () => {
            const step = this.SUBRULE(this.step);
            return this.OR2({
              ERR_MSG: 'a stop (`(( ))`, `&`, a point or `!status`) or a block `{`',
              DEF: [
              {
                ALT: () => {
                  const body = this.SUBRULE(this.block);
                  return this.ACTION(() => finish(step, body, undefined));
                },
              },
              {
                ALT: () => {
                  const stop = this.OPTION({ GATE: this.stopAhead, DEF: () => this.SUBRULE(this.stop) });
                  const segments: A.Segment[] = [];
                  this.ACTION(() => this.addSegment(segments, step, stop));
                  this.SUBRULE(this.pipelineTail, { ARGS: [segments] });
                  return this.ACTION(() => finish(undefined, undefined, segments));
                },
              },
            ]});
          },
        },
        {
          GATE: this.stopAhead,
          ALT: () => {
            const stop = this.SUBRULE2(this.stop);
            const segments: A.Segment[] = [];
            this.ACTION(() => this.addSegment(segments, undefined, stop));
            this.SUBRULE2(this.pipelineTail, { ARGS: [segments] });
            return this.ACTION(() => finish(undefined, undefined, segments));
          },
        },
        {
          ALT: () => {
            const open = this.SUBRULE2(this.block);
            return this.ACTION(() => {
              const at = selector.span.end;
              this.error('E0001', 'expected a step before the block', { start: at, end: at }, 'expected `->` here', {
                suggestions: [{ message: 'add a step', edits: [{ span: { start: at, end: at }, newText: ' ->' }], applicability: 'machine' }],
              });
              return finish(undefined, open, undefined);
            });
          },
        },
        {
          ALT: () => {
            const semi = this.CONSUME(T.Semi);
            return this.ACTION(() => {
              this.error('E0111', 'route without a pipeline', this.span(first, semi), 'expected a step and a stop, such as `-> (( )) => &`', {});
              return finish(undefined, undefined, []);
            });
          },
        },
      ],
    });
  });

  public block = this.RULE('block', (): A.Scope[] => {
    const body: A.Scope[] = [];
    this.CONSUME(T.LCurly);
    this.MANY(() => {
      const inner = this.SUBRULE(this.scope);
      this.ACTION(() => inner && body.push(inner));
    });
    this.CONSUME(T.RCurly);
    this.OPTION(() => this.CONSUME(T.Semi));
    return body;
  }, { recoveryValueFunc: () => [] });

  public selector = this.RULE('selector', (): A.Selector => {
    const first = this.LA(1);
    const levels: A.SelectorName[] = [];
    const filters: A.Filter[] = [];
    let path: A.PathPattern | undefined;
    this.OR({
      ERR_MSG: 'a selector (`Route`, `Http<Get>`, `<Get>`, `*`)',
      DEF: [
        { ALT: () => { const t = this.CONSUME(T.Ident); this.ACTION(() => levels.push({ ...this.name(t), angled: false })); } },
        { ALT: () => { const t = this.CONSUME(T.StarWord); this.ACTION(() => levels.push({ ...this.name(t), angled: false })); } },
        {
          ALT: () => {
            this.CONSUME(T.LAngle);
            const t = this.OR2([{ ALT: () => this.CONSUME2(T.Ident) }, { ALT: () => this.CONSUME2(T.StarWord) }]);
            this.CONSUME(T.RAngle);
            this.ACTION(() => levels.push({ ...this.name(t), angled: true }));
          },
        },
      ],
    });
    this.OPTION(() => {
      this.CONSUME2(T.LAngle);
      const inner = this.SUBRULE(this.stackedNames);
      const close = this.CONSUME2(T.RAngle);
      this.ACTION(() => {
        levels.push(...inner);
        this.checkStackedSpacing(levels, endOf(close));
      });
    });
    this.MANY(() => {
      this.OPTION2(() => this.CONSUME(T.Dash));
      const filter = this.SUBRULE(this.filter);
      this.ACTION(() => filter && filters.push(filter));
    });
    this.OPTION3(() => {
      const before = this.ACTION(() => this.LA(0));
      const t = this.CONSUME(T.Path);
      this.ACTION(() => {
        path = { text: t.image, span: this.tspan(t) };
        const gapStart = endOf(before);
        if (gapStart < t.startOffset) {
          const gap = { start: gapStart, end: t.startOffset };
          this.error('E0008', 'whitespace before a path pattern', gap, 'remove this space', {
            notes: ['a selector is written without spaces: `Route<Http<Get>>/users`'],
            suggestions: [{ message: 'join the path to its selector', edits: [{ span: gap, newText: '' }], applicability: 'machine' }],
          });
        }
      });
    });
    return this.ACTION(() => ({ levels, filters, path, span: this.span(first) }));
  }, { recoveryValueFunc: (e) => ({ levels: [], filters: [], path: undefined, span: recoverySpan(e) }) });

  /** `Route< Http<Get> >`: a stacked selector is one lexeme; report any space in it once, with the fix. */
  private checkStackedSpacing(levels: readonly A.SelectorName[], end: number): void {
    if (levels[0]?.angled || !Number.isFinite(end) || levels.some((l) => !Number.isFinite(l.span.start))) return;
    const start = levels[0]!.span.start;
    const canonical = `${levels.map((l) => l.text).join('<')}${'>'.repeat(levels.length - 1)}`;
    if (end - start === canonical.length) return;
    const inner = levels.findIndex((l, i) => i > 0 && l.span.start - levels[i - 1]!.span.end > 1);
    const gap = inner > 0 ? { start: levels[inner - 1]!.span.end + 1, end: levels[inner]!.span.start } : { start: levels[levels.length - 1]!.span.end, end };
    this.error('E0008', 'whitespace inside a selector', gap, 'remove this space', {
      notes: ['a selector is written without spaces: `Route<Http<Get>>`'],
      suggestions: [{ message: `write \`${canonical}\``, edits: [{ span: { start, end }, newText: canonical }], applicability: 'machine' }],
    });
  }

  public stackedNames = this.RULE('stackedNames', (): A.SelectorName[] => {
    const names: A.SelectorName[] = [];
    const t = this.OR([
      { ALT: () => this.CONSUME(T.Ident) },
      { ALT: () => this.CONSUME(T.Word) }, // `*`, or `Http<get>` (the checker suggests `Get`)
    ]);
    this.ACTION(() => names.push({ ...this.name(t), angled: false }));
    this.OPTION(() => {
      this.CONSUME(T.LAngle);
      const inner = this.SUBRULE(this.stackedNames);
      this.CONSUME(T.RAngle);
      this.ACTION(() => names.push(...inner));
    });
    return names;
  }, { recoveryValueFunc: () => [] });

  public filter = this.RULE('filter', (): A.Filter => {
    const open = this.CONSUME(T.LParen);
    const name = this.CONSUME(T.Word);
    const args: A.FilterArg[] = [];
    this.MANY(() => {
      const value = this.SUBRULE(this.filterValue);
      let keyed: IToken | undefined;
      this.OPTION(() => {
        this.CONSUME(T.Equals);
        keyed = this.SUBRULE2(this.filterValue);
      });
      this.ACTION(() => {
        if (keyed) args.push({ key: this.name(value), value: this.name(keyed), span: this.span(value, keyed) });
        else args.push({ key: undefined, value: this.name(value), span: this.tspan(value) });
      });
    });
    this.CONSUME(T.RParen);
    return this.ACTION(() => ({ name: this.name(name), args, span: this.span(open) }));
  });

  public filterValue = this.RULE('filterValue', (): IToken =>
    this.OR([
      { ALT: () => this.CONSUME(T.Word) },
      { ALT: () => this.CONSUME(T.Ident) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
    ]),
  );

  // ------------------------------------------------------------ bind: pipelines

  /** Segments after the first, up to and including the route's `;`. */
  public pipelineTail = this.RULE('pipelineTail', (segments: A.Segment[]): void => {
    this.MANY({
      GATE: this.stopAhead,
      DEF: () => this.OR([
        {
          ALT: () => {
            const step = this.SUBRULE(this.step);
            const stop = this.OPTION({ GATE: this.stopAhead, DEF: () => this.SUBRULE(this.stop) });
            this.ACTION(() => this.addSegment(segments, step, stop));
          },
        },
        {
          GATE: this.stopAhead,
          ALT: () => {
            const stop = this.SUBRULE2(this.stop);
            this.ACTION(() => this.addSegment(segments, undefined, stop));
          },
        },
      ]),
    });
    this.CONSUME(T.Semi);
  });

  private addSegment(segments: A.Segment[], step: A.Step | undefined, stop: A.Stop | undefined): void {
    if (!step && !stop) return;
    if (!step && stop && this.joinSplitPoint(segments, stop)) return;
    if (step && !stop) {
      this.error('E0111', 'step without a stop', step.span, 'this step leads nowhere', {
        notes: ['every step must be followed by a stop: `(( ))`, `&`, a point, a call or `!status`'],
      });
    } else if (!step && stop) {
      // `&` replies with the response, so it follows `=>`; every other stop takes the request on `->`.
      const [step, what] = stop.kind === 'ReplyStop' ? ['=>', 'response'] : ['->', 'request'];
      this.error('E0112', 'stop without a step before it', stop.span, 'expected a step before this stop', {
        suggestions: [{ message: `pass the ${what} on with \`${step}\``, edits: [{ span: { start: stop.span.start, end: stop.span.start }, newText: `${step} ` }], applicability: 'maybe' }],
      });
    }
    const start = step?.span.start ?? stop!.span.start;
    const end = stop?.span.end ?? step!.span.end;
    segments.push({ step, stop, span: { start, end } });
  }

  /**
   * `-> localhost: app` or `-> localhost :app`: a point split by whitespace. Rather than "a stop without a
   * step", say what happened (E0008) and keep the joined point in the AST.
   */
  private joinSplitPoint(segments: A.Segment[], stop: A.Stop): boolean {
    const last = segments[segments.length - 1];
    const prev = last?.stop;
    if (!last || prev?.kind !== 'PointStop' || stop.kind !== 'PointStop') return false;
    if (!prev.point.text.endsWith(':') && !stop.point.text.startsWith(':')) return false;
    const gap = { start: prev.span.end, end: stop.span.start };
    this.error('E0008', 'whitespace inside a point', gap, 'remove this space', {
      notes: ['a point is written without spaces: `localhost:app:users`'],
      suggestions: [{ message: 'join the point', edits: [{ span: gap, newText: '' }], applicability: 'machine' }],
    });
    const span = { start: prev.span.start, end: stop.span.end };
    const joined: A.PointStop = { kind: 'PointStop', point: { text: prev.point.text + stop.point.text, span }, span };
    segments[segments.length - 1] = { ...last, stop: joined, span: { start: last.span.start, end: span.end } };
    return true;
  }

  public step = this.RULE('step', (): A.Step => {
    return this.OR(this.stepAlternatives ??= {
      ERR_MSG: 'a step (`->`, `=>`, `-[ ]->`, `=[ ]=>`)',
      DEF: [
        { ALT: () => { const t = this.CONSUME(T.Arrow); return this.ACTION(() => this.plainStep(t, 'request')); } },
        { ALT: () => { const t = this.CONSUME(T.FatArrow); return this.ACTION(() => this.plainStep(t, 'response')); } },
        {
          ALT: () => {
            const t = this.CONSUME(T.Equals);
            return this.ACTION(() => {
              const span = this.tspan(t);
              this.error('E0110', '`=` is not a step', span, 'not a step', {
                notes: ['steps are `->` (pass the request), `=>` (pass the response), `-[ P ]->` and `=[ P ]=>`'],
                suggestions: [{ message: 'did you mean `=>`?', edits: [{ span, newText: '=>' }], applicability: 'maybe' }],
              });
              return this.plainStep(t, 'response');
            });
          },
        },
        {
          ALT: () => {
            const open = this.CONSUME(T.RequestCheckOpen);
            const pattern = this.SUBRULE(this.pattern);
            const pass = this.SUBRULE(this.checkClose);
            return this.ACTION((): A.Step => ({ kind: 'Step', check: 'request', pattern, pass, span: this.span(open) }));
          },
        },
        {
          ALT: () => {
            const open = this.CONSUME(T.ResponseCheckOpen);
            const pattern = this.SUBRULE2(this.pattern);
            const pass = this.SUBRULE2(this.checkClose);
            return this.ACTION((): A.Step => ({ kind: 'Step', check: 'response', pattern, pass, span: this.span(open) }));
          },
        },
      ],
    });
  }, { recoveryValueFunc: (e): A.Step => ({ kind: 'Step', check: undefined, pattern: undefined, pass: 'request', span: recoverySpan(e) }) });

  private plainStep(t: IToken, pass: A.Flow): A.Step {
    return { kind: 'Step', check: undefined, pattern: undefined, pass, span: this.tspan(t) };
  }

  public checkClose = this.RULE('checkClose', (): A.Flow =>
    this.OR(this.checkCloseAlternatives ??= {
      ERR_MSG: '`]->` or `]=>`',
      DEF: [
        { ALT: () => { this.CONSUME(T.CheckCloseArrow); return 'request' as const; } },
        { ALT: () => { this.CONSUME(T.CheckCloseFatArrow); return 'response' as const; } },
        {
          ALT: () => {
            const t = this.CONSUME(T.BrokenCheckClose);
            return this.ACTION(() => {
              const fixed = `${t.image}>`;
              const span = this.tspan(t);
              this.error('E0110', 'unterminated step', span, `\`${t.image}\` is not a step`, {
                notes: ['a payload check ends with `]->` (pass the request on) or `]=>` (pass the response on)'],
                suggestions: [{ message: `did you mean \`${fixed}\`?`, edits: [{ span, newText: fixed }], applicability: 'maybe' }],
              });
              return t.image === ']-' ? ('request' as const) : ('response' as const);
            });
          },
        },
      ],
    }),
  { recoveryValueFunc: (): A.Flow => 'request' });

  public stop = this.RULE('stop', (): A.Stop =>
    this.OR(this.stopAlternatives ??= {
      ERR_MSG: 'a stop (`(( ))`, `&`, a point or `!status`)',
      DEF: [
        { ALT: () => { const t = this.CONSUME(T.CoreStop); return this.ACTION((): A.Stop => ({ kind: 'CoreStop', legacy: false, span: this.tspan(t) })); } },
        { ALT: () => { const t = this.CONSUME(T.LegacyCoreStop); return this.ACTION((): A.Stop => ({ kind: 'CoreStop', legacy: true, span: this.tspan(t) })); } },
        { ALT: () => { const t = this.CONSUME(T.Amp); return this.ACTION((): A.Stop => ({ kind: 'ReplyStop', span: this.tspan(t) })); } },
        {
          ALT: () => {
            const bang = this.CONSUME(T.Bang);
            const status = this.CONSUME(T.Word);
            const message = this.OPTION(() => this.CONSUME(T.StringLiteral));
            return this.ACTION((): A.Stop => ({
              kind: 'StatusStop',
              status: this.name(status),
              message: message ? { value: stringValue(message.image), span: this.tspan(message) } : undefined,
              span: this.span(bang),
            }));
          },
        },
        {
          GATE: this.stopAhead,
          ALT: () => {
            const point = this.OR2([{ ALT: () => this.CONSUME2(T.Word) }, { ALT: () => this.CONSUME(T.Ident) }]);
            let method: A.MethodRef | undefined;
            let path: IToken | undefined;
            this.OPTION2(() => {
              this.CONSUME(T.Caret);
              method = this.SUBRULE(this.methodRef);
              this.OPTION3(() => { path = this.CONSUME(T.Path); });
            });
            return this.ACTION((): A.Stop => {
              const ref = { text: point.image, span: this.tspan(point) };
              if (!method) return { kind: 'PointStop', point: ref, span: ref.span };
              return { kind: 'CallStop', point: ref, method, path: path && { text: path.image, span: this.tspan(path) }, span: this.span(point) };
            });
          },
        },
      ],
    }),
  );

  public methodRef = this.RULE('methodRef', (): A.MethodRef => {
    const kind = this.CONSUME(T.Ident);
    let method: IToken | undefined;
    this.OPTION(() => {
      this.CONSUME(T.LAngle);
      method = this.OR([
        { ALT: () => this.CONSUME2(T.Ident) },
        { ALT: () => this.CONSUME(T.Word) }, // `*`, or `Ext<hello>` (the checker says methods are CamelCase)
      ]);
      this.CONSUME(T.RAngle);
    });
    return this.ACTION(() => ({ waveKind: this.name(kind), method: method && this.name(method), span: this.span(kind) }));
  });

  // ------------------------------------------------------------ payload patterns

  public pattern = this.RULE('pattern', (): A.PayloadPattern => {
    const at = this.prevEnd();
    const result = this.OPTION(() =>
      this.OR([
        { ALT: () => { const t = this.CONSUME(T.StarWord); return this.ACTION((): A.PayloadPattern => ({ kind: 'AnyPattern', span: this.tspan(t) })); } },
        { ALT: () => this.SUBRULE(this.structurePattern) },
      ]),
    );
    return this.ACTION((): A.PayloadPattern => result ?? { kind: 'EmptyPattern', span: { start: at, end: at } });
  });

  public structurePattern = this.RULE('structurePattern', (): A.PayloadPattern => {
    const name = this.CONSUME(T.Ident);
    let structure: A.Structure | undefined;
    let format: A.Name | undefined;
    let validator: A.Validator | undefined;
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.LBracket);
          const range = this.OPTION(() => this.CONSUME6(T.Word));
          this.CONSUME(T.RBracket);
          this.ACTION(() => { structure = { kind: 'ListStructure', item: this.name(name), range: range && this.name(range), span: this.span(name) }; });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.MapOpen);
          const entries: A.MapEntry[] = [];
          let rest: A.MapRest | undefined;
          this.MANY_SEP({
            SEP: T.Comma,
            DEF: () => {
              this.OR2({
                IGNORE_AMBIGUITIES: true,
                DEF: [
                  {
                    ALT: () => {
                      const star = this.CONSUME(T.StarWord);
                      const inner = this.OPTION2(() => {
                        this.CONSUME(T.LAngle);
                        const p = this.SUBRULE(this.pattern);
                        this.CONSUME(T.RAngle);
                        return p;
                      });
                      this.ACTION(() => { rest = { pattern: inner, span: this.span(star) }; });
                    },
                  },
                  {
                    ALT: () => {
                      const key = this.CONSUME7(T.Word);
                      const optional = this.OPTION3(() => this.CONSUME(T.Question));
                      const inner = this.OPTION4(() => {
                        this.CONSUME2(T.LAngle);
                        const p = this.SUBRULE2(this.pattern);
                        this.CONSUME2(T.RAngle);
                        return p;
                      });
                      this.ACTION(() => entries.push({ key: this.name(key), optional: optional !== undefined, pattern: inner, span: this.span(key) }));
                    },
                  },
                ],
              });
            },
          });
          this.CONSUME(T.MapClose);
          this.ACTION(() => { structure = { kind: 'MapStructure', name: this.name(name), entries, rest, span: this.span(name) }; });
        },
      },
      { ALT: () => { this.ACTION(() => { structure = { kind: 'KindStructure', name: this.name(name), span: this.tspan(name) }; }); } },
    ]);
    this.MANY(() => {
      this.CONSUME(T.Tilde);
      this.OR3({
        MAX_LOOKAHEAD: 2, // `~json` vs `~schema(` vs `~point^Ext<..>`: the token after the word decides
        DEF: [
        {
          ALT: () => {
            const kw = this.CONSUME2(T.Word);
            this.CONSUME(T.LParen);
            const point = this.CONSUME3(T.Word);
            this.CONSUME(T.RParen);
            this.ACTION(() => {
              if (kw.image !== 'schema') {
                this.error('E0506', `unknown validator \`${kw.image}\``, this.tspan(kw), 'not a validator', {
                  notes: ['validators are `schema(point)` and `point^Ext<Method>`'],
                });
              }
              validator = { kind: 'SchemaValidator', point: { text: point.image, span: this.tspan(point) }, span: this.span(kw) };
            });
          },
        },
        {
          ALT: () => {
            const point = this.CONSUME4(T.Word);
            this.CONSUME(T.Caret);
            const method = this.SUBRULE(this.methodRef);
            this.ACTION(() => { validator = { kind: 'MechtronValidator', point: { text: point.image, span: this.tspan(point) }, method, span: this.span(point) }; });
          },
        },
        { ALT: () => { const f = this.CONSUME5(T.Word); this.ACTION(() => { format = this.name(f); }); } },
      ]});
    });
    return this.ACTION((): A.PayloadPattern => ({ kind: 'StructurePattern', structure: structure ?? { kind: 'KindStructure', name: this.name(name), span: this.tspan(name) }, format, validator, span: this.span(name) }));
  });

  // ------------------------------------------------------------ app / mechtron sections

  public section = this.RULE('section', (): A.Section => {
    // A lowercase name (`install`) is still a section, so the checker can suggest the right one.
    const name = this.OR2([{ ALT: () => this.CONSUME(T.Ident) }, { ALT: () => this.CONSUME(T.Word) }]);
    this.CONSUME(T.LCurly);
    const content = this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          GATE: () => this.holdsKinds(name.image),
          ALT: () => {
            const kinds: A.KindRef[] = [];
            this.MANY2(() => {
              const k = this.SUBRULE(this.kindRef);
              this.OPTION(() => this.CONSUME(T.Semi));
              this.ACTION(() => k && kinds.push(k));
            });
            return { kind: 'Kinds' as const, kinds };
          },
        },
        {
          GATE: () => !this.holdsCommands(name.image) && !this.holdsKinds(name.image),
          ALT: () => ({ kind: 'Props' as const, props: this.SUBRULE(this.props) }),
        },
        {
          // By name, or for a misspelt name by what the section holds, so a typo gives one diagnostic.
          GATE: () => this.holdsCommands(name.image),
          ALT: () => {
            // Commands parse one by one (see parseCommandList), so a broken one cannot upset the section;
            // that happens after this parse, with this same parser (a second one would double start-up).
            const commands: A.Command[] = [];
            this.ACTION(() => this.commandBlocks.push({ tokens: this.takeBlockContent(), into: commands }));
            return { kind: 'Commands' as const, commands };
          },
        },
      ],
    });
    this.CONSUME(T.RCurly);
    return this.ACTION((): A.Section => ({ kind: 'Section', name: this.name(name), content, span: this.span(name) }));
  });

  // A section's content is told by its name, or for a misspelt name by what it holds, so a typo in the
  // name gives one diagnostic (E0304) rather than a cascade of syntax errors.
  private holdsCommands(name: string): boolean {
    return name === 'Install' || (name !== 'Require' && T.KEYWORDS.has(this.LA(1).image) && this.LA(2).tokenType !== T.Equals);
  }

  private holdsKinds(name: string): boolean {
    return name === 'Require' || (name !== 'Install' && this.LA(1).tokenType === T.Ident);
  }

  public props = this.RULE('props', (): A.Prop[] => {
    const props: A.Prop[] = [];
    this.MANY(() => {
      const p = this.SUBRULE(this.prop);
      this.ACTION(() => p && props.push(p));
    });
    return props;
  }, { recoveryValueFunc: () => [] });

  public prop = this.RULE('prop', (): A.Prop => {
    const first = this.LA(1);
    let op: A.PropOp = 'set';
    let plus = false;
    let value: A.Value | undefined;
    const key = this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Bang);
          op = 'unset';
          plus = true;
          return this.SUBRULE(this.propKey);
        },
      },
      {
        ALT: () => {
          this.OPTION(() => {
            this.OR2([
              { ALT: () => { this.CONSUME(T.Plus); plus = true; } },
              { ALT: () => { this.CONSUME(T.PlusAt); plus = true; op = 'lock'; } },
            ]);
          });
          const k = this.SUBRULE2(this.propKey);
          this.CONSUME(T.Equals);
          const v = this.OR3({
            ERR_MSG: 'a value',
            DEF: [
              { ALT: () => this.CONSUME(T.Word) },
              { ALT: () => this.CONSUME(T.Ident) },
              { ALT: () => this.CONSUME(T.StringLiteral) },
            ],
          });
          this.ACTION(() => {
            const quoted = v.tokenType === T.StringLiteral;
            value = { text: quoted ? stringValue(v.image) : v.image, quoted, span: this.tspan(v) };
          });
          return k;
        },
      },
    ]);
    const terminator = this.OPTION2(() => this.OR4([{ ALT: () => this.CONSUME(T.Semi) }, { ALT: () => this.CONSUME(T.Comma) }]));
    return this.ACTION((): A.Prop => ({
      kind: 'Prop', op, plus, key: key ? this.name(key) : { text: '', span: this.span(first) }, value, terminator: terminator && this.name(terminator), span: this.span(first),
    }));
  });

  public propKey = this.RULE('propKey', (): IToken =>
    this.OR({ ERR_MSG: 'a property key', DEF: [{ ALT: () => this.CONSUME(T.Word) }, { ALT: () => this.CONSUME(T.Ident) }] }),
  );

  public kindRef = this.RULE('kindRef', (): A.KindRef => {
    const base = this.CONSUME(T.Ident);
    let sub: A.KindRef | A.SpecificRef | undefined;
    this.OPTION(() => {
      this.CONSUME(T.LAngle);
      this.OR([
        { ALT: () => { const k = this.SUBRULE(this.kindRef); this.ACTION(() => { sub = k; }); } },
        { ALT: () => { const w = this.CONSUME(T.Word); this.ACTION(() => { sub = { kind: 'SpecificRef', text: w.image, span: this.tspan(w) }; }); } },
      ]);
      this.CONSUME(T.RAngle);
    });
    return this.ACTION((): A.KindRef => ({ kind: 'KindRef', base: this.name(base), sub, span: this.span(base) }));
  });

  // ------------------------------------------------------------ commands

  public command = this.RULE('command', (): A.Command | undefined => {
    const legacy = this.OPTION(() => this.CONSUME(T.Question));
    this.ACTION(() => {
      if (legacy && !this.sawLegacyPrefix) {
        this.sawLegacyPrefix = true;
        this.legacyScript = true;
        const span = this.span(legacy, this.LA(1));
        this.error('E0004', 'legacy `? create` prefix', span, 'Starlane 0.2 form', {
          notes: ['v1 writes the ensure marker after the command: `create? ...`'],
          help: ['run `starc migrate` on this file to convert it to v1'],
        });
      }
    });
    const command = this.OR({
      MAX_LOOKAHEAD: 1, // the command word decides; `get;` then says what `get` lacks
      ERR_MSG: 'a command (`create`, `publish`, `select`, `set`, `get`, `delete`, `watch`, `send`, `exit`)',
      DEF: [
        { ALT: () => this.SUBRULE(this.createCommand, { ARGS: [legacy !== undefined] }) },
        { ALT: () => this.SUBRULE(this.publishCommand, { ARGS: [legacy !== undefined] }) },
        {
          ALT: () => {
            const kw = this.CONSUME(T.KwSelect);
            const pattern = this.CONSUME(T.Word);
            const kind = this.OPTION2(() => {
              this.CONSUME(T.LAngle);
              const k = this.SUBRULE(this.kindRef);
              this.CONSUME(T.RAngle);
              return k;
            });
            return this.ACTION((): A.Command => ({ kind: 'SelectCommand', keyword: this.name(kw), pattern: this.pointRef(pattern), particleKind: kind, span: this.span(kw) }));
          },
        },
        {
          ALT: () => {
            const kw = this.CONSUME(T.KwSet);
            const point = this.CONSUME2(T.Word);
            this.CONSUME(T.LCurly);
            const props = this.SUBRULE(this.props);
            this.CONSUME(T.RCurly);
            return this.ACTION((): A.Command => ({ kind: 'SetCommand', keyword: this.name(kw), point: this.pointRef(point), props, span: this.span(kw) }));
          },
        },
        {
          ALT: () => {
            const kw = this.CONSUME(T.KwGet);
            const point = this.CONSUME3(T.Word);
            const keys: A.Name[] = [];
            this.OPTION3(() => {
              this.CONSUME2(T.LCurly);
              this.MANY_SEP({
                SEP: T.Comma,
                DEF: () => {
                  const k = this.OR4([{ ALT: () => this.CONSUME4(T.Word) }, { ALT: () => this.CONSUME2(T.Ident) }]);
                  this.ACTION(() => keys.push(this.name(k)));
                },
              });
              this.CONSUME2(T.RCurly);
            });
            return this.ACTION((): A.Command => ({ kind: 'GetCommand', keyword: this.name(kw), point: this.pointRef(point), keys, span: this.span(kw) }));
          },
        },
        {
          ALT: () => {
            const kw = this.CONSUME(T.KwDelete);
            const ensure = this.OPTION4(() => this.CONSUME2(T.Question));
            const point = this.CONSUME5(T.Word);
            return this.ACTION((): A.Command => ({ kind: 'DeleteCommand', keyword: this.name(kw), ensure: ensure !== undefined, point: this.pointRef(point), span: this.span(kw) }));
          },
        },
        {
          ALT: () => {
            const kw = this.CONSUME(T.KwWatch);
            const point = this.CONSUME6(T.Word);
            return this.ACTION((): A.Command => ({ kind: 'WatchCommand', keyword: this.name(kw), point: this.pointRef(point), span: this.span(kw) }));
          },
        },
        {
          ALT: () => {
            const kw = this.CONSUME(T.KwSend);
            const point = this.CONSUME7(T.Word);
            const method = this.SUBRULE(this.methodRef);
            const path = this.OPTION5(() => this.CONSUME(T.Path));
            const body = this.OPTION6(() =>
              this.OR2([{ ALT: () => this.CONSUME(T.StringLiteral) }, { ALT: () => this.CONSUME8(T.Word) }]),
            );
            return this.ACTION((): A.Command => ({
              kind: 'SendCommand',
              keyword: this.name(kw),
              point: this.pointRef(point),
              method,
              path: path && { text: path.image, span: this.tspan(path) },
              body: body && {
                text: body.tokenType === T.StringLiteral ? stringValue(body.image) : body.image,
                quoted: body.tokenType === T.StringLiteral,
                span: this.tspan(body),
              },
              span: this.span(kw),
            }));
          },
        },
        {
          ALT: () => {
            const kw = this.CONSUME(T.KwExit);
            return this.ACTION((): A.Command => ({ kind: 'ExitCommand', keyword: this.name(kw), span: this.span(kw) }));
          },
        },
        {
          // Not a command word: one diagnostic, then skip to the `;` so the next command parses cleanly.
          IGNORE_AMBIGUITIES: true,
          ALT: () => {
            const word = this.OR3([{ ALT: () => this.CONSUME9(T.Word) }, { ALT: () => this.CONSUME(T.Ident) }]);
            this.ACTION(() => {
              this.diags.push(unknownCommand(word, this.tspan(word)));
              while (this.LA(1).tokenType !== T.Semi && this.LA(1).tokenType !== EOF && this.LA(1).tokenType !== T.RCurly) this.SKIP_TOKEN();
            });
            return undefined;
          },
        },
      ],
    });
    const semi = this.CONSUME(T.Semi);
    return this.ACTION(() => command && ({ ...command, span: { start: command.span.start, end: semi && !Number.isNaN(endOf(semi)) ? endOf(semi) : command.span.end } }));
  });

  public createCommand = this.RULE('createCommand', (legacyEnsure: boolean): A.Command => {
    const kw = this.CONSUME(T.KwCreate);
    let mode: A.CreateMode = legacyEnsure ? 'ensure' : 'plain';
    this.OPTION(() =>
      this.OR([
        { ALT: () => { this.CONSUME(T.Question); mode = 'ensure'; } },
        { ALT: () => { this.CONSUME(T.Bang); mode = 'override'; } },
      ]),
    );
    const point = this.CONSUME(T.Word);
    const generated = this.OPTION2(() => this.CONSUME(T.Percent));
    this.CONSUME(T.LAngle);
    const kind = this.SUBRULE(this.kindRef);
    this.CONSUME(T.RAngle);
    const props = this.OPTION3(() => {
      this.CONSUME(T.LCurly);
      const p = this.SUBRULE(this.props);
      this.CONSUME(T.RCurly);
      return p;
    });
    return this.ACTION((): A.Command => ({
      kind: 'CreateCommand', keyword: this.name(kw), mode, point: this.pointRef(point), generated: generated !== undefined,
      particleKind: kind, props, span: this.span(kw),
    }));
  });

  public publishCommand = this.RULE('publishCommand', (legacyEnsure: boolean): A.Command => {
    const kw = this.CONSUME(T.KwPublish);
    const ensure = this.OPTION(() => this.CONSUME(T.Question));
    this.CONSUME(T.CaretBracket);
    const source = this.OR([{ ALT: () => this.CONSUME(T.Word) }, { ALT: () => this.CONSUME(T.StringLiteral) }]);
    this.CONSUME(T.CheckCloseArrow);
    const target = this.CONSUME2(T.Word);
    return this.ACTION((): A.Command => ({
      kind: 'PublishCommand', keyword: this.name(kw), ensure: legacyEnsure || ensure !== undefined,
      source: { text: source.tokenType === T.StringLiteral ? stringValue(source.image) : source.image, span: this.tspan(source) },
      target: this.pointRef(target), span: this.span(kw),
    }));
  });

  private pointRef(t: IToken): A.PointRef | undefined {
    if (Number.isNaN(t.startOffset)) return undefined;
    return { text: t.image, span: this.tspan(t) };
  }
}

const COMMAND_WORDS = ['create', 'publish', 'select', 'set', 'get', 'delete', 'watch', 'send', 'exit'];

function unknownCommand(word: IToken, span: Span): Diagnostic {
  const close = COMMAND_WORDS.find((c) => nearlyEqual(word.image.toLowerCase(), c));
  return makeDiagnostic('E0601', 'error', `unknown command \`${word.image}\``, { span, label: 'not a command' }, {
    notes: [`commands are ${COMMAND_WORDS.map((c) => `\`${c}\``).join(', ')}`],
    suggestions: close ? [{ message: `did you mean \`${close}\`?`, edits: [{ span, newText: close }], applicability: 'maybe' }] : [],
  });
}

/** A cheap "one edit apart" test; grammar/ must not depend on the compiler's suggestion helpers. */
function nearlyEqual(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) return a.slice(i + 1) === b.slice(i + 1) || (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2));
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

let shared: StarlaneParser | undefined;

function parser(): StarlaneParser {
  shared ??= new StarlaneParser();
  return shared;
}

/** Build the parser with chevrotain's validations on; throws if the grammar has a definition error. */
export function validateGrammar(): void {
  new StarlaneParser(true);
}

/** Split at each `;` outside braces; each part is one command with its `;` (the last may lack it). */
function splitCommands(tokens: IToken[]): IToken[][] {
  const chunks: IToken[][] = [];
  let current: IToken[] = [];
  let depth = 0;
  for (const t of tokens) {
    current.push(t);
    if (t.tokenType === T.LCurly) depth++;
    else if (t.tokenType === T.RCurly) depth = Math.max(0, depth - 1);
    else if (t.tokenType === T.Semi && depth === 0) {
      chunks.push(current);
      current = [];
    }
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

interface CommandList {
  readonly commands: A.Command[];
  readonly diagnostics: Diagnostic[];
  readonly legacy: boolean;
}

/**
 * Commands are `;`-terminated statements: each is parsed on its own, so a mistake in one (an unbalanced
 * `{`, a missing `<`) is one diagnostic and the next command parses cleanly.
 */
function parseCommandList(tokens: IToken[], p: StarlaneParser, lexDiagnostics: Diagnostic[]): CommandList {
  p.beginDocument();
  const commands: A.Command[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const chunk of splitCommands(tokens)) {
    p.load(chunk);
    const command = p.command();
    if (command) commands.push(command);
    diagnostics.push(...p.diags, ...recognitionDiagnostics(p.errors, endOf(chunk[chunk.length - 1]!), lexDiagnostics));
  }
  return { commands, diagnostics, legacy: p.legacyScript };
}

/** Turn chevrotain's recognition errors into E0001 diagnostics, keeping one per mistake. */
function recognitionDiagnostics(errors: IRecognitionException[], textLength: number, lexDiagnostics: Diagnostic[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  let coveredUntil = -1;
  const unclosed = lexDiagnostics.some((d) => d.code === 'E0007');
  for (const e of errors) {
    // "Input after the end" after an earlier error is where recovery lost the document's structure.
    if (e.name === 'NotAllInputParsedException' && out.length > 0) continue;
    const token = e.token;
    const atEof = token.tokenType === EOF || Number.isNaN(token.startOffset);
    if (atEof && unclosed) continue; // the lexer already said which delimiter is unclosed
    const start = atEof ? textLength : token.startOffset;
    if (start <= coveredUntil) continue;
    const end = atEof ? textLength : endOf(token);
    const resynced = e.resyncedTokens ?? [];
    const last = resynced[resynced.length - 1];
    coveredUntil = Math.max(end, last && !Number.isNaN(endOf(last)) ? endOf(last) : end);
    const message = e.message;
    const expectedSemi = /^expected `;`/.test(message);
    const prev = (e as IRecognitionException & { previousToken?: IToken }).previousToken;
    if (expectedSemi && prev && !Number.isNaN(endOf(prev))) {
      const at = endOf(prev);
      out.push(makeDiagnostic('E0001', 'error', message, { span: { start: at, end: at }, label: 'expected `;` here' }, {
        secondary: atEof ? [] : [{ span: { start, end }, label: 'unexpected token' }],
        suggestions: [{ message: 'add `;`', edits: [{ span: { start: at, end: at }, newText: ';' }], applicability: 'maybe' }],
      }));
      continue;
    }
    out.push(makeDiagnostic('E0001', 'error', message, { span: { start, end }, label: atEof ? 'file ends here' : 'unexpected token' }));
  }
  return out;
}

function emptyDocument(fileKind: A.FileKind, textLength: number, comments: A.Comment[], legacy: boolean, header?: A.RootHeader): A.Document {
  const span = { start: 0, end: textLength };
  switch (fileKind) {
    case 'bind':
    case 'router':
      return { kind: 'BindDocument', fileKind, header, body: [], span, comments, legacy };
    case 'app':
    case 'mechtron':
      return { kind: 'ConfigDocument', fileKind, header, sections: [], span, comments, legacy };
    case 'script':
      return { kind: 'ScriptDocument', fileKind, commands: [], span, comments, legacy };
  }
}

/** Parse one source text of the given kind. Never throws; problems are diagnostics. */
export function parseDocument(text: string, fileKind: A.FileKind): ParseResult {
  const { tokens, comments, diagnostics: lexDiagnostics } = lex(text);
  const span = { start: 0, end: text.length };

  if (fileKind !== 'script') {
    const first = tokens[0];
    const second = tokens[1];
    if (!first) {
      const root = ROOT_NAMES[fileKind];
      return {
        ast: emptyDocument(fileKind, text.length, comments, false),
        diagnostics: [
          ...lexDiagnostics,
          makeDiagnostic('E0001', 'error', `expected a \`${root}(version=1.0.0) { ... }\` document, found an empty file`, { span: { start: text.length, end: text.length }, label: 'file ends here' }, {
            suggestions: [{ message: 'start the document', edits: [{ span: { start: text.length, end: text.length }, newText: `${root}(version=1.0.0) {\n}\n` }], applicability: 'maybe' }],
          }),
        ],
      };
    }
    if (first.tokenType === T.Ident && second?.tokenType === T.LCurly) {
      // `Bind { ... }`: Starlane 0.1/0.2. Its body follows another grammar, so it is not interpreted.
      const header: A.RootHeader = { name: { text: first.image, span: { start: first.startOffset, end: endOf(first) } }, version: undefined, span: { start: first.startOffset, end: endOf(first) } };
      const legacy = makeDiagnostic('E0004', 'error', `legacy \`${first.image} { ... }\` document`, { span: { start: first.startOffset, end: endOf(second) }, label: 'no `(version=...)`: a Starlane 0.1/0.2 document' }, {
        notes: [`v1 documents start with \`${ROOT_NAMES[fileKind] || first.image}(version=1.0.0) {\``],
        help: ['run `starc migrate` on this file to convert it to v1'],
      });
      return { ast: emptyDocument(fileKind, text.length, comments, true, header), diagnostics: [legacy] };
    }
  }

  let stray: Diagnostic | undefined;
  let parsed = tokens;
  if (fileKind !== 'script') ({ tokens: parsed, diagnostic: stray } = skipStrayPrefix(tokens, ROOT_NAMES[fileKind]));
  const p = parser();
  p.beginDocument();
  p.load(parsed);
  let ast: A.Document;
  // The header is read by hand when its `{` is in sight, so a malformed header is one diagnostic and the
  // body still parses; otherwise chevrotain reads the whole document and recovers as it can.
  const head = fileKind === 'script' ? undefined : readHeader(parsed, ROOT_NAMES[fileKind]);
  if (head) p.load(parsed.slice(head.bodyStart));
  switch (fileKind) {
    case 'bind':
    case 'router': {
      const doc = head ? { header: head.header, body: p.block() } : p.bindDocument();
      ast = { kind: 'BindDocument', fileKind, header: doc?.header ?? undefined, body: doc?.body ?? [], span, comments, legacy: false };
      break;
    }
    case 'app':
    case 'mechtron': {
      const doc = head ? { header: head.header, sections: p.configBody() } : p.configDocument();
      ast = { kind: 'ConfigDocument', fileKind, header: doc?.header ?? undefined, sections: doc?.sections ?? [], span, comments, legacy: false };
      break;
    }
    case 'script': {
      const list = parseCommandList(parsed, p, lexDiagnostics);
      ast = { kind: 'ScriptDocument', fileKind, commands: list.commands, span, comments, legacy: list.legacy };
      return { ast, diagnostics: keepOnePerMistake(sortByStart([...lexDiagnostics, ...list.diagnostics]), parsed) };
    }
  }
  // An unbalanced `{ }` throws every later parse off (as in rustc, the delimiter error is the one to fix).
  const delimiterError = lexDiagnostics.some((d) => d.code === 'E0007');
  const syntax = delimiterError ? [] : [...p.diags, ...recognitionDiagnostics(p.errors, text.length, lexDiagnostics)];
  for (const block of p.commandBlocks.splice(0)) {
    const list = parseCommandList(block.tokens, p, []);
    block.into.push(...list.commands);
    if (!delimiterError) syntax.push(...list.diagnostics);
  }
  const diagnostics = [...(stray ? [stray] : []), ...(head?.diagnostic ? [head.diagnostic] : []), ...lexDiagnostics, ...syntax];
  return { ast, diagnostics: keepOnePerMistake(sortByStart(diagnostics), parsed) };
}

function sortByStart(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.sort((a, b) => a.primary.span.start - b.primary.span.start);
}

const PARSE_CODES = new Set(['E0001', 'E0110', 'E0111', 'E0112']);

/**
 * One mistake, one diagnostic: after a syntax error, further syntax errors are dropped until the parser has
 * passed a `;` or `}` (where it is back in step with the text). Lexical and semantic diagnostics stay.
 */
function keepOnePerMistake(diagnostics: Diagnostic[], tokens: IToken[]): Diagnostic[] {
  // Sync points: `;` and `}` that end routes, commands and blocks (not those inside a `-[ Map{...} ]->`).
  const syncs: number[] = [];
  let inCheck = false;
  for (const t of tokens) {
    const type = t.tokenType;
    if (type === T.RequestCheckOpen || type === T.ResponseCheckOpen) inCheck = true;
    else if (type === T.CheckCloseArrow || type === T.CheckCloseFatArrow || type === T.BrokenCheckClose) inCheck = false;
    else if (!inCheck && (type === T.Semi || type === T.RCurly)) syncs.push(t.startOffset);
  }
  const out: Diagnostic[] = [];
  let lastSyntax = -1;
  for (const d of diagnostics) {
    const at = d.primary.span.start;
    if (PARSE_CODES.has(d.code)) {
      if (lastSyntax >= 0 && !syncBetween(syncs, lastSyntax + 1, at)) continue;
      lastSyntax = at;
    }
    const prev = out[out.length - 1];
    if (prev && prev.primary.span.start === at && d.code === 'E0001') continue;
    out.push(d);
  }
  return out;
}

/** Whether a sync token starts in [from, to). */
function syncBetween(syncs: number[], from: number, to: number): boolean {
  let lo = 0;
  let hi = syncs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (syncs[mid]! < from) lo = mid + 1;
    else hi = mid;
  }
  return lo < syncs.length && syncs[lo]! < to;
}

/** `Bind(verion=1.0.0)`: the root header takes only `version=`. */
function misspeltVersionKey(key: IToken): Diagnostic {
  const span = { start: key.startOffset, end: endOf(key) };
  return makeDiagnostic('E0001', 'error', `expected \`version\`, found \`${key.image}\``, { span, label: 'the root takes only `version=`' }, {
    suggestions: [{ message: 'write `version`', edits: [{ span, newText: 'version' }], applicability: 'machine' }],
  });
}

/**
 * `Name(version=X) {`: the header up to its `{`. A header of another shape (`App version = 1.0.0 ) {`,
 * `Bind(verion=1.0.0) {`) is one E0001 with the canonical form suggested.
 */
function readHeader(tokens: IToken[], root: string): { header: A.RootHeader; bodyStart: number; diagnostic?: Diagnostic } | undefined {
  const name = tokens[0];
  if (!name || name.tokenType !== T.Ident) return undefined;
  const open = tokens.findIndex((t, i) => i > 1 && i <= 8 && t.tokenType === T.LCurly);
  if (open < 0) return undefined;
  const inner = tokens.slice(1, open);
  const span = { start: name.startOffset, end: endOf(tokens[open - 1]!) };
  const isWord = (t: IToken | undefined): boolean => t !== undefined && (t.tokenType === T.Word || t.tokenType.CATEGORIES?.includes(T.Word) === true);
  const shaped = inner.length === 5 && inner[0]!.tokenType === T.LParen && isWord(inner[1]) && inner[2]!.tokenType === T.Equals && isWord(inner[3]) && inner[4]!.tokenType === T.RParen;
  const versionToken = shaped ? inner[3] : inner.find((t) => isWord(t) && /^\d/.test(t.image));
  const version = versionToken && { text: versionToken.image, span: { start: versionToken.startOffset, end: endOf(versionToken) } };
  const header: A.RootHeader = { name: { text: name.image, span: { start: name.startOffset, end: endOf(name) } }, version, span };
  const canonical = `${name.image}(version=${versionToken?.image ?? '1.0.0'})`;
  if (shaped && inner[1]!.image === 'version') return { header, bodyStart: open };
  const key = inner[1]!;
  const diagnostic = shaped
    ? misspeltVersionKey(key)
    : makeDiagnostic('E0001', 'error', 'malformed root header', { span, label: `expected \`${canonical}\`` }, {
        notes: [`a document starts with \`${root || name.image}(version=1.0.0) {\``],
        suggestions: [{ message: 'write the header in full', edits: [{ span, newText: canonical }], applicability: 'maybe' }],
      });
  return { header, bodyStart: open, diagnostic };
}

/**
 * Stray text before the root header (an uncommented line, a pasted fragment): if the expected
 * `Name(` appears later, report the stray tokens once and parse from the header.
 */
function skipStrayPrefix(tokens: IToken[], root: string): { tokens: IToken[]; diagnostic?: Diagnostic } {
  const first = tokens[0];
  if (!first || (first.tokenType === T.Ident && (tokens[1]?.tokenType === T.LParen || tokens[1]?.tokenType === T.LCurly))) return { tokens };
  const k = tokens.findIndex((t, i) => t.tokenType === T.Ident && t.image === root && tokens[i + 1]?.tokenType === T.LParen);
  if (k <= 0) return { tokens };
  const span = { start: first.startOffset, end: endOf(tokens[k - 1]!) };
  return {
    tokens: tokens.slice(k),
    diagnostic: makeDiagnostic('E0001', 'error', `unexpected text before \`${root}(...)\``, { span, label: 'not part of any document' }, {
      notes: [`a document starts with its root: \`${root}(version=1.0.0) { ... }\``],
      suggestions: [{ message: 'comment it out', edits: [{ span: { start: span.start, end: span.start }, newText: '# ' }], applicability: 'maybe' }],
    }),
  };
}


// Grammar-aware generators for the five Starlane file kinds (SPEC.md): valid documents, points, kinds and
// mutations of valid documents (generated or from the corpus) — the inputs of the R1 fuzzing bar.
//
// Every document is rendered from a stream of choices (`Choices`). Under fast-check the stream is an array of
// numbers, so shrinking it shrinks the document (an exhausted stream always takes the first, simplest option);
// under the benches it is a seeded PRNG, which is fast and deterministic. Option 0 of every choice is the
// simplest one, and every list stops when the stream runs out, so rendering always terminates.

import fc from 'fast-check';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FileKind } from '../../grammar/ast.ts';

/** One input for the checker: source text and the file kind it is checked as. */
export interface SourceDoc {
  readonly fileKind: FileKind;
  readonly text: string;
  /** Where it came from: `generated`, a corpus file name, or either with the mutations applied. */
  readonly origin: string;
}

export const FILE_KINDS: readonly FileKind[] = ['bind', 'router', 'app', 'mechtron', 'script'];

// ---------------------------------------------------------------- choice streams

/** The decisions a renderer takes, in order. */
export interface Choices {
  /** A number in 0..n-1 (0 when the stream is used up). */
  below(n: number): number;
}

/** Choices read from an array (what fast-check generates and shrinks); 0 once the array is used up. */
export function arrayChoices(values: readonly number[]): Choices {
  let i = 0;
  return {
    below(n) {
      if (n <= 1) return 0;
      const v = values[i++];
      return v === undefined ? 0 : v % n;
    },
  };
}

/** Choices from a seeded PRNG (mulberry32): deterministic and fast, for generating megabytes in the benches. */
export function prngChoices(seed: number): Choices {
  let state = seed >>> 0;
  return {
    below(n) {
      if (n <= 1) return 0;
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      const r = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      return Math.floor(r * n);
    },
  };
}

function pick<T>(c: Choices, items: readonly T[]): T {
  return items[c.below(items.length)]!;
}

/** True with the given probability (percent); false once the stream is used up. */
function chance(c: Choices, percent: number): boolean {
  return c.below(100) >= 100 - percent;
}

function between(c: Choices, min: number, max: number): number {
  return min + c.below(max - min + 1);
}

/** A fresh name from `pool` not in `taken` (suffixed with a number when the pool is used up); records it. */
function freshName(c: Choices, pool: readonly string[], taken: Set<string>, joiner = '-'): string {
  let name = pick(c, pool);
  for (let i = 2; taken.has(name); i++) name = `${pick(c, pool)}${joiner}${i}`;
  taken.add(name);
  return name;
}

/** The choice-array arbitrary behind every document arbitrary; `maxChoices` bounds a document's size. */
function choiceArb(maxChoices: number): fc.Arbitrary<number[]> {
  return fc.noBias(fc.array(fc.nat({ max: 0x3fffffff }), { minLength: 0, maxLength: maxChoices, size: 'max' }));
}

function choiceDocArb(maxChoices: number, render: (c: Choices) => string): fc.Arbitrary<string> {
  return choiceArb(maxChoices).map((values) => render(arrayChoices(values)));
}

// ---------------------------------------------------------------- vocabulary

const WORDS = ['app', 'users', 'files', 'site', 'hello', 'admin', 'api', 'static', 'docs', 'billing', 'store',
  'web', 'images', 'my-app', 'hello-goodbye', 'v2', 'blog', 'search', 'assets', 'reports'] as const;
const SPACES = ['localhost', 'mechtron.io', 'example.com', 'starlane', 'my-space', 'dev.local'] as const;
const FILE_NAMES = ['index.html', 'app.css', 'main.js', 'logo.png', 'readme.md', 'data.json', 'a_b-c.txt'] as const;
const VERSIONS = ['1.0.0', '2.1.0', '0.3.4', '1.0.0-beta', '2.1.0-rc.1', '10.20.30'] as const;
const CAPTURE_NAMES = ['user', 'path', 'file', 'id', 'page', 'name', 'slug', 'rest', 'section', 'lang'] as const;
const PROP_KEYS = ['title', 'owner', 'description', 'max-size', 'region', 'log.level', 'tags', 'peer'] as const;
const CAMEL_METHODS = ['Hello', 'SignUp', 'Render', 'Greet', 'Upload', 'Notify', 'Goodbye', 'FetchAll'] as const;
const HTTP_METHODS = ['Get', 'Post', 'Put', 'Delete', 'Patch', 'Head', 'Options', 'Trace', 'Connect'] as const;
const CMD_METHODS = ['Init', 'Read', 'Update', 'Command', 'RawCommand', 'Log', 'Bounce', 'Knock', 'Greet'] as const;
const HYP_METHODS = ['Init', 'Assign', 'Host', 'Provision', 'Knock', 'Hop', 'Transport', 'HyperWave', 'Search'] as const;
const SUBSTANCE_KINDS = ['Text', 'Empty', 'Bin', 'Int', 'Boolean', 'Point', 'Map', 'List', 'Json', 'Stub',
  'Details', 'Status', 'Err'] as const;
const LIST_ITEM_KINDS = ['Text', 'Int', 'Bin', 'Boolean', 'Point', 'Json'] as const;
const MAP_KEYS = ['username', 'password', 'email', 'age', 'name', 'tags', 'address', 'user-id', 'zip'] as const;
const DURATIONS = ['250ms', '5s', '2m', '30s', '1500ms', '1s'] as const;
const SIZES = ['64KiB', '16MiB', '1GiB', '512KiB', '256MiB'] as const;
const SPECIFICS = ['postgresql.org:postgres:server:15.0.0', 'mysql.com:mysql:community:8.0.1',
  'starlane.io:postgresql.org:postgres:server:15.0.0'] as const;
const OAUTH_SPECIFICS = ['keycloak.org:keycloak:server:18.0.0', 'auth0.com:auth0:tenant:1.0.0'] as const;
const STRINGS = ['"forbidden"', "'no such page'", '"quote \\" inside"', "'it\\'s gone'", '"tab\\there"',
  '"unicode é ✓ 日本"', '"semi; colon { brace } # hash"', '""', '"back\\\\slash"'] as const;
const COMMENT_TEXTS = ['routes for the site', 'TODO: tighten this; see {docs}', 'a # inside a comment',
  'Route<Http<Get>> -> (()) => &;', 'ünïcödé ✓', '', 'quotes " and \' unbalanced', '(( )) => & ;'] as const;

function comment(c: Choices): string {
  const text = pick(c, COMMENT_TEXTS);
  return text === '' ? '#' : `# ${text}`;
}

// ---------------------------------------------------------------- layout

/** How a document lays out its lines: indentation unit and line break. */
interface Layout {
  readonly unit: string;
  readonly eol: string;
}

function chooseLayout(c: Choices): Layout {
  return { unit: pick(c, ['  ', '    ', '\t', ' ']), eol: chance(c, 8) ? '\r\n' : '\n' };
}

function header(c: Choices, root: string): string {
  return pick(c, [`${root}(version=1.0.0)`, `${root}( version = 1.0.0 )`, `${root}(version = 1.0.0)`]);
}

/** Every line of `lines` (which may hold several) indented one level. */
function indented(layout: Layout, lines: readonly string[]): string {
  return lines.flatMap((l) => l.split(layout.eol)).map((l) => `${layout.unit}${l}`).join(layout.eol);
}

/** `header {` then the lines indented, then `}`; sometimes the brace on its own line, as in the corpus. */
function block(c: Choices, layout: Layout, head: string, lines: readonly string[]): string {
  const open = chance(c, 20) ? `${head}${layout.eol}{` : `${head} {`;
  if (lines.length === 0) return `${open} }`;
  return `${open}${layout.eol}${indented(layout, lines)}${layout.eol}}`;
}

// ---------------------------------------------------------------- points and kinds

/** Which variables a point may use where it is written. */
export interface PointVars {
  /** `${doc}` and `${doc.bundle}` (bind, router, app, mechtron documents). */
  readonly doc: boolean;
  /** `${self}` (bind, router, an app's Install and Set). */
  readonly self: boolean;
  /** Capture names in scope (bind and router stops). */
  readonly captures: readonly string[];
  /** Groups of the nearest path, which `$1`..`$n` name (bind and router stops). */
  readonly groups?: number;
}

const NO_VARS: PointVars = { doc: false, self: false, captures: [] };

/** A whole segment: a word from `pool`, or a capture in scope (`${user}`, `$1`). */
function segmentOrCapture(c: Choices, vars: PointVars, pool: readonly string[]): string {
  if (vars.captures.length > 0 && chance(c, 60)) return `\${${pick(c, vars.captures)}}`;
  if ((vars.groups ?? 0) > 0 && chance(c, 15)) return `$${between(c, 1, Math.min(vars.groups!, 9))}`;
  return pick(c, pool);
}

/** A point per SPEC §2, using only the variables `vars` allows. */
export function renderPoint(c: Choices, vars: PointVars = NO_VARS): string {
  const space = (): string => (vars.captures.length > 0 && chance(c, 5) ? `\${${pick(c, vars.captures)}}` : pick(c, SPACES));
  const bases = (): string => {
    let out = '';
    for (let n = between(c, 0, 2); n > 0; n--) out += `:${segmentOrCapture(c, vars, WORDS)}`;
    return out;
  };
  const filePath = (): string => {
    let out = ':/';
    for (let n = between(c, 0, 2); n > 0; n--) out += `${segmentOrCapture(c, vars, WORDS)}/`;
    if (chance(c, 85)) {
      out += vars.captures.length > 0 && chance(c, 50)
        ? pick(c, [`\${${pick(c, vars.captures)}}`, `\${${pick(c, vars.captures)}}.html`, `page-\${${pick(c, vars.captures)}}.json`])
        : pick(c, FILE_NAMES);
    }
    return out;
  };
  switch (c.below(10)) {
    case 0: return `${space()}${bases()}`;
    case 1: return `${space()}:${pick(c, WORDS)}${bases()}`;
    case 2: return `${space()}${bases()}${filePath()}`;
    case 3: return `repo:${pick(c, WORDS)}:${pick(c, VERSIONS)}${chance(c, 70) ? filePath() : ''}`;
    case 4: return `${pick(c, ['LOCAL', 'REMOTE', 'GLOBAL', 'mechtron.io', '[hub]', '[edge-1]'])}::${space()}${bases()}`;
    case 5: return 'ROOT';
    case 6: return vars.doc ? `\${doc.bundle}${filePath()}` : `${space()}:${pick(c, WORDS)}`;
    case 7: return vars.self ? `\${self}${bases()}` : `${space()}${bases()}`;
    case 8: return vars.doc ? '${doc}' : pick(c, SPACES);
    default: return `${space()}:${segmentOrCapture(c, vars, WORDS)}${bases()}`;
  }
}

/** A kind per SPEC §3 (`Space`, `File<Dir>`, `Database<Relational<vendor:product:variant:version>>`, ...). */
export function renderKind(c: Choices): string {
  switch (c.below(14)) {
    case 0: return 'Space';
    case 1: return pick(c, ['Base', 'Base<User>', 'Base<App>', 'Base<Mechtron>', 'Base<Database>', 'Base<Repo>', 'Base<Any>']);
    case 2: return 'App';
    case 3: return 'Mechtron';
    case 4: return pick(c, ['FileStore', 'FileSystem']);
    case 5: return pick(c, ['File', 'File<File>', 'File<Dir>']);
    case 6: return 'Repo';
    case 7: return 'BundleSeries';
    case 8: return 'Bundle';
    case 9: return `Artifact<${pick(c, ['Raw', 'Bind', 'Router', 'App', 'Mechtron', 'Wasm', 'Schema', 'Dir'])}>`;
    case 10: return pick(c, ['UserBase', `UserBase<OAuth<${pick(c, OAUTH_SPECIFICS)}>>`]);
    case 11: return 'User';
    case 12: return `Database<Relational<${pick(c, SPECIFICS)}>>`;
    default: return 'Root';
  }
}

// ---------------------------------------------------------------- bind and router

type WaveKind = 'Http' | 'Ext' | 'Cmd' | 'Hyp' | '*';

/** One piece of a path regex: as written in the scope that owns it, and as repeated by nested scopes. */
interface PathPiece {
  readonly own: string;
  /** The same regex with its capture groups made non-capturing (a nested scope repeats the prefix). */
  readonly repeated: string;
  /** The name of its named group, if it has one. */
  readonly capture: string | undefined;
  /** Its capturing groups (named or positional), as `$n` counts them. */
  readonly groups: number;
}

const CAPTURE_BODIES = ['[a-z-]+', '[^/]+', '\\d+', '.*', '.+', '[^;/]+', '[a-z0-9.-]+', '[A-Za-z_]\\w*'] as const;

/** One piece of a path; a bare `/` (a trailing slash) only as the `last` piece. */
function pathPiece(c: Choices, taken: Set<string>, last: boolean): PathPiece {
  const literal = (text: string): PathPiece => ({ own: text, repeated: text, capture: undefined, groups: 0 });
  switch (c.below(12)) {
    case 0: return literal(`/${pick(c, WORDS)}`);
    case 1: return literal(`/${pick(c, ['index.html', 'app\\.css', 'data\\.json', 'favicon.ico'])}`);
    case 2: case 3: case 4: {
      const name = freshName(c, CAPTURE_NAMES, taken, '');
      const body = pick(c, CAPTURE_BODIES);
      const open = chance(c, 60) ? `(?P<${name}>` : `(?<${name}>`;
      return { own: `/${open}${body})`, repeated: `/(?:${body})`, capture: name, groups: 1 };
    }
    case 5: return literal('/.*');
    case 6: return literal(pick(c, ['/[^;/]+', '/[a-z;]+', '/x;y', '/[;]']));
    case 7: return { own: '/(\\d+)', repeated: '/(?:\\d+)', capture: undefined, groups: 1 };
    case 8: return literal(`/#${pick(c, WORDS)}`);
    case 9: return literal('/[0-9]{2,4}');
    case 10: return literal('/(?:json|xml)');
    default: return literal(last ? '/' : `/${pick(c, WORDS)}/[^/]*`);
  }
}

interface ScopeContext {
  readonly fileKind: 'bind' | 'router';
  readonly layout: Layout;
  /** The selector level the next scope starts at: 0 `Route`, 1 a wave kind, 2 a method. */
  readonly level: 0 | 1 | 2;
  readonly wave: WaveKind | undefined;
  /** Path pieces of the enclosing scopes (a nested path repeats them, since it must match the whole path). */
  readonly prefix: readonly PathPiece[];
  readonly captures: readonly string[];
  /** Groups of the nearest path (a scope without a path keeps its parent's). */
  readonly groups: number;
  /** How many more block levels may nest. */
  readonly depth: number;
  /** Upper bound on the scopes in one block. */
  readonly breadth: number;
}

function methodsOf(wave: WaveKind): readonly string[] {
  switch (wave) {
    case 'Http': return [...HTTP_METHODS, '*'];
    case 'Ext': return [...CAMEL_METHODS, '*'];
    case 'Cmd': return [...CMD_METHODS, '*'];
    case 'Hyp': return [...HYP_METHODS, '*'];
    case '*': return ['*', 'Get', 'Post'];
  }
}

const FILTERS = ['(auth)', '(auth role=admin)', '(timeout 2s)', '(timeout 250ms)', '(limit 100/s)', '(limit 10)'] as const;

/** Zero, one or two filters of different names, chained with or without `-` (`(auth)-(limit 10)`). */
function filters(c: Choices): string {
  if (!chance(c, 15)) return '';
  const first = pick(c, FILTERS);
  if (!chance(c, 30)) return first;
  const nameOf = (f: string): string => f.slice(1).split(/[ )]/)[0]!;
  const others = FILTERS.filter((f) => nameOf(f) !== nameOf(first));
  return `${first}${pick(c, ['', '-'])}${pick(c, others)}`;
}

function payloadPattern(c: Choices, depth: number, vars: PointVars): string {
  const structure = (): string => {
    switch (c.below(5)) {
      case 0: return pick(c, SUBSTANCE_KINDS);
      case 1: return `${pick(c, LIST_ITEM_KINDS)}[${pick(c, ['', '5', '1-5', '0-10'])}]`;
      case 2: case 3: {
        if (chance(c, 15)) return 'Map';
        const keys = new Set<string>();
        const entries: string[] = [];
        for (let n = between(c, 0, 3); n > 0; n--) {
          const key = freshName(c, MAP_KEYS, keys);
          const optional = chance(c, 25) ? '?' : '';
          const sub = chance(c, 70) ? `<${payloadPattern(c, depth - 1, vars).trim() || 'Text'}>` : '';
          entries.push(`${key}${optional}${sub}`);
        }
        if (entries.length > 0 && chance(c, 25)) entries.push(chance(c, 50) ? '*' : `*<${pick(c, ['Text', 'Int', 'Json'])}>`);
        const sep = pick(c, [', ', ',']);
        return `Map{${entries.join(sep)}}`;
      }
      default: return pick(c, ['Text', 'Json', 'Bin']);
    }
  };
  if (depth <= 0) return pick(c, ['Text', 'Int', 'Json', 'Text[]']);
  switch (c.below(8)) {
    case 0: return '*';
    case 1: return '';
    default: {
      let out = structure();
      if (chance(c, 15)) out += `~${pick(c, ['json', 'utf8', 'image'])}`;
      if (chance(c, 12)) {
        out += chance(c, 60)
          ? `~schema(${vars.doc && chance(c, 60) ? '${doc.bundle}:/schema/' : 'repo:schemas:1.0.0:/schema/'}${pick(c, ['user', 'signup', 'order'])}.json)`
          : `~${pick(c, ['localhost:validator', 'localhost:app:checks'])}^Ext<${pick(c, ['Validate', 'CheckUser'])}>`;
      }
      return out;
    }
  }
}

function bracketed(c: Choices, pattern: string): string {
  return pattern === '' ? pick(c, ['', ' ']) : chance(c, 70) ? ` ${pattern} ` : pattern;
}

type StepForm = 'request' | 'response' | 'any';

function step(c: Choices, form: StepForm, vars: PointVars): string {
  const req = ['->', '-[P]->'];
  const res = ['=>', '=[P]=>'];
  const any = ['->', '=>', '-[P]->', '=[P]=>', '-[P]=>', '=[P]->'];
  const shape = pick(c, form === 'request' ? req : form === 'response' ? res : any);
  if (!shape.includes('P')) return shape;
  return shape.replace('P', bracketed(c, payloadPattern(c, 2, vars)));
}

function pointStop(c: Choices, vars: PointVars): string {
  const cap = (pool: readonly string[]): string => segmentOrCapture(c, vars, pool);
  switch (c.below(10)) {
    case 0: return `localhost:${pick(c, WORDS)}`;
    case 1: return `localhost:app:${cap(WORDS)}`;
    case 2: return `profiles:${cap(WORDS)}`;
    case 3: return `\${doc.bundle}:/html/${cap(FILE_NAMES)}`;
    case 4: return `localhost:site:/${cap(WORDS)}.html`;
    case 5: return `repo:site:${pick(c, VERSIONS)}:/html/index.html`;
    case 6: return pick(c, ['GLOBAL::registry', 'LOCAL::localhost:app', '[hub]::localhost:users', 'mechtron.io::localhost:app']);
    case 7: return `\${self}:${pick(c, WORDS)}`;
    case 8: return `localhost:files:/static/${cap(FILE_NAMES)}`;
    default: return renderPoint(c, vars);
  }
}

function callStop(c: Choices, vars: PointVars): string {
  const method = pick(c, [`Ext<${pick(c, CAMEL_METHODS)}>`, `Http<${pick(c, ['Get', 'Post', 'Put', 'Delete'])}>`, 'Cmd<Read>']);
  const path = chance(c, 30) ? pick(c, ['/render', `/users/${segmentOrCapture(c, vars, WORDS)}`, '/']) : '';
  return `${pointStop(c, vars)}^${method}${path}`;
}

function statusStop(c: Choices): string {
  const status = pick(c, [404, 403, 400, 401, 409, 429, 500, 503, 599, between(c, 400, 599)]);
  return chance(c, 70) ? `!${status} ${pick(c, STRINGS)}` : `!${status}`;
}

/** A stop that passes the flow on (core, point or call). */
function passingStop(c: Choices, fileKind: 'bind' | 'router', vars: PointVars): string {
  const options = fileKind === 'router' ? 2 : 3;
  switch (c.below(options)) {
    case 0: return fileKind === 'router' ? pointStop(c, vars) : pick(c, ['(())', '(( ))', '((*))']);
    case 1: return fileKind === 'router' ? callStop(c, vars) : pointStop(c, vars);
    default: return callStop(c, vars);
  }
}

function pipeline(c: Choices, fileKind: 'bind' | 'router', vars: PointVars): string {
  const gap = (): string => (chance(c, 10) ? '' : ' ');
  if (chance(c, 8)) return `${step(c, 'request', vars)}${gap()}${statusStop(c)}`;
  let out = `${step(c, 'request', vars)}${gap()}${passingStop(c, fileKind, vars)}`;
  for (let n = between(c, 0, 1); n > 0; n--) out += ` ${step(c, 'any', vars)}${gap()}${passingStop(c, fileKind, vars)}`;
  switch (c.below(5)) {
    case 0: case 1: return `${out} =>${gap()}&`;
    case 2: return `${out} ${step(c, 'response', vars)}${gap()}&`;
    case 3: return `${out} ${pick(c, ['->', '=>'])}${gap()}${statusStop(c)}`;
    default: return out;
  }
}

/** The names a scope's selector covers, from `ctx.level` to `end`. `Hyp` needs its method in the same selector. */
function selectorNames(c: Choices, ctx: ScopeContext, end: 0 | 1 | 2): { names: string[]; wave: WaveKind | undefined } {
  const names: string[] = [];
  let wave = ctx.wave;
  for (let level = ctx.level; level <= end; level++) {
    if (level === 0) names.push('Route');
    else if (level === 1) {
      const waves: readonly WaveKind[] = ctx.fileKind === 'router' ? ['Http'] : end === 2 ? ['Http', 'Ext', 'Cmd', 'Hyp', '*'] : ['Http', 'Ext', 'Cmd', '*'];
      wave = pick(c, waves);
      names.push(wave);
    } else names.push(pick(c, methodsOf(wave ?? '*')));
  }
  return { names, wave };
}

function selectorText(c: Choices, ctx: ScopeContext, names: readonly string[]): string {
  if (names.length === 1) return ctx.level > 0 && chance(c, 25) ? `<${names[0]}>` : names[0]!;
  return names.length === 2 ? `${names[0]}<${names[1]}>` : `${names[0]}<${names[1]}<${names[2]}>>`;
}

/** A path ends at whitespace, so a `;` right after one would belong to it. */
function endsWithPath(pipelineText: string): boolean {
  return /\^\w+<[\w*]+>\/\S*$/.test(pipelineText);
}

/** A rendered scope, and what decides whether an earlier sibling makes it unreachable (W0103). */
interface RenderedScope {
  readonly text: string;
  /** The selector's names as written (`<Get>` as `Get`). */
  readonly names: readonly string[];
  /** The path as written, if any. */
  readonly path: string | undefined;
  readonly isRoute: boolean;
}

function matchesEveryPath(path: string | undefined): boolean {
  return path === undefined || path === '/.*';
}

/** Whether route `a`, written before `b`, matches every wave `b` would: the checker's W0103 rule. */
function shadows(a: RenderedScope, b: RenderedScope): boolean {
  if (!a.isRoute || a.names.length > b.names.length) return false;
  if (!a.names.every((name, k) => name === '*' || name === b.names[k])) return false;
  return matchesEveryPath(a.path) || a.path === b.path;
}

/**
 * Siblings in the order a careful author writes them: routes with a path before catch-alls, specific names
 * before `*`; a scope an earlier sibling makes unreachable is dropped, so generated files have no W0103.
 */
function orderSiblings(siblings: readonly RenderedScope[]): RenderedScope[] {
  const generality = (s: RenderedScope): number => (matchesEveryPath(s.path) ? 10 : 0) - s.names.filter((n) => n !== '*').length;
  const kept: RenderedScope[] = [];
  for (const s of [...siblings].sort((a, b) => generality(a) - generality(b))) {
    if (!kept.some((earlier) => shadows(earlier, s))) kept.push(s);
  }
  return kept;
}

function scope(c: Choices, ctx: ScopeContext): RenderedScope {
  // How far this selector reaches: a block must leave a level for its scopes, a route in a router must
  // name Http, and a route may stop at any level in a bind (`Route -> ...` takes every wave).
  const block = ctx.depth > 0 && ctx.level < 2 && chance(c, 35);
  let end: 0 | 1 | 2;
  if (block) end = ctx.level === 0 && chance(c, 50) ? 0 : 1;
  else if (ctx.level === 2) end = 2;
  else end = pick(c, ctx.level === 0 && ctx.fileKind === 'bind' ? [2, 2, 1, 0] as const : [2, 2, 1] as const);
  const chosen = selectorNames(c, ctx, end);
  let text = selectorText(c, ctx, chosen.names) + filters(c);

  // The path: the enclosing prefix repeated, then this scope's own pieces (Http and `*` waves only).
  const taken = new Set(ctx.captures);
  const pieces: PathPiece[] = [];
  const pathAllowed = chosen.wave === undefined || chosen.wave === 'Http' || chosen.wave === '*';
  let path: string | undefined;
  if (pathAllowed && chance(c, 55)) {
    for (let n = between(c, 1, 3); n > 0; n--) pieces.push(pathPiece(c, taken, n === 1));
    path = ctx.prefix.map((p) => p.repeated).join('') + pieces.map((p) => p.own).join('');
    text += path;
  }
  const captures = [...ctx.captures, ...pieces.flatMap((p) => (p.capture ? [p.capture] : []))];
  const groups = pieces.length > 0 ? pieces.reduce((n, p) => n + p.groups, 0) : ctx.groups;
  const vars: PointVars = { doc: true, self: true, captures, groups };

  const rendered = (scopeText: string, isRoute: boolean): RenderedScope => {
    const lead = chance(c, 10) ? `${comment(c)}${ctx.layout.eol}` : '';
    return { text: lead + scopeText, names: chosen.names, path, isRoute };
  };
  if (!block) {
    const route = pipeline(c, ctx.fileKind, vars);
    return rendered(`${text} ${route}${endsWithPath(route) ? ' ;' : ';'}${trailingComment(c)}`, true);
  }
  const inner: ScopeContext = {
    ...ctx,
    level: (end + 1) as 1 | 2,
    wave: chosen.wave,
    prefix: [...ctx.prefix, ...pieces],
    captures,
    groups,
    depth: ctx.depth - 1,
  };
  const blockStep = chance(c, 80) ? '->' : `-[${bracketed(c, payloadPattern(c, 2, vars))}]->`;
  return rendered(scopeBlock(c, ctx, `${text} ${blockStep}`, scopes(c, inner)), false);
}

function trailingComment(c: Choices): string {
  return chance(c, 8) ? ` ${comment(c)}` : '';
}

/** `head {`, the scopes indented one per line, `}`; sometimes all on one line (comments keep their line end). */
function scopeBlock(c: Choices, ctx: ScopeContext, head: string, lines: readonly string[]): string {
  if (lines.length === 0) return `${head} { }`;
  const eol = ctx.layout.eol;
  if (chance(c, 10)) {
    const joined = lines.map((l) => l.trim() + (l.includes('#') ? eol : ' ')).join('');
    return `${head} { ${joined}}`;
  }
  return `${head} {${eol}${indented(ctx.layout, lines)}${eol}}`;
}

/** The scopes of one block (between `min` and `max` of them before ordering), as text. */
function scopes(c: Choices, ctx: ScopeContext, min = 1, max = ctx.breadth): string[] {
  const siblings: RenderedScope[] = [];
  for (let n = between(c, min, max); n > 0; n--) siblings.push(scope(c, ctx));
  return orderSiblings(siblings).map((s) => s.text);
}

/** Size limits of a generated bind/router document. */
export interface BindSize {
  /** Most top-level scopes. */
  readonly routes: number;
  /** Most scopes inside one block. */
  readonly breadth: number;
  /** Most nested block levels (at most 2: Route, then wave kind). */
  readonly depth: number;
  /** Fewest top-level scopes (for documents of a known size in the benches). */
  readonly minRoutes?: number;
}

const SMALL_BIND: BindSize = { routes: 5, breadth: 3, depth: 2 };

/** A `.bind` or `.router` document that checks without errors (SPEC §4, §5). */
export function renderBindDocument(c: Choices, fileKind: 'bind' | 'router', size: BindSize = SMALL_BIND): string {
  const layout = chooseLayout(c);
  const root = fileKind === 'bind' ? 'Bind' : 'Router';
  const ctx: ScopeContext = {
    fileKind, layout, level: 0, wave: undefined, prefix: [], captures: [], groups: 0, depth: size.depth, breadth: size.breadth,
  };
  const lines = scopes(c, ctx, size.minRoutes ?? 0, size.routes);
  const lead = chance(c, 15) ? `${comment(c)}${layout.eol}` : '';
  return `${lead}${block(c, layout, header(c, root), lines)}${layout.eol}`;
}

// ---------------------------------------------------------------- properties

function valueFor(c: Choices, key: string, vars: PointVars): string {
  switch (key) {
    case 'title': case 'description': return pick(c, ['"My App"', "'hello world'", '"a;b{c}"', '"é ✓"']);
    case 'owner': return pick(c, ['scott', '"scott@example.com"']);
    case 'max-size': return pick(c, SIZES);
    case 'region': return pick(c, ['eu-west', '"us east"']);
    case 'log.level': return pick(c, ['info', 'debug', '3']);
    case 'tags': return pick(c, ['"a,b,c"', 'web']);
    // `peer`: any point, e.g. `[hub]::localhost:app`.
    default: return renderPoint(c, vars);
  }
}

/** `+key=value`, `+@key=value` or `!key`, per the allowed operations. */
function prop(c: Choices, key: string, value: string, ops: { lock: boolean; unset: boolean }): string {
  const r = c.below(10);
  if (ops.unset && r === 9) return `!${key}`;
  if (ops.lock && r >= 7) return `+@${key}=${value}`;
  return `+${key}=${value}`;
}

/** Command props: `{ +a=1, +b=2 }` (separated by `,` or `;`). */
function commandProps(c: Choices, props: readonly string[]): string {
  if (props.length === 0) return '';
  const sep = pick(c, ['; ', ', ', ';', ',']);
  const open = pick(c, ['{ ', '{']);
  const close = open === '{ ' ? ' }' : '}';
  return `${pick(c, ['', ' '])}${open}${props.join(sep)}${close}`;
}

// ---------------------------------------------------------------- commands (scripts and Install)

type ParticleKind = 'Root' | 'Space' | 'Base' | 'App' | 'Mechtron' | 'FileStore' | 'File' | 'Dir' | 'Repo'
  | 'BundleSeries' | 'Bundle' | 'UserBase' | 'User' | 'Database';

/** What a kind may contain (SPEC §3), as `create` can place it. */
const CHILD_KINDS: Readonly<Record<ParticleKind, readonly ParticleKind[]>> = {
  Root: ['Space', 'Base', 'App', 'Mechtron', 'FileStore', 'Repo'],
  Space: ['Base', 'App', 'Mechtron', 'FileStore', 'Repo', 'UserBase', 'Database'],
  Base: ['Base', 'App', 'Mechtron', 'FileStore', 'Repo', 'UserBase', 'User', 'Database'],
  App: ['Mechtron', 'FileStore', 'Database'],
  Mechtron: [],
  FileStore: ['File', 'Dir'],
  File: [],
  Dir: ['File', 'Dir'],
  Repo: ['BundleSeries'],
  BundleSeries: [],
  Bundle: [],
  UserBase: ['User'],
  User: [],
  Database: [],
};

interface Particle {
  readonly point: string;
  readonly kind: ParticleKind;
}

function kindText(c: Choices, kind: ParticleKind): string {
  switch (kind) {
    case 'Base': return pick(c, ['Base', 'Base', 'Base<App>', 'Base<User>', 'Base<Any>']);
    case 'FileStore': return pick(c, ['FileStore', 'FileStore', 'FileSystem']);
    case 'File': return pick(c, ['File', 'File<File>']);
    case 'Dir': return 'File<Dir>';
    case 'UserBase': return pick(c, ['UserBase', `UserBase<OAuth<${pick(c, OAUTH_SPECIFICS)}>>`]);
    case 'Database': return `Database<Relational<${pick(c, SPECIFICS)}>>`;
    default: return kind;
  }
}

/** State of a script being generated: what it created, so later commands respect parent rules and names. */
interface ScriptModel {
  readonly particles: Particle[];
  readonly points: Set<string>;
  /** The script's root: top-level points for a script, `${self}` (an App) in an app's Install. */
  readonly root: Particle | undefined;
  readonly vars: PointVars;
  /** `${doc.bundle}` for an Install section, a repo bundle otherwise. */
  bundle: string;
}

function childPoint(c: Choices, parent: Particle | undefined, kind: ParticleKind, taken: Set<string>): string {
  for (let attempt = 0; ; attempt++) {
    const suffix = attempt === 0 ? '' : `-${attempt + 1}`;
    let point: string;
    if (parent === undefined) point = (kind === 'Space' ? pick(c, SPACES) : pick(c, WORDS)) + suffix;
    else if (parent.kind === 'FileStore') point = kind === 'Dir' ? `${parent.point}:/${pick(c, WORDS)}${suffix}/` : `${parent.point}:/${pick(c, FILE_NAMES).replace('.', `${suffix}.`)}`;
    else if (parent.kind === 'Dir') point = kind === 'Dir' ? `${parent.point}${pick(c, WORDS)}${suffix}/` : `${parent.point}${pick(c, FILE_NAMES).replace('.', `${suffix}.`)}`;
    else point = `${parent.point}:${pick(c, WORDS)}${suffix}`;
    if (!taken.has(point)) {
      taken.add(point);
      return point;
    }
  }
}

function createCommand(c: Choices, model: ScriptModel): string {
  // The parent: the script's root (Root itself at top level) or something the script created that can hold children.
  const parents = [...(model.root ? [model.root] : []), ...model.particles.filter((p) => CHILD_KINDS[p.kind].length > 0)];
  const parent = parents.length === 0 || (model.root === undefined && chance(c, 30)) ? undefined : pick(c, parents);
  const kind = pick(c, CHILD_KINDS[parent?.kind ?? 'Root']);
  const mode = pick(c, ['', '?', '!', '?']);
  // `parent%<Kind>`: the runtime names the new particle, so nothing can be created under it later.
  const named = parent !== undefined && kind !== 'File' && kind !== 'Dir';
  const generated = named && chance(c, 10);
  const point = generated ? `${parent!.point}%` : childPoint(c, parent, kind, model.points);
  if (!generated) model.particles.push({ point, kind });
  const props: string[] = [];
  if (kind === 'Mechtron' || kind === 'App') {
    const ext = kind === 'Mechtron' ? 'mechtron' : 'app';
    props.push(prop(c, 'config', `${model.bundle}:/config/${pick(c, WORDS)}.${ext}`, { lock: true, unset: false }));
  }
  if ((kind === 'Mechtron' || kind === 'Space' || kind === 'Base') && chance(c, 30)) {
    props.push(prop(c, 'bind', `${model.bundle}:/bind/${pick(c, WORDS)}.bind`, { lock: true, unset: false }));
  }
  if (chance(c, 15)) {
    const key = pick(c, PROP_KEYS);
    props.push(prop(c, key, valueFor(c, key, model.vars), { lock: true, unset: false }));
  }
  return `create${mode} ${point}<${kindText(c, kind)}>${commandProps(c, props)}`;
}

/** A point a command can name: one the script created, or another plausible one. */
function someParticle(c: Choices, model: ScriptModel): string {
  if (model.particles.length > 0 && chance(c, 75)) return pick(c, model.particles).point;
  return model.root ? `${model.root.point}:${pick(c, WORDS)}` : `${pick(c, SPACES)}:${pick(c, WORDS)}`;
}

function setCommand(c: Choices, model: ScriptModel): string {
  const target = someParticle(c, model);
  const kind = model.particles.find((p) => p.point === target)?.kind;
  const keys = new Set<string>();
  const props: string[] = [];
  for (let n = between(c, 1, 3); n > 0; n--) {
    const key = pick(c, ['bind', 'title', 'owner', 'config', 'region', 'log.level', 'peer']);
    // `config` names the particle's own kind of artifact, so it is set only where the kind is known.
    const configExt = kind === 'App' ? 'app' : kind === 'Mechtron' ? 'mechtron' : undefined;
    if (keys.has(key) || (key === 'config' && configExt === undefined)) continue;
    keys.add(key);
    const value = key === 'bind' ? `${model.bundle}:/bind/${pick(c, WORDS)}.bind`
      : key === 'config' ? `${model.bundle}:/config/${pick(c, WORDS)}.${configExt}`
      : valueFor(c, key, model.vars);
    props.push(prop(c, key, value, { lock: true, unset: true }));
  }
  if (props.length === 0) props.push(prop(c, 'title', valueFor(c, 'title', model.vars), { lock: true, unset: true }));
  return `set ${target}${commandProps(c, props)}`;
}

function selectCommand(c: Choices, model: ScriptModel): string {
  const base = model.root?.point ?? pick(c, SPACES);
  const pattern = pick(c, [`${base}:**`, '**', `${base}:*`, `${base}:app:*`, `${base}:*:*`, 'repo:hello:(^1.0.0)', `${base}:**:*`]);
  const kind = chance(c, 50) ? `<${pick(c, ['Mechtron', 'File', 'App', 'Base', 'FileStore', 'Space'])}>` : '';
  return `select ${pattern}${kind}`;
}

function sendCommand(c: Choices, model: ScriptModel): string {
  const target = someParticle(c, model);
  switch (c.below(4)) {
    case 0: return `send ${target} Ext<${pick(c, CAMEL_METHODS)}> ${pick(c, STRINGS)}`;
    // A path runs to whitespace, so one right before the `;` is followed by a space.
    case 1: return `send ${target} Http<Get> /index.html `;
    case 2: return `send ${target} Http<Post> /api/signup ${pick(c, ['"{\\"username\\":\\"scott\\"}"', "'hi'"])}`;
    default: return `send ${target} Cmd<Read>`;
  }
}

function otherCommand(c: Choices, model: ScriptModel): string {
  switch (c.below(6)) {
    case 0: return setCommand(c, model);
    case 1: return selectCommand(c, model);
    case 2: {
      const keys = chance(c, 40) ? `${pick(c, ['', ' '])}{ ${pick(c, ['bind', 'bind, config', 'title,owner', 'config'])} }` : '';
      return `get ${someParticle(c, model)}${keys}`;
    }
    case 3: return `watch ${someParticle(c, model)}`;
    case 4: return sendCommand(c, model);
    default: return `delete${pick(c, ['', '?'])} ${model.root ? `${model.root.point}:${pick(c, WORDS)}-old` : `${pick(c, SPACES)}:old-${pick(c, WORDS)}`}`;
  }
}

/** `create? repo<Repo>; create? repo:x<BundleSeries>; publish ^[ bundle.zip ]-> repo:x:1.0.0;` */
function publishPreamble(c: Choices, model: ScriptModel): string[] {
  const series = pick(c, WORDS);
  const version = pick(c, VERSIONS);
  const lines = [`create? repo<Repo>`, `create? repo:${series}<BundleSeries>`,
    `publish${pick(c, ['', '?'])} ^[${pick(c, [' bundle.zip ', 'bundle.zip', ' bundle ', ' ./bundle ', ' bundles/site ', ' hello-bundle.zip '])}]-> repo:${series}:${version}`];
  model.points.add('repo').add(`repo:${series}`);
  model.particles.push({ point: 'repo', kind: 'Repo' }, { point: `repo:${series}`, kind: 'BundleSeries' });
  model.bundle = `repo:${series}:${version}`;
  return lines;
}

function commands(c: Choices, model: ScriptModel, max: number, allowPublish: boolean): string[] {
  const out: string[] = [];
  if (allowPublish && chance(c, 50)) out.push(...publishPreamble(c, model));
  for (let n = between(c, 1, max); n > 0; n--) out.push(chance(c, 55) ? createCommand(c, model) : otherCommand(c, model));
  return out;
}

/** A `.script` (SPEC §8): every command form, parent rules respected for what it creates. */
export function renderScriptDocument(c: Choices): string {
  const layout = chooseLayout(c);
  const model: ScriptModel = { particles: [], points: new Set(), root: undefined, vars: NO_VARS, bundle: 'repo:hello:1.0.0' };
  const lines = commands(c, model, 8, true).map((cmd) => `${cmd};${trailingComment(c)}`);
  if (chance(c, 30)) lines.push('exit;');
  const out: string[] = [];
  for (const line of lines) {
    if (chance(c, 8)) out.push(comment(c));
    out.push(line);
  }
  return out.join(layout.eol) + (chance(c, 80) ? layout.eol : '');
}

// ---------------------------------------------------------------- app and mechtron

/** Props of a config section, each `+key=value;`, or (deprecated, W0303/W0304) `key=value` on its own line. */
function sectionProps(c: Choices, entries: readonly [string, string][], deprecated: boolean, lock: boolean): string[] {
  return entries.map(([key, value]) => {
    if (deprecated) return `${key}=${value}`;
    return `${prop(c, key, value, { lock, unset: false })};${trailingComment(c)}`;
  });
}

/** A `.mechtron` config (SPEC §7): Wasm with `bin` and `name`, optional Limits. */
export function renderMechtronDocument(c: Choices): string {
  const layout = chooseLayout(c);
  const deprecated = chance(c, 10);
  const wasm: [string, string][] = [
    ['bin', pick(c, ['${doc.bundle}:/wasm/hello.wasm', `repo:${pick(c, WORDS)}:${pick(c, VERSIONS)}:/wasm/${pick(c, WORDS)}.wasm`, '${doc.bundle}/wasm/hello.wasm'])],
    ['name', pick(c, WORDS)],
  ];
  if (chance(c, 50)) wasm.reverse();
  const sections = [block(c, layout, 'Wasm', sectionProps(c, wasm, deprecated, false))];
  if (chance(c, 50)) {
    const limits: [string, string][] = [];
    if (chance(c, 70)) limits.push(['timeout', pick(c, DURATIONS)]);
    if (chance(c, 70)) limits.push(['memory', pick(c, SIZES)]);
    if (chance(c, 60)) limits.push(['instances', String(between(c, 1, 16))]);
    sections.push(block(c, layout, 'Limits', sectionProps(c, limits, deprecated, false)));
  }
  if (chance(c, 10)) sections.splice(1, 0, comment(c));
  return `${block(c, layout, header(c, 'Mechtron'), sections)}${layout.eol}`;
}

/** An `.app` config (SPEC §6): Set, Require and Install, each at most once. */
export function renderAppDocument(c: Choices): string {
  const layout = chooseLayout(c);
  const sections: string[] = [];
  const vars: PointVars = { doc: true, self: true, captures: [] };
  if (chance(c, 70)) {
    const entries: [string, string][] = [['bind', `\${doc.bundle}:/bind/${pick(c, WORDS)}.bind`]];
    sections.push(block(c, layout, 'Set', sectionProps(c, entries, false, true)));
  }
  if (chance(c, 60)) {
    const kinds = new Set<string>();
    for (let n = between(c, 1, 3); n > 0; n--) kinds.add(kindText(c, pick(c, ['FileStore', 'Database', 'Mechtron', 'UserBase', 'Repo'] as const)));
    sections.push(block(c, layout, 'Require', [...kinds].map((k) => `${k};`)));
  }
  if (chance(c, 75)) {
    const model: ScriptModel = { particles: [], points: new Set(), root: { point: '${self}', kind: 'App' }, vars, bundle: '${doc.bundle}' };
    const cmds = commands(c, model, 4, false).map((cmd) => `${cmd};`);
    sections.push(block(c, layout, 'Install', cmds));
  }
  if (chance(c, 30)) sections.reverse();
  return `${block(c, layout, header(c, 'App'), sections)}${layout.eol}`;
}

// ---------------------------------------------------------------- arbitraries

/** Renders a valid document of `fileKind` from a choice stream. */
export function renderDocument(c: Choices, fileKind: FileKind): string {
  switch (fileKind) {
    case 'bind': case 'router': return renderBindDocument(c, fileKind);
    case 'app': return renderAppDocument(c);
    case 'mechtron': return renderMechtronDocument(c);
    case 'script': return renderScriptDocument(c);
  }
}

const MAX_CHOICES = 1500;

/** A valid document of one kind: it must check with zero errors (warnings allowed). */
export function validDocumentArb(fileKind: FileKind): fc.Arbitrary<SourceDoc> {
  return choiceDocArb(MAX_CHOICES, (c) => renderDocument(c, fileKind)).map((text) => ({ fileKind, text, origin: 'generated' }));
}

/** A valid document of any of the five kinds. */
export const anyValidDocumentArb: fc.Arbitrary<SourceDoc> = fc.oneof(...FILE_KINDS.map(validDocumentArb));

/** A point, with or without the variables of a document. */
export const pointArb: fc.Arbitrary<string> = fc.tuple(fc.boolean(), choiceArb(24)).map(([withVars, values]) =>
  renderPoint(arrayChoices(values), withVars ? { doc: true, self: true, captures: ['user', 'path'] } : NO_VARS));

/** A kind (SPEC §3). */
export const kindArb: fc.Arbitrary<string> = choiceArb(6).map((values) => renderKind(arrayChoices(values)));

// ---------------------------------------------------------------- mutations

const PUNCTUATION = '{}()<>[];,=+!?&^~-#"\'$';
const ODD_TEXT = ['\u0000', '\u0007', '\u001b', '\u007f', '\u0085', '\u00a0', '\u200b', '\u2028', '\u2029', '\ufeff',
  'é', 'ß', 'Ω', '日本', '😀', 'e\u0301', 'İ', '\t', '\v', '\f', '\r', '\n', '${', '}}', '((', '/*', '\\'];
const LONE_SURROGATES = ['\ud800', '\udbff', '\udc00', '\udfff'];

/** Approximate tokens (words, operators, single punctuation) with their offsets; whitespace is skipped. */
function tokenize(text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  const re = /->|=>|-\[|\]->|\]=>|=\[|\(\(|\)\)|\$\{|[\p{L}\p{N}_.@%-]+|\S/gu;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) out.push({ start: m.index, end: m.index + m[0].length });
  return out;
}

/** One mutation: an operation and the numbers it takes its position and payload from (reduced modulo). */
export interface Mutation {
  readonly op: MutationOp;
  readonly at: number;
  readonly arg: number;
}

export const MUTATION_OPS = ['delete-token', 'duplicate-token', 'swap-tokens', 'replace-token', 'insert-punctuation',
  'delete-char', 'truncate', 'insert-odd-text', 'insert-lone-surrogate', 'crlf', 'lone-cr', 'duplicate-line'] as const;
export type MutationOp = (typeof MUTATION_OPS)[number];

export const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom(...MUTATION_OPS),
  at: fc.nat({ max: 0x3fffffff }),
  arg: fc.nat({ max: 0x3fffffff }),
});

function insertAt(text: string, at: number, piece: string): string {
  const i = at % (text.length + 1);
  return text.slice(0, i) + piece + text.slice(i);
}

/** Applies one mutation; positions are taken modulo the text (or its tokens), so every mutation applies. */
export function applyMutation(text: string, m: Mutation): string {
  const tokens = tokenize(text);
  const token = (n: number) => tokens[n % tokens.length]!;
  switch (m.op) {
    case 'delete-token': case 'duplicate-token': case 'swap-tokens': case 'replace-token': {
      if (tokens.length === 0) return insertAt(text, m.at, PUNCTUATION[m.arg % PUNCTUATION.length]!);
      const t = token(m.at);
      const word = text.slice(t.start, t.end);
      if (m.op === 'delete-token') return text.slice(0, t.start) + text.slice(t.end);
      if (m.op === 'duplicate-token') return text.slice(0, t.end) + (m.arg % 2 ? ' ' : '') + word + text.slice(t.end);
      const other = token(m.arg);
      const otherWord = text.slice(other.start, other.end);
      if (m.op === 'replace-token') return text.slice(0, t.start) + otherWord + text.slice(t.end);
      if (other.start === t.start) return text;
      const [a, b] = t.start < other.start ? [t, other] : [other, t];
      return text.slice(0, a.start) + text.slice(b.start, b.end) + text.slice(a.end, b.start) + text.slice(a.start, a.end) + text.slice(b.end);
    }
    case 'insert-punctuation': return insertAt(text, m.at, PUNCTUATION[m.arg % PUNCTUATION.length]!);
    case 'delete-char': {
      if (text.length === 0) return text;
      const i = m.at % text.length;
      return text.slice(0, i) + text.slice(i + 1);
    }
    case 'truncate': return text.slice(0, m.at % (text.length + 1));
    case 'insert-odd-text': return insertAt(text, m.at, ODD_TEXT[m.arg % ODD_TEXT.length]!);
    case 'insert-lone-surrogate': return insertAt(text, m.at, LONE_SURROGATES[m.arg % LONE_SURROGATES.length]!);
    case 'crlf': return text.replace(/\r?\n/g, '\r\n');
    case 'lone-cr': return text.replace(/\r?\n/g, '\r');
    case 'duplicate-line': {
      const lines = text.split('\n');
      const i = m.at % lines.length;
      lines.splice(i, 0, lines[i]!);
      return lines.join('\n');
    }
  }
}

/** A document with 1–`maxMutations` mutations applied; sometimes checked as another file kind. */
export function mutatedDocumentArb(sources: fc.Arbitrary<SourceDoc>, maxMutations = 4): fc.Arbitrary<SourceDoc> {
  return fc.tuple(sources, fc.array(mutationArb, { minLength: 1, maxLength: maxMutations }), fc.nat({ max: 99 }), fc.constantFrom(...FILE_KINDS))
    .map(([doc, mutations, roll, otherKind]) => ({
      fileKind: roll < 5 ? otherKind : doc.fileKind,
      text: mutations.reduce(applyMutation, doc.text),
      origin: `${doc.origin} + ${mutations.map((m) => m.op).join(', ')}`,
    }));
}

/** A `#` at the start of the text or after whitespace: it starts a comment (or, rarely, sits in a string). */
function startsComment(text: string, i: number): boolean {
  return text[i] === '#' && (i === 0 || /\s/.test(text[i - 1]!));
}

/**
 * A valid generated document and the same document with one character deleted. The `#` that starts a comment
 * is never the one: deleting it turns the comment's prose into code, which is not one mistake but many.
 */
export const singleDeletionArb: fc.Arbitrary<{ valid: SourceDoc; mutated: SourceDoc; deletedAt: number }> =
  fc.tuple(anyValidDocumentArb, fc.nat({ max: 0x3fffffff })).filter(([doc]) => doc.text.length > 0).map(([valid, at]) => {
    let i = at % valid.text.length;
    while (startsComment(valid.text, i)) i = (i + 1) % valid.text.length;
    return { valid, mutated: { ...valid, text: valid.text.slice(0, i) + valid.text.slice(i + 1), origin: `${valid.origin} - char ${i}` }, deletedAt: i };
  });

// ---------------------------------------------------------------- corpus

/** The file kind a corpus file is checked as (`routes.conf` as a router: it is legacy, E0004, either way). */
export function corpusFileKind(name: string): FileKind | undefined {
  const ext = name.slice(name.lastIndexOf('.') + 1);
  if (ext === 'conf') return 'router';
  return (FILE_KINDS as readonly string[]).includes(ext) ? (ext as FileKind) : undefined;
}

/** Where the conformance corpus lives: `$STARC_CORPUS`, the repo's copy, or the shared checkout beside it. */
export function findCorpusDir(): string | undefined {
  const candidates = [process.env.STARC_CORPUS, 'test/fixtures/corpus/starlane', 'corpus/starlane', '../shared/corpus/starlane'];
  return candidates.find((dir): dir is string => dir !== undefined && existsSync(join(dir, 'v1')));
}

/** Every corpus file (v1 and legacy) as a source document; empty when no corpus is found. */
export function loadCorpus(dir = findCorpusDir()): SourceDoc[] {
  if (dir === undefined) return [];
  const docs: SourceDoc[] = [];
  for (const sub of ['v1', 'legacy']) {
    const folder = join(dir, sub);
    if (!existsSync(folder)) continue;
    for (const name of readdirSync(folder).sort()) {
      const fileKind = corpusFileKind(name);
      if (fileKind) docs.push({ fileKind, text: readFileSync(join(folder, name), 'utf8'), origin: `${sub}/${name}` });
    }
  }
  return docs;
}

/** The R1 input mix: mutated generated documents, mutated corpus files, and valid documents as they are. */
export function fuzzInputArb(corpus: readonly SourceDoc[]): fc.Arbitrary<SourceDoc> {
  const arms: fc.WeightedArbitrary<SourceDoc>[] = [
    { arbitrary: mutatedDocumentArb(anyValidDocumentArb), weight: 6 },
    { arbitrary: anyValidDocumentArb, weight: 2 },
  ];
  if (corpus.length > 0) arms.push({ arbitrary: mutatedDocumentArb(fc.constantFrom(...corpus)), weight: 2 });
  return fc.oneof(...arms);
}

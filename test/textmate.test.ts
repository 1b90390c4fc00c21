// The TextMate grammars (grammar/textmate/), run on vscode-textmate + vscode-oniguruma, the engine VS Code
// uses. Every corpus file, every sample and the SPEC examples in test/fixtures/textmate/ are tokenized and
// compared with golden scope snapshots (`<name>.snap`, one line per token: `line:col "text"  scopes`;
// `UPDATE=1` rewrites them). Goldens catch any change; the cross-checks below say which changes are wrong:
// every character has a scope, and what the lexer calls a path, string, comment, step or point, the grammar
// scopes as one.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import vsctm from 'vscode-textmate';
import oniguruma from 'vscode-oniguruma';
import { TEXTMATE_GRAMMARS } from '../grammar/textmate/grammars.ts';
import { COMMAND_KEYWORDS, CMD_METHODS, HTTP_METHODS, HYP_METHODS, REPOSITORY, SUBSTANCE_KINDS, type TmRule } from '../grammar/textmate/rules.ts';
import { lex } from '../grammar/lexer.ts';
import type { TokenType } from 'chevrotain';
import * as T from '../grammar/tokens.ts';
import type { FileKind } from '../grammar/ast.ts';
import { CMD_METHODS as CHECKER_CMD, HTTP_METHODS as CHECKER_HTTP, HYP_METHODS as CHECKER_HYP } from '../compiler/check/waves.ts';
import { SUBSTANCE_KINDS as CHECKER_SUBSTANCES } from '../compiler/check/payload.ts';
import { fileKindOfPath } from '../compiler/check-file.ts';
import { ROOT } from './helpers/project.ts';

const SNAPSHOTS = join(ROOT, 'test/fixtures/textmate');
const CORPUS = join(ROOT, '../shared/corpus/starlane/v1');
const SAMPLES = join(ROOT, 'samples');
const update = process.env.UPDATE === '1';

// ---------------------------------------------------------------- the engine

const wasm = readFileSync(join(ROOT, 'node_modules/vscode-oniguruma/release/onig.wasm'));
await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
const registry = new vsctm.Registry({
  onigLib: Promise.resolve({
    createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
    createOnigString: (text: string) => new oniguruma.OnigString(text),
  }),
  loadGrammar: async (scopeName: string) => {
    const found = TEXTMATE_GRAMMARS.find((g) => g.scopeName === scopeName);
    // Through JSON, as VS Code reads the written file.
    return found ? vsctm.parseRawGrammar(JSON.stringify(found.grammar), `${scopeName}.json`) : null;
  },
});
const grammars = new Map<FileKind, vsctm.IGrammar>();
for (const g of TEXTMATE_GRAMMARS) grammars.set(g.fileKind, (await registry.loadGrammar(g.scopeName))!);

interface Token {
  readonly line: number;
  readonly column: number;
  /** Offset in the whole text. */
  readonly offset: number;
  readonly text: string;
  /** Without the grammar's root scope. */
  readonly scopes: readonly string[];
}

function tokenize(text: string, kind: FileKind): Token[] {
  const grammar = grammars.get(kind)!;
  const tokens: Token[] = [];
  let stack = vsctm.INITIAL;
  let lineStart = 0;
  for (const [index, line] of text.split('\n').entries()) {
    const content = line.endsWith('\r') ? line.slice(0, -1) : line;
    const result = grammar.tokenizeLine(content, stack);
    for (const t of result.tokens) {
      const end = Math.min(t.endIndex, content.length);
      if (end <= t.startIndex) continue;
      tokens.push({ line: index + 1, column: t.startIndex + 1, offset: lineStart + t.startIndex, text: content.slice(t.startIndex, end), scopes: t.scopes.slice(1) });
    }
    stack = result.ruleStack;
    lineStart += line.length + 1;
  }
  return tokens;
}

function snapshot(tokens: readonly Token[]): string {
  return tokens
    .filter((t) => t.text.trim() !== '') // whitespace carries no colour worth pinning down
    .map((t) => `${t.line}:${t.column} ${JSON.stringify(t.text)}  ${t.scopes.join(' ')}`)
    .join('\n') + '\n';
}

/** The scopes at each offset of `text`. */
function scopesByOffset(text: string, tokens: readonly Token[]): (readonly string[])[] {
  const at: (readonly string[])[] = new Array(text.length).fill([]);
  for (const t of tokens) for (let i = 0; i < t.text.length; i++) at[t.offset + i] = t.scopes;
  return at;
}

// ---------------------------------------------------------------- inputs

interface Input {
  readonly name: string;
  readonly path: string;
  readonly kind: FileKind;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => (f === 'node_modules' || f.startsWith('.') ? [] : statSync(join(dir, f)).isDirectory() ? filesUnder(join(dir, f)) : [join(dir, f)]));
}

function kindOf(path: string): FileKind | undefined {
  const kind = fileKindOfPath(path);
  return kind === 'routes-conf' ? undefined : kind;
}

const inputs: Input[] = [
  // The corpus's legacy/ folder is not v1 (its files are E0004); the grammars need not read them well.
  ...readdirSync(CORPUS).sort().filter((f) => kindOf(f)).map((f) => ({ name: f, path: join(CORPUS, f), kind: kindOf(f)! })),
  ...filesUnder(SAMPLES)
    .filter((p) => kindOf(p))
    .map((p) => ({ name: `samples--${relative(SAMPLES, p).split(/[\\/]/).join('--')}`, path: p, kind: kindOf(p)! })),
  ...readdirSync(SNAPSHOTS).sort().filter((f) => kindOf(f)).map((f) => ({ name: f, path: join(SNAPSHOTS, f), kind: kindOf(f)! })),
];

test('the inputs cover every file kind, the corpus and the samples', () => {
  for (const g of TEXTMATE_GRAMMARS) assert.ok(inputs.some((i) => i.kind === g.fileKind), `no input of kind ${g.fileKind}`);
  assert.ok(inputs.filter((i) => i.path.startsWith(CORPUS)).length >= 20, 'the corpus was not found');
  assert.ok(inputs.some((i) => i.path.startsWith(SAMPLES)), 'no sample was found');
});

// ---------------------------------------------------------------- golden snapshots and cross-checks

/** What the lexer says a token is, and the scope the grammar must give every character of it. */
function expectedScope(type: TokenType, image: string, kind: FileKind): string | undefined {
  switch (type) {
    case T.Path: return 'string.regexp.path.starlane';
    case T.StringLiteral: return 'string.quoted';
    case T.CoreStop: return 'keyword.control.stop.core.starlane';
    case T.Arrow: return 'keyword.operator.step.request.starlane';
    case T.FatArrow: return 'keyword.operator.step.response.starlane';
    case T.Amp: return 'keyword.control.stop.reply.starlane';
    case T.Word:
      // In a bind or a router every word outside a filter or a payload check is a point (a stop).
      return (kind === 'bind' || kind === 'router') && !/^\d/.test(image) ? 'string.unquoted.point.starlane' : undefined;
    default:
      return T.KEYWORDS.get(image) === type && kind === 'script' ? 'keyword.other.command.starlane' : undefined;
  }
}

for (const input of inputs) {
  test(`${input.name} tokenizes as its golden scopes`, () => {
    const text = readFileSync(input.path, 'utf8');
    const tokens = tokenize(text, input.kind);
    const golden = join(SNAPSHOTS, `${basename(input.name)}.snap`);
    const rendered = snapshot(tokens);
    if (update || !existsSync(golden)) writeFileSync(golden, rendered);
    assert.fixture(rendered, readFileSync(golden, 'utf8'));
  });

  test(`${input.name}: every character has a scope, and the grammar agrees with the lexer`, () => {
    const text = readFileSync(input.path, 'utf8');
    const at = scopesByOffset(text, tokenize(text, input.kind));
    const where = (offset: number): string => {
      const before = text.slice(0, offset);
      return `${input.name}:${before.split('\n').length}:${offset - before.lastIndexOf('\n')}`;
    };
    for (let i = 0; i < text.length; i++) {
      if (/\s/.test(text[i]!)) continue;
      assert.ok(at[i]!.length > 0, `${where(i)}: \`${text[i]}\` has no scope`);
    }
    const lexed = lex(text);
    for (const c of lexed.comments) {
      for (let i = c.span.start; i < c.span.end; i++) assert.ok(at[i]!.some((s) => s.startsWith('comment.line.number-sign')), `${where(i)}: comment \`${c.text}\` is not scoped as one`);
    }
    // Inside a payload check, a filter or the root header, words are not stops; those have scopes of their own.
    for (const t of lexed.tokens) {
      const expected = expectedScope(t.tokenType, t.image, input.kind);
      if (!expected) continue;
      const inRegion = at[t.startOffset]!.some((s) => /^meta\.(check|filter|header)\./.test(s));
      if (t.tokenType === T.Word && inRegion) continue;
      for (let i = t.startOffset; i < t.startOffset + t.image.length; i++) {
        assert.ok(at[i]!.some((s) => s.startsWith(expected)), `${where(i)}: \`${t.image}\` should be scoped ${expected}, has ${at[i]!.join(' ') || 'nothing'}`);
      }
    }
  });
}

// ---------------------------------------------------------------- targeted behaviour

function tokenWith(text: string, kind: FileKind, image: string): Token {
  const found = tokenize(text, kind).find((t) => t.text === image);
  assert.ok(found, `no token \`${image}\` in ${JSON.stringify(text)}`);
  return found!;
}

const hasScope = (t: Token, scope: string): boolean => t.scopes.some((s) => s === scope || s.startsWith(`${scope}.`));

test('a point inside a pipeline is one token with the point scope', () => {
  const bind = 'Bind(version=1.0.0) {\n  Route<Http<Get>>/x -> repo:tutorial:1.0.0:/html/index.html => GLOBAL::registry^Ext<Hello> => &;\n}\n';
  for (const point of ['repo:tutorial:1.0.0:/html/index.html', 'GLOBAL::registry']) {
    assert.ok(hasScope(tokenWith(bind, 'bind', point), 'string.unquoted.point.starlane'), point);
  }
  // A variable is scoped inside the point, which still covers it.
  const dollar = tokenize('Router(version=1.0.0) { Route<Http<Get>>/(?P<f>.+) -> ${doc.bundle}:/html/${f} => &; }', 'router').filter((t) => t.text === 'f').pop()!;
  assert.ok(hasScope(dollar, 'string.unquoted.point.starlane') && hasScope(dollar, 'variable.other.readwrite.starlane'), dollar.scopes.join(' '));
});

test('a `#` comment is comment.line in every kind, but a `#` in a path or a string is literal', () => {
  const samples: [FileKind, string][] = [
    ['bind', 'Bind(version=1.0.0) { # routes\n}'],
    ['router', 'Router(version=1.0.0) {\n  # routes\n}'],
    ['app', 'App(version=1.0.0) {\n  Set { +a=1; # routes\n  }\n}'],
    ['mechtron', 'Mechtron(version=1.0.0) { Wasm { # routes\n } }'],
    ['script', 'create? localhost<Space>; # routes'],
  ];
  for (const [kind, text] of samples) assert.ok(hasScope(tokenWith(text, kind, ' routes'), 'comment.line.number-sign.starlane'), kind);
  const path = tokenWith('Bind(version=1.0.0) { Route<Http<Get>>/a#b -> !404 "x # y"; }', 'bind', '/a#b');
  assert.ok(hasScope(path, 'string.regexp.path.starlane'));
  assert.ok(hasScope(tokenWith('Bind(version=1.0.0) { Route<Http<Get>>/a -> !404 "x # y"; }', 'bind', 'x # y'), 'string.quoted.double.starlane'));
});

test('wave kinds and methods are scoped as such, stacked or nested', () => {
  const text = 'Bind(version=1.0.0) {\n  Route<Http<Get>> -> (()) => &;\n  Route<Ext<SignUp>> -> (());\n  Route<Hyp> -> { <Assign> -> (()); Search -> (()); }\n}';
  assert.ok(hasScope(tokenWith(text, 'bind', 'Http'), 'support.type.wave.starlane'));
  for (const known of ['Get', 'Assign', 'Search']) assert.ok(hasScope(tokenWith(text, 'bind', known), 'support.function.method.starlane'), known);
  assert.ok(hasScope(tokenWith(text, 'bind', 'SignUp'), 'entity.name.function.method.starlane'));
  assert.ok(hasScope(tokenWith(text, 'bind', 'Route'), 'keyword.control.route.starlane'));
  // A call stop's method, and a `send` command's.
  assert.ok(hasScope(tokenWith('Bind(version=1.0.0) { Route -> localhost:app^Ext<Render> => &; }', 'bind', 'Render'), 'entity.name.function.method.starlane'));
  assert.ok(hasScope(tokenWith('send localhost:hello Http<Post> /x "body";', 'script', 'Post'), 'support.function.method.starlane'));
});

test('an unterminated string ends at its line', () => {
  const bind = 'Bind(version=1.0.0) {\n  Route<Http<*>>/.* -> !404 "no such page;\n  Route<Http<Get>>/x -> localhost => &;\n}\n';
  assert.ok(hasScope(tokenWith(bind, 'bind', '"'), 'string.quoted.double.starlane'));
  const next = tokenize(bind, 'bind').filter((t) => t.line >= 3);
  assert.ok(next.every((t) => !t.scopes.some((s) => s.startsWith('string.quoted'))), 'the string ran past its line');
  assert.ok(hasScope(tokenWith(bind, 'bind', 'localhost'), 'string.unquoted.point.starlane'));
  // Closing punctuation at the end of the line is given back, as the lexer does: the block still closes.
  const script = "set localhost{ +title='My App };\ncreate? localhost:x<Space>;";
  assert.ok(hasScope(tokenWith(script, 'script', '}'), 'punctuation.section.properties.end.starlane'));
  assert.ok(hasScope(tokenWith(script, 'script', 'create'), 'keyword.other.command.starlane'));
  assert.ok(!hasScope(tokenWith(script, 'script', 'create'), 'meta.properties.starlane'));
});

test('payload checks, statuses, filters and properties get their scopes', () => {
  const bind = 'Bind(version=1.0.0) { Route<Http<Post>>(auth role=admin)/x -[ Map{name<Text>, *} ]-> (()) => !403 "no"; }';
  assert.ok(hasScope(tokenWith(bind, 'bind', 'Text'), 'support.type.substance.starlane'));
  assert.ok(hasScope(tokenWith(bind, 'bind', 'name'), 'support.type.property-name.starlane'));
  assert.ok(hasScope(tokenWith(bind, 'bind', '-['), 'keyword.operator.step.request.begin.starlane'));
  assert.ok(hasScope(tokenWith(bind, 'bind', ']->'), 'keyword.operator.step.request.end.starlane'));
  assert.ok(hasScope(tokenWith(bind, 'bind', '403'), 'constant.numeric.status.starlane'));
  assert.ok(hasScope(tokenWith(bind, 'bind', 'auth'), 'entity.name.function.filter.starlane'));
  // A `;` ends a broken check: the next route is not swallowed.
  const broken = 'Bind(version=1.0.0) {\n  Route<Http<Post>>/x -[ Text ;\n  Route<Http<Get>>/y -> localhost => &;\n}';
  assert.ok(!hasScope(tokenWith(broken, 'bind', 'Route'), 'meta.check.request.starlane'));
  assert.ok(tokenize(broken, 'bind').filter((t) => t.line === 3).every((t) => !t.scopes.some((s) => s.startsWith('meta.check'))));
  const script = 'create localhost:x<Mechtron>{ +@config=repo:x:1.0.0:/config/x.mechtron; !old; +n=16MiB };';
  assert.ok(hasScope(tokenWith(script, 'script', '+@'), 'storage.modifier.locked.starlane'));
  assert.ok(hasScope(tokenWith(script, 'script', '!'), 'keyword.operator.unset.starlane'));
  assert.ok(hasScope(tokenWith(script, 'script', 'old'), 'support.type.property-name.starlane'));
  assert.ok(hasScope(tokenWith(script, 'script', '16MiB'), 'constant.numeric.size.starlane'));
  assert.ok(hasScope(tokenWith(script, 'script', 'Mechtron'), 'entity.name.type.kind.starlane'));
});

test("the grammars' word lists are the checker's and the lexer's", () => {
  assert.equal(HTTP_METHODS, [...CHECKER_HTTP]);
  assert.equal(CMD_METHODS, [...CHECKER_CMD]);
  assert.equal(HYP_METHODS, [...CHECKER_HYP]);
  assert.equal(SUBSTANCE_KINDS, [...CHECKER_SUBSTANCES]);
  assert.equal([...COMMAND_KEYWORDS].sort(), [...T.KEYWORDS.keys()].sort());
});

test('every include resolves and every regex compiles in oniguruma', () => {
  const regexes: string[] = [];
  const visit = (rule: TmRule, where: string): void => {
    if (rule.include) assert.ok(rule.include.startsWith('#') && rule.include.slice(1) in REPOSITORY, `${where}: unresolved include ${rule.include}`);
    for (const re of [rule.match, rule.begin, rule.end]) if (re !== undefined) regexes.push(re);
    for (const p of rule.patterns ?? []) visit(p, where);
    for (const captures of [rule.captures, rule.beginCaptures, rule.endCaptures]) {
      for (const c of Object.values(captures ?? {})) for (const p of c.patterns ?? []) visit(p, where);
    }
  };
  for (const g of TEXTMATE_GRAMMARS) {
    g.grammar.patterns.forEach((p) => visit(p, g.scopeName));
    for (const [name, rule] of Object.entries(g.grammar.repository)) visit(rule, `${g.scopeName}#${name}`);
  }
  for (const re of regexes) {
    try {
      new oniguruma.OnigScanner([re]).dispose();
    } catch (e) {
      assert.unreachable(`does not compile: ${re}: ${(e as Error).message}`);
    }
  }
});

test.run();

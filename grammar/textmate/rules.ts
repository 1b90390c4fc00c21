// TextMate rules shared by the five Starlane grammars: plain data (regex sources and scope names), written to
// follow grammar/lexer.ts. TextMate matches one line at a time with regexes, so context is approximated:
// - A point is one token (`string.unquoted.point.starlane`); its `${var}` parts are scoped inside it through
//   the match's capture patterns, so a point with no variable stays a single token.
// - A `/` after a name, `>`, `)` or `*` starts a path pattern that runs to whitespace less trailing `;`s,
//   exactly as the lexer cuts it; a `#` inside it, or inside a string or a payload check, is literal.
// - A `#` anywhere else starts a comment: everything that may hold one literally is matched first.
// - Strings end at their line's end when unterminated, as the lexer ends them (E0005), so a missing quote
//   never colours the rest of the file; closing punctuation at that line's end stays outside the string.
// - Regions that could run away on a broken line (payload checks, filters, `^[ ]->`) also end before a `;`,
//   which cannot occur inside them.
// Scope names follow the TextMate conventions themes colour; every one ends in `.starlane`.

/** A TextMate rule, as the JSON grammar format has it. */
export interface TmRule {
  readonly name?: string;
  readonly match?: string;
  readonly begin?: string;
  readonly end?: string;
  readonly contentName?: string;
  readonly captures?: TmCaptures;
  readonly beginCaptures?: TmCaptures;
  readonly endCaptures?: TmCaptures;
  readonly patterns?: readonly TmRule[];
  readonly include?: string;
}
export type TmCaptures = Readonly<Record<string, { readonly name?: string; readonly patterns?: readonly TmRule[] }>>;

export const HTTP_METHODS = ['Get', 'Post', 'Put', 'Delete', 'Patch', 'Head', 'Options', 'Trace', 'Connect'];
export const CMD_METHODS = ['Init', 'Read', 'Update', 'Command', 'RawCommand', 'Log', 'Bounce', 'Knock', 'Greet'];
export const HYP_METHODS = ['Init', 'Assign', 'Host', 'Provision', 'Knock', 'Hop', 'Transport', 'HyperWave', 'Search'];
export const WAVE_KINDS = ['Http', 'Ext', 'Cmd', 'Hyp'];
export const SUBSTANCE_KINDS = ['Empty', 'Text', 'Bin', 'Int', 'Boolean', 'Point', 'Map', 'List', 'Json', 'Stub', 'Details', 'Status', 'Err'];
export const COMMAND_KEYWORDS = ['create', 'publish', 'select', 'set', 'get', 'delete', 'watch', 'send', 'exit'];
export const ROOT_NAMES = ['Bind', 'Router', 'App', 'Mechtron'];
export const FILTERS = ['auth', 'timeout', 'limit'];

const KNOWN_METHODS = [...new Set([...HTTP_METHODS, ...CMD_METHODS, ...HYP_METHODS])];
const words = (list: readonly string[]): string => `\\b(?:${list.join('|')})\\b`;

// Lexical building blocks (the lexer's WORD_CHAR set is A-Za-z0-9 . _ - : / * $).
const WORD_CHAR = String.raw`[A-Za-z0-9._\-:/*$]`;
/** Not preceded by / followed by a word character: the lexer's word boundaries. */
const WORD_START = String.raw`(?<![A-Za-z0-9._\-:/*$])`;
const WORD_END = String.raw`(?![A-Za-z0-9._\-:/*$])`;
const VARIABLE = String.raw`\$\{[^}\s]*\}`;
/** The body of a point: a run of word characters, `${...}` groups and `(^1.0.0)` version ranges after a `:`. */
const POINT_BODY = String.raw`(?:\[[a-z][a-z0-9-]*\]::)?(?:${VARIABLE}|(?<=:)\([^\s)]*\)|${WORD_CHAR})+`;
/** Where a point may start: never on a CamelCase name (that is an identifier), but on `GLOBAL::` and the like. */
const POINT_START = String.raw`(?=\[[a-z]|[a-z0-9._:$]|[A-Z]+::)`;
export const POINT = `${WORD_START}${POINT_START}${POINT_BODY}`;
export const CAMEL_NAME = '[A-Z][A-Za-z0-9_]*';
const CAMEL = CAMEL_NAME;
const SKEWER = String.raw`[a-z][a-z0-9_\-]*`;
const KEY = String.raw`[A-Za-z_][A-Za-z0-9_.\-]*`;

const S = (name: string): string => `${name}.starlane`;

// ---------------------------------------------------------------- lexical rules of every kind

const comment: TmRule = {
  name: S('comment.line.number-sign'),
  match: '(#).*$',
  captures: { 1: { name: S('punctuation.definition.comment') } },
};

const escape: TmRule = { name: S('constant.character.escape'), match: String.raw`\\(?:u\{[0-9a-fA-F]{1,6}\}|.)` };

/**
 * Ends at its quote or, unterminated (the lexer's E0005), at the end of its line less the closing punctuation
 * there (`"no such page;`, `+title="My App };`), which the lexer gives back to the route or command.
 */
function quoted(quote: string, kind: string): TmRule {
  return {
    name: S(`string.quoted.${kind}`),
    begin: quote,
    end: String.raw`(${quote})|(?=[\s;},)\]>]*$)`,
    beginCaptures: { 0: { name: S('punctuation.definition.string.begin') } },
    endCaptures: { 1: { name: S('punctuation.definition.string.end') } },
    patterns: [{ include: '#escape' }],
  };
}

const variable: TmRule = {
  patterns: [
    {
      name: S('meta.interpolation'),
      match: String.raw`(\$\{)(doc\.bundle|doc|self)(\})`,
      captures: { 1: { name: S('punctuation.definition.variable.begin') }, 2: { name: S('variable.language') }, 3: { name: S('punctuation.definition.variable.end') } },
    },
    {
      name: S('meta.interpolation'),
      match: String.raw`(\$\{)([^}\s]*)(\})`,
      captures: { 1: { name: S('punctuation.definition.variable.begin') }, 2: { name: S('variable.other.readwrite') }, 3: { name: S('punctuation.definition.variable.end') } },
    },
    { name: S('variable.other.positional'), match: String.raw`\$[0-9]` },
  ],
};

const point: TmRule = {
  match: POINT,
  captures: { 0: { name: S('string.unquoted.point'), patterns: [{ include: '#variable' }] } },
};

const numbers: TmRule = {
  patterns: [
    { name: S('constant.numeric.version'), match: String.raw`${WORD_START}\d+\.\d+\.\d+(?:-[0-9A-Za-z.\-]+)?(?:\+[0-9A-Za-z.\-]+)?${WORD_END}` },
    { name: S('constant.numeric.duration'), match: String.raw`${WORD_START}\d+(?:\.\d+)?(?:ms|s|m|h)${WORD_END}` },
    { name: S('constant.numeric.size'), match: String.raw`${WORD_START}\d+(?:KiB|MiB|GiB|TiB|KB|MB|GB|B)${WORD_END}` },
    { name: S('constant.numeric.rate'), match: String.raw`${WORD_START}\d+/(?:s|m|h)${WORD_END}` },
    { name: S('constant.numeric'), match: String.raw`${WORD_START}-?\d+(?:\.\d+)?${WORD_END}` },
  ],
};

/** A value after `=`: a string, a number, a boolean, a point (it has a `:` or a variable), or a bare word. */
const value: TmRule = {
  patterns: [
    { include: '#string' },
    { include: '#numbers' },
    { name: S('constant.language.boolean'), match: `${WORD_START}(?:true|false)${WORD_END}` },
    {
      match: String.raw`${WORD_START}(?=[^\s;,}{)]*(?:[:$]|\[[a-z]))${POINT_BODY}`,
      captures: { 0: { name: S('string.unquoted.point'), patterns: [{ include: '#variable' }] } },
    },
    { name: S('string.unquoted.value'), match: `${WORD_START}${WORD_CHAR}+` },
  ],
};

const header: TmRule = {
  patterns: [
    {
      name: S('meta.header'),
      begin: String.raw`\b(${ROOT_NAMES.join('|')})\s*(\()`,
      beginCaptures: { 1: { name: S('storage.type.document') }, 2: { name: S('punctuation.definition.parameters.begin') } },
      end: String.raw`(\))|(?=[{;])|$`,
      endCaptures: { 1: { name: S('punctuation.definition.parameters.end') } },
      patterns: [
        { name: S('variable.parameter.version'), match: String.raw`\bversion\b` },
        { name: S('keyword.operator.assignment'), match: '=' },
        { include: '#numbers' },
        { include: '#comment' },
      ],
    },
    // A legacy root with no version (E0004): still the document's name.
    { match: String.raw`\b(${ROOT_NAMES.join('|')})\b(?=\s*(?:\{|$))`, captures: { 1: { name: S('storage.type.document') } } },
  ],
};

const punctuation: TmRule = {
  patterns: [
    { name: S('punctuation.section.block.begin'), match: String.raw`\{` },
    { name: S('punctuation.section.block.end'), match: String.raw`\}` },
    { name: S('punctuation.definition.typeparameters.begin'), match: '<' },
    { name: S('punctuation.definition.typeparameters.end'), match: '>' },
    { name: S('punctuation.terminator.statement'), match: ';' },
    { name: S('punctuation.separator.comma'), match: ',' },
  ],
};

/**
 * A path pattern: a regex from a `/` after a name, `>`, `)` or `*` (spaces between are allowed, as the lexer
 * allows them) up to whitespace, trailing `;`s excluded.
 */
const path: TmRule = {
  match: String.raw`(?<=[A-Za-z0-9_>)*])(\s*)(/(?:\S*(?:[^\s;]|\\;))?)`,
  captures: {
    2: {
      name: S('string.regexp.path'),
      patterns: [
        {
          match: String.raw`(\(\?P?<)([A-Za-z_][A-Za-z0-9_]*)(>)`,
          captures: { 1: { name: S('punctuation.definition.group.regexp') }, 2: { name: S('entity.name.variable.capture') }, 3: { name: S('punctuation.definition.group.regexp') } },
        },
        { name: S('constant.character.escape.regexp'), match: String.raw`\\.` },
      ],
    },
  },
};

// ---------------------------------------------------------------- waves: kinds and methods

const methodName: TmRule = {
  patterns: [
    { name: S('support.function.method'), match: words(KNOWN_METHODS) },
    { name: S('keyword.operator.wildcard'), match: String.raw`\*` },
    { name: S('entity.name.function.method'), match: CAMEL },
  ],
};

/** `Http<Get>`, `Ext<Hello>`: a wave kind with its method, as one match so the method is scoped as one. */
const waveMethod: TmRule = {
  match: String.raw`\b(${WAVE_KINDS.join('|')})\s*(<)\s*(${CAMEL}|\*)\s*(>)`,
  captures: {
    1: { name: S('support.type.wave') },
    2: { name: S('punctuation.definition.typeparameters.begin') },
    3: { patterns: [{ include: '#method-name' }] },
    4: { name: S('punctuation.definition.typeparameters.end') },
  },
};

const selectorName: TmRule = {
  patterns: [
    { name: S('keyword.control.route'), match: String.raw`\bRoute\b` },
    { name: S('support.type.wave'), match: words(WAVE_KINDS) },
    { name: S('support.function.method'), match: words(KNOWN_METHODS) },
    { name: S('keyword.operator.wildcard'), match: String.raw`\*+` },
    // Any other name in a route's selector is an `Ext` method written in the nested form (`Hello -> ...`).
    { name: S('entity.name.function.method'), match: `\\b${CAMEL}` },
  ],
};

// ---------------------------------------------------------------- bind and router: selectors and pipelines

const filter: TmRule = {
  name: S('meta.filter'),
  begin: String.raw`(\()\s*(${SKEWER})?`,
  beginCaptures: { 1: { name: S('punctuation.section.filter.begin') }, 2: { name: S('entity.name.function.filter') } },
  end: String.raw`(\))|(?=[;{])`,
  endCaptures: { 1: { name: S('punctuation.section.filter.end') } },
  patterns: [
    { include: '#comment' },
    { match: String.raw`(${KEY})\s*(=)`, captures: { 1: { name: S('variable.parameter.filter') }, 2: { name: S('keyword.operator.assignment') } } },
    { include: '#value' },
  ],
};

/** The body of a `-[ ... ]->` or `=[ ... ]=>` check: a payload pattern (SPEC §4.5). */
const payload: TmRule = {
  patterns: [
    { include: '#comment' },
    {
      name: S('meta.map'),
      begin: String.raw`\b(Map)\s*(\{)`,
      beginCaptures: { 1: { name: S('support.type.substance') }, 2: { name: S('punctuation.section.map.begin') } },
      end: String.raw`(\})|(?=;)`,
      endCaptures: { 1: { name: S('punctuation.section.map.end') } },
      patterns: [
        { include: '#comment' },
        { match: String.raw`(${SKEWER})\s*(\?)?`, captures: { 1: { name: S('support.type.property-name') }, 2: { name: S('keyword.operator.optional') } } },
        { include: '#payload-argument' },
        { name: S('keyword.operator.wildcard'), match: String.raw`\*` },
        { name: S('punctuation.separator.comma'), match: ',' },
      ],
    },
    { include: '#payload-argument' },
    {
      match: String.raw`(\[)\s*(\d+(?:\s*-\s*\d+)?)?\s*(\])`,
      captures: { 1: { name: S('punctuation.definition.list.begin') }, 2: { name: S('constant.numeric.range') }, 3: { name: S('punctuation.definition.list.end') } },
    },
    { match: String.raw`(~)\s*(json|image|utf8)\b`, captures: { 1: { name: S('keyword.operator.tilde') }, 2: { name: S('support.constant.format') } } },
    {
      begin: String.raw`(~)\s*(schema)\s*(\()`,
      beginCaptures: { 1: { name: S('keyword.operator.tilde') }, 2: { name: S('support.function.validator') }, 3: { name: S('punctuation.section.arguments.begin') } },
      end: String.raw`(\))|(?=[;\]])`,
      endCaptures: { 1: { name: S('punctuation.section.arguments.end') } },
      patterns: [{ include: '#point' }],
    },
    { name: S('keyword.operator.tilde'), match: '~' },
    { include: '#wave-method' },
    { name: S('keyword.operator.call'), match: String.raw`\^` },
    { name: S('support.type.substance'), match: words(SUBSTANCE_KINDS) },
    { name: S('entity.name.type.substance'), match: `\\b${CAMEL}` },
    { name: S('keyword.operator.wildcard'), match: String.raw`\*` },
    { include: '#point' },
    { name: S('punctuation.separator.comma'), match: ',' },
  ],
};

/** `<pattern>` after a map key or `*`: a nested payload pattern. */
const payloadArgument: TmRule = {
  begin: '<',
  beginCaptures: { 0: { name: S('punctuation.definition.typeparameters.begin') } },
  end: '(>)|(?=;)',
  endCaptures: { 1: { name: S('punctuation.definition.typeparameters.end') } },
  patterns: [{ include: '#payload' }],
};

function check(open: string, side: string): TmRule {
  return {
    name: S(`meta.check.${side}`),
    begin: open,
    beginCaptures: { 0: { name: S(`keyword.operator.step.${side}.begin`) } },
    // `]->` or `]=>`; `]-` / `]=` with no `>` is the lexer's broken close (E0110), still the step's end.
    end: String.raw`(\]->)|(\]=>)|(\][-=](?!\[))|(?=;)`,
    endCaptures: {
      1: { name: S('keyword.operator.step.request.end') },
      2: { name: S('keyword.operator.step.response.end') },
      3: { name: S('invalid.illegal.step') },
    },
    patterns: [{ include: '#payload' }],
  };
}

const pipeline: TmRule = {
  patterns: [
    { name: S('keyword.control.stop.core'), match: String.raw`\(\([ \t]*\*?[ \t]*\)\)` },
    { name: S('invalid.deprecated.core-stop'), match: String.raw`\{\{[ \t]*\}\}` },
    check(String.raw`-\[`, 'request'),
    check(String.raw`=\[(?![a-z][a-z0-9-]*\]::)`, 'response'),
    { name: S('keyword.operator.step.request'), match: '->' },
    { name: S('keyword.operator.step.response'), match: '=>' },
    { name: S('keyword.control.stop.reply'), match: '&' },
    {
      match: String.raw`(!)\s*(\d+)`,
      captures: { 1: { name: S('keyword.control.stop.status') }, 2: { name: S('constant.numeric.status') } },
    },
    { name: S('keyword.operator.call'), match: String.raw`\^` },
    // `=` alone, or a dangling `]-`, is not a step (E0110).
    { name: S('invalid.illegal.step'), match: String.raw`=(?![>\[])` },
  ],
};

const routeBody: TmRule = {
  patterns: [
    { include: '#comment' },
    { include: '#string' },
    { include: '#pipeline' },
    { include: '#path' },
    { include: '#filter' },
    { include: '#point' },
    { include: '#wave-method' },
    { include: '#selector-name' },
    { include: '#punctuation' },
    { name: S('punctuation.separator.filter'), match: '-' },
  ],
};

// ---------------------------------------------------------------- scripts, properties and kinds

const property: TmRule = {
  patterns: [
    { match: String.raw`(\+@)\s*(${KEY})?`, captures: { 1: { name: S('storage.modifier.locked') }, 2: { name: S('support.type.property-name') } } },
    { match: String.raw`(\+)\s*(${KEY})?`, captures: { 1: { name: S('storage.modifier.set') }, 2: { name: S('support.type.property-name') } } },
    { match: String.raw`(!)\s*(${KEY})?`, captures: { 1: { name: S('keyword.operator.unset') }, 2: { name: S('support.type.property-name') } } },
    // `bin=...` without the `+` (Starlane 0.3.4, W0303) is still a key.
    { match: String.raw`${WORD_START}(${KEY})(?=\s*=)`, captures: { 1: { name: S('support.type.property-name') } } },
    { name: S('keyword.operator.assignment'), match: '=' },
  ],
};

/** Inside `{ }` after a command's point: properties, or the keys a `get` asks for. */
const properties: TmRule = {
  name: S('meta.properties'),
  begin: String.raw`\{`,
  beginCaptures: { 0: { name: S('punctuation.section.properties.begin') } },
  end: String.raw`\}`,
  endCaptures: { 0: { name: S('punctuation.section.properties.end') } },
  patterns: [
    { include: '#comment' },
    { include: '#property' },
    { include: '#property-value' },
    { name: S('support.type.property-name'), match: `${WORD_START}${KEY}` },
    { include: '#punctuation' },
  ],
};

/** A value right after `=`. */
const propertyValue: TmRule = {
  begin: String.raw`(?<==)(?=\s*[^\s;,}])`,
  end: String.raw`(?<=\S)(?=[\s;,}])|(?=[;,}])|$`,
  patterns: [{ include: '#value' }],
};

/** `Kind<Sub<Specific>>`: names in it are kinds, other words a Specific (`postgresql.org:postgres:server:15.0.0`). */
const kindArguments: TmRule = {
  name: S('meta.kind'),
  begin: '<',
  beginCaptures: { 0: { name: S('punctuation.definition.typeparameters.begin') } },
  end: '(>)|(?=[;{}])',
  endCaptures: { 1: { name: S('punctuation.definition.typeparameters.end') } },
  patterns: [
    { include: '#comment' },
    { include: '#wave-method' },
    { include: '#kind-arguments' },
    { name: S('entity.name.type.kind'), match: `\\b${CAMEL}` },
    { name: S('keyword.operator.wildcard'), match: String.raw`\*+` },
    {
      match: String.raw`${WORD_START}${WORD_CHAR}+`,
      captures: { 0: { name: S('constant.other.specific'), patterns: [{ include: '#variable' }] } },
    },
  ],
};

const command: TmRule = {
  patterns: [
    { include: '#comment' },
    { include: '#string' },
    {
      match: String.raw`${WORD_START}(${COMMAND_KEYWORDS.join('|')})${WORD_END}(?:\s*([?!]))?`,
      captures: { 1: { name: S('keyword.other.command') }, 2: { name: S('keyword.operator.modifier') } },
    },
    {
      name: S('meta.publish-source'),
      begin: String.raw`\^\[`,
      beginCaptures: { 0: { name: S('keyword.operator.step.publish.begin') } },
      end: String.raw`(\]->)|(\][-=]>?)|(?=;)`,
      endCaptures: { 1: { name: S('keyword.operator.step.publish.end') }, 2: { name: S('invalid.illegal.step') } },
      patterns: [{ include: '#comment' }, { include: '#string' }, { name: S('string.unquoted.path.file'), match: String.raw`[^\s\]]+` }],
    },
    { include: '#properties' },
    { include: '#wave-method' },
    { include: '#kind-arguments' },
    { include: '#path' },
    { include: '#point' },
    { name: S('support.type.wave'), match: words(WAVE_KINDS) },
    { name: S('entity.name.type.kind'), match: `\\b${CAMEL}` },
    { name: S('keyword.operator.wildcard'), match: String.raw`\*+(?![A-Za-z0-9._\-:/$])` },
    {
      match: String.raw`${WORD_START}(?=\*+[A-Za-z0-9._\-:/$])${POINT_BODY}`,
      captures: { 0: { name: S('string.unquoted.point'), patterns: [{ include: '#variable' }] } },
    },
    { name: S('keyword.operator.kind'), match: '%' },
    { include: '#punctuation' },
  ],
};

/** The repository every grammar carries (each grammar file is self-contained). */
export const REPOSITORY: Readonly<Record<string, TmRule>> = {
  comment,
  escape,
  string: { patterns: [quoted('"', 'double'), quoted("'", 'single')] },
  variable,
  point,
  numbers,
  value,
  header,
  punctuation,
  path,
  'method-name': methodName,
  'wave-method': waveMethod,
  'selector-name': selectorName,
  filter,
  payload,
  'payload-argument': payloadArgument,
  pipeline,
  'route-body': routeBody,
  property,
  properties,
  'property-value': propertyValue,
  'kind-arguments': kindArguments,
  command,
};

/** A section's body (`Set { ... }`), whose content rules are given. */
export function section(names: string, scope: string, contents: readonly TmRule[]): TmRule {
  return {
    name: S(`meta.section.${scope}`),
    begin: String.raw`\b(${names})\s*(\{)`,
    beginCaptures: { 1: { name: S('entity.name.section') }, 2: { name: S('punctuation.section.block.begin') } },
    end: String.raw`\}`,
    endCaptures: { 0: { name: S('punctuation.section.block.end') } },
    patterns: [{ include: '#comment' }, ...contents],
  };
}

// The one registry of diagnostic codes. Every diagnostic any layer emits carries a code listed here; each code
// has an explanation in explanations/<CODE>.md (`starc explain`). Tests hold both facts.

import type { Severity } from '../../grammar/diagnostic.ts';

export interface CodeInfo {
  readonly code: string;
  readonly severity: Severity;
  /** One line: what the code is about (used in lists, SARIF rule names, "nearest codes"). */
  readonly summary: string;
}

function entries(severity: Severity, table: Record<string, string>): CodeInfo[] {
  return Object.entries(table).map(([code, summary]) => ({ code, severity, summary }));
}

const errors = entries('error', {
  // E00xx: syntax and documents
  E0001: 'unexpected token: the text does not fit the grammar here',
  E0002: 'the root name does not fit the file extension',
  E0003: 'unsupported document version',
  E0004: 'a legacy (Starlane 0.1/0.2) form; `starc migrate` converts it',
  E0005: 'unterminated string literal',
  E0006: 'a character that cannot start any token',
  E0007: 'unclosed or unmatched delimiter',
  E0008: 'whitespace where the grammar allows none (inside a selector, point or path)',
  E0009: 'the file kind cannot be told from the file name',
  E0010: 'a malformed version in the root header',
  E0011: 'a file that cannot be read as UTF-8 text',
  // E01xx: bind and pipelines
  E0101: 'a top-level scope must be `Route`',
  E0102: 'a method that does not exist for its wave kind',
  E0103: '`Hyp` needs a method',
  E0104: 'more than one sub-kind level below a wave kind',
  E0105: 'a path pattern that does not compile as a regular expression',
  E0106: 'a variable that is not in scope',
  E0107: 'an unknown filter, or a filter with bad arguments',
  E0108: 'an unknown wave kind',
  E0110: 'not a step (`->`, `=>`, `-[ ]->`, `=[ ]=>`)',
  E0111: 'a step without a stop',
  E0112: 'a stop without a step before it',
  E0113: 'a status that is not an error status (400..599)',
  E0114: 'a capture name defined twice on one route',
  E0115: 'a call stop with a method that cannot be called',
  E0116: 'a positional capture `$n` with no such group',
  // E02xx: router
  E0201: 'a router routes only `Http` waves',
  E0202: 'a router has no core: `(( ))` has nothing to deliver to',
  // E03xx: app and mechtron
  E0301: 'a section that appears more than once',
  E0302: 'a required key is missing',
  E0303: 'the Wasm binary is missing or lacks the Mechtron ABI',
  E0304: 'an unknown section or key',
  E0305: 'a property value of the wrong form',
  E0306: 'a key set twice in one section',
  // E04xx: points and kinds
  E0401: 'an unknown kind',
  E0402: 'a malformed point',
  E0403: 'a sub-kind the kind does not take',
  E0404: 'a malformed specific (`provider:vendor:product:variant:version`)',
  E0405: 'a variable that does not exist here',
  E0406: 'a kind placed under a parent that cannot contain it',
  E0407: 'a malformed version',
  E0408: 'a point that names an artifact missing from its bundle',
  // E05xx: payload patterns and schemas
  E0501: 'a JSON Schema artifact that is missing or invalid',
  E0502: 'an unknown substance kind in a payload pattern',
  E0503: 'a malformed list range',
  E0504: 'an unknown payload format',
  E0505: 'a map key listed twice',
  E0506: 'a malformed payload validator',
  // E06xx: commands
  E0601: 'an unknown command',
  E0602: 'a command that is missing a part',
  E0603: 'a malformed select pattern',
  E0604: 'a property operation that does not fit the command',
  E0605: 'a publish source that is not a bundle directory or .zip',
  // E08xx: runtime settings (`starc.yaml` in an app dir)
  E0801: 'a `starc.yaml` that is not valid YAML',
  E0802: 'an unknown setting in `starc.yaml`',
  E0803: 'a setting in `starc.yaml` with a value of the wrong type or form',
});

const warnings = entries('warning', {
  W0101: 'deprecated core delivery `{{ }}`; write `(( ))`',
  W0102: 'a stop after a stop that ends the pipeline is never reached',
  W0103: 'an unreachable route',
  W0104: 'an empty block',
  W0301: '`${doc.bundle}/path` without `:`; write `${doc.bundle}:/path`',
  W0302: 'properties separated by `,`; end each with `;`',
  W0303: 'an assignment without `+` (Starlane 0.3.4)',
  W0304: 'an assignment not ended by `;`',
  W0601: 'a command after `exit` is never run',
  // W07xx: migration (`starc migrate`)
  W0701: 'a legacy construct `starc migrate` cannot convert; rewrite it by hand',
  W0702: 'a migrated file that still has errors',
});

export const CODES: ReadonlyMap<string, CodeInfo> = new Map(
  [...errors, ...warnings].map((info) => [info.code, info]),
);

export function codeInfo(code: string): CodeInfo {
  const info = CODES.get(code);
  if (!info) throw new Error(`diagnostic code ${code} is not in the registry`);
  return info;
}

export function isKnownCode(code: string): boolean {
  return CODES.has(code);
}

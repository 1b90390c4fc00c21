// The five TextMate grammars (one per file kind) as JSON-ready data. scripts/package-vscode.mjs writes them to
// vscode-extension/syntaxes/; test/textmate.test.ts loads them into vscode-textmate. Each grammar carries the
// whole shared repository, so a grammar file stands alone (no cross-grammar includes for an editor to resolve).

import type { FileKind } from '../ast.ts';
import { CAMEL_NAME, REPOSITORY, section, type TmRule } from './rules.ts';

export interface TextmateGrammar {
  readonly fileKind: FileKind;
  readonly scopeName: string;
  /** The file name under vscode-extension/syntaxes/. */
  readonly fileName: string;
  /** The grammar document, as written to JSON. */
  readonly grammar: {
    readonly name: string;
    readonly scopeName: string;
    readonly fileTypes: readonly string[];
    readonly patterns: readonly TmRule[];
    readonly repository: Readonly<Record<string, TmRule>>;
  };
}

const include = (name: string): TmRule => ({ include: `#${name}` });

const PROPERTIES: readonly TmRule[] = [include('property'), include('property-value'), include('punctuation')];
/** `Require { FileStore; Database<Relational<...>>; }`: kinds, one a statement. */
const KINDS: readonly TmRule[] = [
  include('kind-arguments'),
  { name: 'entity.name.type.kind.starlane', match: `\\b${CAMEL_NAME}` },
  include('punctuation'),
];

const BODIES: Record<FileKind, readonly TmRule[]> = {
  bind: [include('comment'), include('header'), include('route-body')],
  router: [include('comment'), include('header'), include('route-body')],
  app: [
    include('comment'),
    include('header'),
    section('Set', 'set', PROPERTIES),
    section('Require', 'require', KINDS),
    section('Install', 'install', [include('command')]),
    // A misspelt section still holds what its content looks like; so does text outside any section.
    section(CAMEL_NAME, 'unknown', [...PROPERTIES, include('command')]),
    ...PROPERTIES,
    include('command'),
  ],
  mechtron: [include('comment'), include('header'), section(CAMEL_NAME, 'config', PROPERTIES), ...PROPERTIES],
  script: [include('command')],
};

const TITLES: Record<FileKind, string> = {
  bind: 'Starlane Bind',
  router: 'Starlane Router',
  app: 'Starlane App',
  mechtron: 'Starlane Mechtron',
  script: 'Starlane Script',
};

export const TEXTMATE_GRAMMARS: readonly TextmateGrammar[] = (Object.keys(BODIES) as FileKind[]).map((fileKind) => {
  const scopeName = `source.starlane.${fileKind}`;
  return {
    fileKind,
    scopeName,
    fileName: `starlane-${fileKind}.tmLanguage.json`,
    grammar: { name: TITLES[fileKind], scopeName, fileTypes: [fileKind], patterns: BODIES[fileKind], repository: REPOSITORY },
  };
});

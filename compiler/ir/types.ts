// The IR: what `starc build` writes and the runtime executes (DESIGN.md §4). Plain JSON data, discriminated on
// `kind`; compiler/ir/schema.ts is its JSON Schema and the contract with the runtime. Any change to a shape here
// changes the schema too, and a change that an older runtime would misread bumps `irVersion`.
//
// Decisions the runtime relies on:
// - Route tables are flat and ordered: the first route whose wave kind, method and every path match wins.
// - `paths` lists one regex per selector level that had a path, outermost first. Each is a JavaScript regex
//   source for `new RegExp(regex, 'u')`, already anchored: `whole` ones `^(?:...)$`, the others (enclosing
//   scopes) `^(?:...)`. Each is matched against the whole request path, independently (SPEC §4.2).
// - `captures` are the named groups of every level; a stop's `${name}` takes the value from the level that
//   defines it (names are unique per route: E0114). Positional `$1`...`$9` refer to the innermost path.
// - Points are kept as written (with `${doc.bundle}`, `${self}` and captures unresolved: the bundle's own point
//   is only known when it is published), except that Starlane's `${doc.bundle}/x` is normalised to
//   `${doc.bundle}:/x`.
// - A block's payload check (`Route<Http> -[ Text ]-> { ... }`) applies to every route inside it: it is lowered
//   into the `checks` of the first step of each inner route, before that step's own check, outermost block
//   first. So a step carries a list of checks, all of which must hold.

export const IR_VERSION = 1;

export interface Ir {
  readonly irVersion: typeof IR_VERSION;
  readonly bundle: IrBundle;
  readonly documents: readonly IrDocument[];
}

export interface IrBundle {
  /** The bundle folder's name (the app dir's for an app dir's `bundle/`). */
  readonly name?: string;
  /** Every file of the bundle, bundle-relative, `/`-separated, sorted by code unit. */
  readonly files: readonly string[];
}

export type IrDocument = IrRouteDocument | IrMechtronDocument | IrAppDocument | IrScriptDocument;

/** Where something was written, for the runtime's error messages: a bundle-relative file and a 1-based line. */
export interface IrSpan {
  readonly file: string;
  readonly line: number;
}

// ---------------------------------------------------------------- bind / router

export interface IrRouteDocument {
  readonly path: string;
  readonly kind: 'bind' | 'router';
  readonly routes: readonly IrRoute[];
}

export type IrWaveKind = 'Http' | 'Ext' | 'Cmd' | 'Hyp' | '*';

export interface IrRoute {
  /** `*` when the selector stopped at `Route` or wrote `*`. */
  readonly waveKind: IrWaveKind;
  /** `Get`, `Hello`, or `*` when absent. */
  readonly method: string;
  readonly paths: readonly IrPath[];
  readonly captures: readonly string[];
  /** Filters of every enclosing scope, outermost first. */
  readonly filters: readonly IrFilter[];
  readonly pipeline: readonly IrSegment[];
  readonly span: IrSpan;
}

export interface IrPath {
  /** Anchored JavaScript regex source (flag `u`). */
  readonly regex: string;
  /** True for the innermost path (whole request path), false for an enclosing scope's (prefix). */
  readonly whole: boolean;
}

/** Filters with their arguments already interpreted (SPEC §4.4). */
export type IrFilter =
  | { readonly name: 'auth'; readonly role?: string }
  | { readonly name: 'timeout'; readonly timeoutMs: number }
  | { readonly name: 'limit'; readonly count: number; readonly perMs: number };

export type IrFlow = 'request' | 'response';

export interface IrSegment {
  readonly step: IrStep;
  readonly stop: IrStop;
}

export interface IrStep {
  /** Payload checks to pass before the step passes on, in order (block checks first). */
  readonly checks: readonly IrCheck[];
  /** `->` passes the request on, `=>` the current response. */
  readonly pass: IrFlow;
}

export interface IrCheck {
  /** What is checked: the request body (`-[`) or the current response body (`=[`). */
  readonly flow: IrFlow;
  readonly pattern: IrPattern;
}

export type IrStop =
  | { readonly kind: 'core' }
  | { readonly kind: 'reply' }
  | { readonly kind: 'status'; readonly status: number; readonly message?: string }
  | { readonly kind: 'point'; readonly point: string }
  | { readonly kind: 'call'; readonly point: string; readonly method: string; readonly path?: string };

// ---------------------------------------------------------------- payload patterns

export type IrPattern =
  | { readonly kind: 'any' }
  | { readonly kind: 'empty' }
  | {
      readonly kind: 'structure';
      readonly structure: IrStructure;
      readonly format?: 'json' | 'image' | 'utf8';
      readonly validator?: IrValidator;
    };

export type IrStructure =
  | { readonly kind: 'kind'; readonly name: string }
  | { readonly kind: 'list'; readonly item: string; readonly min?: number; readonly max?: number }
  | {
      readonly kind: 'map';
      readonly entries: readonly IrMapEntry[];
      /** Other keys: allowed when present (each checked against `pattern` if given). */
      readonly rest?: { readonly pattern?: IrPattern };
      /** True for a bare `Map` (any keys, no entries) or a map with `*`. */
      readonly open: boolean;
    };

export interface IrMapEntry {
  readonly key: string;
  readonly optional: boolean;
  readonly pattern?: IrPattern;
}

export type IrValidator =
  | { readonly kind: 'schema'; readonly point: string }
  | { readonly kind: 'mechtron'; readonly point: string; readonly method: string };

// ---------------------------------------------------------------- mechtron / app / script

export interface IrMechtronDocument {
  readonly path: string;
  readonly kind: 'mechtron';
  readonly bin: string;
  readonly name: string;
  readonly limits: { readonly timeoutMs?: number; readonly memoryBytes?: number; readonly instances?: number };
}

export interface IrAppDocument {
  readonly path: string;
  readonly kind: 'app';
  readonly set: readonly IrProp[];
  /** Kinds as text: `FileStore`, `Database<Relational<postgresql.org:postgres:server:15.0.0>>`. */
  readonly require: readonly string[];
  readonly install: readonly IrCommand[];
}

export interface IrScriptDocument {
  readonly path: string;
  readonly kind: 'script';
  readonly commands: readonly IrCommand[];
}

/** `+key=value` (locked for `+@key=value`) or `!key`. */
export type IrProp =
  | { readonly op: 'set'; readonly key: string; readonly value: string; readonly locked: boolean }
  | { readonly op: 'unset'; readonly key: string };

/** The commands of SPEC §8 as data; points, kinds and selectors as text, for the runtime to resolve. */
export type IrCommand =
  | {
      readonly kind: 'create';
      readonly mode: 'plain' | 'ensure' | 'override';
      readonly point: string;
      readonly generated: boolean;
      readonly particleKind: string;
      readonly props: readonly IrProp[];
      readonly span: IrSpan;
    }
  | { readonly kind: 'publish'; readonly ensure: boolean; readonly source: string; readonly target: string; readonly span: IrSpan }
  | { readonly kind: 'select'; readonly pattern: string; readonly particleKind?: string; readonly span: IrSpan }
  | { readonly kind: 'set'; readonly point: string; readonly props: readonly IrProp[]; readonly span: IrSpan }
  | { readonly kind: 'get'; readonly point: string; readonly keys: readonly string[]; readonly span: IrSpan }
  | { readonly kind: 'delete'; readonly ensure: boolean; readonly point: string; readonly span: IrSpan }
  | { readonly kind: 'watch'; readonly point: string; readonly span: IrSpan }
  | {
      readonly kind: 'send';
      readonly point: string;
      readonly method: string;
      readonly path?: string;
      readonly body?: string;
      readonly span: IrSpan;
    }
  | { readonly kind: 'exit'; readonly span: IrSpan };

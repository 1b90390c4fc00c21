// The AST of all five file kinds: plain data, discriminated on `kind`, every node with a span.
// Built by grammar/parser.ts; points, kinds' specifics and path regexes stay raw text here and are
// interpreted by the compiler's checks (compiler/check/*), which know their rules and diagnostics.

import type { Span } from './span.ts';

export type FileKind = 'bind' | 'router' | 'app' | 'mechtron' | 'script';

/** A word as written: identifiers, keys, numbers, versions, durations. */
export interface Name {
  readonly text: string;
  readonly span: Span;
}

export interface Comment {
  readonly text: string;
  readonly span: Span;
}

// ---------------------------------------------------------------- documents

export type Document = BindDocument | ConfigDocument | ScriptDocument;

export interface RootHeader {
  readonly name: Name;
  /** Absent on a legacy root (`Bind { ... }`) or when it could not be parsed. */
  readonly version: Name | undefined;
  readonly span: Span;
}

interface DocumentBase {
  readonly span: Span;
  readonly comments: readonly Comment[];
  /** True when the parser found a legacy (pre-v1) form; the body is then not interpreted. */
  readonly legacy: boolean;
}

/** `.bind` and `.router`: a root header and a tree of scopes. */
export interface BindDocument extends DocumentBase {
  readonly kind: 'BindDocument';
  readonly fileKind: 'bind' | 'router';
  readonly header: RootHeader | undefined;
  readonly body: readonly Scope[];
}

/** `.app` and `.mechtron`: a root header and named sections. */
export interface ConfigDocument extends DocumentBase {
  readonly kind: 'ConfigDocument';
  readonly fileKind: 'app' | 'mechtron';
  readonly header: RootHeader | undefined;
  readonly sections: readonly Section[];
}

/** `.script`: `;`-terminated commands. */
export interface ScriptDocument extends DocumentBase {
  readonly kind: 'ScriptDocument';
  readonly fileKind: 'script';
  readonly commands: readonly Command[];
}

// ---------------------------------------------------------------- bind / router

/** `selector step { body }` (a block) or `selector pipeline ;` (a route). */
export interface Scope {
  readonly kind: 'Scope';
  readonly selector: Selector;
  /** For a block: the step before `{` (its payload check applies to every route inside). */
  readonly blockStep: Step | undefined;
  /** Set for a block, undefined for a route. */
  readonly body: readonly Scope[] | undefined;
  /** Set for a route, undefined for a block. */
  readonly pipeline: readonly Segment[] | undefined;
  readonly span: Span;
}

export interface Selector {
  /** Stacked names, outermost first: `Route<Http<Get>>` → [Route, Http, Get]. */
  readonly levels: readonly SelectorName[];
  readonly filters: readonly Filter[];
  readonly path: PathPattern | undefined;
  readonly span: Span;
}

export interface SelectorName extends Name {
  /** Written as `<Get>` (upstream's angle-bracket form). */
  readonly angled: boolean;
}

export interface Filter {
  readonly name: Name;
  readonly args: readonly FilterArg[];
  readonly span: Span;
}

/** `10`, `2s`, `100/s` (value only) or `role=admin` (key and value). */
export interface FilterArg {
  readonly key: Name | undefined;
  readonly value: Name;
  readonly span: Span;
}

/** A path regex exactly as written, starting with `/`. */
export interface PathPattern {
  readonly text: string;
  readonly span: Span;
}

export interface Segment {
  /** Undefined when a stop came with no step before it (E0112, reported by the parser). */
  readonly step: Step | undefined;
  /** Undefined when a step came with no stop after it (E0111, reported by the parser). */
  readonly stop: Stop | undefined;
  readonly span: Span;
}

export type Flow = 'request' | 'response';

export interface Step {
  readonly kind: 'Step';
  /** What the step checks before passing on: the request body (`-[`), the response body (`=[`), or nothing. */
  readonly check: Flow | undefined;
  readonly pattern: PayloadPattern | undefined;
  /** What the step passes on: `->` the request, `=>` the current response. */
  readonly pass: Flow;
  readonly span: Span;
}

export type Stop = CoreStop | ReplyStop | StatusStop | PointStop | CallStop;

/** `(( ))`, `((*))`, or the deprecated `{{ }}`. */
export interface CoreStop {
  readonly kind: 'CoreStop';
  readonly legacy: boolean;
  readonly span: Span;
}

/** `&` */
export interface ReplyStop {
  readonly kind: 'ReplyStop';
  readonly span: Span;
}

/** `!403 "forbidden"` */
export interface StatusStop {
  readonly kind: 'StatusStop';
  readonly status: Name;
  readonly message: StringLit | undefined;
  readonly span: Span;
}

export interface PointStop {
  readonly kind: 'PointStop';
  readonly point: PointRef;
  readonly span: Span;
}

/** `point^Ext<Render>/path` */
export interface CallStop {
  readonly kind: 'CallStop';
  readonly point: PointRef;
  readonly method: MethodRef;
  readonly path: PathPattern | undefined;
  readonly span: Span;
}

/** `Ext<Hello>`, `Http<Get>`, `Cmd<Read>` */
export interface MethodRef {
  readonly waveKind: Name;
  readonly method: Name | undefined;
  readonly span: Span;
}

/** A point as written (`localhost:app:users`, `${doc.bundle}:/html/${path}`); parsed by compiler/check/point.ts. */
export interface PointRef {
  readonly text: string;
  readonly span: Span;
}

export interface StringLit {
  /** The value with escapes resolved. */
  readonly value: string;
  readonly span: Span;
}

// ---------------------------------------------------------------- payload patterns

export type PayloadPattern = AnyPattern | EmptyPattern | StructurePattern;

/** `*` */
export interface AnyPattern {
  readonly kind: 'AnyPattern';
  readonly span: Span;
}

/** Nothing between the brackets: the body must be Empty. */
export interface EmptyPattern {
  readonly kind: 'EmptyPattern';
  readonly span: Span;
}

export interface StructurePattern {
  readonly kind: 'StructurePattern';
  readonly structure: Structure;
  /** `~json`, `~image`, `~utf8` */
  readonly format: Name | undefined;
  readonly validator: Validator | undefined;
  readonly span: Span;
}

export type Structure = KindStructure | ListStructure | MapStructure;

/** `Text`, `Json`, ... */
export interface KindStructure {
  readonly kind: 'KindStructure';
  readonly name: Name;
  readonly span: Span;
}

/** `Text[]`, `Text[5]`, `Text[1-5]` */
export interface ListStructure {
  readonly kind: 'ListStructure';
  readonly item: Name;
  /** The raw text between the brackets (`5`, `1-5`), absent for `[]`. */
  readonly range: Name | undefined;
  readonly span: Span;
}

/** `Map`, `Map{a<Text>, b?, *<Int>}` */
export interface MapStructure {
  readonly kind: 'MapStructure';
  readonly name: Name;
  /** Undefined for a bare `Map` (any keys). */
  readonly entries: readonly MapEntry[] | undefined;
  /** `*` or `*<pattern>`: other keys allowed. */
  readonly rest: MapRest | undefined;
  readonly span: Span;
}

export interface MapEntry {
  readonly key: Name;
  readonly optional: boolean;
  readonly pattern: PayloadPattern | undefined;
  readonly span: Span;
}

export interface MapRest {
  readonly pattern: PayloadPattern | undefined;
  readonly span: Span;
}

export type Validator = SchemaValidator | MechtronValidator;

/** `schema(point)` */
export interface SchemaValidator {
  readonly kind: 'SchemaValidator';
  readonly point: PointRef;
  readonly span: Span;
}

/** `point^Ext<Validate>` */
export interface MechtronValidator {
  readonly kind: 'MechtronValidator';
  readonly point: PointRef;
  readonly method: MethodRef;
  readonly span: Span;
}

// ---------------------------------------------------------------- app / mechtron

export interface Section {
  readonly kind: 'Section';
  readonly name: Name;
  readonly content: SectionContent;
  readonly span: Span;
}

/** `Require` holds kinds, `Install` commands, every other section properties. */
export type SectionContent =
  | { readonly kind: 'Props'; readonly props: readonly Prop[] }
  | { readonly kind: 'Kinds'; readonly kinds: readonly KindRef[] }
  | { readonly kind: 'Commands'; readonly commands: readonly Command[] };

export type PropOp = 'set' | 'lock' | 'unset';

/** `+key=value`, `+@key=value` (locked), `!key` (unset); Starlane 0.3.4 also wrote `key=value`. */
export interface Prop {
  readonly kind: 'Prop';
  readonly op: PropOp;
  /** False for `key=value` written without the leading `+` (W0303). */
  readonly plus: boolean;
  readonly key: Name;
  readonly value: Value | undefined;
  /** The separator that ended the assignment, if any. */
  readonly terminator: Name | undefined;
  readonly span: Span;
}

export interface Value {
  /** The value; for a quoted string, with escapes resolved. */
  readonly text: string;
  readonly quoted: boolean;
  readonly span: Span;
}

/** `Space`, `File<Dir>`, `Database<Relational<postgresql.org:postgres:server:15.0.0>>` */
export interface KindRef {
  readonly kind: 'KindRef';
  readonly base: Name;
  readonly sub: KindRef | SpecificRef | undefined;
  readonly span: Span;
}

/** `provider:vendor:product:variant:version` as written. */
export interface SpecificRef {
  readonly kind: 'SpecificRef';
  readonly text: string;
  readonly span: Span;
}

// ---------------------------------------------------------------- commands

export type Command =
  | CreateCommand
  | PublishCommand
  | SelectCommand
  | SetCommand
  | GetCommand
  | DeleteCommand
  | WatchCommand
  | SendCommand
  | ExitCommand;

interface CommandBase {
  /** The command word (`create`, `publish`, ...). */
  readonly keyword: Name;
  /** From the keyword to the `;` (inclusive when present). */
  readonly span: Span;
}

export type CreateMode = 'plain' | 'ensure' | 'override';

export interface CreateCommand extends CommandBase {
  readonly kind: 'CreateCommand';
  readonly mode: CreateMode;
  readonly point: PointRef | undefined;
  /** `%`: let the runtime generate the last segment. */
  readonly generated: boolean;
  readonly particleKind: KindRef | undefined;
  readonly props: readonly Prop[] | undefined;
}

export interface PublishCommand extends CommandBase {
  readonly kind: 'PublishCommand';
  readonly ensure: boolean;
  /** The bundle directory or .zip, relative to the script. */
  readonly source: Name | undefined;
  readonly target: PointRef | undefined;
}

export interface SelectCommand extends CommandBase {
  readonly kind: 'SelectCommand';
  /** `localhost:**`, `**`, `localhost:app:*` as written. */
  readonly pattern: PointRef | undefined;
  readonly particleKind: KindRef | undefined;
}

export interface SetCommand extends CommandBase {
  readonly kind: 'SetCommand';
  readonly point: PointRef | undefined;
  readonly props: readonly Prop[];
}

export interface GetCommand extends CommandBase {
  readonly kind: 'GetCommand';
  readonly point: PointRef | undefined;
  readonly keys: readonly Name[];
}

export interface DeleteCommand extends CommandBase {
  readonly kind: 'DeleteCommand';
  readonly ensure: boolean;
  readonly point: PointRef | undefined;
}

export interface WatchCommand extends CommandBase {
  readonly kind: 'WatchCommand';
  readonly point: PointRef | undefined;
}

export interface SendCommand extends CommandBase {
  readonly kind: 'SendCommand';
  readonly point: PointRef | undefined;
  readonly method: MethodRef | undefined;
  readonly path: PathPattern | undefined;
  readonly body: Value | undefined;
}

export interface ExitCommand extends CommandBase {
  readonly kind: 'ExitCommand';
}

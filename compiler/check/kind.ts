// Kinds (SPEC §3): the table of base kinds, their sub-kinds and parents, shared with the runtime and the LSP,
// and `checkKind`, which resolves a written kind and reports E0401/E0403/E0404 (E0004 for legacy names).

import type { KindRef, SpecificRef } from '../../grammar/ast.ts';
import type { Span } from '../../grammar/span.ts';
import { isSemver, semverFix } from './point.ts';
import { type Reporter, replaceWith } from './report.ts';
import { closestMatch } from './suggest.ts';

// ---------------------------------------------------------------- the table

export interface SubKindInfo {
  readonly name: string;
  /** Takes a Specific: `OAuth<vendor:product:variant:version>`. */
  readonly specific: boolean;
}

/** What a particle of this kind is named by, in the last segment of its point. */
export type SegmentRule = 'name' | 'version' | 'path';

export interface KindInfo {
  readonly name: string;
  /** One line for hover and completion. */
  readonly summary: string;
  /** Sub-kinds the kind takes; all optional (`File` alone means `File<File>`). */
  readonly subKinds: readonly SubKindInfo[];
  /** Kinds that may contain it, as `Base` or `Base<Sub>` (a parent with exactly that sub-kind). */
  readonly parents: readonly string[];
  /** Created only by the runtime, never by a script. */
  readonly system: boolean;
  readonly segment: SegmentRule;
}

function kind(
  name: string,
  summary: string,
  parents: readonly string[],
  extra: { subKinds?: readonly (string | SubKindInfo)[]; system?: boolean; segment?: SegmentRule } = {},
): KindInfo {
  const subKinds = (extra.subKinds ?? []).map((s) => (typeof s === 'string' ? { name: s, specific: false } : s));
  return { name, summary, subKinds, parents, system: extra.system ?? false, segment: extra.segment ?? 'name' };
}

const SYSTEM = { system: true } as const;

/** SPEC §3, in the order the spec lists them (notes list kinds in this order). */
export const KINDS: ReadonlyMap<string, KindInfo> = new Map(
  [
    kind('Root', 'the root of the mesh', [], SYSTEM),
    kind('Space', 'a top-level namespace, e.g. a host name; its router serves HTTP', ['Root']),
    kind('Base', 'a container of particles', ['Root', 'Space', 'Base'], {
      subKinds: ['User', 'App', 'Mechtron', 'Database', 'Repo', 'Any'],
    }),
    kind('App', 'an application, configured by an `.app` artifact', ['Root', 'Space', 'Base']),
    kind('Mechtron', 'a Wasm actor, configured by a `.mechtron` artifact', ['Root', 'Space', 'Base', 'App']),
    kind('FileStore', 'a store of files and directories', ['Root', 'Space', 'Base', 'App']),
    kind('File', 'a file or directory in a file store', ['FileStore', 'File<Dir>'], {
      subKinds: ['File', 'Dir'],
      segment: 'path',
    }),
    kind('Repo', 'a repository of bundle series', ['Root', 'Space', 'Base']),
    // Starlane 0.2 held series in a `Base<Repo>`; `starc migrate` keeps such bases, so they stay valid parents.
    kind('BundleSeries', 'the versions of one bundle', ['Repo', 'Base<Repo>']),
    kind('Bundle', 'one published version of a bundle', ['BundleSeries'], { segment: 'version' }),
    kind('Artifact', 'a file inside a published bundle', ['Bundle'], {
      subKinds: ['Raw', 'Bind', 'Router', 'App', 'Mechtron', 'Wasm', 'Schema', 'Dir'],
      segment: 'path',
    }),
    kind('UserBase', 'a base of users, optionally backed by OAuth', ['Space', 'Base'], {
      subKinds: [{ name: 'OAuth', specific: true }],
    }),
    kind('User', 'a user', ['UserBase', 'Base']),
    kind('Database', 'a database', ['Space', 'Base', 'App'], { subKinds: [{ name: 'Relational', specific: true }] }),
    kind('Host', 'a machine running stars (runtime only)', [], SYSTEM),
    kind('Star', 'a runtime node of the mesh (runtime only)', [], SYSTEM),
    kind('Driver', 'the runtime driver of one kind (runtime only)', [], SYSTEM),
    kind('Control', 'a control connection (runtime only)', [], SYSTEM),
    kind('Global', 'the mesh-wide global particle (runtime only)', [], SYSTEM),
  ].map((k) => [k.name, k]),
);

/** Accepted spellings that mean another kind, silently. */
export const KIND_ALIASES: ReadonlyMap<string, string> = new Map([['FileSystem', 'FileStore']]);

/** Starlane 0.2 names: E0004, fixed by `starc migrate`. */
export const LEGACY_KIND_NAMES: ReadonlyMap<string, string> = new Map([
  ['ArtifactBundleSeries', 'BundleSeries'],
  ['ArtifactBundle', 'Bundle'],
]);

// ---------------------------------------------------------------- resolved kinds

export interface ParsedSpecific {
  readonly provider?: string;
  readonly vendor: string;
  readonly product: string;
  readonly variant: string;
  readonly version: string;
  readonly text: string;
}

export interface ResolvedKind {
  /** The canonical base name (`FileStore` for `FileSystem`, `Bundle` for `ArtifactBundle`). */
  readonly base: string;
  readonly sub?: string;
  readonly specific?: ParsedSpecific;
  readonly info: KindInfo;
  /** Canonical text: `File<Dir>`, `Database<Relational<postgresql.org:postgres:server:15.0.0>>`. */
  readonly text: string;
  /** Written with a legacy name (E0004 was reported). */
  readonly legacy: boolean;
}

/** `Mechtron` or `File<Dir>` as a kind name; only the base and first sub-kind matter for containment. */
export type KindName = string | Pick<ResolvedKind, 'base' | 'sub'>;

function splitKindName(k: KindName): { base: string; sub: string | undefined } {
  if (typeof k !== 'string') return { base: k.base, sub: k.sub };
  const open = k.indexOf('<');
  if (open < 0) return { base: KIND_ALIASES.get(k) ?? k, sub: undefined };
  const base = k.slice(0, open);
  const inner = k.slice(open + 1, k.lastIndexOf('>'));
  const subEnd = inner.indexOf('<');
  return { base: KIND_ALIASES.get(base) ?? base, sub: subEnd < 0 ? inner : inner.slice(0, subEnd) };
}

/** Whether a particle of kind `child` may sit directly under one of kind `parent` (SPEC §3). */
export function canContain(parent: KindName, child: KindName): boolean {
  const p = splitKindName(parent);
  const info = KINDS.get(splitKindName(child).base);
  if (!info) return false;
  return info.parents.some((allowed) => {
    const a = splitKindName(allowed);
    return a.base === p.base && (a.sub === undefined || a.sub === p.sub);
  });
}

/** Human list of the kinds that may contain `child`, for notes. */
export function parentsOf(child: string): readonly string[] {
  return KINDS.get(child)?.parents ?? [];
}

// ---------------------------------------------------------------- checking

const USER_KINDS = [...KINDS.values()].filter((k) => !k.system).map((k) => k.name);
const SYSTEM_KINDS = [...KINDS.values()].filter((k) => k.system).map((k) => k.name);

/**
 * Resolves a written kind, reporting E0401 (unknown), E0403 (sub-kind not taken), E0404 (malformed specific)
 * and E0004 (legacy name: the kind still resolves, so later checks do not cascade).
 */
export function checkKind(ref: KindRef, reporter: Reporter): ResolvedKind | undefined {
  const resolved = resolveBase(ref, reporter);
  if (!resolved) return undefined;
  const { info, legacy } = resolved;
  if (ref.sub === undefined) return { base: info.name, info, text: info.name, legacy };
  if (info.subKinds.length === 0) {
    reportNoSubKind(ref, info, reporter);
    return undefined;
  }
  if (ref.sub.kind === 'SpecificRef') {
    reporter.report('E0403', `\`${info.name}\` takes a sub-kind, not a specific`, ref.sub.span, 'expected a sub-kind', {
      notes: [subKindsNote(info)],
    });
    return undefined;
  }
  const sub = checkSubKind(ref.sub, info, reporter);
  if (!sub) return undefined;
  const specificText = sub.specific ? `<${sub.specific.text}>` : '';
  return {
    base: info.name,
    sub: sub.name,
    ...(sub.specific && { specific: sub.specific }),
    info,
    text: `${info.name}<${sub.name}${specificText}>`,
    legacy,
  };
}

function resolveBase(ref: KindRef, reporter: Reporter): { info: KindInfo; legacy: boolean } | undefined {
  const name = ref.base.text;
  const legacyName = LEGACY_KIND_NAMES.get(name);
  if (legacyName) {
    reporter.report('E0004', `legacy kind name \`${name}\``, ref.base.span, `renamed \`${legacyName}\` in v1`, {
      help: ['`starc migrate` rewrites Starlane 0.1/0.2 files to v1'],
      suggestions: [replaceWith(`use \`${legacyName}\``, ref.base.span, legacyName)],
    });
    return { info: KINDS.get(legacyName)!, legacy: true };
  }
  const info = KINDS.get(KIND_ALIASES.get(name) ?? name);
  if (info) return { info, legacy: false };
  const close = closestMatch(name, [...KINDS.keys(), ...KIND_ALIASES.keys()]);
  reporter.report('E0401', `unknown kind \`${name}\``, ref.base.span, 'not a kind', {
    notes: [`kinds are ${USER_KINDS.join(', ')}; the runtime also has ${SYSTEM_KINDS.join(', ')}`],
    ...(close && { suggestions: [replaceWith(`did you mean \`${close}\`?`, ref.base.span, close, false)] }),
  });
  return undefined;
}

function reportNoSubKind(ref: KindRef, info: KindInfo, reporter: Reporter): void {
  const sub = ref.sub!;
  const written = sub.kind === 'KindRef' ? sub.base.text : sub.text;
  // Remove from the end of the base name to the end of the kind: `Space<App>` → `Space`.
  const removal = { start: ref.base.span.end, end: ref.span.end };
  reporter.report('E0403', `\`${info.name}\` takes no sub-kind`, sub.span, `\`${written}\` is not taken here`, {
    suggestions: [replaceWith(`remove \`<${written}>\``, removal, '', false)],
  });
}

function subKindsNote(info: KindInfo): string {
  const names = info.subKinds.map((s) => (s.specific ? `${s.name}<Specific>` : s.name));
  return `\`${info.name}\` takes ${names.join(', ')}`;
}

function checkSubKind(
  sub: KindRef,
  info: KindInfo,
  reporter: Reporter,
): { name: string; specific?: ParsedSpecific } | undefined {
  const name = sub.base.text;
  const subInfo = info.subKinds.find((s) => s.name === name);
  if (!subInfo) {
    const close = closestMatch(
      name,
      info.subKinds.map((s) => s.name),
    );
    reporter.report('E0403', `\`${info.name}\` does not take sub-kind \`${name}\``, sub.base.span, `not a sub-kind of \`${info.name}\``, {
      notes: [subKindsNote(info)],
      ...(close && { suggestions: [replaceWith(`did you mean \`${close}\`?`, sub.base.span, close, false)] }),
    });
    return undefined;
  }
  const inner = sub.sub;
  if (inner === undefined) return { name };
  if (!subInfo.specific) {
    const written = inner.kind === 'KindRef' ? inner.base.text : inner.text;
    reporter.report('E0403', `sub-kind \`${name}\` takes nothing inside \`< >\``, inner.span, `\`${written}\` is not taken here`, {
      suggestions: [replaceWith(`remove \`<${written}>\``, { start: sub.base.span.end, end: sub.span.end }, '', false)],
    });
    return undefined;
  }
  if (inner.kind === 'KindRef') {
    reporter.report('E0404', `\`${name}\` takes a specific, not a kind`, inner.span, 'expected `vendor:product:variant:version`', {
      notes: [SPECIFIC_NOTE],
    });
    return undefined;
  }
  const specific = checkSpecific(inner, reporter);
  return specific ? { name, specific } : undefined;
}

// ---------------------------------------------------------------- specifics

const SPECIFIC_NOTE =
  'a specific is `provider:vendor:product:variant:version` or `vendor:product:variant:version`, e.g. `postgresql.org:postgres:server:15.0.0`';

const DOMAIN = /^[a-z0-9][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)*$/;
const PART = /^[a-z0-9][a-z0-9-]*$/;

/** Parses `provider:vendor:product:variant:version` or `vendor:product:variant:version`; E0404 on error. */
export function checkSpecific(ref: SpecificRef, reporter: Reporter): ParsedSpecific | undefined {
  const parts = splitWithOffsets(ref.text, ':');
  const at = (i: number): Span => ({
    start: ref.span.start + parts[i]!.offset,
    end: ref.span.start + parts[i]!.offset + parts[i]!.text.length,
  });
  const fail = (span: Span, label: string, suggestion?: string): undefined => {
    reporter.report('E0404', `malformed specific \`${ref.text}\``, span, label, {
      notes: [SPECIFIC_NOTE],
      ...(suggestion !== undefined && {
        suggestions: [replaceWith(`did you mean \`${suggestion}\`?`, span, suggestion, false)],
      }),
    });
    return undefined;
  };
  if (parts.length !== 4 && parts.length !== 5) {
    return fail(ref.span, `expected 4 or 5 parts separated by \`:\`, found ${parts.length}`);
  }
  const roles = parts.length === 5 ? ['provider', 'vendor', 'product', 'variant'] : ['vendor', 'product', 'variant'];
  for (let i = 0; i < roles.length; i++) {
    const role = roles[i]!;
    const text = parts[i]!.text;
    const shape = role === 'provider' || role === 'vendor' ? DOMAIN : PART;
    if (text === '') return fail(at(i), `expected the ${role}`);
    if (!shape.test(text)) {
      const lower = text.toLowerCase();
      return fail(at(i), `the ${role} is lowercase letters, digits and \`-\``, shape.test(lower) ? lower : undefined);
    }
  }
  const version = parts[parts.length - 1]!.text;
  if (!isSemver(version)) return fail(at(parts.length - 1), 'expected a semver version', semverFix(version));
  const texts = parts.map((p) => p.text);
  const [vendor, product, variant] = parts.length === 5 ? texts.slice(1, 4) : texts.slice(0, 3);
  return {
    ...(parts.length === 5 && { provider: texts[0]! }),
    vendor: vendor!,
    product: product!,
    variant: variant!,
    version,
    text: ref.text,
  };
}

function splitWithOffsets(text: string, sep: string): { text: string; offset: number }[] {
  const out: { text: string; offset: number }[] = [];
  let offset = 0;
  for (const part of text.split(sep)) {
    out.push({ text: part, offset });
    offset += part.length + sep.length;
  }
  return out;
}

// ---------------------------------------------------------------- kind text

/**
 * Parses kind text written outside the parser's reach (a select pattern's `<Kind>`, the REPL) into a KindRef
 * with spans from `start`. Returns undefined when it is not kind-shaped; the caller reports that.
 */
export function parseKindText(text: string, start: number): KindRef | undefined {
  const result = readKindText(text, 0, start);
  return result && result.end === text.length ? result.ref : undefined;
}

function readKindText(text: string, i: number, origin: number): { ref: KindRef; end: number } | undefined {
  const m = /^[A-Za-z][A-Za-z0-9]*/.exec(text.slice(i));
  if (!m) return undefined;
  const nameEnd = i + m[0].length;
  const base = { text: m[0], span: { start: origin + i, end: origin + nameEnd } };
  if (text[nameEnd] !== '<') {
    return { ref: { kind: 'KindRef', base, sub: undefined, span: base.span }, end: nameEnd };
  }
  const close = text.lastIndexOf('>');
  if (close <= nameEnd) return undefined;
  const innerStart = nameEnd + 1;
  const inner = text.slice(innerStart, close);
  let sub: KindRef | SpecificRef;
  if (inner.includes(':') && !inner.includes('<')) {
    sub = { kind: 'SpecificRef', text: inner, span: { start: origin + innerStart, end: origin + close } };
  } else {
    const nested = readKindText(text.slice(0, close), innerStart, origin);
    if (!nested || nested.end !== close) return undefined;
    sub = nested.ref;
  }
  return {
    ref: { kind: 'KindRef', base, sub, span: { start: origin + i, end: origin + close + 1 } },
    end: close + 1,
  };
}

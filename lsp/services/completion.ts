// Completion in context, from the tokens before the cursor (analysis/cursor-context.ts), so it works on
// broken text: scope names by depth (Route, wave kinds, the methods of the enclosing wave kind), filters,
// steps and stops, payload kinds and formats, capture variables in scope, `${doc.bundle}:/` files of the
// bundle (by the extension the key wants), sections and property keys, particle kinds, command keywords, the
// points a script publishes, and snippets for a route and a document skeleton. Something is always offered.

import type { IToken } from 'chevrotain';
import type { FileKind } from '../../grammar/ast.ts';
import type { Span } from '../../grammar/span.ts';
import * as T from '../../grammar/tokens.ts';
import { KINDS } from '../../compiler/check/kind.ts';
import { POINT_KEYS } from '../../compiler/check/props.ts';
import { CALLABLE_WAVE_KINDS, isWaveKind, methodsOf } from '../../compiler/check/waves.ts';
import { captureNames, cursorContext, insidePayloadCheck, isStep, selectorNames, type CursorContext } from '../analysis/cursor-context.ts';
import { isLanguage } from '../analysis/parsed.ts';
import { publishedBundles } from '../analysis/resolve.ts';
import {
  COMMAND_DOCS, FILTER_DOCS, FILTER_NAMES, FORMAT_DOCS, PARTICLE_KEYS, PAYLOAD_FORMATS, ROUTE_DOC, SECTION_DOCS, SECTION_KEYS,
  STOP_DOCS, SUBSTANCE_DOCS, SUBSTANCE_KINDS, VARIABLE_DOCS, WAVE_KIND_DOCS, WAVE_KINDS,
} from '../analysis/vocabulary.ts';
import type { OpenDocument } from '../workspace/document.ts';
import type { Workspace } from '../workspace/workspace.ts';

export type CompletionKind =
  | 'keyword' | 'wave-kind' | 'method' | 'filter' | 'step' | 'stop' | 'substance' | 'format' | 'variable' | 'file'
  | 'section' | 'property' | 'kind' | 'command' | 'snippet';

export interface CompletionItem {
  readonly label: string;
  readonly kind: CompletionKind;
  readonly detail?: string;
  readonly documentation?: string;
  /** What replaces `replace`; LSP snippet syntax when `snippet`. */
  readonly insertText: string;
  readonly snippet: boolean;
  readonly replace: Span;
}

interface Ctx {
  readonly workspace: Workspace;
  readonly doc: OpenDocument;
  readonly fileKind: FileKind;
  readonly cursor: CursorContext;
}

/** Where lexing may start and the blocks open there; analysis/incremental-check.ts offers a nearer start for large binds. */
export type RestartPoint = (doc: OpenDocument, offset: number) => { from: number; frames: CursorContext['frames'] } | undefined;

export function completionsAt(workspace: Workspace, doc: OpenDocument, offset: number, restart?: RestartPoint): CompletionItem[] {
  if (!isLanguage(doc.kind)) return [];
  const at = Math.min(Math.max(0, offset), doc.text.length);
  const start = restart?.(doc, at);
  const cursor = cursorContext(doc.text, at, start?.from ?? 0, start?.frames ?? []);
  const ctx: Ctx = { workspace, doc, fileKind: doc.kind, cursor };
  const items = doc.kind === 'bind' || doc.kind === 'router' ? bindItems(ctx) : doc.kind === 'script' ? scriptItems(ctx, 0) : configItems(ctx);
  // Nothing fits (a bundle file wanted outside any bundle, say): the variables are never wrong to offer.
  if (items.length === 0) items.push(...Object.entries(VARIABLE_DOCS).map(([n, d]) => item(ctx, `\${${n}}`, 'variable', { documentation: d })));
  return dedupe(items);
}

// ---------------------------------------------------------------------------------------------------- items

function item(ctx: Ctx, label: string, kind: CompletionKind, extra: { detail?: string; documentation?: string; insertText?: string; snippet?: boolean } = {}): CompletionItem {
  return {
    label,
    kind,
    ...(extra.detail !== undefined ? { detail: extra.detail } : {}),
    ...(extra.documentation !== undefined ? { documentation: extra.documentation } : {}),
    insertText: extra.insertText ?? label,
    snippet: extra.snippet ?? false,
    replace: ctx.cursor.wordSpan,
  };
}

function dedupe(items: CompletionItem[]): CompletionItem[] {
  const seen = new Set<string>();
  return items.filter((i) => (seen.has(`${i.kind}:${i.label}`) ? false : (seen.add(`${i.kind}:${i.label}`), true)));
}

const ROOTS: Record<FileKind, string> = { bind: 'Bind', router: 'Router', app: 'App', mechtron: 'Mechtron', script: '' };

function skeleton(ctx: Ctx): CompletionItem[] {
  const root = ROOTS[ctx.fileKind];
  const body: Record<FileKind, string> = {
    bind: '\tRoute<${1|Http,Ext,Cmd|}<${2:Get}>>/${3:path} -> ${4:(( ))} => &;$0',
    router: '\tRoute<Http<${1:Get}>>/${2:path} -> ${3:\\${doc.bundle\\}:/html/index.html} => &;$0',
    app: '\tSet {\n\t\t+bind=\\${doc.bundle\\}:/bind/${1:app}.bind;\n\t}\n\tInstall {\n\t\t$0\n\t}',
    mechtron: '\tWasm {\n\t\t+bin=\\${doc.bundle\\}:/wasm/${1:hello}.wasm;\n\t\t+name=${2:hello};\n\t}\n\tLimits {\n\t\t+timeout=${3:5s};\n\t}',
    script: '',
  };
  return [
    item(ctx, `${root}(version=1.0.0) { … }`, 'snippet', { detail: `a ${ctx.fileKind} document`, insertText: `${root}(version=1.0.0) {\n${body[ctx.fileKind]}\n}\n`, snippet: true }),
    item(ctx, root, 'keyword', { insertText: `${root}(version=1.0.0) {\n\t$0\n}`, snippet: true, detail: 'root' }),
  ];
}

// ---------------------------------------------------------------------------------------------------- bind

function bindItems(ctx: Ctx): CompletionItem[] {
  const { frames, statement, word } = ctx.cursor;
  if (frames.length === 0) return skeleton(ctx);
  const router = ctx.fileKind === 'router';
  const outer = frames.slice(1);
  const outerLevels = outer.flatMap((f) => selectorNames(f.header));
  const captures = [...outer.flatMap((f) => captureNames(f.header)), ...captureNames(statement)];

  if (word.startsWith('$')) return variableItems(ctx, captures, true);
  const stepAt = statement.findIndex(isStep);
  if (stepAt < 0) {
    // The selector: its names, filters, path; or the start of a new scope.
    const last = statement[statement.length - 1];
    const own = selectorNames(statement);
    const depth = outerLevels.length + own.length;
    if (statement.length === 0) return scopeStartItems(ctx, outerLevels, router);
    if (last?.tokenType === T.LAngle) return levelItems(ctx, depth, [...outerLevels, ...own], router);
    if (openParen(statement)) return filterItems(ctx);
    return [...stepItems(ctx), ...levelItems(ctx, depth - (word ? 1 : 0), [...outerLevels, ...own], router)];
  }
  if (insidePayloadCheck(statement)) return payloadItems(ctx, statement);
  const last = statement[statement.length - 1];
  if (last?.tokenType === T.Caret) return callKindItems(ctx);
  if (last?.tokenType === T.LAngle && statement[statement.length - 3]?.tokenType === T.Caret) {
    const kind = statement[statement.length - 2]!.image;
    return methodItems(ctx, kind);
  }
  if (isStep(last) && last?.tokenType !== T.RequestCheckOpen && last?.tokenType !== T.ResponseCheckOpen) {
    return stopItems(ctx, captures, router);
  }
  // After a stop: the next step, or the end of the route.
  return [...stepItems(ctx), ...(word ? stopItems(ctx, captures, router) : [])];
}

function openParen(tokens: readonly IToken[]): boolean {
  let depth = 0;
  for (const t of tokens) {
    if (t.tokenType === T.LParen) depth++;
    else if (t.tokenType === T.RParen) depth = Math.max(0, depth - 1);
  }
  return depth > 0;
}

function scopeStartItems(ctx: Ctx, outerLevels: readonly string[], router: boolean): CompletionItem[] {
  const depth = outerLevels.length;
  const items = levelItems(ctx, depth, outerLevels, router);
  if (depth === 0) {
    items.push(
      item(ctx, 'Route<…>/path -> … => &;', 'snippet', {
        detail: 'a route',
        insertText: router
          ? 'Route<Http<${1|Get,Post,Put,Delete,Patch,Head,Options|}>>/${2:path} -> ${3:\\${doc.bundle\\}:/html/index.html} => &;$0'
          : 'Route<${1|Http,Ext,Cmd|}<${2:Get}>>/${3:path} -> ${4:(( ))} => &;$0',
        snippet: true,
      }),
      item(ctx, 'Route -> { … }', 'snippet', { detail: 'a block of routes', insertText: 'Route -> {\n\t$0\n}', snippet: true }),
    );
  } else if (depth === 1 || depth === 2) {
    items.push(item(ctx, `${depth === 1 ? 'Http<Get>' : 'Get'}/path -> … => &;`, 'snippet', {
      detail: 'a route in this block',
      insertText: depth === 1 ? (router ? 'Http<${1:Get}>/${2:path} -> ${3:localhost:app} => &;$0' : '${1|Http,Ext,Cmd|}<${2:Get}>/${3:path} -> ${4:(( ))} => &;$0') : '${1:Get}/${2:path} -> ${3:(( ))} => &;$0',
      snippet: true,
    }));
  }
  return items;
}

/** The names of selector level `depth` (0 Route, 1 wave kinds, 2 the methods of `levels[1]`). */
function levelItems(ctx: Ctx, depth: number, levels: readonly string[], router: boolean): CompletionItem[] {
  if (depth <= 0) return [item(ctx, 'Route', 'keyword', { documentation: ROUTE_DOC, detail: 'selector level 1' })];
  if (depth === 1) {
    const kinds = router ? ['Http'] : [...WAVE_KINDS, '*'];
    return kinds.map((k) => item(ctx, k, 'wave-kind', { detail: 'wave kind', documentation: (WAVE_KIND_DOCS as Record<string, string>)[k]! }));
  }
  if (depth === 2) return methodItems(ctx, levels[1] ?? '*');
  return [item(ctx, '->', 'step', { detail: 'a selector has three levels; now a step' })];
}

function methodItems(ctx: Ctx, kind: string): CompletionItem[] {
  const star = item(ctx, '*', 'method', { detail: `any ${kind} method` });
  if (!isWaveKind(kind)) return [star];
  const fixed = methodsOf(kind);
  if (!fixed) return [star, item(ctx, 'Hello', 'method', { detail: 'an Ext method: any CamelCase name', insertText: '${1:Hello}', snippet: true })];
  return [...fixed.map((m) => item(ctx, m, 'method', { detail: `${kind} method` })), ...(kind === 'Hyp' ? [] : [star])];
}

function filterItems(ctx: Ctx): CompletionItem[] {
  return FILTER_NAMES.map((f) => item(ctx, f, 'filter', { detail: `(${FILTER_DOCS[f].example})`, documentation: FILTER_DOCS[f].doc }));
}

function stepItems(ctx: Ctx): CompletionItem[] {
  return [
    item(ctx, '->', 'step', { detail: 'pass the request on' }),
    item(ctx, '=>', 'step', { detail: 'pass the response on' }),
    item(ctx, '-[ … ]->', 'step', { detail: 'check the request body', insertText: '-[ ${1:Text} ]-> ', snippet: true }),
    item(ctx, '=[ … ]=>', 'step', { detail: 'check the response body', insertText: '=[ ${1:Text} ]=> ', snippet: true }),
  ];
}

function stopItems(ctx: Ctx, captures: readonly string[], router: boolean): CompletionItem[] {
  const items: CompletionItem[] = [];
  if (!router) items.push(item(ctx, '(( ))', 'stop', { detail: 'deliver to the core', documentation: STOP_DOCS.core }));
  items.push(
    item(ctx, '&', 'stop', { detail: 'reply to the sender', documentation: STOP_DOCS.reply }),
    item(ctx, '!404 "…"', 'stop', { detail: 'end with an error status', documentation: STOP_DOCS.status, insertText: '!${1:404} "${2:not found}"', snippet: true }),
  );
  items.push(...variableItems(ctx, captures, false), ...bundleFileItems(ctx, []));
  return items;
}

function callKindItems(ctx: Ctx): CompletionItem[] {
  return CALLABLE_WAVE_KINDS.map((k) => item(ctx, `${k}<…>`, 'wave-kind', { detail: 'call with this method', insertText: `${k}<\${1:${k === 'Http' ? 'Get' : 'Render'}}>`, snippet: true }));
}

function payloadItems(ctx: Ctx, statement: readonly IToken[]): CompletionItem[] {
  const last = statement[statement.length - 1];
  if (last?.tokenType === T.Tilde) {
    return [
      ...PAYLOAD_FORMATS.map((f) => item(ctx, f, 'format', { documentation: FORMAT_DOCS[f] })),
      item(ctx, 'schema(…)', 'format', { detail: 'check against a JSON Schema of the bundle', insertText: 'schema(\\${doc.bundle\\}:/schema/${1:name}.json)', snippet: true }),
    ];
  }
  if (last?.tokenType === T.LParen && statement[statement.length - 2]?.image === 'schema') return bundleFileItems(ctx, ['.json']);
  if (ctx.cursor.word.startsWith('$')) return bundleFileItems(ctx, ['.json']);
  return [
    ...SUBSTANCE_KINDS.map((k) => item(ctx, k, 'substance', { documentation: SUBSTANCE_DOCS[k] })),
    item(ctx, 'Map{…}', 'substance', { detail: 'a map with these keys', insertText: 'Map{${1:key}<${2:Text}>}', snippet: true }),
    item(ctx, '*', 'substance', { detail: 'any body' }),
  ];
}

/** `${name}`: the captures in scope, then the document's variables. */
function variableItems(ctx: Ctx, captures: readonly string[], typing: boolean): CompletionItem[] {
  const items = [...new Set(captures)].map((name) => item(ctx, `\${${name}}`, 'variable', { detail: 'capture of the path' }));
  if (typing || ctx.fileKind !== 'bind') {
    for (const [name, doc] of Object.entries(VARIABLE_DOCS)) items.push(item(ctx, `\${${name}}`, 'variable', { documentation: doc }));
  }
  if (ctx.cursor.word.startsWith('${doc.bundle}')) return bundleFileItems(ctx, []);
  return typing ? [...items, ...bundleFileItems(ctx, [])] : items;
}

/** `${doc.bundle}:/path` for every file of the bundle with one of `extensions` (any when empty). */
function bundleFileItems(ctx: Ctx, extensions: readonly string[]): CompletionItem[] {
  const bundle = ctx.workspace.bundleOf(ctx.doc);
  if (!bundle) return [];
  const own = ctx.doc.path ? ctx.doc.path.slice(bundle.root.length + 1).split(/[\\/]/).join('/') : '';
  return bundle
    .files()
    .filter((p) => p !== own && (extensions.length === 0 || extensions.some((e) => p.toLowerCase().endsWith(e))))
    .map((p) => item(ctx, `\${doc.bundle}:/${p}`, 'file', { detail: `${bundle.shownRoot}/${p}` }));
}

// ---------------------------------------------------------------------------------------------------- app / mechtron

function configItems(ctx: Ctx): CompletionItem[] {
  const { frames } = ctx.cursor;
  if (frames.length === 0) return skeleton(ctx);
  if (frames.length === 1) return sectionItems(ctx);
  const section = frames[1]!.header.find((t) => t.tokenType === T.Ident)?.image ?? '';
  if (section === 'Install') return scriptItems(ctx, 2);
  if (section === 'Require') return kindItems(ctx, ctx.cursor.statement);
  return propertyItems(ctx, SECTION_KEYS[section] ?? (ctx.fileKind === 'app' ? PARTICLE_KEYS : {}));
}

function sectionItems(ctx: Ctx): CompletionItem[] {
  const docs = SECTION_DOCS[ctx.fileKind] ?? {};
  const bodies: Record<string, string> = {
    Wasm: '\t+bin=\\${doc.bundle\\}:/wasm/${1:hello}.wasm;\n\t+name=${2:hello};',
    Limits: '\t+timeout=${1:5s};\n\t+memory=${2:16MiB};',
    Set: '\t+bind=\\${doc.bundle\\}:/bind/${1:app}.bind;',
    Require: '\t${1:FileStore};',
    Install: '\tcreate? \\${self\\}:${1:name}<${2:Mechtron}>{ +config=\\${doc.bundle\\}:/config/${3:name}.mechtron };',
  };
  return Object.entries(docs).map(([name, doc]) => item(ctx, name, 'section', { documentation: doc, insertText: `${name} {\n${bodies[name] ?? '\t$0'}\n}`, snippet: true }));
}

/** `+key=` items, or the values of the key being assigned. */
function propertyItems(ctx: Ctx, keys: Readonly<Record<string, { doc: string; value?: string }>>): CompletionItem[] {
  const statement = ctx.cursor.statement;
  const eq = statement.findIndex((t) => t.tokenType === T.Equals);
  if (eq >= 0) {
    const key = statement[eq - 1]?.image ?? '';
    const extensions = POINT_KEYS.get(key);
    if (extensions) return [...bundleFileItems(ctx, extensions), ...publishedFileItems(ctx, extensions)];
    const value = keys[key]?.value;
    return value ? [item(ctx, value, 'keyword', { detail: `a value for \`${key}\`` })] : [item(ctx, '${self}', 'variable', { documentation: VARIABLE_DOCS['self']! })];
  }
  const plus = statement.some((t) => t.tokenType === T.Plus || t.tokenType === T.PlusAt);
  const list = Object.entries(keys).length > 0 ? Object.entries(keys) : Object.entries(PARTICLE_KEYS);
  return list.map(([key, info]) => item(ctx, `+${key}`, 'property', {
    documentation: info.doc,
    insertText: `${plus ? '' : '+'}${key}=${info.value !== undefined ? `\${1:${info.value.replace(/[$}\\]/g, '\\$&')}}` : '$1'};`,
    snippet: true,
  }));
}

// ---------------------------------------------------------------------------------------------------- kinds and scripts

function kindItems(ctx: Ctx, statement: readonly IToken[]): CompletionItem[] {
  const last = statement[statement.length - 1];
  const base = last?.tokenType === T.LAngle ? statement[statement.length - 2] : undefined;
  const info = base ? KINDS.get(base.image) : undefined;
  if (info && info.subKinds.length > 0 && !/^[a-z]/.test(base!.image)) {
    return info.subKinds.map((s) => item(ctx, s.name, 'kind', { detail: `${info.name}<${s.name}>` }));
  }
  return [...KINDS.values()].filter((k) => !k.system).map((k) => item(ctx, k.name, 'kind', { documentation: k.summary }));
}

function scriptItems(ctx: Ctx, rootFrames: number): CompletionItem[] {
  const { frames, statement, word } = ctx.cursor;
  if (frames.length > rootFrames) return propertyItems(ctx, PARTICLE_KEYS); // inside `create x<App>{ ... }`
  if (word.startsWith('$')) return [...Object.entries(VARIABLE_DOCS).map(([n, d]) => item(ctx, `\${${n}}`, 'variable', { documentation: d })), ...bundleFileItems(ctx, [])];
  if (statement.length === 0) {
    return Object.entries(COMMAND_DOCS).map(([name, doc]) => item(ctx, name, 'command', { documentation: doc, insertText: commandSnippet(name), snippet: true }));
  }
  const last = statement[statement.length - 1]!;
  if (last.tokenType === T.LAngle) {
    const keyword = statement[0]?.image;
    const before = statement[statement.length - 2];
    // `send x Ext<` takes a method; `create x<` a kind.
    if (keyword === 'send' && before && isWaveKind(before.image)) return methodItems(ctx, before.image);
    return kindItems(ctx, statement);
  }
  if (last.tokenType === T.CaretBracket) return bundleFolderItems(ctx);
  if (statement[0]?.image === 'send' && statement.length >= 2) {
    return CALLABLE_WAVE_KINDS.map((k) => item(ctx, `${k}<…>`, 'wave-kind', { insertText: `${k}<\${1:${k === 'Http' ? 'Get' : 'Hello'}}>`, snippet: true }));
  }
  return [...publishedFileItems(ctx, []), ...Object.entries(VARIABLE_DOCS).map(([n, d]) => item(ctx, `\${${n}}`, 'variable', { documentation: d }))];
}

function commandSnippet(name: string): string {
  switch (name) {
    case 'create': return 'create? ${1:point}<${2:Kind}>;';
    case 'publish': return 'publish? ^[ ${1:bundle} ]-> ${2:repo:name:1.0.0};';
    case 'set': return 'set ${1:point}{ +${2:key}=${3:value} };';
    case 'send': return 'send ${1:point} Ext<${2:Hello}> "${3:body}";';
    case 'exit': return 'exit;';
    default: return `${name} \${1:point};`;
  }
}

/** Folders beside a script that hold a bundle (`bind/`, `router/` or `config/` inside). */
function bundleFolderItems(ctx: Ctx): CompletionItem[] {
  const path = ctx.doc.path;
  if (!path) return [item(ctx, 'bundle', 'file')];
  const dir = path.slice(0, Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')));
  const folders = (ctx.workspace.list(dir) ?? []).filter((n) => n.endsWith('/') && !n.startsWith('.'));
  const bundles = folders.filter((f) => (ctx.workspace.list(`${dir}/${f.slice(0, -1)}`) ?? []).some((n) => ['bind/', 'router/', 'config/'].includes(n)));
  return (bundles.length ? bundles : ['bundle/']).map((f) => item(ctx, f.slice(0, -1), 'file', { detail: 'a bundle folder', insertText: ` ${f.slice(0, -1)} ]-> `.trimStart() }));
}

/** `repo:site:1.0.0:/router/site.router`: files of the bundles the app's install script publishes. */
function publishedFileItems(ctx: Ctx, extensions: readonly string[]): CompletionItem[] {
  const items: CompletionItem[] = [];
  for (const [point, bundle] of publishedBundles(ctx.workspace, ctx.doc)) {
    for (const p of bundle.files()) {
      if (extensions.length > 0 && !extensions.some((e) => p.toLowerCase().endsWith(e))) continue;
      items.push(item(ctx, `${point}:/${p}`, 'file', { detail: `${bundle.shownRoot}/${p}` }));
    }
  }
  return items;
}

// Semantic tokens from the AST (what a word *is*, which the TextMate grammar can only guess): selector levels
// (Route, wave kinds, methods), paths as regexps with their capture names, points with their variables,
// particle and substance kinds, sections, property keys, command keywords, steps, stops, comments.
// The legend uses LSP's standard type names, so any theme colours them.

import type * as A from '../../grammar/ast.ts';
import type { Span } from '../../grammar/span.ts';
import { compilePath } from '../../compiler/check/path-pattern.ts';
import { lexedOf, parsedOf } from '../analysis/parsed.ts';
import { variablesIn } from '../analysis/route-scopes.ts';
import type { OpenDocument } from '../workspace/document.ts';

export const TOKEN_TYPES = [
  'namespace', 'type', 'class', 'enumMember', 'function', 'method', 'property', 'variable', 'keyword',
  'string', 'number', 'regexp', 'operator', 'comment',
] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];

export interface SemanticToken {
  readonly span: Span;
  readonly type: TokenType;
}

export function semanticTokens(doc: OpenDocument): SemanticToken[] {
  const parsed = parsedOf(doc);
  if (!parsed) return [];
  const out: SemanticToken[] = [];
  const add = (span: Span | undefined, type: TokenType) => {
    if (span && span.end > span.start) out.push({ span, type });
  };
  const ast = parsed.ast;
  if (ast.kind !== 'ScriptDocument' && ast.header) {
    add(ast.header.name.span, 'keyword');
    add(ast.header.version?.span, 'number');
  }
  switch (ast.kind) {
    case 'BindDocument':
      for (const scope of ast.body ?? []) scopeTokens(scope, 0, add);
      break;
    case 'ConfigDocument':
      for (const section of ast.sections ?? []) {
        if (!section) continue;
        add(section.name.span, 'namespace');
        const content = section.content;
        if (content?.kind === 'Props') propTokens(content.props, add);
        else if (content?.kind === 'Kinds') for (const k of content.kinds ?? []) kindTokens(k, add);
        else if (content?.kind === 'Commands') commandTokens(content.commands, add);
      }
      break;
    case 'ScriptDocument':
      commandTokens(ast.commands, add);
      break;
  }
  for (const comment of lexedOf(doc).comments) add(comment.span, 'comment');
  return withoutOverlaps(out);
}

type Add = (span: Span | undefined, type: TokenType) => void;

function scopeTokens(scope: A.Scope | undefined, outerLevels: number, add: Add): void {
  if (!scope?.selector) return;
  const levels = scope.selector.levels ?? [];
  levels.forEach((name, i) => add(name.span, (['keyword', 'type', 'method'] as const)[Math.min(outerLevels + i, 2)]));
  for (const filter of scope.selector.filters ?? []) {
    add(filter.name.span, 'function');
    for (const arg of filter.args ?? []) {
      add(arg.key?.span, 'property');
      add(arg.value.span, 'number');
    }
  }
  if (scope.selector.path) pathTokens(scope.selector.path, add);
  if (scope.blockStep) stepTokens(scope.blockStep, add);
  for (const segment of scope.pipeline ?? []) {
    if (!segment) continue;
    if (segment.step) stepTokens(segment.step, add);
    const stop = segment.stop;
    switch (stop?.kind) {
      case 'CoreStop': add(stop.span, 'keyword'); break;
      case 'ReplyStop': add(stop.span, 'operator'); break;
      case 'StatusStop':
        add(stop.status.span.start > stop.span.start ? { start: stop.span.start, end: stop.status.span.end } : stop.status.span, 'number');
        add(stop.message?.span, 'string');
        break;
      case 'PointStop': pointTokens(stop.point, add); break;
      case 'CallStop':
        pointTokens(stop.point, add);
        methodTokens(stop.method, add);
        if (stop.path) pointTokens({ text: stop.path.text, span: stop.path.span }, add);
        break;
      default: break;
    }
  }
  for (const inner of scope.body ?? []) scopeTokens(inner, outerLevels + levels.length, add);
}

/** A path as a regexp, with its capture names as variables. */
function pathTokens(path: A.PathPattern, add: Add): void {
  const compiled = compilePath(path);
  const groups = 'ok' in compiled ? compiled.ok.named : compiled.named;
  let at = path.span.start;
  for (const g of groups) {
    add({ start: at, end: g.span.start }, 'regexp');
    add(g.span, 'variable');
    at = g.span.end;
  }
  add({ start: at, end: path.span.end }, 'regexp');
}

/** A point as a string, with its `${...}` variables as variables. */
function pointTokens(point: A.PointRef, add: Add): void {
  let at = point.span.start;
  for (const use of variablesIn(point.text, point.span.start)) {
    add({ start: at, end: use.span.start }, 'string');
    add(use.span, 'variable');
    at = use.span.end;
  }
  add({ start: at, end: point.span.end }, 'string');
}

function methodTokens(method: A.MethodRef | undefined, add: Add): void {
  if (!method) return;
  add(method.waveKind.span, 'type');
  add(method.method?.span, 'method');
}

function stepTokens(step: A.Step, add: Add): void {
  if (!step.pattern) {
    add(step.span, 'operator');
    return;
  }
  add({ start: step.span.start, end: Math.min(step.span.start + 2, step.pattern.span.start) }, 'operator');
  patternTokens(step.pattern, add);
  add({ start: Math.max(step.pattern.span.end, step.span.end - 3), end: step.span.end }, 'operator');
}

function patternTokens(pattern: A.PayloadPattern | undefined, add: Add): void {
  if (pattern?.kind !== 'StructurePattern') return;
  const s = pattern.structure;
  if (s.kind === 'KindStructure') add(s.name.span, 'class');
  else if (s.kind === 'ListStructure') add(s.item.span, 'class');
  else {
    add(s.name.span, 'class');
    for (const entry of s.entries ?? []) {
      add(entry.key.span, 'property');
      patternTokens(entry.pattern, add);
    }
    patternTokens(s.rest?.pattern, add);
  }
  add(pattern.format?.span, 'enumMember');
  const v = pattern.validator;
  if (v) {
    pointTokens(v.point, add);
    if (v.kind === 'MechtronValidator') methodTokens(v.method, add);
  }
}

function propTokens(props: readonly A.Prop[] | undefined, add: Add): void {
  for (const prop of props ?? []) {
    if (!prop) continue;
    add(prop.key.span, 'property');
    const value = prop.value;
    if (!value) continue;
    if (value.quoted) add(value.span, 'string');
    else if (/^\d/.test(value.text)) add(value.span, 'number');
    else pointTokens({ text: value.text, span: value.span }, add);
  }
}

function kindTokens(kind: A.KindRef | A.SpecificRef | undefined, add: Add): void {
  if (!kind) return;
  if (kind.kind === 'SpecificRef') {
    add(kind.span, 'string');
    return;
  }
  add(kind.base.span, 'class');
  kindTokens(kind.sub, add);
}

function commandTokens(commands: readonly A.Command[] | undefined, add: Add): void {
  for (const command of commands ?? []) {
    if (!command) continue;
    add(command.keyword.span, 'keyword');
    switch (command.kind) {
      case 'CreateCommand':
        if (command.point) pointTokens(command.point, add);
        kindTokens(command.particleKind, add);
        propTokens(command.props, add);
        break;
      case 'PublishCommand':
        add(command.source?.span, 'string');
        if (command.target) pointTokens(command.target, add);
        break;
      case 'SelectCommand':
        if (command.pattern) pointTokens(command.pattern, add);
        kindTokens(command.particleKind, add);
        break;
      case 'SetCommand':
        if (command.point) pointTokens(command.point, add);
        propTokens(command.props, add);
        break;
      case 'GetCommand':
        if (command.point) pointTokens(command.point, add);
        for (const key of command.keys ?? []) add(key.span, 'property');
        break;
      case 'DeleteCommand':
      case 'WatchCommand':
        if (command.point) pointTokens(command.point, add);
        break;
      case 'SendCommand':
        if (command.point) pointTokens(command.point, add);
        methodTokens(command.method, add);
        add(command.body?.span, 'string');
        break;
      case 'ExitCommand':
        break;
    }
  }
}

/** Sorted, with a token that overlaps an earlier one dropped (recovery can produce nested spans). */
function withoutOverlaps(tokens: SemanticToken[]): SemanticToken[] {
  tokens.sort((a, b) => a.span.start - b.span.start || b.span.end - a.span.end);
  const out: SemanticToken[] = [];
  let end = -1;
  for (const t of tokens) {
    if (t.span.start < end) continue;
    out.push(t);
    end = t.span.end;
  }
  return out;
}

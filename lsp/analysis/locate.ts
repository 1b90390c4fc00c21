// What lies at an offset: the AST element hover, definition, references and rename act on. Walks the AST of
// any of the five languages (recovery leaves it complete enough on broken text) and returns the innermost
// element, tagged by what it is.

import type * as A from '../../grammar/ast.ts';
import type { Span } from '../../grammar/span.ts';
import type { CaptureGroup } from '../../compiler/check/path-pattern.ts';
import { scopesOf, touches, variablesIn, type ScopeInfo, type VariableUse } from './route-scopes.ts';

/** Where a point is written, which decides what it may name. */
export type PointContext = 'stop' | 'validator' | 'property' | 'command';

export type Target =
  | { readonly kind: 'root'; readonly name: A.Name }
  /** A selector name: `index` 0 is `Route`, 1 a wave kind, 2 a method (of `waveKind`). */
  | { readonly kind: 'level'; readonly name: A.SelectorName; readonly index: number; readonly waveKind: string | undefined }
  | { readonly kind: 'filter'; readonly filter: A.Filter }
  | { readonly kind: 'path'; readonly path: A.PathPattern; readonly info: ScopeInfo | undefined }
  /** The name of a named group in a path: `(?P<user>...)`. */
  | { readonly kind: 'capture'; readonly group: CaptureGroup; readonly info: ScopeInfo }
  /** `${name}` in a stop. */
  | { readonly kind: 'variable'; readonly use: VariableUse; readonly info: ScopeInfo | undefined; readonly point: A.PointRef | undefined }
  | { readonly kind: 'step'; readonly step: A.Step }
  | { readonly kind: 'stop'; readonly stop: A.CoreStop | A.ReplyStop | A.StatusStop }
  | { readonly kind: 'point'; readonly point: A.PointRef; readonly context: PointContext; readonly propKey: string | undefined }
  | { readonly kind: 'method'; readonly method: A.MethodRef; readonly part: 'waveKind' | 'method' }
  | { readonly kind: 'substance'; readonly name: A.Name }
  | { readonly kind: 'format'; readonly name: A.Name }
  | { readonly kind: 'section'; readonly section: A.Section; readonly fileKind: A.FileKind }
  | { readonly kind: 'property'; readonly prop: A.Prop; readonly owner: string }
  | { readonly kind: 'particle-kind'; readonly name: A.Name; readonly sub: boolean }
  | { readonly kind: 'command'; readonly command: A.Command };

export function targetAt(ast: A.Document, offset: number): Target | undefined {
  switch (ast.kind) {
    case 'BindDocument':
      if (ast.header && touches(ast.header.name.span, offset)) return { kind: 'root', name: ast.header.name };
      return inBind(ast, offset);
    case 'ConfigDocument':
      if (ast.header && touches(ast.header.name.span, offset)) return { kind: 'root', name: ast.header.name };
      for (const section of ast.sections ?? []) {
        if (!section || !touches(section.span, offset)) continue;
        if (touches(section.name.span, offset)) return { kind: 'section', section, fileKind: ast.fileKind };
        const content = section.content;
        if (content?.kind === 'Props') return inProps(content.props, offset, section.name.text);
        if (content?.kind === 'Kinds') for (const k of content.kinds ?? []) { const t = inKind(k, offset); if (t) return t; }
        if (content?.kind === 'Commands') return inCommands(content.commands, offset);
      }
      return undefined;
    case 'ScriptDocument':
      return inCommands(ast.commands, offset);
  }
}

function inBind(ast: A.BindDocument, offset: number): Target | undefined {
  let found: Target | undefined;
  for (const info of scopesOf(ast)) {
    const { scope } = info;
    if (!touches(scope.span, offset)) continue;
    const t = inScope(info, offset);
    if (t) found = t; // later (inner) scopes win
  }
  return found;
}

function inScope(info: ScopeInfo, offset: number): Target | undefined {
  const { scope } = info;
  const selector = scope.selector;
  const own = selector.levels ?? [];
  const before = info.levels.length - own.length;
  for (let i = 0; i < own.length; i++) {
    const name = own[i]!;
    if (!touches(name.span, offset)) continue;
    const index = before + i;
    return { kind: 'level', name, index, waveKind: index === 2 ? info.levels[1]?.text : undefined };
  }
  for (const filter of selector.filters ?? []) if (touches(filter.span, offset)) return { kind: 'filter', filter };
  if (selector.path && touches(selector.path.span, offset)) {
    const group = info.ownGroups.find((g) => touches(g.span, offset));
    return group ? { kind: 'capture', group, info } : { kind: 'path', path: selector.path, info };
  }
  if (scope.blockStep && touches(scope.blockStep.span, offset)) return inStep(scope.blockStep, offset);
  for (const segment of scope.pipeline ?? []) {
    if (!segment) continue;
    if (segment.step && touches(segment.step.span, offset)) return inStep(segment.step, offset);
    const stop = segment.stop;
    if (!stop || !touches(stop.span, offset)) continue;
    switch (stop.kind) {
      case 'PointStop':
        return inPoint(stop.point, offset, 'stop', undefined, info);
      case 'CallStop':
        if (touches(stop.point.span, offset)) return inPoint(stop.point, offset, 'stop', undefined, info);
        if (touches(stop.method.span, offset)) return inMethod(stop.method, offset);
        if (stop.path && touches(stop.path.span, offset)) {
          const use = variablesIn(stop.path.text, stop.path.span.start).find((u) => touches(u.span, offset));
          if (use) return { kind: 'variable', use, info, point: undefined };
        }
        return undefined;
      default:
        return { kind: 'stop', stop };
    }
  }
  return undefined;
}

function inStep(step: A.Step, offset: number): Target {
  if (step.pattern && touches(step.pattern.span, offset)) {
    const t = inPattern(step.pattern, offset);
    if (t) return t;
  }
  return { kind: 'step', step };
}

function inPattern(pattern: A.PayloadPattern, offset: number): Target | undefined {
  if (pattern.kind !== 'StructurePattern') return undefined;
  if (pattern.format && touches(pattern.format.span, offset)) return { kind: 'format', name: pattern.format };
  const v = pattern.validator;
  if (v && touches(v.span, offset)) {
    if (touches(v.point.span, offset)) return inPoint(v.point, offset, 'validator', undefined, undefined);
    if (v.kind === 'MechtronValidator' && touches(v.method.span, offset)) return inMethod(v.method, offset);
    return undefined;
  }
  const s = pattern.structure;
  switch (s.kind) {
    case 'KindStructure':
      return touches(s.name.span, offset) ? { kind: 'substance', name: s.name } : undefined;
    case 'ListStructure':
      return touches(s.item.span, offset) ? { kind: 'substance', name: s.item } : undefined;
    case 'MapStructure':
      if (touches(s.name.span, offset)) return { kind: 'substance', name: s.name };
      for (const entry of s.entries ?? []) if (entry.pattern && touches(entry.pattern.span, offset)) return inPattern(entry.pattern, offset);
      if (s.rest?.pattern && touches(s.rest.pattern.span, offset)) return inPattern(s.rest.pattern, offset);
      return undefined;
  }
}

function inMethod(method: A.MethodRef, offset: number): Target {
  return { kind: 'method', method, part: touches(method.waveKind.span, offset) ? 'waveKind' : 'method' };
}

function inPoint(point: A.PointRef, offset: number, context: PointContext, propKey: string | undefined, info: ScopeInfo | undefined): Target {
  const use = variablesIn(point.text, point.span.start).find((u) => touches(u.span, offset));
  // `${doc.bundle}` inside a point is part of the point; any other variable is a capture (or `${self}`).
  if (use && use.name !== 'doc.bundle' && use.name !== 'doc') return { kind: 'variable', use, info, point };
  return { kind: 'point', point, context, propKey };
}

function inProps(props: readonly A.Prop[] | undefined, offset: number, owner: string): Target | undefined {
  for (const prop of props ?? []) {
    if (!prop || !touches(prop.span, offset)) continue;
    if (touches(prop.key.span, offset)) return { kind: 'property', prop, owner };
    if (prop.value && !prop.value.quoted && touches(prop.value.span, offset)) {
      return inPoint({ text: prop.value.text, span: prop.value.span }, offset, 'property', prop.key.text, undefined);
    }
  }
  return undefined;
}

function inKind(ref: A.KindRef | undefined, offset: number, sub = false): Target | undefined {
  if (!ref || !touches(ref.span, offset)) return undefined;
  if (touches(ref.base.span, offset)) return { kind: 'particle-kind', name: ref.base, sub };
  if (ref.sub?.kind === 'KindRef') return inKind(ref.sub, offset, true);
  return undefined;
}

function inCommands(commands: readonly A.Command[] | undefined, offset: number): Target | undefined {
  for (const command of commands ?? []) {
    if (!command || !touches(command.span, offset)) continue;
    if (touches(command.keyword.span, offset)) return { kind: 'command', command };
    const point = 'point' in command ? command.point : command.kind === 'PublishCommand' ? command.target : command.kind === 'SelectCommand' ? command.pattern : undefined;
    if (point && touches(point.span, offset)) return inPoint(point, offset, 'command', undefined, undefined);
    const kind = 'particleKind' in command ? inKind(command.particleKind, offset) : undefined;
    if (kind) return kind;
    if ('props' in command && command.props) {
      const t = inProps(command.props, offset, command.keyword.text);
      if (t) return t;
    }
    if (command.kind === 'SendCommand' && command.method && touches(command.method.span, offset)) return inMethod(command.method, offset);
    return undefined;
  }
  return undefined;
}

/** Spans that are equal. */
export function sameSpan(a: Span, b: Span): boolean {
  return a.start === b.start && a.end === b.end;
}

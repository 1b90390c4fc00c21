// The scopes of a bind or router document with what each one sees: its full selector (the levels of every
// enclosing scope), the named captures of every enclosing path, and the `${name}` variables its stops use.
// Definition, references, rename and hover of captures all read this one table, so they agree.

import type { BindDocument, Scope, SelectorName } from '../../grammar/ast.ts';
import type { Span } from '../../grammar/span.ts';
import { compilePath, type CaptureGroup } from '../../compiler/check/path-pattern.ts';

export interface VariableUse {
  readonly name: string;
  /** The whole `${name}`. */
  readonly span: Span;
  /** Just `name`. */
  readonly nameSpan: Span;
}

export interface ScopeInfo {
  readonly scope: Scope;
  /** The levels of every enclosing scope and this one, outermost first. */
  readonly levels: readonly SelectorName[];
  /** Captures visible inside this scope (an inner path's group hides an outer one of the same name). */
  readonly captures: ReadonlyMap<string, CaptureGroup>;
  /** The groups this scope's own path defines. */
  readonly ownGroups: readonly CaptureGroup[];
  /** `${name}` in this scope's own stops and call paths (routes only). */
  readonly uses: readonly VariableUse[];
  readonly depth: number;
}

const scopeTables = new WeakMap<BindDocument, ScopeInfo[]>();

/** Every scope of the document, blocks and routes, in source order. */
export function scopesOf(doc: BindDocument): ScopeInfo[] {
  let table = scopeTables.get(doc);
  if (!table) {
    table = [];
    walk(doc.body ?? [], [], new Map(), 0, table);
    scopeTables.set(doc, table);
  }
  return table;
}

function walk(scopes: readonly Scope[], outerLevels: readonly SelectorName[], outer: ReadonlyMap<string, CaptureGroup>, depth: number, out: ScopeInfo[]): void {
  for (const scope of scopes) {
    if (!scope?.selector) continue; // recovery may leave holes
    const levels = [...outerLevels, ...(scope.selector.levels ?? [])];
    let captures = outer;
    let ownGroups: readonly CaptureGroup[] = [];
    if (scope.selector.path) {
      const compiled = compilePath(scope.selector.path);
      ownGroups = 'ok' in compiled ? compiled.ok.named : compiled.named;
      if (ownGroups.length > 0) {
        const map = new Map(outer);
        for (const g of ownGroups) map.set(g.name, g);
        captures = map;
      }
    }
    const uses: VariableUse[] = [];
    for (const segment of scope.pipeline ?? []) {
      const stop = segment?.stop;
      if (stop?.kind === 'PointStop' || stop?.kind === 'CallStop') uses.push(...variablesIn(stop.point.text, stop.point.span.start));
      if (stop?.kind === 'CallStop' && stop.path) uses.push(...variablesIn(stop.path.text, stop.path.span.start));
    }
    out.push({ scope, levels, captures, ownGroups, uses, depth });
    if (scope.body) walk(scope.body, levels, captures, depth + 1, out);
  }
}

/** `${name}` occurrences in raw text starting at offset `base`. */
export function variablesIn(text: string, base: number): VariableUse[] {
  const out: VariableUse[] = [];
  if (!text.includes('${')) return out;
  const re = /\$\{([^}\s]*)\}/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const start = base + m.index;
    out.push({ name: m[1]!, span: { start, end: start + m[0].length }, nameSpan: { start: start + 2, end: start + 2 + m[1]!.length } });
  }
  return out;
}

/** The innermost scope whose span holds `offset` (ends inclusive, for a cursor right after a word). */
export function scopeAt(doc: BindDocument, offset: number): ScopeInfo | undefined {
  let best: ScopeInfo | undefined;
  for (const info of scopesOf(doc)) {
    const { start, end } = info.scope.span;
    if (start <= offset && offset <= end && (!best || info.depth >= best.depth)) best = info;
  }
  return best;
}

/** Whether `offset` lies in `span`, its end included (a cursor just after a word is on it). */
export function touches(span: Span | undefined, offset: number): boolean {
  return span !== undefined && span.start <= offset && offset <= span.end;
}

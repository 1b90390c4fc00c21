// Property lists of App/Mechtron sections and command `{ }` blocks: Starlane's older spellings (W0302–W0304,
// one warning per assignment), operations that do not fit (E0604), keys set twice (E0306), point values.

import type { Prop, PropOp, PointRef, Value } from '../../grammar/ast.ts';
import type { Edit } from '../../grammar/diagnostic.ts';
import type { Span } from '../../grammar/span.ts';
import { checkPointVariables, parsePoint, type ParsedPoint } from './point.ts';
import { type Reporter, replaceWith } from './report.ts';
import { closestMatch } from './suggest.ts';

/**
 * Sections (`Wasm { }`) follow canonical v1: `+key=value;`, every assignment ended by `;`, the last one too.
 * Command blocks (`create x<App>{ +a=1, +b=2 }`) may separate with `,` or `;` and need no final one (SPEC §8).
 */
export type PropsWhere = 'section' | 'command';

export interface PropsContext {
  readonly where: PropsWhere;
  /** Names the owner in messages: "the `Wasm` section", "`create`". */
  readonly owner: string;
  /** Operations that fit here; any other is E0604. */
  readonly ops: ReadonlySet<PropOp>;
  /** Variables point values may use; others are E0405. */
  readonly variables: ReadonlySet<string>;
  /** Keys whose values are points, each with the artifact extensions its point must end with ([] = any). */
  readonly pointKeys: ReadonlyMap<string, readonly string[]>;
  /** The keys that exist here (others are E0304); undefined when any key may be set (particle properties). */
  readonly knownKeys?: readonly string[];
  /** Further checks of the first assignment of each known key (value forms), run in source order. */
  readonly checkValue?: (prop: Prop) => void;
}

export const ALL_OPS: ReadonlySet<PropOp> = new Set(['set', 'lock', 'unset']);
export const SET_OPS: ReadonlySet<PropOp> = new Set(['set']);

/** Keys that hold points everywhere they appear, and the artifacts they name. */
export const POINT_KEYS: ReadonlyMap<string, readonly string[]> = new Map([
  ['bind', ['.bind']],
  ['router', ['.router']],
  ['config', ['.app', '.mechtron']],
  ['bin', ['.wasm']],
]);

export interface CheckedProp {
  readonly prop: Prop;
  /** The parsed value, for keys that hold points (when it parsed). */
  readonly point?: ParsedPoint;
}

/** Checks a property list; returns the props by key (the first assignment of each key). */
export function checkProps(props: readonly Prop[], reporter: Reporter, ctx: PropsContext): Map<string, CheckedProp> {
  const byKey = new Map<string, CheckedProp>();
  // Error recovery in the parser can leave the list unset (`set x {` cut short): nothing to check then.
  for (const prop of props ?? []) {
    // An unknown key gets E0304 and nothing else: its spelling or value is beside the point.
    if (ctx.knownKeys && !ctx.knownKeys.includes(prop.key.text)) {
      reportUnknownKey(prop, ctx.knownKeys, reporter, ctx);
      continue;
    }
    checkSpelling(prop, reporter, ctx);
    if (!checkOp(prop, reporter, ctx)) continue;
    const first = byKey.get(prop.key.text);
    if (first) {
      reportSetTwice(prop, first.prop, reporter, ctx);
      continue;
    }
    const point = checkPointProp(prop, reporter, ctx);
    ctx.checkValue?.(prop);
    byKey.set(prop.key.text, { prop, ...(point && { point }) });
  }
  return byKey;
}

function reportUnknownKey(prop: Prop, known: readonly string[], reporter: Reporter, ctx: PropsContext): void {
  const close = closestMatch(prop.key.text, known);
  reporter.report('E0304', `unknown key \`${prop.key.text}\` in ${ctx.owner}`, prop.key.span, 'not a known key here', {
    notes: [`${ctx.owner} takes ${known.map((k) => `\`${k}\``).join(', ')}`],
    ...(close && { suggestions: [replaceWith(`did you mean \`${close}\`?`, prop.key.span, close, false)] }),
  });
}

// ---------------------------------------------------------------- older spellings

/** One warning per assignment, carrying every edit it needs: `bin=x` (no `+`, no `;`) gets both. */
function checkSpelling(prop: Prop, reporter: Reporter, ctx: PropsContext): void {
  const inSection = ctx.where === 'section';
  const end = assignmentEnd(prop);
  const terminatorEdit = ((): Edit | undefined => {
    if (!inSection) return undefined;
    if (prop.terminator === undefined) return { span: { start: end, end }, newText: ';' };
    if (prop.terminator.text === ',') return { span: prop.terminator.span, newText: ';' };
    return undefined;
  })();
  if (prop.op === 'set' && !prop.plus) {
    reportMissingPlus(prop, terminatorEdit, reporter);
    return;
  }
  if (!terminatorEdit) return;
  if (prop.terminator?.text === ',') {
    reporter.report('W0302', 'property separated by `,`', prop.terminator.span, 'Starlane 0.2 separator', {
      notes: ['v1 ends every assignment in a section with `;`'],
      suggestions: [{ message: 'replace `,` with `;`', edits: [terminatorEdit], applicability: 'machine' }],
    });
    return;
  }
  reporter.report('W0304', `assignment to \`${prop.key.text}\` not ended by \`;\``, assignmentSpan(prop), 'expected `;` after this', {
    notes: ['in a section every assignment ends with `;`, the last one too'],
    suggestions: [{ message: 'add `;`', edits: [terminatorEdit], applicability: 'machine' }],
  });
}

function reportMissingPlus(prop: Prop, terminatorEdit: Edit | undefined, reporter: Reporter): void {
  const at = prop.key.span.start;
  const edits: Edit[] = [{ span: { start: at, end: at }, newText: '+' }];
  if (terminatorEdit) edits.push(terminatorEdit);
  const message = !terminatorEdit
    ? 'add `+`'
    : terminatorEdit.newText === ';' && terminatorEdit.span.start === terminatorEdit.span.end
      ? 'add `+` and end it with `;`'
      : 'add `+` and replace `,` with `;`';
  reporter.report('W0303', `assignment to \`${prop.key.text}\` without \`+\``, prop.key.span, `write \`+${prop.key.text}\``, {
    notes: ['Starlane 0.3.4 accepted `key=value`; v1 writes `+key=value;`'],
    suggestions: [{ message, edits, applicability: 'machine' }],
  });
}

function assignmentEnd(prop: Prop): number {
  return prop.value?.span.end ?? prop.key.span.end;
}

/** From the `+`/`!`/key to the end of the value, without the terminator. */
function assignmentSpan(prop: Prop): Span {
  return { start: prop.span.start, end: assignmentEnd(prop) };
}

function opText(prop: Prop): string {
  switch (prop.op) {
    case 'set':
      return `+${prop.key.text}=`;
    case 'lock':
      return `+@${prop.key.text}=`;
    case 'unset':
      return `!${prop.key.text}`;
  }
}

// ---------------------------------------------------------------- operations and repeats

function checkOp(prop: Prop, reporter: Reporter, ctx: PropsContext): boolean {
  if (ctx.ops.has(prop.op)) return true;
  const why = ((): string => {
    switch (prop.op) {
      case 'unset':
        return ctx.where === 'command' ? 'a new particle has no property to unset' : 'there is nothing to unset here';
      case 'lock':
        return 'only particle properties can be locked';
      case 'set':
        return 'nothing can be set here';
    }
  })();
  reporter.report('E0604', `\`${opText(prop)}\` does not fit in ${ctx.owner}`, assignmentSpan(prop), why, {
    notes: [`${ctx.owner} takes ${[...ctx.ops].map(describeOp).join(', ')}`],
  });
  return false;
}

function describeOp(op: PropOp): string {
  switch (op) {
    case 'set':
      return '`+key=value`';
    case 'lock':
      return '`+@key=value` (locked)';
    case 'unset':
      return '`!key`';
  }
}

function reportSetTwice(prop: Prop, first: Prop, reporter: Reporter, ctx: PropsContext): void {
  reporter.report('E0306', `key \`${prop.key.text}\` set twice in ${ctx.owner}`, prop.key.span, 'set again here', {
    secondary: [{ span: first.key.span, label: 'first set here' }],
    help: ['remove one of the two assignments'],
  });
}

// ---------------------------------------------------------------- point values

function checkPointProp(prop: Prop, reporter: Reporter, ctx: PropsContext): ParsedPoint | undefined {
  const extensions = ctx.pointKeys.get(prop.key.text);
  if (extensions === undefined || prop.value === undefined) return undefined;
  return checkPointValue(prop.key.text, prop.value, extensions, reporter, ctx.variables);
}

/**
 * Parses a value that holds a point and checks its variables (E0405) and that it names an artifact with one of
 * `extensions` (E0305). Exported for keys whose expected artifact depends on context (a Mechtron's `config`).
 */
export function checkPointValue(
  key: string,
  value: Value,
  extensions: readonly string[],
  reporter: Reporter,
  variables: ReadonlySet<string>,
): ParsedPoint | undefined {
  const ref = pointRefOfValue(value);
  if (!ref) return undefined;
  const point = parsePoint(ref, reporter);
  if (!point) return undefined;
  if (checkPointVariables(point, variables, reporter, 'E0405') > 0) return point;
  checkArtifactExtension(key, point, extensions, reporter);
  return point;
}

/** A quoted value's point starts after the quote; with escapes inside, offsets are unknowable, so skip it. */
function pointRefOfValue(value: Value): PointRef | undefined {
  if (!value.quoted) return { text: value.text, span: value.span };
  if (value.span.end - value.span.start !== value.text.length + 2) return undefined;
  return { text: value.text, span: { start: value.span.start + 1, end: value.span.end - 1 } };
}

function checkArtifactExtension(key: string, point: ParsedPoint, extensions: readonly string[], reporter: Reporter): void {
  if (extensions.length === 0) return;
  const wanted = extensions.map((e) => `\`${e}\``).join(' or ');
  const message = `\`${key}\` must name a ${wanted} artifact`;
  const last = point.segments[point.segments.length - 1];
  if (!point.filePath || last === undefined || last.kind !== 'file') {
    reporter.report('E0305', message, point.span, 'not a file in a bundle', {
      notes: [`e.g. \`${key}=\${doc.bundle}:/${exampleDir(extensions[0]!)}/name${extensions[0]}\``],
    });
    return;
  }
  // A file name ending in a variable (`${name}`) is decided at run time.
  if (point.variables.some((v) => v.span.end === last.span.end)) return;
  if (extensions.some((e) => last.text.endsWith(e))) return;
  reporter.report('E0305', message, last.span, `\`${last.text}\` is not a ${wanted} file`);
}

function exampleDir(extension: string): string {
  switch (extension) {
    case '.wasm':
      return 'wasm';
    case '.bind':
      return 'bind';
    case '.router':
      return 'router';
    default:
      return 'config';
  }
}

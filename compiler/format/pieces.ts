// The one-line pieces of `starc fmt`'s canonical layout: selectors, pipelines, payload patterns, kinds,
// properties and commands, each printed from the AST. Raw text the AST keeps as written (points, paths,
// quoted strings) is copied from the source, so quotes and escapes stay exactly as the user wrote them.

import type * as A from '../../grammar/ast.ts';
import type { Span } from '../../grammar/span.ts';

/** The source text of a node, as written. */
export type SourceOf = (span: Span) => string;

// ---------------------------------------------------------------- bind / router

/** `Route<Http<Get>>(auth role=admin)-(limit 10)/path`: no spaces but inside a filter. */
export function selectorText(selector: A.Selector): string {
  const [first, ...rest] = selector.levels;
  let out = first === undefined ? '' : first.angled ? `<${first.text}>` : first.text;
  if (rest.length > 0) out += rest.map((level) => `<${level.text}`).join('') + '>'.repeat(rest.length);
  out += selector.filters.map(filterText).join('-');
  return out + (selector.path?.text ?? '');
}

function filterText(filter: A.Filter): string {
  const args = filter.args.map((arg) => (arg.key ? `${arg.key.text}=${arg.value.text}` : arg.value.text));
  return `(${[filter.name.text, ...args].join(' ')})`;
}

/** `-> (( )) => &`: one space around every step. */
export function pipelineText(pipeline: readonly A.Segment[], source: SourceOf): string {
  const parts: string[] = [];
  for (const segment of pipeline) {
    if (segment.step) parts.push(stepText(segment.step));
    if (segment.stop) parts.push(stopText(segment.stop, source));
  }
  return parts.join(' ');
}

/** `->`, `=>`, `-[ P ]->`, `=[ P ]=>`, ...; an empty pattern is `-[ ]->`. */
export function stepText(step: A.Step): string {
  const pass = step.pass === 'request' ? '->' : '=>';
  if (step.check === undefined) return pass;
  const open = step.check === 'request' ? '-[' : '=[';
  const pattern = step.pattern ? patternText(step.pattern) : '';
  return pattern === '' ? `${open} ]${pass}` : `${open} ${pattern} ]${pass}`;
}

function stopText(stop: A.Stop, source: SourceOf): string {
  switch (stop.kind) {
    // The AST does not tell `((*))` from `(( ))` (SPEC §4.3: the same meaning), so both print as `(( ))`.
    // `{{ }}` is deprecated but not the formatter's to fix (`starc check --fix` does, W0101).
    case 'CoreStop': return stop.legacy ? '{{ }}' : '(( ))';
    case 'ReplyStop': return '&';
    case 'StatusStop': return `!${stop.status.text}${stop.message ? ` ${source(stop.message.span)}` : ''}`;
    case 'PointStop': return stop.point.text;
    case 'CallStop': return `${stop.point.text}^${methodText(stop.method)}${stop.path?.text ?? ''}`;
  }
}

export function methodText(method: A.MethodRef): string {
  return method.method ? `${method.waveKind.text}<${method.method.text}>` : method.waveKind.text;
}

// ---------------------------------------------------------------- payload patterns

/** `*`, `` (Empty), `Text[1-5]`, `Map{a<Text>, b?<Int>, *}~json~schema(point)` */
export function patternText(pattern: A.PayloadPattern): string {
  switch (pattern.kind) {
    case 'AnyPattern': return '*';
    case 'EmptyPattern': return '';
    case 'StructurePattern': {
      let out = structureText(pattern.structure);
      if (pattern.format) out += `~${pattern.format.text}`;
      if (pattern.validator) out += `~${validatorText(pattern.validator)}`;
      return out;
    }
  }
}

function structureText(structure: A.Structure): string {
  switch (structure.kind) {
    case 'KindStructure': return structure.name.text;
    case 'ListStructure': return `${structure.item.text}[${structure.range?.text ?? ''}]`;
    case 'MapStructure': {
      if (structure.entries === undefined && structure.rest === undefined) return structure.name.text;
      const entries = (structure.entries ?? []).map((e) => `${e.key.text}${e.optional ? '?' : ''}${nested(e.pattern)}`);
      if (structure.rest) entries.push(`*${nested(structure.rest.pattern)}`);
      return `${structure.name.text}{${entries.join(', ')}}`;
    }
  }
}

function nested(pattern: A.PayloadPattern | undefined): string {
  return pattern ? `<${patternText(pattern)}>` : '';
}

function validatorText(validator: A.Validator): string {
  switch (validator.kind) {
    case 'SchemaValidator': return `schema(${validator.point.text})`;
    case 'MechtronValidator': return `${validator.point.text}^${methodText(validator.method)}`;
  }
}

// ---------------------------------------------------------------- kinds, properties, commands

/** `Database<Relational<postgresql.org:postgres:server:15.0.0>>` */
export function kindText(kind: A.KindRef | A.SpecificRef): string {
  if (kind.kind === 'SpecificRef') return kind.text;
  return kind.sub ? `${kind.base.text}<${kindText(kind.sub)}>` : kind.base.text;
}

/**
 * `+key=value`, `+@key=value`, `!key`, with the separator that ended it as written (`;` or `,`): the
 * deprecated `,` and a missing `+` are `check --fix`'s to change (W0302, W0303), not the formatter's.
 */
export function propText(prop: A.Prop, source: SourceOf): string {
  const end = prop.terminator?.text ?? '';
  if (prop.op === 'unset') return `!${prop.key.text}${end}`;
  const value = prop.value ? source(prop.value.span) : '';
  return `${prop.plus ? '+' : ''}${prop.op === 'lock' ? '@' : ''}${prop.key.text}=${value}${end}`;
}

/** A command's `{ +a=b, +c=d }`, on one line. */
function propsBlock(props: readonly A.Prop[], source: SourceOf): string {
  return props.length === 0 ? '{ }' : `{ ${props.map((p) => propText(p, source)).join(' ')} }`;
}

/** One command without its `;`. */
export function commandText(command: A.Command, source: SourceOf): string {
  const word = command.keyword.text;
  const point = (p: A.PointRef | undefined) => (p ? ` ${p.text}` : '');
  switch (command.kind) {
    case 'CreateCommand': {
      const mode = command.mode === 'ensure' ? '?' : command.mode === 'override' ? '!' : '';
      const kind = command.particleKind ? `<${kindText(command.particleKind)}>` : '';
      const props = command.props ? propsBlock(command.props, source) : '';
      return `${word}${mode}${point(command.point)}${command.generated ? '%' : ''}${kind}${props}`;
    }
    case 'PublishCommand': {
      const from = command.source ? ` ^[ ${command.source.text} ]->` : '';
      return `${word}${command.ensure ? '?' : ''}${from}${point(command.target)}`;
    }
    case 'SelectCommand':
      return `${word}${point(command.pattern)}${command.particleKind ? `<${kindText(command.particleKind)}>` : ''}`;
    case 'SetCommand': return `${word}${point(command.point)}${propsBlock(command.props, source)}`;
    case 'GetCommand':
      return `${word}${point(command.point)}${command.keys.length > 0 ? `{ ${command.keys.map((k) => k.text).join(', ')} }` : ''}`;
    case 'DeleteCommand': return `${word}${command.ensure ? '?' : ''}${point(command.point)}`;
    case 'WatchCommand': return `${word}${point(command.point)}`;
    case 'SendCommand': {
      let out = `${word}${point(command.point)}${command.method ? ` ${methodText(command.method)}` : ''}`;
      if (command.path) out += ` ${command.path.text}`;
      if (command.body) out += ` ${source(command.body.span)}`;
      // A path runs to whitespace; only an unescaped trailing `;` ends it, so `\` before the `;` needs a space.
      else if (command.path?.text.endsWith('\\')) out += ' ';
      return out;
    }
    case 'ExitCommand': return word;
  }
}

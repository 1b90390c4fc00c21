// `.app` and `.mechtron` bodies (SPEC §6, §7): which sections exist, their keys and value forms, required keys;
// the root header (name, version) is checked by document.ts.

import type { ConfigDocument, Prop, Section, Value } from '../../grammar/ast.ts';
import type { Span } from '../../grammar/span.ts';
import { checkKind } from './kind.ts';
import { DOCUMENT_VARIABLES, isSkewer, toSkewer } from './point.ts';
import { ALL_OPS, checkProps, POINT_KEYS, SET_OPS, type CheckedProp, type PropsContext } from './props.ts';
import { type Reporter, replaceWith } from './report.ts';
import { checkCommands } from './script.ts';
import { closestMatch } from './suggest.ts';

/** A key's value rule: undefined when the value is fine, else what is wrong and maybe a replacement. */
type ValueRule = (value: Value) => { label: string; note: string; fix?: string } | undefined;

/** What a section holds is decided by its name in the parser (`Require` kinds, `Install` commands, others props). */
interface SectionSpec {
  /** For property sections: the known keys and their rules; undefined = free-form (particle properties). */
  readonly keys?: ReadonlyMap<string, ValueRule | 'point'>;
  readonly required?: readonly string[];
}

// ---------------------------------------------------------------- value rules

const DURATION_UNITS: Readonly<Record<string, string>> = {
  ms: 'ms', msec: 'ms', millis: 'ms', milliseconds: 'ms',
  s: 's', sec: 's', secs: 's', second: 's', seconds: 's',
  m: 'm', min: 'm', mins: 'm', minute: 'm', minutes: 'm',
};

const duration: ValueRule = ({ text }) => {
  const note = 'a duration is a whole number with `ms`, `s` or `m`: `250ms`, `5s`, `2m`';
  const m = /^(\d+)\s*([A-Za-z]*)$/.exec(text);
  if (m && /^(ms|s|m)$/.test(m[2]!)) {
    return Number(m[1]) > 0 ? undefined : { label: 'a timeout must be longer than zero', note };
  }
  const unit = m ? DURATION_UNITS[m[2]!.toLowerCase()] : undefined;
  const fix = m && unit && Number(m[1]) > 0 ? `${m[1]}${unit}` : undefined;
  return { label: m && m[2] === '' ? 'a duration needs a unit' : 'not a duration', note, ...(fix && { fix }) };
};

const SIZE_UNITS: Readonly<Record<string, string>> = {
  kib: 'KiB', kb: 'KiB', k: 'KiB',
  mib: 'MiB', mb: 'MiB', m: 'MiB',
  gib: 'GiB', gb: 'GiB', g: 'GiB',
};
const SIZE_FACTORS: Readonly<Record<string, number>> = { KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };
/** wasm32 linear memory tops out at 65536 pages of 64 KiB. */
const WASM32_MAX = 4 * 1024 ** 3;

const size: ValueRule = ({ text }) => {
  const note = 'a size is a whole number with `KiB`, `MiB` or `GiB`: `64KiB`, `16MiB`, `1GiB`';
  const m = /^(\d+)\s*([A-Za-z]*)$/.exec(text);
  if (m && SIZE_FACTORS[m[2]!] !== undefined) {
    const bytes = Number(m[1]) * SIZE_FACTORS[m[2]!]!;
    if (bytes === 0) return { label: 'memory must be larger than zero', note };
    if (bytes > WASM32_MAX) return { label: 'more than the 4GiB a wasm32 guest can address', note };
    return undefined;
  }
  const unit = m ? SIZE_UNITS[m[2]!.toLowerCase()] : undefined;
  const fix = m && unit ? `${m[1]}${unit}` : undefined;
  return { label: m && m[2] === '' ? 'a size needs a unit' : 'not a size', note, ...(fix && { fix }) };
};

const positiveInteger: ValueRule = ({ text }) => {
  if (/^[1-9]\d*$/.test(text)) return undefined;
  return { label: /^0+$/.test(text) ? 'must be at least 1' : 'not a positive integer', note: 'e.g. `+instances=4;`' };
};

const skewerName: ValueRule = ({ text }) => {
  if (isSkewer(text)) return undefined;
  const fix = toSkewer(text);
  return {
    label: 'not a skewer-case name',
    note: 'names are skewer-case: lowercase letters, digits and `-`, starting with a letter (`my-mechtron`)',
    ...(isSkewer(fix) && { fix }),
  };
};

// ---------------------------------------------------------------- sections

const APP_SECTIONS: ReadonlyMap<string, SectionSpec> = new Map<string, SectionSpec>([
  // App properties are the particle's own: any key may be set; the ones the runtime reads are still checked.
  ['Set', {}],
  ['Require', {}],
  ['Install', {}],
]);

const MECHTRON_SECTIONS: ReadonlyMap<string, SectionSpec> = new Map<string, SectionSpec>([
  [
    'Wasm',
    {
      keys: new Map<string, ValueRule | 'point'>([['bin', 'point'], ['name', skewerName]]),
      required: ['bin', 'name'],
    },
  ],
  [
    'Limits',
    {
      keys: new Map<string, ValueRule | 'point'>([['timeout', duration], ['memory', size], ['instances', positiveInteger]]),
    },
  ],
]);

export interface ConfigCheckOptions {
  /**
   * The parser recovered from syntax errors: skip "required but missing" checks (E0302, E0602), because the
   * recovery may have dropped what was written, and the syntax error already says what is wrong.
   */
  readonly recovered?: boolean;
}

/** Checks the sections of an `.app` or `.mechtron` document. */
export function checkConfigDocument(doc: ConfigDocument, reporter: Reporter, options: ConfigCheckOptions = {}): void {
  const specs = doc.fileKind === 'app' ? APP_SECTIONS : MECHTRON_SECTIONS;
  const root = doc.fileKind === 'app' ? 'App' : 'Mechtron';
  const firstOfName = new Map<string, Section>();
  // Keys of every section of one name together: a repeated section is one mistake (E0301), not also E0302.
  const keysOfName = new Map<string, Map<string, CheckedProp>>();
  const unknownContents = new Set<string>();
  for (const section of doc.sections) {
    const name = section.name.text;
    const spec = specs.get(name);
    if (!spec) {
      reportUnknownSection(section, root, specs, reporter);
      continue;
    }
    const first = firstOfName.get(name);
    if (first) reportRepeatedSection(section, first, reporter);
    else firstOfName.set(name, section);
    const byKey = checkSection(section, spec, root, reporter, options);
    if (!byKey) {
      // Unparsed contents: a missing required key would only echo the syntax error.
      unknownContents.add(name);
      continue;
    }
    const all = keysOfName.get(name) ?? new Map<string, CheckedProp>();
    for (const [key, prop] of byKey) if (!all.has(key)) all.set(key, prop);
    keysOfName.set(name, all);
  }
  if (options.recovered) return;
  for (const [name, spec] of specs) {
    const section = firstOfName.get(name);
    if (!section || !spec.required || unknownContents.has(name)) continue;
    checkRequired(section, keysOfName.get(name) ?? new Map(), spec.required, reporter);
  }
  if (doc.fileKind === 'mechtron' && !firstOfName.has('Wasm')) reportMissingWasm(doc, reporter);
}

function reportUnknownSection(section: Section, root: string, specs: ReadonlyMap<string, SectionSpec>, reporter: Reporter): void {
  const name = section.name.text;
  const known = [...specs.keys()];
  const close = closestMatch(name, known);
  reporter.report('E0304', `unknown section \`${name}\` in ${article(root)} \`${root}\``, section.name.span, `not ${article(root)} ${root} section`, {
    notes: [`${root} sections are ${known.map((k) => `\`${k}\``).join(', ')}`],
    ...(close && { suggestions: [replaceWith(`did you mean \`${close}\`?`, section.name.span, close, false)] }),
  });
}

function reportRepeatedSection(section: Section, first: Section, reporter: Reporter): void {
  const name = section.name.text;
  reporter.report('E0301', `section \`${name}\` appears more than once`, section.name.span, `second \`${name}\` section`, {
    secondary: [{ span: first.name.span, label: 'first defined here' }],
    help: [`merge its contents into the first \`${name}\` section`],
  });
}

function reportMissingWasm(doc: ConfigDocument, reporter: Reporter): void {
  const span: Span = doc.header?.name.span ?? { start: doc.span.start, end: doc.span.start };
  reporter.report('E0302', 'required `bin` and `name` in Wasm scope', span, 'this Mechtron has no `Wasm` section', {
    help: ['add `Wasm { +bin=${doc.bundle}:/wasm/name.wasm; +name=name; }`'],
  });
}

function article(word: string): string {
  return /^[AEIOU]/.test(word) ? 'an' : 'a';
}

/** Checks one section's content; returns its properties by key (empty for kinds and commands), undefined if unknown. */
function checkSection(
  section: Section,
  spec: SectionSpec,
  root: string,
  reporter: Reporter,
  options: ConfigCheckOptions,
): Map<string, CheckedProp> | undefined {
  const content = section.content;
  // The parser's error recovery can leave a section's list unset: its contents are unknown (and reported).
  switch (content.kind) {
    case 'Props':
      return content.props ? checkPropSection(section, content.props, spec, root, reporter) : undefined;
    case 'Kinds':
      for (const kind of content.kinds ?? []) checkKind(kind, reporter);
      return new Map();
    case 'Commands':
      checkCommands(content.commands ?? [], reporter, {
        context: 'install',
        variables: DOCUMENT_VARIABLES,
        ...(options.recovered && { recovered: true }),
      });
      return new Map();
  }
}

function checkPropSection(
  section: Section,
  props: readonly Prop[],
  spec: SectionSpec,
  root: string,
  reporter: Reporter,
): Map<string, CheckedProp> {
  const name = section.name.text;
  const keys = spec.keys;
  const ctx: PropsContext = {
    where: 'section',
    owner: `the \`${name}\` section`,
    // A Mechtron's sections configure it once; only an App's Set touches particle properties.
    ops: root === 'App' ? ALL_OPS : SET_OPS,
    variables: DOCUMENT_VARIABLES,
    pointKeys: keys ? pointKeysOf(keys) : POINT_KEYS,
    ...(keys && { knownKeys: [...keys.keys()], checkValue: (prop: Prop) => checkValue(prop, keys, reporter) }),
  };
  return checkProps(props, reporter, ctx);
}

function pointKeysOf(keys: ReadonlyMap<string, ValueRule | 'point'>): ReadonlyMap<string, readonly string[]> {
  const out = new Map<string, readonly string[]>();
  for (const [key, rule] of keys) if (rule === 'point') out.set(key, POINT_KEYS.get(key) ?? []);
  return out;
}

function checkValue(prop: Prop, keys: ReadonlyMap<string, ValueRule | 'point'>, reporter: Reporter): void {
  const rule = keys.get(prop.key.text);
  if (rule === undefined || rule === 'point' || prop.value === undefined) return;
  const problem = rule(prop.value);
  if (!problem) return;
  reporter.report('E0305', `malformed value \`${prop.value.text}\` for \`${prop.key.text}\``, prop.value.span, problem.label, {
    notes: [problem.note],
    ...(problem.fix !== undefined && {
      suggestions: [replaceWith(`did you mean \`${problem.fix}\`?`, prop.value.span, problem.fix, false)],
    }),
  });
}

function checkRequired(section: Section, byKey: ReadonlyMap<string, CheckedProp>, required: readonly string[], reporter: Reporter): void {
  const missing = required.filter((k) => !byKey.has(k));
  if (missing.length === 0) return;
  const list = missing.map((k) => `\`${k}\``).join(' and ');
  reporter.report('E0302', `required ${required.map((k) => `\`${k}\``).join(' and ')} in ${section.name.text} scope`, section.name.span, `missing ${list}`, {
    help: [`add ${missing.map((k) => `\`+${k}=...;\``).join(' and ')} to the \`${section.name.text}\` section`],
  });
}

// `Bind { Http { ... } }` and `Bind { Pipelines { Http { ... } Msg { ... } } }` (Starlane 0.1/0.2) to
// `Bind(version=1.0.0) { Route<Http<Get>>/x -> ...; }`: each legacy route becomes one flattened v1 route, in
// the order written, so first-match order is kept. `Http` scopes stay `Http`; `Msg` (Starlane's named
// messages) becomes `Ext`, v1's wave kind for them.

import type { Reporter } from '../check/report.ts';
import { collapseSpaces, leaveToHuman, migrateCoreDelivery, migrateVariables } from './legacy-common.ts';
import { anchoredPath, highestPositional, nameCaptures, namePositionals } from './legacy-paths.ts';
import type { LegacyItem, LegacyStatement } from './legacy-scan.ts';

const WAVE_KINDS: Readonly<Record<string, string>> = { Http: 'Http', Msg: 'Ext', Ext: 'Ext' };
const INDENT = '  ';

/** The v1 body lines (indented one level) for the items of a legacy `Bind { ... }`. */
export function migrateBindItems(items: readonly LegacyItem[], text: string, reporter: Reporter): string[] {
  const lines: string[] = [];
  const blank = () => {
    if (lines.length > 0 && lines[lines.length - 1] !== '') lines.push('');
  };
  const visit = (item: LegacyItem, wave: string | undefined) => {
    switch (item.kind) {
      case 'blank':
        blank();
        return;
      case 'comment':
        lines.push(INDENT + item.text);
        return;
      case 'block': {
        if (item.name === 'Pipelines' && wave === undefined) {
          item.items.forEach((inner) => visit(inner, undefined));
          return;
        }
        const kind = wave === undefined ? WAVE_KINDS[item.name] : undefined;
        if (kind === undefined) {
          lines.push(
            ...leaveToHuman(text.slice(item.span.start, item.span.end), item.span, INDENT, reporter,
              `legacy scope \`${item.name}\` has no v1 equivalent that \`starc migrate\` knows`,
              'write its routes by hand as `Route<Kind<Method>>/path -> ...;` (SPEC §4); the wave kinds are Http, Ext, Cmd and Hyp'),
          );
          return;
        }
        // Routes of different wave kinds read as groups.
        if (lines.length > 0 && item.items.some((i) => i.kind === 'statement')) blank();
        item.items.forEach((inner) => visit(inner, kind));
        return;
      }
      case 'statement':
        if (wave === undefined) {
          lines.push(
            ...leaveToHuman(item.text, item.span, INDENT, reporter,
              'a legacy route outside an `Http` or `Msg` scope',
              'give it its wave kind by hand: `Route<Http<Get>>/path -> ...;` or `Route<Ext<Name>> -> ...;`'),
          );
          return;
        }
        lines.push(...migrateRoute(item, wave, text, reporter));
        return;
    }
  };
  items.forEach((item) => visit(item, undefined));
  while (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** `<Get>/(.*) -> point:/$1 => &` in wave kind `Http` → `Route<Http<Get>>/(?P<path>.*) -> point:/${path} => &;`. */
function migrateRoute(route: LegacyStatement, wave: string, text: string, reporter: Reporter): string[] {
  const match = /^(?:<\s*([A-Za-z]+|\*)\s*>|([A-Za-z]+|\*))(\S*)\s+((?:-|=)[\s\S]*)$/.exec(route.text);
  if (!match) {
    return leaveToHuman(text.slice(route.span.start, route.span.end + route.terminator.length), route.span, INDENT, reporter,
      'a legacy route `starc migrate` cannot read',
      'rewrite it as `Route<Kind<Method>>/path -> stops;` (SPEC §4)');
  }
  const method = match[1] ?? match[2]!;
  const rest = match[3]!;
  // Filters `(auth)` come before the path; the path starts at the first `/`.
  const slash = rest.indexOf('/');
  const filters = slash < 0 ? rest : rest.slice(0, slash);
  let path = slash < 0 ? '' : rest.slice(slash);
  let pipeline = collapseSpaces(migrateVariables(migrateCoreDelivery(match[4]!)));

  const used = highestPositional(pipeline);
  if (used > 0) {
    const named = nameCaptures(path);
    path = named.pattern;
    if (used > named.count) {
      reporter.report('W0701', `\`$${used}\` names no capture group of its path \`${rest}\``, route.span, 'not migrated', {
        help: ['name the group in the path, `(?P<name>...)`, and write `${name}` in the stop'],
      });
    }
    pipeline = namePositionals(pipeline, named.count);
  }
  const anchored = anchoredPath(path);
  const comment = route.trailingComment ? ` ${route.trailingComment}` : '';
  return [`${INDENT}Route<${wave}<${method}>>${filters}${anchored ?? ''} ${pipeline};${comment}`];
}

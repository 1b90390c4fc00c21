// Starlane 2021's `routes.conf` (`GET /files/(.*) -> localhost:my-files:/$1;`) to a `.router` document: one
// `Route<Http<Get>>/path -> point => &;` per line, in the order written (first match wins, as before).

import type { Reporter } from '../check/report.ts';
import { HTTP_METHODS } from '../check/waves.ts';
import { collapseSpaces, leaveToHuman } from './legacy-common.ts';
import { anchoredPath, highestPositional, nameCaptures, namePositionals } from './legacy-paths.ts';
import { commentStart } from './legacy-script.ts';

/** The router text for a `routes.conf`. */
export function routesConfToRouter(text: string, reporter: Reporter): string {
  const body: string[] = [];
  let offset = 0;
  for (const raw of text.split('\n')) {
    const start = offset;
    offset += raw.length + 1;
    const line = raw.replace(/\r$/, '');
    const at = commentStart(line);
    const code = line.slice(0, at).trim();
    const comment = line.slice(at).trim();
    if (code === '') {
      if (comment) body.push(`  ${comment}`);
      else if (body.length > 0 && body[body.length - 1] !== '') body.push('');
      continue;
    }
    const span = { start: start + line.indexOf(code), end: start + line.indexOf(code) + code.length };
    const route = /^([A-Za-z]+|\*)\s+(\/\S*)\s*->\s*([^;]+?)\s*;?$/.exec(code);
    const method = route ? httpMethod(route[1]!) : undefined;
    if (!route || !method) {
      body.push(
        ...leaveToHuman(code, span, '  ', reporter,
          route ? `\`${route[1]}\` is not an HTTP method` : 'a `routes.conf` line `starc migrate` cannot read',
          'write it as `Route<Http<Get>>/path -> point => &;` (SPEC §5)'),
      );
      continue;
    }
    let path = route[2]!;
    let target = collapseSpaces(route[3]!);
    const used = highestPositional(target);
    if (used > 0) {
      const named = nameCaptures(path);
      path = named.pattern;
      if (used > named.count) {
        reporter.report('W0701', `\`$${used}\` names no capture group of its path \`${route[2]}\``, span, 'not migrated', {
          help: ['name the group in the path, `(?P<name>...)`, and write `${name}` in the stop'],
        });
      }
      target = namePositionals(target, named.count);
    }
    body.push(`  Route<Http<${method}>>${anchoredPath(path) ?? ''} -> ${target} => &;${comment ? ` ${comment}` : ''}`);
  }
  while (body[body.length - 1] === '') body.pop();
  return `Router(version=1.0.0) {\n${body.map((l) => `${l}\n`).join('')}}\n`;
}

/** `GET` → `Get`; `*` and `ANY` → `*`; undefined for what is not an HTTP method. */
function httpMethod(word: string): string | undefined {
  if (word === '*' || word.toUpperCase() === 'ANY') return '*';
  const name = word[0]!.toUpperCase() + word.slice(1).toLowerCase();
  return (HTTP_METHODS as readonly string[]).includes(name) ? name : undefined;
}

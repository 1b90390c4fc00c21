// Selector filters: `(auth)`, `(auth role=admin)`, `(timeout 2s)`, `(limit 100/s)`; v1 enforces them.

import type { Filter } from '../../grammar/ast.ts';
import { replaceWith, type Reporter } from './report.ts';
import { closestMatch } from './suggest.ts';

export const FILTER_NAMES = ['auth', 'timeout', 'limit'] as const;
const DURATION = /^\d+(ms|s|m|h)$/;
const RATE = /^\d+(\/(s|m|h))?$/;

const USAGE: Record<(typeof FILTER_NAMES)[number], string> = {
  auth: '`(auth)` or `(auth role=NAME)`',
  timeout: '`(timeout DURATION)`, e.g. `(timeout 2s)`',
  limit: '`(limit N/s)`, e.g. `(limit 100/s)`',
};

export function checkFilter(filter: Filter, reporter: Reporter): void {
  const name = filter.name.text;
  if (!(FILTER_NAMES as readonly string[]).includes(name)) {
    const close = closestMatch(name, FILTER_NAMES);
    reporter.report('E0107', `unknown filter \`${name}\``, filter.name.span, 'not a filter', {
      notes: [`filters are ${FILTER_NAMES.map((f) => `\`${f}\``).join(', ')}`],
      suggestions: close ? [replaceWith(`did you mean \`${close}\`?`, filter.name.span, close, false)] : [],
    });
    return;
  }
  const usage = USAGE[name as (typeof FILTER_NAMES)[number]];
  const bad = (message: string, span: { start: number; end: number }, label: string): void => {
    reporter.report('E0107', message, span, label, { notes: [`write ${usage}`] });
  };
  const args = filter.args;
  switch (name) {
    case 'auth':
      for (const arg of args) {
        if (arg.key?.text !== 'role') bad(`\`auth\` takes only \`role=NAME\``, arg.span, 'unexpected argument');
      }
      return;
    case 'timeout':
      if (args.length !== 1 || args[0]!.key) bad('`timeout` takes one duration', args[0]?.span ?? filter.span, 'expected a duration');
      else if (!DURATION.test(args[0]!.value.text)) bad(`\`${args[0]!.value.text}\` is not a duration`, args[0]!.span, 'expected `250ms`, `5s`, `2m` or `1h`');
      return;
    case 'limit':
      if (args.length !== 1 || args[0]!.key) bad('`limit` takes one rate', args[0]?.span ?? filter.span, 'expected a rate');
      else if (!RATE.test(args[0]!.value.text)) bad(`\`${args[0]!.value.text}\` is not a rate`, args[0]!.span, 'expected `N/s`, `N/m` or `N/h`');
      return;
  }
}

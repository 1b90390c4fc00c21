// `App { Set { +a=b, +c=d } Install { ... } }` (Starlane 0.2) to `App(version=1.0.0) { Set { +a=b; +c=d; }
// Install { ...; } }`: one property or command per line, `;`-ended, variables and commands in v1 spelling.

import type { Reporter } from '../check/report.ts';
import { collapseSpaces, leaveToHuman, migrateVariables } from './legacy-common.ts';
import type { LegacyItem } from './legacy-scan.ts';
import { migrateScriptText } from './legacy-script.ts';

const PROPERTY_SECTIONS = new Set(['Set', 'Wasm', 'Limits']);
const LIST_SECTIONS = new Set(['Install', 'Require']);

/** The v1 body lines (indented one level) for the items of a legacy `App { ... }` or `Mechtron { ... }`. */
export function migrateConfigItems(items: readonly LegacyItem[], text: string, reporter: Reporter): string[] {
  const lines: string[] = [];
  for (const item of items) {
    if (item.kind === 'blank') {
      if (lines.length > 0) lines.push('');
    } else if (item.kind === 'comment') {
      lines.push(`  ${item.text}`);
    } else if (item.kind === 'statement') {
      lines.push(
        ...leaveToHuman(item.text, item.span, '  ', reporter, 'a legacy statement outside any section',
          'move it into the section it belongs to (`Set`, `Require` or `Install`)'),
      );
    } else if (PROPERTY_SECTIONS.has(item.name) || LIST_SECTIONS.has(item.name)) {
      lines.push(`  ${item.name} {`, ...sectionLines(item.name, item.items, text, reporter), '  }');
    } else {
      lines.push(
        ...leaveToHuman(text.slice(item.span.start, item.span.end), item.span, '  ', reporter,
          `legacy section \`${item.name}\` has no v1 equivalent that \`starc migrate\` knows`,
          'move its content into `Set`, `Require` or `Install` by hand (SPEC §6)'),
      );
    }
  }
  while (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function sectionLines(section: string, items: readonly LegacyItem[], text: string, reporter: Reporter): string[] {
  const lines: string[] = [];
  const indent = '    ';
  for (const item of items) {
    switch (item.kind) {
      case 'blank':
        if (lines.length > 0) lines.push('');
        break;
      case 'comment':
        lines.push(indent + item.text);
        break;
      case 'block':
        lines.push(
          ...leaveToHuman(text.slice(item.span.start, item.span.end), item.span, indent, reporter,
            `a block \`${item.name}\` inside section \`${section}\``, 'write its content as v1 properties or commands by hand'),
        );
        break;
      case 'statement': {
        const comment = item.trailingComment ? ` ${item.trailingComment}` : '';
        if (LIST_SECTIONS.has(section)) {
          lines.push(`${indent}${collapseSpaces(migrateScriptText(item.text))};${comment}`);
          break;
        }
        // 0.2 separated properties with `,`; 0.3.4 with line breaks and no `+`.
        const props = item.text.split(/\r?\n/).map((p) => p.trim()).filter((p) => p !== '');
        props.forEach((prop, i) => {
          const plus = /^[a-z][a-z0-9._-]*\s*=/.test(prop) ? `+${prop}` : prop;
          lines.push(`${indent}${migrateVariables(plus)};${i === props.length - 1 ? comment : ''}`);
        });
        break;
      }
    }
  }
  while (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

// `starc explain CODE`: print a diagnostic code's long explanation; `starc explain --list`: every code.
// Reads only the registry and one markdown file, so it starts without loading the parser or the checker.

import {
  ERRONEOUS_MARKER,
  explanationOf,
  FIXED_MARKER,
  nearestCodes,
  normalizeCode,
} from '../../compiler/diagnostics/explain.ts';
import { editDistance } from '../../compiler/check/suggest.ts';
import { CODES } from '../../compiler/diagnostics/registry.ts';
import { parseArgs, reportUsage, type FlagSpec } from '../args.ts';
import { autoColor, type CliIo } from '../io.ts';

export const EXPLAIN_FLAGS: readonly FlagSpec[] = [{ name: 'list', kind: 'switch' }];

const CODE_SHAPE = /^[EW]\d{4}$/;

/** Run `starc explain` with the arguments after the command name; returns the exit code. */
export async function runExplain(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, EXPLAIN_FLAGS, 'explain');
  if (!parsed.ok) return reportUsage(io, parsed.problem);
  const { flags, positionals } = parsed.args;

  if (flags.has('list')) {
    if (positionals.length > 0) {
      return reportUsage(io, { message: '`--list` takes no code', help: 'run `starc explain CODE` for one code' });
    }
    io.stdout.write(codeList());
    return 0;
  }
  if (positionals.length === 0) {
    return reportUsage(io, {
      message: 'missing diagnostic code',
      help: 'write `starc explain E0102`, or `starc explain --list` for every code',
    });
  }
  if (positionals.length > 1) {
    return reportUsage(io, {
      message: `\`starc explain\` takes one code, got ${positionals.length}`,
      help: `run \`starc explain ${positionals[0]}\`, then the others one by one`,
    });
  }

  const written = positionals[0]!;
  const markdown = explanationOf(written);
  if (markdown === undefined) return noSuchCode(written, io);
  io.stdout.write(autoColor(io.stdout, io.env) ? styleMarkdown(markdown) : markdown);
  return 0;
}

/** One line per code: `E0102  error    a method that does not exist for its wave kind`. */
function codeList(): string {
  return [...CODES.values()].map((info) => `${info.code}  ${info.severity.padEnd(7)}  ${info.summary}\n`).join('');
}

function noSuchCode(written: string, io: CliIo): number {
  const code = normalizeCode(written);
  const color = autoColor(io.stderr, io.env);
  const label = (text: string, sgr: string) => (color ? `\x1b[${sgr}m${text}\x1b[0m` : text);
  let out = CODE_SHAPE.test(code)
    ? `${label('error', '1;91')}: no such diagnostic code \`${code}\`\n`
    : `${label('error', '1;91')}: \`${written}\` is not a diagnostic code\n` +
      `${label('note', '1;92')}: codes are a letter and four digits, such as E0102 or W0101\n`;
  // Only likely typos are worth listing (E0120 → E0102, E0110); `0102` is E0102 or W0102 without the letter.
  const near = CODE_SHAPE.test(code)
    ? nearestCodes(code, 3).filter((c) => editDistance(code, c) <= 1)
    : /^\d{4}$/.test(code)
      ? [`E${code}`, `W${code}`].filter((c) => CODES.has(c))
      : [];
  if (near.length > 0) {
    out += `${label('note', '1;92')}: the nearest codes are\n`;
    for (const c of near) out += `  ${c}  ${CODES.get(c)!.summary}\n`;
  }
  out += `${label('help', '1;96')}: \`starc explain --list\` lists every code\n`;
  io.stderr.write(out);
  return 2;
}

/** Light terminal styling: the title and headings bold, code blocks dimmed fences and cyan text. */
function styleMarkdown(markdown: string): string {
  let inFence = false;
  return markdown
    .split('\n')
    .map((line) => {
      if (/^```/.test(line)) {
        inFence = !inFence;
        return `\x1b[2m${line}\x1b[0m`;
      }
      if (inFence) return line === '' ? line : `\x1b[36m${line}\x1b[0m`;
      if (/^#+ /.test(line)) return `\x1b[1m${line}\x1b[0m`;
      if (line === ERRONEOUS_MARKER || line === FIXED_MARKER) return `\x1b[1m${line}\x1b[0m`;
      return line;
    })
    .join('\n');
}

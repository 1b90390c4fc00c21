// Hand-written flag parsing for the commands: `--flag value`, `--flag=value`, boolean flags, `--` and
// positionals. A mistake is returned as a value (with a "did you mean" where one is close), never thrown.

import { closestMatch } from '../compiler/check/suggest.ts';
import { autoColor, type CliIo } from './io.ts';

export interface FlagSpec {
  /** Long name without dashes: `format` for `--format`. */
  readonly name: string;
  /** `value` flags take one argument; `switch` flags take none. */
  readonly kind: 'value' | 'switch';
  /** One-letter alias without its dash: `o` for `-o`. */
  readonly short?: string;
}

export interface UsageProblem {
  readonly message: string;
  readonly help?: string;
}

export interface ParsedArgs {
  /** The last value given for each flag (a later flag overrides an earlier one); `true` for a switch. */
  readonly flags: ReadonlyMap<string, string | true>;
  readonly positionals: readonly string[];
}

export type ParseResult = { ok: true; args: ParsedArgs } | { ok: false; problem: UsageProblem };

/** Parse `args` of `starc <command>` against its flags. */
export function parseArgs(args: readonly string[], specs: readonly FlagSpec[], command: string): ParseResult {
  const flags = new Map<string, string | true>();
  const positionals: string[] = [];
  const byName = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]));

  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    // A lone `-` is a positional by convention (stdin), and so is anything not starting with `-`.
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const long = arg.startsWith('--');
    const eq = arg.indexOf('=');
    const written = eq >= 0 ? arg.slice(0, eq) : arg;
    const spec = long ? byName.get(written.slice(2)) : written.length === 2 ? byShort.get(written[1]!) : undefined;
    if (!spec) return { ok: false, problem: unknownFlag(written, specs, command) };

    const display = `--${spec.name}`;
    if (spec.kind === 'switch') {
      if (eq >= 0) return { ok: false, problem: { message: `flag \`${display}\` takes no value` } };
      flags.set(spec.name, true);
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else if (i + 1 < args.length && !args[i + 1]!.startsWith('--')) value = args[++i];
    if (value === undefined) {
      return { ok: false, problem: { message: `flag \`${display}\` needs a value`, help: `write \`${display} <value>\`` } };
    }
    flags.set(spec.name, value);
  }
  return { ok: true, args: { flags, positionals } };
}

function unknownFlag(written: string, specs: readonly FlagSpec[], command: string): UsageProblem {
  const candidates = [...specs.map((s) => `--${s.name}`), '--help'];
  const near = closestMatch(written, candidates);
  return {
    message: `unknown flag \`${written}\` for \`starc ${command}\``,
    help: near ? `did you mean \`${near}\`?` : `see \`starc ${command} --help\` for the flags it takes`,
  };
}

/** A value that must be one of `choices`: the problem to report, or undefined when it is fine. */
export function checkChoice(flag: string, value: string, choices: readonly string[]): UsageProblem | undefined {
  if (choices.includes(value)) return undefined;
  const near = closestMatch(value, choices);
  return {
    message: `invalid value \`${value}\` for \`--${flag}\`: expected one of ${choices.join(', ')}`,
    ...(near ? { help: `did you mean \`${near}\`?` } : {}),
  };
}

/**
 * Print a usage problem rustc-style (`error: ...` then `help: ...`) on stderr and return exit code 2.
 * Colours follow the terminal: flags such as `--color` may not have been understood yet.
 */
export function reportUsage(io: CliIo, problem: UsageProblem): number {
  const color = autoColor(io.stderr, io.env);
  const label = (text: string, sgr: string) => (color ? `\x1b[${sgr}m${text}\x1b[0m` : text);
  let out = `${label('error', '1;91')}: ${problem.message}\n`;
  if (problem.help) out += `${label('help', '1;96')}: ${problem.help}\n`;
  io.stderr.write(out);
  return 2;
}

// The REPL's vocabulary: SPEC §8's commands and the `:` meta commands, each with the help text `:help [name]`
// prints, and meta-command lookup by unique prefix (`:q` is `:quit`, as in `pkl repl`).

export interface HelpEntry {
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  /** Longer text and examples, shown by `:help NAME`. */
  readonly details: string;
}

/** SPEC §8, in the spec's order. */
export const COMMAND_HELP: readonly HelpEntry[] = [
  {
    name: 'create',
    usage: 'create[?|!] POINT[%]<KIND>[{ +key=value, ... }];',
    summary: 'create a particle (`?`: unless it exists, `!`: replacing it)',
    details: 'The parent must exist and accept the kind (SPEC §3). `%` after the point makes a child with a fresh name.\n  create localhost<Space>;\n  create? localhost:app<Base>{ +title="Hello" };',
  },
  {
    name: 'publish',
    usage: 'publish[?] ^[ PATH ]-> POINT;',
    summary: 'check and store a bundle (a folder or .zip, relative to the current folder)',
    details: 'A bundle with errors is refused with its diagnostics; `?` accepts the same version again.\n  publish ^[ samples/site/bundle ]-> repo:site:1.0.0;',
  },
  {
    name: 'select',
    usage: 'select PATTERN[<KIND>];',
    summary: 'list particles: `*` one level, `**` any depth',
    details: 'Shown as a table of point, kind and status.\n  select localhost:*;\n  select **<Mechtron>;',
  },
  {
    name: 'set',
    usage: 'set POINT{ +key=value, +@key=value, !key };',
    summary: 'set (`+`), lock (`+@`) or unset (`!`) properties',
    details: 'All or nothing: a locked key refuses the whole command.\n  set localhost{ +router=repo:site:1.0.0:/router/site.router };',
  },
  {
    name: 'get',
    usage: 'get POINT[{ key, ... }];',
    summary: 'show a particle and its properties (or only the keys named)',
    details: '  get localhost;\n  get localhost{ router };',
  },
  {
    name: 'delete',
    usage: 'delete[?] POINT;',
    summary: 'delete a particle (`?`: no error when it does not exist)',
    details: '  delete localhost:app;',
  },
  {
    name: 'watch',
    usage: 'watch POINT;',
    summary: 'follow status and property changes live (Esc stops); the same as `:watch`',
    details: '  watch localhost:app;',
  },
  {
    name: 'send',
    usage: 'send POINT METHOD [PATH] [BODY];',
    summary: 'send a Ping and show the Pong: status, headers, body',
    details: '  send localhost:hello Ext<Hello> "world";\n  send localhost Http<Get> /index.html;',
  },
  { name: 'exit', usage: 'exit;', summary: 'end the session (as `:quit`)', details: '' },
];

export const META_HELP: readonly HelpEntry[] = [
  { name: 'help', usage: ':help [NAME]', summary: 'list the commands, or explain one', details: '  :help create\n  :help :load' },
  { name: 'load', usage: ':load FILE', summary: 'run a .script file, one progress line per command', details: 'The file is checked first: any error and nothing runs.\n  :load install.script' },
  { name: 'explain', usage: ':explain CODE', summary: 'the long explanation of a diagnostic code', details: '  :explain E0401' },
  { name: 'watch', usage: ':watch POINT', summary: 'a live view of a particle until Esc', details: '  :watch localhost' },
  { name: 'tail', usage: ':tail POINT', summary: "stream a particle's log until Esc", details: '  :tail localhost:hello' },
  { name: 'clear', usage: ':clear', summary: 'clear the screen', details: '' },
  { name: 'quit', usage: ':quit', summary: 'end the session (also Ctrl-D on an empty line)', details: '' },
];

export const META_NAMES: readonly string[] = META_HELP.map((m) => m.name);

export type MetaLookup = { readonly ok: true; readonly name: string } | { readonly ok: false; readonly message: string };

/** `:q` → `quit`: a meta command by its name or a unique prefix of it. */
export function lookupMeta(written: string): MetaLookup {
  const name = written.toLowerCase();
  if (META_NAMES.includes(name)) return { ok: true, name };
  const matches = META_NAMES.filter((m) => m.startsWith(name));
  if (matches.length === 1) return { ok: true, name: matches[0]! };
  if (matches.length > 1) return { ok: false, message: `\`:${written}\` is ambiguous: ${matches.map((m) => `\`:${m}\``).join(', ')}` };
  return { ok: false, message: `unknown meta command \`:${written}\`: the meta commands are ${META_NAMES.map((m) => `\`:${m}\``).join(', ')}` };
}

/** `:help` without a name: every command and meta command, one line each. */
export function overviewHelp(): string {
  const width = Math.max(...[...COMMAND_HELP, ...META_HELP].map((e) => e.usage.length));
  const lines = ['Commands (SPEC §8; end each with `;`, several lines are fine):'];
  for (const c of COMMAND_HELP) lines.push(`  ${c.usage.padEnd(width)}  ${c.summary}`);
  lines.push('', 'Meta commands (any unique prefix works: `:q`):');
  for (const m of META_HELP) lines.push(`  ${m.usage.padEnd(width)}  ${m.summary}`);
  lines.push('', 'Keys: Tab completes, Up/Down walk the history, Ctrl-R searches it, Esc stops a live view, Ctrl-D quits.');
  return lines.join('\n');
}

/** `:help NAME` (a command, or a meta command with or without its `:`); undefined for an unknown name. */
export function helpFor(written: string): string | undefined {
  const isMeta = written.startsWith(':');
  const name = written.replace(/^:/, '').replace(/[?!;]+$/, '').toLowerCase();
  let entry: HelpEntry | undefined = isMeta ? undefined : COMMAND_HELP.find((c) => c.name === name);
  if (!entry) {
    const meta = lookupMeta(name);
    if (meta.ok) entry = META_HELP.find((m) => m.name === meta.name);
  }
  if (!entry) return undefined;
  return [`${entry.usage}`, `  ${entry.summary}`, ...(entry.details ? [entry.details.replace(/^(?!  )/gm, '  ')] : [])].join('\n');
}

// What one entry of the REPL does, shared by the Ink app and the plain (piped) runner: a script is checked
// here first with the compiler's own checks (a mistake prints the compiler's rendering and keeps the input for
// editing; nothing is sent), then run by the session; a meta command runs here. Output goes through `print` as
// it comes, so `:load` shows a line per command while it runs.

import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { ScriptDocument } from '../../grammar/ast.ts';
import { parseDocument } from '../../grammar/parser.ts';
import { checkSource } from '../../compiler/check-file.ts';
import { explanationOf, nearestCodes, normalizeCode } from '../../compiler/diagnostics/explain.ts';
import { commandVerb, formatError, formatResult, progressBar, renderDiagnostics } from './format.ts';
import { helpFor, lookupMeta, overviewHelp } from './help.ts';
import { isBlankInput, isMetaInput, parseMeta } from './input.ts';
import { paintFor } from './paint.ts';
import type { ReplSession } from './session.ts';

export interface Progress {
  readonly label: string;
  /** Both set for a determinate bar (`:load`); neither for an operation of unknown length. */
  readonly done?: number;
  readonly total?: number;
}

export interface EvalContext {
  readonly session: ReplSession;
  readonly color: boolean;
  readonly cwd: string;
  readonly print: (text: string, stream?: 'out' | 'err') => void;
  readonly progress?: (progress: Progress | undefined) => void;
  /** A terminal: live views (`:watch`, `:tail`) are possible. */
  readonly interactive: boolean;
}

export type Action =
  | { readonly kind: 'done'; readonly ok: boolean }
  /** The input had mistakes (shown); keep it in the editor. */
  | { readonly kind: 'keep-input' }
  | { readonly kind: 'quit' }
  | { readonly kind: 'clear' }
  | { readonly kind: 'watch'; readonly point: string }
  | { readonly kind: 'tail'; readonly point: string };

/** How the REPL names its input in diagnostics. */
export const INPUT_PATH = '<repl>';

export async function evaluateEntry(text: string, ctx: EvalContext): Promise<Action> {
  if (isMetaInput(text)) return evaluateMeta(text, ctx);
  if (isBlankInput(text)) return { kind: 'done', ok: true };
  return evaluateScript(text, ctx);
}

async function evaluateScript(text: string, ctx: EvalContext): Promise<Action> {
  const diagnostics = checkSource(text, 'script');
  if (diagnostics.length > 0) ctx.print(renderDiagnostics([{ path: INPUT_PATH, text, diagnostics }], ctx.color).trimEnd(), 'err');
  if (diagnostics.some((d) => d.severity === 'error')) return { kind: 'keep-input' };

  const commands = (parseDocument(text, 'script').ast as ScriptDocument).commands;
  const only = commands.length === 1 ? commands[0]! : undefined;
  if (only?.kind === 'WatchCommand' && only.point && ctx.interactive) return { kind: 'watch', point: only.point.text };

  const long = commands.some((c) => c.kind === 'PublishCommand');
  if (long) ctx.progress?.({ label: commands.length === 1 ? 'publishing' : `running ${commands.length} commands` });
  const executed = await ctx.session.execute(text);
  if (long) ctx.progress?.(undefined);
  return showResults(executed, ctx);
}

async function showResults(executed: Awaited<ReturnType<ReplSession['execute']>>, ctx: EvalContext): Promise<Action> {
  const paint = paintFor(ctx.color);
  if (!executed.ok) {
    ctx.print(formatError({ code: executed.error.code, message: executed.error.message }, paint, ctx), 'err');
    return { kind: 'done', ok: false };
  }
  let ok = true;
  for (const result of executed.value) {
    ctx.print(formatResult(result, paint, ctx), result.ok ? 'out' : 'err');
    if (!result.ok) ok = false;
    if (result.ok && commandVerb(result.command) === 'exit') return { kind: 'quit' };
  }
  return { kind: 'done', ok };
}

async function evaluateMeta(text: string, ctx: EvalContext): Promise<Action> {
  const paint = paintFor(ctx.color);
  const { name, args } = parseMeta(text);
  const fail = (message: string): Action => {
    ctx.print(`${paint('errorLabel', 'error')}: ${message}`, 'err');
    return { kind: 'done', ok: false };
  };
  if (name === '') return fail('a meta command needs a name: `:help` lists them');
  const meta = lookupMeta(name);
  if (!meta.ok) return fail(meta.message);
  switch (meta.name) {
    case 'help': {
      if (args === '') {
        ctx.print(overviewHelp());
        return { kind: 'done', ok: true };
      }
      const help = helpFor(args);
      if (help === undefined) return fail(`no help for \`${args}\`: \`:help\` lists the commands`);
      ctx.print(help);
      return { kind: 'done', ok: true };
    }
    case 'explain': {
      if (args === '') return fail('`:explain` needs a code, such as `:explain E0401`');
      const markdown = explanationOf(args);
      if (markdown === undefined) {
        const code = normalizeCode(args);
        const near = nearestCodes(code, 3);
        return fail(`no such diagnostic code \`${code}\`${near.length > 0 ? `; the nearest are ${near.join(', ')}` : ''}`);
      }
      ctx.print(markdown.trimEnd().replace(/^#+ .*$/gm, (heading) => paint('bold', heading)));
      return { kind: 'done', ok: true };
    }
    case 'load':
      if (args === '') return fail('`:load` needs a file, such as `:load install.script`');
      return loadScript(args, ctx);
    case 'watch':
    case 'tail':
      if (args === '' || /\s/.test(args)) return fail(`\`:${meta.name}\` takes one point, such as \`:${meta.name} localhost\``);
      if (!ctx.interactive) return fail(`\`:${meta.name}\` is a live view and needs a terminal${meta.name === 'watch' ? '; a script can use `watch POINT;`' : ''}`);
      return { kind: meta.name, point: args };
    case 'clear':
      return { kind: 'clear' };
    case 'quit':
      return { kind: 'quit' };
    default:
      return fail(`\`:${meta.name}\` is not handled`);
  }
}

/** `:load FILE`: checked whole first (nothing runs on an error), then one command at a time, a line each. */
async function loadScript(file: string, ctx: EvalContext): Promise<Action> {
  const paint = paintFor(ctx.color);
  const path = resolve(ctx.cwd, file);
  const shown = relative(ctx.cwd, path) || file;
  let text: string;
  try {
    text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    ctx.print(`${paint('errorLabel', 'error')}: ${code === 'ENOENT' ? `\`${shown}\` does not exist` : `cannot read \`${shown}\`: ${(e as Error).message}`}`, 'err');
    return { kind: 'done', ok: false };
  }
  const diagnostics = checkSource(text, 'script');
  if (diagnostics.length > 0) ctx.print(renderDiagnostics([{ path: shown, text, diagnostics }], ctx.color).trimEnd(), 'err');
  if (diagnostics.some((d) => d.severity === 'error')) {
    ctx.print(`${paint('errorLabel', 'error')}: \`${shown}\` has errors: nothing ran`, 'err');
    return { kind: 'done', ok: false };
  }
  const commands = (parseDocument(text, 'script').ast as ScriptDocument).commands;
  const total = commands.length;
  for (let i = 0; i < total; i++) {
    const command = commands[i]!;
    const commandText = text.slice(command.span.start, command.span.end).replace(/;\s*$/, '');
    const oneLine = commandText.replace(/\s+/g, ' ');
    ctx.progress?.({ label: oneLine, done: i, total });
    const executed = await ctx.session.execute(`${commandText};`);
    ctx.progress?.(undefined);
    const counter = paint('dim', `[${String(i + 1).padStart(String(total).length)}/${total}]`);
    if (!executed.ok || !executed.value[0]?.ok) {
      ctx.print(`${counter} ${paint('red', 'failed')} ${oneLine}`, 'err');
      await showResults(executed, ctx);
      ctx.print(`${paint('errorLabel', 'error')}: \`${shown}\` stopped at command ${i + 1} of ${total}`, 'err');
      return { kind: 'done', ok: false };
    }
    ctx.print(`${counter} ${paint('green', 'ok')}     ${oneLine}`);
    const verb = commandVerb(commandText);
    if (verb === 'select' || verb === 'get' || verb === 'send') ctx.print(formatResult(executed.value[0], paint, ctx));
    if (verb === 'exit') return { kind: 'quit' };
  }
  ctx.print(paint('dim', `${progressBar(total, total)} ${shown} loaded`));
  return { kind: 'done', ok: true };
}

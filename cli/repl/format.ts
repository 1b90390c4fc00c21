// How the REPL shows a command's result: `select` as a table (point, kind, status), `get` as a property table,
// `send`'s Pong with its status, headers and pretty-printed body, errors in red with their code and, for a
// command with mistakes, the compiler's own rendering of its diagnostics. The same text for the Ink app and the
// plain (piped) runner; only the Paint differs.

import { renderReports, type FileReport } from '../../compiler/diagnostics/render.ts';
import type { CommandError } from '../../runtime/commands/execute.ts';
import type { Particle, ParticleStub, Property, StoreEvent } from '../../runtime/store/types.ts';
import type { LogEntry } from '../../runtime/admin/protocol.ts';
import type { Substance } from '../../runtime/waves/wave.ts';
import { stripAnsi, type Paint } from './paint.ts';

/** A result as the session returns it (an embedded CommandResult or the admin endpoint's AdminResult). */
export type ShownResult =
  | { readonly command: string; readonly ok: true; readonly value: unknown }
  | { readonly command: string; readonly ok: false; readonly error: CommandError };

/** The first word of a command's text: `create`, `select`, ... */
export function commandVerb(command: string): string {
  return /^\s*([a-z]+)/.exec(command)?.[1] ?? '';
}

export function formatResult(result: ShownResult, paint: Paint, options: { readonly color: boolean }): string {
  if (!result.ok) return formatError(result.error, paint, options);
  const value = result.value;
  switch (commandVerb(result.command)) {
    case 'create': {
      const p = value as Particle;
      return `${paint('green', 'created')} ${paint('cyan', p.point)} <${p.kind}> ${statusText(p.status, paint)}`;
    }
    case 'select':
      return formatSelect(value as readonly ParticleStub[], paint);
    case 'get':
      return isParticle(value) ? formatParticle(value, paint) : formatProperties(value as Record<string, Property>, paint);
    case 'set':
      return `${paint('green', 'set')}\n${formatProperties(value as Record<string, Property>, paint)}`;
    case 'delete': {
      const n = (value as { deleted: number }).deleted;
      return `${paint('green', 'deleted')} ${n} particle${n === 1 ? '' : 's'}`;
    }
    case 'publish': {
      const v = value as { bundle: string; artifacts: unknown; created: boolean };
      const count = Array.isArray(v.artifacts) ? v.artifacts.length : Number(v.artifacts);
      return `${paint('green', v.created === false ? 'already published' : 'published')} ${paint('cyan', v.bundle)} (${count} artifact${count === 1 ? '' : 's'})`;
    }
    case 'watch':
      return `${paint('green', 'watching')} ${paint('cyan', (value as { watching: string }).watching)}`;
    case 'send':
      return formatPong(value, paint);
    case 'exit':
      return paint('dim', 'bye');
    default:
      return JSON.stringify(value, null, 2);
  }
}

export function formatError(error: CommandError, paint: Paint, options: { readonly color: boolean }): string {
  const head = `${paint('errorLabel', `error[${error.code}]`)}: ${paint('red', error.message)}`;
  if (!error.reports || error.reports.length === 0) return head;
  // The compiler's renderer draws the diagnostics (same carets, same layout); its headline repeats them.
  return `${renderDiagnostics(error.reports, options.color).trimEnd()}\n${head}`;
}

export function renderDiagnostics(reports: readonly FileReport[], color: boolean): string {
  return renderReports('human', reports, { color });
}

function formatSelect(rows: readonly ParticleStub[], paint: Paint): string {
  if (rows.length === 0) return paint('dim', 'no particles match');
  const table = formatTable(
    ['POINT', 'KIND', 'STATUS'],
    rows.map((r) => [paint('cyan', r.point), r.kind, statusText(r.status, paint)]),
    paint,
  );
  return `${table}\n${paint('dim', `${rows.length} particle${rows.length === 1 ? '' : 's'}`)}`;
}

function formatParticle(p: Particle, paint: Paint): string {
  const head = `${paint('cyan', p.point)} <${p.kind}> ${statusText(p.status, paint)}${p.statusMessage ? ` ${paint('dim', p.statusMessage)}` : ''}`;
  const facts = paint('dim', `parent ${p.parent ?? '-'}  owner ${p.owner}  created ${new Date(p.created).toISOString()}`);
  return `${head}\n${facts}\n${formatProperties(p.properties, paint)}`;
}

export function formatProperties(props: Readonly<Record<string, Property>>, paint: Paint): string {
  const keys = Object.keys(props).sort();
  if (keys.length === 0) return paint('dim', 'no properties');
  return formatTable(
    ['KEY', 'VALUE', ''],
    keys.map((k) => [k, props[k]!.value, props[k]!.locked ? paint('yellow', 'locked') : '']),
    paint,
  );
}

function isParticle(value: unknown): value is Particle {
  return typeof value === 'object' && value !== null && 'point' in value && 'kind' in value && 'properties' in value;
}

export function statusText(status: string, paint: Paint): string {
  switch (status) {
    case 'Ready':
    case 'Done':
      return paint('green', status);
    case 'Panic':
    case 'Fatal':
      return paint('red', status);
    case 'Pending':
    case 'Init':
    case 'Resuming':
    case 'Paused':
      return paint('yellow', status);
    default:
      return status;
  }
}

/** Left-aligned columns, two spaces apart, a bold header; widths measured without ANSI. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], paint: Paint): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => stripAnsi(r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat(widths[i]! - stripAnsi(c).length)))
      .join('  ')
      .trimEnd();
  return [paint('bold', line(header)), ...rows.map(line)].join('\n');
}

/** A Pong: its status line, its headers, and its body pretty-printed by kind. */
export function formatPong(value: unknown, paint: Paint): string {
  const pong = value as { status?: number; headers?: Record<string, string>; body?: Substance };
  if (typeof pong !== 'object' || pong === null || typeof pong.status !== 'number') return JSON.stringify(value, null, 2);
  const ok = pong.status < 400;
  const lines = [`${paint(ok ? 'green' : 'red', `${pong.status}`)} ${paint('dim', 'Pong')}`];
  for (const [k, v] of Object.entries(pong.headers ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) lines.push(`${paint('bold', k)}: ${v}`);
  lines.push(formatSubstance(pong.body ?? { kind: 'Empty' }, paint));
  return lines.join('\n');
}

export function formatSubstance(body: Substance, paint: Paint): string {
  switch (body.kind) {
    case 'Empty':
      return paint('dim', '(empty body)');
    case 'Text':
      return body.value;
    case 'Json':
      return JSON.stringify(body.value, null, 2);
    case 'Err':
      return paint('red', `${body.status}: ${body.message}`);
    case 'Bin':
      return paint('dim', `(${Math.floor((body.base64.length * 3) / 4)} bytes of binary)`);
    case 'Map':
    case 'List':
      return JSON.stringify(body.value, null, 2);
    default:
      return `${(body as { value: unknown }).value}`;
  }
}

/** One watch event, as a line. */
export function formatEvent(event: StoreEvent, paint: Paint): string {
  switch (event.type) {
    case 'created':
      return `${paint('green', 'created')} ${paint('cyan', event.point)} <${event.kind}>`;
    case 'deleted':
      return `${paint('red', 'deleted')} ${paint('cyan', event.point)}`;
    case 'status':
      return `${paint('cyan', event.point)} is ${statusText(event.status, paint)}${event.message ? ` ${paint('dim', event.message)}` : ''}`;
    case 'property':
      return event.value === undefined
        ? `${paint('cyan', event.point)} ${paint('red', `!${event.key}`)}`
        : `${paint('cyan', event.point)} ${paint('bold', `+${event.locked ? '@' : ''}${event.key}`)}=${event.value}`;
    case 'content':
      return `${paint('cyan', event.point)} ${paint('green', 'written')} ${event.size} bytes ${paint('dim', event.hash.slice(0, 12))}`;
  }
}

export function formatLogEntry(entry: LogEntry, paint: Paint): string {
  const time = new Date(entry.at).toISOString().slice(11, 23);
  const level = entry.level.toLowerCase();
  const styled = level === 'error' ? paint('red', level) : level === 'warn' ? paint('yellow', level) : paint('dim', level);
  return `${paint('dim', time)} ${styled.padEnd(5)} ${entry.message}`;
}

/** `[#######.......]  3/10` */
export function progressBar(done: number, total: number, width = 24): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
}

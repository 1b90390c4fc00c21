// Hover: what the word under the cursor is and what it resolves to: selector levels (Route, wave kinds and
// their methods), filters, steps and stops, payload kinds, particle kinds (from the compiler's table),
// points (the file they name in the bundle, and whether it exists), property keys, sections, commands, and
// capture variables (the group that defines them); a diagnostic's code adds its summary.

import type * as A from '../../grammar/ast.ts';
import type { Span } from '../../grammar/span.ts';
import { KINDS, KIND_ALIASES } from '../../compiler/check/kind.ts';
import { isWaveKind, methodsOf } from '../../compiler/check/waves.ts';
import { CODES } from '../../compiler/diagnostics/registry.ts';
import { targetAt, type Target } from '../analysis/locate.ts';
import { parsedOf } from '../analysis/parsed.ts';
import { resolvePoint } from '../analysis/resolve.ts';
import { scopesOf as scopesOfDoc } from '../analysis/route-scopes.ts';
import {
  COMMAND_DOCS, FILTER_DOCS, FORMAT_DOCS, PARTICLE_KEYS, ROUTE_DOC, SECTION_DOCS, SECTION_KEYS, STEP_DOCS, STOP_DOCS,
  SUBSTANCE_DOCS, VARIABLE_DOCS, WAVE_KIND_DOCS,
} from '../analysis/vocabulary.ts';
import type { OpenDocument } from '../workspace/document.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { diagnosticsOf } from './diagnostics.ts';

export interface HoverResult {
  readonly span: Span;
  /** Markdown. */
  readonly contents: string;
}

export function hoverAt(workspace: Workspace, doc: OpenDocument, offset: number): HoverResult | undefined {
  const parsed = parsedOf(doc);
  const target = parsed ? targetAt(parsed.ast, offset) : undefined;
  const described = target ? describe(workspace, doc, target) : undefined;
  const codes = diagnosticsOf(workspace, doc).filter((d) => d.primary.span.start <= offset && offset <= d.primary.span.end);
  if (!described && codes.length === 0) return undefined;
  const parts = described ? [described.contents] : [];
  for (const d of codes) {
    const summary = CODES.get(d.code)?.summary;
    if (summary) parts.push(`**${d.code}**: ${summary} — \`starc explain ${d.code}\``);
  }
  return { span: described?.span ?? codes[0]!.primary.span, contents: parts.join('\n\n---\n\n') };
}

function describe(workspace: Workspace, doc: OpenDocument, target: Target): HoverResult | undefined {
  switch (target.kind) {
    case 'root':
      return { span: target.name.span, contents: `**${target.name.text}**(version=1.0.0): the root of a \`.${doc.kind}\` document` };
    case 'level':
      return { span: target.name.span, contents: levelDoc(target.name.text, target.index, target.waveKind) };
    case 'filter': {
      const name = target.filter.name.text;
      const info = (FILTER_DOCS as Record<string, { doc: string }>)[name];
      return { span: target.filter.span, contents: info ? `filter **${name}**: ${info.doc}` : `unknown filter \`${name}\`` };
    }
    case 'path': {
      const groups = target.info?.ownGroups.map((g) => `\`\${${g.name}}\``) ?? [];
      return {
        span: target.path.span,
        contents: `path pattern \`${target.path.text}\`: a regular expression (\`u\` flag)${groups.length ? `; captures ${groups.join(', ')}` : ''}`,
      };
    }
    case 'capture': {
      const uses = target.info.scope.pipeline || target.info.scope.body ? usesOf(doc, target.group) : 0;
      return { span: target.group.span, contents: `capture **${target.group.name}**: \`\${${target.group.name}}\` in the stops of this route (${uses} use${uses === 1 ? '' : 's'})` };
    }
    case 'variable':
      return variableDoc(doc, target);
    case 'step':
      return { span: target.step.span, contents: stepDoc(target.step) };
    case 'stop':
      return { span: target.stop.span, contents: target.stop.kind === 'CoreStop' ? STOP_DOCS.core : target.stop.kind === 'ReplyStop' ? STOP_DOCS.reply : STOP_DOCS.status };
    case 'point':
      return { span: target.point.span, contents: pointDoc(workspace, doc, target.point, target.propKey) };
    case 'method': {
      const m = target.method;
      if (target.part === 'waveKind') return { span: m.waveKind.span, contents: levelDoc(m.waveKind.text, 1, undefined) };
      return { span: m.method?.span ?? m.span, contents: levelDoc(m.method?.text ?? '', 2, m.waveKind.text) };
    }
    case 'substance': {
      const text = (SUBSTANCE_DOCS as Record<string, string>)[target.name.text];
      return { span: target.name.span, contents: text ? `substance **${target.name.text}**: ${text}` : `unknown substance kind \`${target.name.text}\`` };
    }
    case 'format': {
      const text = (FORMAT_DOCS as Record<string, string>)[target.name.text];
      return { span: target.name.span, contents: text ? `format **${target.name.text}**: ${text}` : `unknown format \`${target.name.text}\`` };
    }
    case 'section': {
      const text = SECTION_DOCS[target.fileKind]?.[target.section.name.text];
      return { span: target.section.name.span, contents: text ? `section **${target.section.name.text}**: ${text}` : `unknown section \`${target.section.name.text}\`` };
    }
    case 'property': {
      const key = target.prop.key.text;
      const text = SECTION_KEYS[target.owner]?.[key]?.doc ?? PARTICLE_KEYS[key]?.doc;
      return { span: target.prop.key.span, contents: text ? `property **${key}**: ${text}` : `property **${key}**` };
    }
    case 'particle-kind':
      return { span: target.name.span, contents: kindDoc(target.name.text) };
    case 'command': {
      const text = COMMAND_DOCS[target.command.keyword.text];
      return text ? { span: target.command.keyword.span, contents: text } : undefined;
    }
  }
}

function levelDoc(name: string, index: number, waveKind: string | undefined): string {
  if (index === 0) return name === 'Route' ? `**Route**: ${ROUTE_DOC}` : `\`${name}\`: the first level must be \`Route\``;
  if (index === 1) {
    const text = (WAVE_KIND_DOCS as Record<string, string>)[name];
    return text ? `wave kind **${name}**: ${text}` : `unknown wave kind \`${name}\``;
  }
  if (index === 2 && waveKind !== undefined) {
    if (name === '*') return `any method of \`${waveKind}\``;
    if (!isWaveKind(waveKind)) return `method \`${name}\``;
    const fixed = methodsOf(waveKind);
    if (!fixed) return `**${waveKind}<${name}>**: an Ext method, handled by the receiving mechtron`;
    return fixed.includes(name) ? `**${waveKind}<${name}>**: a method of \`${waveKind}\` (${fixed.join(', ')})` : `\`${name}\` is not a method of \`${waveKind}\` (${fixed.join(', ')})`;
  }
  return `\`${name}\`: a selector has three levels, \`Route<WaveKind<Method>>\``;
}

function stepDoc(step: A.Step): string {
  const parts = [step.check === 'request' ? STEP_DOCS['-['] : step.check === 'response' ? STEP_DOCS['=['] : undefined, STEP_DOCS[step.pass === 'request' ? '->' : '=>']];
  return `step: ${parts.filter(Boolean).join(' ')}`;
}

function kindDoc(name: string): string {
  const info = KINDS.get(KIND_ALIASES.get(name) ?? name);
  if (!info) return `unknown kind \`${name}\``;
  const lines = [`kind **${info.name}**: ${info.summary}`];
  if (info.subKinds.length > 0) lines.push(`sub-kinds: ${info.subKinds.map((s) => `\`${s.name}\``).join(', ')}`);
  lines.push(info.system ? 'created only by the runtime' : `parents: ${info.parents.length ? info.parents.map((p) => `\`${p}\``).join(', ') : '—'}`);
  return lines.join('\n\n');
}

function pointDoc(workspace: Workspace, doc: OpenDocument, point: A.PointRef, propKey: string | undefined): string {
  const lines = [`point \`${point.text}\``];
  const resolved = resolvePoint(workspace, doc, point.text);
  if (resolved) {
    const shown = `${resolved.bundle.shownRoot}/${resolved.bundlePath}`;
    lines.push(resolved.exists ? `the file \`${shown}\` of ${resolved.via === '${doc.bundle}' ? 'this bundle' : `the bundle published as \`${resolved.via}\``}` : `no such file: \`${shown}\``);
  } else if (point.text.startsWith('${doc.bundle}')) {
    lines.push('a file of this document\'s bundle (the document is not in a bundle folder, so it cannot be looked up)');
  }
  if (propKey && PARTICLE_KEYS[propKey]) lines.push(PARTICLE_KEYS[propKey]!.doc);
  return lines.join('\n\n');
}

function variableDoc(doc: OpenDocument, target: Extract<Target, { kind: 'variable' }>): HoverResult {
  const { use, info } = target;
  const builtin = VARIABLE_DOCS[use.name];
  if (builtin) return { span: use.span, contents: `**\${${use.name}}**: ${builtin}` };
  const group = info?.captures.get(use.name);
  if (!group) return { span: use.span, contents: `\`\${${use.name}}\`: not in scope here` };
  const parsed = parsedOf(doc);
  const owner = parsed?.ast.kind === 'BindDocument' ? scopesOfDoc(parsed.ast).find((i) => i.ownGroups.some((g) => g.span.start === group.span.start)) : undefined;
  const path = owner?.scope.selector.path?.text;
  return { span: use.span, contents: `capture **\${${use.name}}**: the text the named group \`${use.name}\` matched${path ? ` in the path \`${path}\`` : ''}` };
}

function usesOf(doc: OpenDocument, group: { name: string; span: Span }): number {
  const parsed = parsedOf(doc);
  if (parsed?.ast.kind !== 'BindDocument') return 0;
  let n = 0;
  for (const info of scopesOfDoc(parsed.ast)) for (const u of info.uses) if (info.captures.get(u.name)?.span.start === group.span.start) n++;
  return n;
}


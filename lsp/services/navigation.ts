// Go to definition, find references and rename, which agree because they read the same tables:
// - a capture: `${name}` in a stop → the named group `(?P<name>...)` of the path that defines it (the innermost
//   enclosing one); its references are every `${name}` that resolves to that same group;
// - a point → the file it names (analysis/resolve.ts); its references are every point in the bundle's source
//   files that names the same file through `${doc.bundle}`.
// Rename applies to captures only: the group's name and every use, in one document.

import { join, sep } from 'node:path';
import type { Span } from '../../grammar/span.ts';
import type { CaptureGroup } from '../../compiler/check/path-pattern.ts';
import { FILE_EXTENSIONS } from '../../compiler/check-file.ts';
import type { BindDocument } from '../../grammar/ast.ts';
import { targetAt, type Target } from '../analysis/locate.ts';
import { parsedOf } from '../analysis/parsed.ts';
import { resolvePoint, type ResolvedFile } from '../analysis/resolve.ts';
import { scopesOf, type ScopeInfo } from '../analysis/route-scopes.ts';
import type { OpenDocument, TextEdit } from '../workspace/document.ts';
import type { Workspace } from '../workspace/workspace.ts';

export interface Location {
  /** The document's key when it is open, else the absolute path of the file. */
  readonly key: string;
  readonly span: Span;
}

function targetOf(doc: OpenDocument, offset: number): { target: Target; ast: BindDocument | undefined } | undefined {
  const parsed = parsedOf(doc);
  const target = parsed && targetAt(parsed.ast, offset);
  if (!parsed || !target) return undefined;
  return { target, ast: parsed.ast.kind === 'BindDocument' ? parsed.ast : undefined };
}

/** The capture a target is or uses, with the scope it is visible from. */
function captureOf(target: Target): CaptureGroup | undefined {
  if (target.kind === 'capture') return target.group;
  if (target.kind === 'variable') return target.info?.captures.get(target.use.name);
  return undefined;
}

export function definitionAt(workspace: Workspace, doc: OpenDocument, offset: number): Location[] {
  const found = targetOf(doc, offset);
  if (!found) return [];
  const group = captureOf(found.target);
  if (group) return [{ key: doc.key, span: group.span }];
  if (found.target.kind === 'point') {
    const file = resolvePoint(workspace, doc, found.target.point.text);
    if (file?.exists) return [{ key: file.absolute, span: { start: 0, end: 0 } }];
  }
  return [];
}

export function referencesAt(workspace: Workspace, doc: OpenDocument, offset: number, includeDeclaration: boolean): Location[] {
  const found = targetOf(doc, offset);
  if (!found) return [];
  const group = captureOf(found.target);
  if (group && found.ast) {
    const uses = captureUses(found.ast, group).map((span) => ({ key: doc.key, span }));
    return includeDeclaration ? [{ key: doc.key, span: group.span }, ...uses] : uses;
  }
  if (found.target.kind === 'point') {
    const file = resolvePoint(workspace, doc, found.target.point.text);
    if (!file) return [];
    const refs = artifactReferences(workspace, file);
    return includeDeclaration && file.exists ? [{ key: file.absolute, span: { start: 0, end: 0 } }, ...refs] : refs;
  }
  return [];
}

/** The `${name}` spans (name only) that resolve to `group`. */
function captureUses(ast: BindDocument, group: CaptureGroup): Span[] {
  const out: Span[] = [];
  for (const info of scopesOf(ast)) {
    for (const use of info.uses) {
      if (use.name === group.name && sameGroup(info, use.name, group)) out.push(use.nameSpan);
    }
  }
  return out;
}

function sameGroup(info: ScopeInfo, name: string, group: CaptureGroup): boolean {
  const g = info.captures.get(name);
  return g !== undefined && g.span.start === group.span.start;
}

/** Every `${doc.bundle}:/path` naming `file` in the source files of its bundle (open text first, else disk). */
function artifactReferences(workspace: Workspace, file: ResolvedFile): Location[] {
  const out: Location[] = [];
  const isSource = (p: string) => FILE_EXTENSIONS[p.slice(p.lastIndexOf('.')).toLowerCase()] !== undefined;
  const sources = new Set(file.bundle.files().filter(isSource));
  // Open documents of the bundle count even before they are saved.
  for (const doc of workspace.documents()) {
    if (doc.path?.startsWith(file.bundle.root + sep) && isSource(doc.path)) sources.add(doc.path.slice(file.bundle.root.length + 1).split(sep).join('/'));
  }
  const needle = file.bundlePath;
  for (const rel of sources) {
    const absolute = join(file.bundle.root, ...rel.split('/'));
    const text = workspace.textOf(absolute);
    if (text === undefined || !text.includes(needle)) continue;
    const open = workspace.documents().find((d) => d.path === absolute);
    const re = /\$\{doc\.bundle\}:?\/([^\s;,)}>\]"'#]+)/g;
    for (const m of text.matchAll(re)) {
      if (m[1] === needle) out.push({ key: open?.key ?? absolute, span: { start: m.index!, end: m.index! + m[0].length } });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------- rename

/** A capture name is both a JavaScript group name and a variable name (`[a-z][a-z0-9.-]*` in SPEC §2). */
const CAPTURE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type RenameCheck = { readonly span: Span; readonly placeholder: string } | { readonly error: string };

export function prepareRenameAt(doc: OpenDocument, offset: number): RenameCheck {
  const found = targetOf(doc, offset);
  const group = found && captureOf(found.target);
  if (!found || !group) {
    if (found?.target.kind === 'variable') return { error: `\`\${${found.target.use.name}}\` is not a capture of this route` };
    return { error: 'only capture variables can be renamed: put the cursor on `(?P<name>` or `${name}`' };
  }
  const span = found.target.kind === 'variable' ? found.target.use.nameSpan : group.span;
  return { span, placeholder: group.name };
}

export function renameAt(doc: OpenDocument, offset: number, newName: string): { readonly edits: TextEdit[] } | { readonly error: string } {
  const check = prepareRenameAt(doc, offset);
  if ('error' in check) return check;
  const found = targetOf(doc, offset)!;
  const group = captureOf(found.target)!;
  if (!CAPTURE_NAME.test(newName)) {
    return { error: `\`${newName}\` is not a capture name: letters, digits and \`_\`, not starting with a digit` };
  }
  if (newName === 'doc' || newName === 'self') return { error: `\`\${${newName}}\` is a document variable` };
  if (newName === group.name) return { edits: [] };
  const ast = found.ast!;
  // The new name must not capture a use that means another group, nor be hidden by one.
  for (const info of scopesOf(ast)) {
    if (!sameGroup(info, group.name, group)) continue;
    if (info.captures.has(newName)) return { error: `\`${newName}\` is already a capture in scope here` };
  }
  const spans = [group.span, ...captureUses(ast, group)];
  return { edits: spans.map((span) => ({ span, newText: newName })) };
}

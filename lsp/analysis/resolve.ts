// What a point names on disk, when it names a file the workspace can see:
// - `${doc.bundle}:/html/index.html` → that file in the document's bundle;
// - `repo:site:1.0.0:/router/site.router` → that file in the bundle folder an app's `install.script`
//   publishes as `repo:site:1.0.0` (`publish ^[ bundle ]-> repo:site:1.0.0;`): in a script, its own
//   publishes; in a bundle, those of the `install.script` beside it (the app dir).

import { dirname, join } from 'node:path';
import type { ScriptDocument } from '../../grammar/ast.ts';
import { parseDocument } from '../../grammar/parser.ts';
import { bundlePathOf } from '../../compiler/bundle/check-artifacts.ts';
import { bundleView, shownPath, type BundleView } from '../workspace/bundle-view.ts';
import type { OpenDocument } from '../workspace/document.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { parsedOf } from './parsed.ts';

export interface ResolvedFile {
  /** The bundle the file is in. */
  readonly bundle: BundleView;
  /** Bundle-relative: `html/index.html`. */
  readonly bundlePath: string;
  readonly absolute: string;
  readonly exists: boolean;
  /** How the point names the bundle: `${doc.bundle}` or the published point (`repo:site:1.0.0`). */
  readonly via: string;
}

export function resolvePoint(workspace: Workspace, doc: OpenDocument, pointText: string): ResolvedFile | undefined {
  const own = bundlePathOf(pointText);
  if (own !== undefined) {
    const bundle = workspace.bundleOf(doc);
    return bundle && located(bundle, own, '${doc.bundle}');
  }
  const colon = pointText.indexOf(':/');
  if (colon < 0) return undefined;
  const prefix = pointText.slice(0, colon);
  const path = pointText.slice(colon + 2);
  if (path === '' || path.includes('${') || path.split('/').includes('..')) return undefined;
  const bundle = publishedBundles(workspace, doc).get(prefix);
  return bundle && located(bundle, path, prefix);
}

function located(bundle: BundleView, bundlePath: string, via: string): ResolvedFile {
  return { bundle, bundlePath, absolute: bundle.absolute(bundlePath), exists: bundle.read(bundlePath) !== undefined, via };
}

/** Published point (`repo:site:1.0.0`) → the bundle folder published there, for the app dir of `doc`. */
export function publishedBundles(workspace: Workspace, doc: OpenDocument): Map<string, BundleView> {
  const out = new Map<string, BundleView>();
  if (doc.path === undefined) return out;
  let script: ScriptDocument | undefined;
  let scriptPath: string;
  if (doc.kind === 'script') {
    script = parsedOf(doc)?.ast as ScriptDocument | undefined;
    scriptPath = doc.path;
  } else {
    const bundle = workspace.bundleOf(doc);
    if (!bundle) return out;
    scriptPath = join(dirname(bundle.root), 'install.script');
    const text = workspace.textOf(scriptPath);
    if (text === undefined) return out;
    script = parseDocument(text, 'script').ast as ScriptDocument;
  }
  for (const command of script?.commands ?? []) {
    if (command?.kind !== 'PublishCommand' || !command.source || !command.target) continue;
    const folder = join(dirname(scriptPath), ...command.source.text.split('/'));
    if (command.source.text.endsWith('.zip') || workspace.list(folder) === undefined) continue;
    out.set(command.target.text, bundleView(folder, shownPath(folder, []), { read: (p) => workspace.read(p), list: (p) => workspace.list(p) }));
  }
  return out;
}

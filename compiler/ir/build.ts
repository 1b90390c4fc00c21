// Building a bundle: find its folder (a bundle, or the one bundle of an app dir), check every source file in it
// with the bundle's artifacts in view, and lower them to one IR document — or refuse with the diagnostics when
// any file has an error (warnings do not stop a build).

import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { basename, join } from 'node:path';
import { parseDocument } from '../../grammar/parser.ts';
import { checkFile, fileKindOfPath } from '../check-file.ts';
import { bundleFromDirectory, BUNDLE_FOLDERS, type BundleFiles } from '../bundle/bundle-files.ts';
import { decodeSource } from '../source-text.ts';
import { sortByPosition, type FileReport } from '../diagnostics/render.ts';
import { lowerDocument } from './lower.ts';
import { IR_VERSION, type Ir, type IrDocument } from './types.ts';

export interface BundleLocation {
  /** The bundle folder (absolute). */
  readonly root: string;
  /** The bundle's name: its folder's, or the app dir's when the folder is an app dir's `bundle/`. */
  readonly name: string;
  /** Source files of the app dir around the bundle (its `install.script`), absolute; checked, not lowered. */
  readonly appScripts: readonly string[];
}

export type Located = { readonly ok: BundleLocation } | { readonly problem: string; readonly help?: string };

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function holdsBundle(dir: string): boolean {
  return BUNDLE_FOLDERS.some((f) => isDirectory(join(dir, f)));
}

/**
 * The bundle that `dir` names (DESIGN.md §1): `dir` itself when it holds a bundle folder (`bind/`, `config/`,
 * ...), else the one sub-folder of an app dir that does. Several bundles in one app dir must be named.
 */
export function locateBundle(dir: string): Located {
  if (!isDirectory(dir)) return { problem: `\`${dir}\` is not a folder`, help: 'name a bundle folder or an app dir' };
  if (holdsBundle(dir)) return { ok: { root: dir, name: basename(dir), appScripts: [] } };
  const bundles = entries(dir)
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules' && holdsBundle(join(dir, e.name)))
    .map((e) => e.name)
    .sort(byCodeUnit);
  if (bundles.length === 0) {
    return {
      problem: `no bundle in \`${dir}\``,
      help: `a bundle is a folder holding ${BUNDLE_FOLDERS.map((f) => `\`${f}/\``).join(', ')}; an app dir holds one beside its install.script`,
    };
  }
  if (bundles.length > 1) {
    return {
      problem: `\`${dir}\` holds ${bundles.length} bundles: ${bundles.map((b) => `\`${b}\``).join(', ')}`,
      help: 'build one at a time: `starc build <app dir>/<bundle>`',
    };
  }
  const name = bundles[0]!;
  const appScripts = entries(dir)
    .filter((e) => e.isFile() && fileKindOfPath(e.name) === 'script')
    .map((e) => join(dir, e.name))
    .sort(byCodeUnit);
  return { ok: { root: join(dir, name), name: name === 'bundle' ? basename(dir) : name, appScripts } };
}

function entries(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Every file of the bundle, bundle-relative with `/`, sorted; dot-files and node_modules are not part of it. */
export function bundleFileList(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, prefix: string): void => {
    for (const entry of entries(dir)) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const rel = prefix + entry.name;
      if (entry.isDirectory()) walk(join(dir, entry.name), `${rel}/`);
      else if (entry.isFile() || (entry.isSymbolicLink() && !isDirectory(join(dir, entry.name)))) out.push(rel);
    }
  };
  walk(root, '');
  return out.sort(byCodeUnit);
}

export interface BuildResult {
  /** Undefined when some file has an error: the bundle is refused. */
  readonly ir: Ir | undefined;
  /** One report per source file checked (clean ones too), for the diagnostics renderers. */
  readonly reports: readonly FileReport[];
}

/** A source file of the bundle: its bundle-relative path, how it is shown to the user, and its bytes. */
export interface BundleSource {
  readonly path: string;
  readonly shown: string;
  readonly bytes: Uint8Array;
}

/**
 * Check `sources` (with `bundle` for the artifacts they name) and lower them when no file has an error.
 * `files` is every file of the bundle; app-dir scripts are passed in `extra` (checked, not lowered).
 */
export function buildSources(
  sources: readonly BundleSource[],
  files: readonly string[],
  bundle: BundleFiles,
  name: string | undefined,
  extra: readonly BundleSource[] = [],
): BuildResult {
  const reports: FileReport[] = [];
  const texts = new Map<string, string>();
  for (const source of [...sources, ...extra]) {
    const decoded = decodeSource(source.bytes);
    const diagnostics = 'problem' in decoded ? [decoded.problem] : checkFile(source.shown, decoded.text, bundle);
    reports.push({ path: source.shown, text: decoded.text, diagnostics: sortByPosition(diagnostics) });
    texts.set(source.path, decoded.text);
  }
  if (reports.some((r) => r.diagnostics.some((d) => d.severity === 'error'))) return { ir: undefined, reports };

  const documents: IrDocument[] = [];
  for (const source of sources) {
    const kind = fileKindOfPath(source.path);
    if (kind === undefined || kind === 'routes-conf') continue; // refused above (E0009, E0004)
    const text = texts.get(source.path)!;
    documents.push(lowerDocument(parseDocument(text, kind).ast, source.path, text));
  }
  const ir: Ir = { irVersion: IR_VERSION, bundle: { ...(name ? { name } : {}), files: [...files] }, documents };
  return { ir, reports };
}

/** Build the bundle at `location`; `show` turns an absolute path into the one diagnostics show. */
export function buildBundle(location: BundleLocation, show: (absolute: string) => string): BuildResult {
  const files = bundleFileList(location.root);
  const read = (abs: string, path: string): BundleSource => ({ path, shown: show(abs), bytes: readFileSync(abs) });
  const sources = files
    .filter((f) => fileKindOfPath(f) !== undefined)
    .map((f) => read(join(location.root, ...f.split('/')), f));
  const extra = location.appScripts.map((abs) => read(abs, basename(abs)));
  return buildSources(sources, files, bundleFromDirectory(location.root, show(location.root)), location.name, extra);
}

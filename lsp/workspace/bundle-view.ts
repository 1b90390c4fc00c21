// A bundle folder as the language server sees it: the compiler's `BundleFiles` (what the checks read) over
// the editor's open documents first and the disk second, plus the listing that completion offers
// (`${doc.bundle}:/html/index.html`). Reads go through the workspace's cache, which file events invalidate.

import { join, relative, sep } from 'node:path';
import type { BundleFiles } from '../../compiler/bundle/bundle-files.ts';

/** The files of a bundle, bundle-relative with `/`; folders skipped as `starc check` skips them. */
const MAX_LISTED_FILES = 2000;

export interface BundleView extends BundleFiles {
  /** The bundle folder (absolute). */
  readonly root: string;
  /** Every file in the bundle, bundle-relative (`html/index.html`), sorted; at most 2,000. */
  files(): string[];
  /** The absolute path of a bundle-relative path. */
  absolute(relativePath: string): string;
}

export interface BundleSource {
  read(absolutePath: string): Uint8Array | undefined;
  list(absoluteFolder: string): string[] | undefined;
}

export function bundleView(root: string, shownRoot: string, source: BundleSource): BundleView {
  let listing: string[] | undefined;
  return {
    root,
    shownRoot,
    read(path) {
      // `..` never leaves the bundle: an artifact path is inside it or absent (as bundleFromDirectory).
      if (path.split('/').includes('..')) return undefined;
      return source.read(join(root, ...path.split('/')));
    },
    absolute: (path) => join(root, ...path.split('/')),
    files() {
      if (listing) return listing;
      const out: string[] = [];
      const walk = (folder: string, prefix: string) => {
        for (const name of (source.list(folder) ?? []).sort()) {
          if (out.length >= MAX_LISTED_FILES) return;
          if (name.startsWith('.') || name === 'node_modules/') continue;
          if (name.endsWith('/')) walk(join(folder, name.slice(0, -1)), `${prefix}${name}`);
          else out.push(`${prefix}${name}`);
        }
      };
      walk(root, '');
      return (listing = out);
    },
  };
}

/** `site/bundle` for a bundle under a workspace folder, else the absolute path (as `starc check` run there shows it). */
export function shownPath(path: string, workspaceFolders: readonly string[]): string {
  for (const folder of workspaceFolders) {
    const rel = relative(folder, path);
    if (rel === '') return '.';
    if (!rel.startsWith('..') && !rel.startsWith(sep) && !/^[A-Za-z]:/.test(rel)) return rel.split(sep).join('/');
  }
  return path;
}

// A bundle's files as the checker sees them: a folder on disk for the CLI (or, later, the LSP's open
// documents over it). `${doc.bundle}:/schema/x.json` resolves to `schema/x.json` in here.

import { readFileSync, statSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';

export interface BundleFiles {
  /** Where the bundle is, as shown to the user (`site/bundle`). */
  readonly shownRoot: string;
  /** The bytes of `path` (bundle-relative, `/`-separated, no leading `/`), or undefined if absent. */
  read(path: string): Uint8Array | undefined;
}

/** Folders of a bundle (DESIGN.md §1); a folder holding one of these holds a bundle. */
const BUNDLE_FOLDERS = ['bind', 'router', 'config', 'wasm', 'schema', 'html'];

/**
 * The bundle a file belongs to: the parent of its `bind/`, `router/` or `config/` folder. Undefined for a
 * file outside that layout (a single file checked on its own), whose `${doc.bundle}` cannot be resolved.
 */
export function findBundleRoot(absoluteFile: string): string | undefined {
  const folder = dirname(absoluteFile);
  const name = folder.slice(folder.lastIndexOf(sep) + 1);
  if (!['bind', 'router', 'config'].includes(name)) return undefined;
  return dirname(folder);
}

export function bundleFromDirectory(root: string, shownRoot: string): BundleFiles {
  const cache = new Map<string, Uint8Array | undefined>();
  return {
    shownRoot,
    read(path) {
      if (cache.has(path)) return cache.get(path);
      let bytes: Uint8Array | undefined;
      // `..` never leaves the bundle: an artifact path is inside it or absent.
      if (!path.split('/').includes('..')) {
        try {
          const full = join(root, ...path.split('/'));
          if (statSync(full).isFile()) bytes = readFileSync(full);
        } catch {
          bytes = undefined;
        }
      }
      cache.set(path, bytes);
      return bytes;
    },
  };
}

export { BUNDLE_FOLDERS };

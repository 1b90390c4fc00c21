// The workspace: the open documents, the files around them, and which documents depend on which files.
//
// Decisions:
// - A bundle folder is understood as a whole: a document in `bind/`, `router/` or `config/` is checked with
//   its bundle (the compiler's `findBundleRoot`), whose files are read from the open documents first and the
//   disk second, so an unsaved `.mechtron` and the `.wasm` beside it are seen together.
// - Dependencies are the bundle paths a document names (`${doc.bundle}:/wasm/x.wasm`), found by a scan of its
//   text (cheap and indifferent to syntax errors). A change to a file re-checks the open documents of its
//   bundle that name it: `dependentsOf`.
// - Disk reads are cached until a file event (or an open/change/close of that file) invalidates them.

import { dirname, isAbsolute, sep } from 'node:path';
import { findBundleRoot } from '../../compiler/bundle/bundle-files.ts';
import { bundleView, shownPath, type BundleView } from './bundle-view.ts';
import { documentKindOf, OpenDocument, type TextEdit } from './document.ts';
import type { FileSystem } from './file-system.ts';

const encoder = new TextEncoder();

export class Workspace {
  private readonly docs = new Map<string, OpenDocument>();
  private readonly diskCache = new Map<string, Uint8Array | undefined>();
  private readonly listCache = new Map<string, string[] | undefined>();
  private readonly bundles = new Map<string, BundleView>();
  private folders: string[] = [];
  /** Grows whenever a file other than through an edit changes (open, close, disk): results depending on other files are stale then. */
  private generationCount = 0;

  get generation(): number {
    return this.generationCount;
  }

  constructor(private readonly fs: FileSystem) {}

  /** The workspace folders (absolute): bundle paths in messages are shown relative to them. */
  setFolders(folders: readonly string[]): void {
    this.folders = folders.filter((f) => isAbsolute(f));
    this.bundles.clear();
  }

  open(key: string, path: string | undefined, version: number, text: string, languageId = ''): OpenDocument {
    const doc = new OpenDocument(key, path, documentKindOf(path, languageId), version, text);
    this.docs.set(key, doc);
    this.touched(path);
    return doc;
  }

  /** Apply incremental edits (spans of the text before each); a whole-text change is one edit over all of it. */
  change(key: string, version: number, edits: readonly TextEdit[]): OpenDocument | undefined {
    const doc = this.docs.get(key);
    if (!doc) return undefined;
    // Its text is served from here, not the disk: no cache to forget, and the bundle's listing is unchanged.
    const next = doc.edited(version, edits);
    this.docs.set(key, next);
    return next;
  }

  close(key: string): void {
    const doc = this.docs.get(key);
    this.docs.delete(key);
    this.touched(doc?.path);
  }

  get(key: string): OpenDocument | undefined {
    return this.docs.get(key);
  }

  documents(): OpenDocument[] {
    return [...this.docs.values()];
  }

  /** A file changed on disk (created, changed, deleted): forget what was read of it. */
  fileChanged(path: string): void {
    this.touched(path);
  }

  /** The bundle a document belongs to, or undefined for a file outside a bundle's layout. */
  bundleOf(doc: OpenDocument): BundleView | undefined {
    return doc.path === undefined ? undefined : this.bundleAt(doc.path);
  }

  bundleAt(absoluteFile: string): BundleView | undefined {
    const root = findBundleRoot(absoluteFile);
    if (root === undefined) return undefined;
    let view = this.bundles.get(root);
    if (!view) {
      view = bundleView(root, shownPath(root, this.folders), { read: (p) => this.read(p), list: (p) => this.list(p) });
      this.bundles.set(root, view);
    }
    return view;
  }

  /** The text of a file: the open document's, else the disk's (UTF-8), else undefined. */
  textOf(path: string): string | undefined {
    const open = this.openAt(path);
    if (open) return open.text;
    const bytes = this.read(path);
    return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
  }

  /** The contents of a folder on disk (names; folders end with `/`). */
  list(folder: string): string[] | undefined {
    if (!this.listCache.has(folder)) this.listCache.set(folder, this.fs.listFolder(folder));
    return this.listCache.get(folder);
  }

  read(path: string): Uint8Array | undefined {
    const open = this.openAt(path);
    if (open) return encoder.encode(open.text);
    if (!this.diskCache.has(path)) this.diskCache.set(path, this.fs.readFile(path));
    return this.diskCache.get(path);
  }

  /**
   * The open documents to check again after `path` changed: those of the same bundle that name it. The
   * changed document itself is not among them (its own change re-checks it).
   */
  dependentsOf(path: string): OpenDocument[] {
    const out: OpenDocument[] = [];
    for (const doc of this.docs.values()) {
      if (doc.path === undefined || doc.path === path) continue;
      const bundle = this.bundleOf(doc);
      if (!bundle || !path.startsWith(bundle.root + sep)) continue;
      const relativePath = path.slice(bundle.root.length + 1).split(sep).join('/');
      if (bundlePathsNamedIn(doc.text).has(relativePath)) out.push(doc);
    }
    return out;
  }

  private openAt(path: string): OpenDocument | undefined {
    const doc = this.docs.get(path);
    if (doc) return doc;
    for (const d of this.docs.values()) if (d.path === path) return d;
    return undefined;
  }

  private touched(path: string | undefined): void {
    if (path === undefined) return;
    this.generationCount++;
    this.diskCache.delete(path);
    // A created or deleted file changes its folder's listing and every bundle listing above it.
    for (let folder = dirname(path); ; folder = dirname(folder)) {
      this.listCache.delete(folder);
      if (dirname(folder) === folder) break;
    }
    for (const [root] of this.bundles) if (path.startsWith(root + sep)) this.bundles.delete(root);
  }
}

const BUNDLE_PATH = /\$\{doc\.bundle\}:?\/([^\s;,)}>\]"'#]+)/g;

/** The bundle-relative paths a text names through `${doc.bundle}` (whatever its syntax errors). */
export function bundlePathsNamedIn(text: string): Set<string> {
  const out = new Set<string>();
  if (!text.includes('${doc.bundle}')) return out;
  for (const m of text.matchAll(BUNDLE_PATH)) out.add(m[1]!);
  return out;
}


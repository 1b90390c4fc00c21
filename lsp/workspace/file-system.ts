// The workspace's window on files that are not open in the editor: bundle artifacts (wasm, schemas, html) and
// the sources that refer to them. An interface, so tests run the services on an in-memory tree; `nodeFileSystem`
// is the real disk (no LSP types here: the adapter only chooses which one to pass).

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface FileSystem {
  /** The bytes of a file, or undefined when it does not exist or is not a file. */
  readFile(path: string): Uint8Array | undefined;
  /** The entries of a folder (names only, folders marked by a trailing `/`), or undefined when it is none. */
  listFolder(path: string): string[] | undefined;
}

export const nodeFileSystem: FileSystem = {
  readFile(path) {
    try {
      return statSync(path).isFile() ? readFileSync(path) : undefined;
    } catch {
      return undefined;
    }
  },
  listFolder(path) {
    try {
      return readdirSync(path, { withFileTypes: true }).map((entry) => {
        const folder = entry.isDirectory() || (entry.isSymbolicLink() && isFolder(join(path, entry.name)));
        return folder ? `${entry.name}/` : entry.name;
      });
    } catch {
      return undefined;
    }
  },
};

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** An in-memory tree (absolute `/`-separated paths → text or bytes), for tests and benchmarks. */
export function memoryFileSystem(files: Record<string, string | Uint8Array>): FileSystem & { write(path: string, content: string | Uint8Array | undefined): void } {
  const contents = new Map<string, Uint8Array>();
  const encoder = new TextEncoder();
  const write = (path: string, content: string | Uint8Array | undefined) => {
    if (content === undefined) contents.delete(path);
    else contents.set(path, typeof content === 'string' ? encoder.encode(content) : content);
  };
  for (const [path, content] of Object.entries(files)) write(path, content);
  return {
    write,
    readFile: (path) => contents.get(path),
    listFolder(path) {
      const prefix = path.endsWith('/') ? path : `${path}/`;
      const names = new Set<string>();
      for (const file of contents.keys()) {
        if (!file.startsWith(prefix)) continue;
        const rest = file.slice(prefix.length);
        const slash = rest.indexOf('/');
        names.add(slash < 0 ? rest : rest.slice(0, slash + 1));
      }
      return names.size > 0 ? [...names].sort() : undefined;
    },
  };
}

// Content-addressed blobs on disk: `<dataDir>/blobs/<sha256>`, written to a temporary file, fsynced, renamed
// into place and the directory fsynced, so a blob a caller was told about is whole after `kill -9` or a crash,
// and a half-written one is never visible under its name.

import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const HASH = /^[0-9a-f]{64}$/;

/** SHA-256 of no bytes: an empty File's content, never stored on disk. */
export const EMPTY_HASH = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export function isBlobHash(text: string): boolean {
  return HASH.test(text);
}

export function hashOf(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export class BlobDir {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  pathOf(hash: string): string {
    return join(this.dir, hash);
  }

  has(hash: string): boolean {
    return existsSync(this.pathOf(hash));
  }

  /** Stores `bytes` durably and returns its hash; storing the same bytes twice writes once. */
  put(bytes: Uint8Array): string {
    const hash = hashOf(bytes);
    const target = this.pathOf(hash);
    if (existsSync(target)) return hash;
    const temp = join(this.dir, `.tmp-${hash.slice(0, 16)}-${randomBytes(6).toString('hex')}`);
    const fd = openSync(temp, 'wx');
    try {
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
      fsyncSync(fd);
    } catch (e) {
      closeSync(fd);
      rmSync(temp, { force: true });
      throw e;
    }
    closeSync(fd);
    renameSync(temp, target);
    syncDir(this.dir);
    return hash;
  }

  /** The blob's size on disk, or undefined when there is no such blob. */
  sizeOf(hash: string): number | undefined {
    if (!isBlobHash(hash)) return undefined;
    try {
      return statSync(this.pathOf(hash)).size;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  /**
   * Removes every blob `keep` refuses, and temporary files older than `tempAgeMs` (a writer that died mid-put);
   * returns what went. Synchronous, like `put`: no put can be between its write and its row meanwhile.
   */
  sweep(keep: (hash: string) => boolean, now: number, tempAgeMs = 3_600_000): { readonly removed: number; readonly bytes: number } {
    let removed = 0;
    let bytes = 0;
    for (const name of readdirSync(this.dir)) {
      const path = join(this.dir, name);
      const isTemp = name.startsWith('.tmp-');
      if (!isTemp && (!isBlobHash(name) || keep(name))) continue;
      let stat;
      try {
        stat = statSync(path);
      } catch {
        continue;
      }
      if (isTemp && now - stat.mtimeMs < tempAgeMs) continue;
      rmSync(path, { force: true });
      removed++;
      bytes += stat.size;
    }
    if (removed > 0) syncDir(this.dir);
    return { removed, bytes };
  }

  get(hash: string): Uint8Array | undefined {
    if (!isBlobHash(hash)) return undefined;
    try {
      return readFileSync(this.pathOf(hash));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }
}

/** fsync of a directory makes a rename in it durable (Linux, macOS); Windows cannot open directories. */
export function syncDir(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch {
    // EINVAL/EISDIR on file systems that do not sync directories: nothing more can be done.
  } finally {
    closeSync(fd);
  }
}

// Finding and reading source files for the commands that take paths (check, fmt, migrate): files and folders,
// a folder walk that picks up the five extensions and `routes.conf`, skips dot-folders and node_modules, and
// lists in code-unit order, so every machine sees the same order.

import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileKindOfPath } from '../compiler/check-file.ts';
import { unreadableFile } from '../compiler/check/file-kind.ts';
import { SETTINGS_FILE } from '../compiler/settings/settings.ts';
import { decodeSource, type DecodedSource } from '../compiler/source-text.ts';
import type { UsageProblem } from './args.ts';

export interface SourceFile {
  readonly absolute: string;
  /** As shown in output: relative to the working directory when inside it, with forward slashes. */
  readonly shown: string;
}

/**
 * Names a folder walk picks up; a file named on the command line is taken whatever its name. `starc.yaml` (an
 * app dir's settings) only for `check`: fmt and migrate have nothing to do with it.
 */
function isSourceName(name: string, verb: string): boolean {
  if (name === 'routes.conf') return true;
  if (name === SETTINGS_FILE) return verb === 'check';
  const kind = fileKindOfPath(name);
  return kind !== undefined && kind !== 'routes-conf';
}

/**
 * The files under `paths`, in argument order, each folder's files sorted, each file once. A path that does
 * not exist, or a folder with no source file, is a usage problem (`verb` names the command's action in it).
 */
export function collectSourceFiles(paths: readonly string[], cwd: string, verb = 'check'): SourceFile[] | UsageProblem {
  const files: SourceFile[] = [];
  const seen = new Set<string>();
  const add = (absolute: string) => {
    if (seen.has(absolute)) return;
    seen.add(absolute);
    files.push({ absolute, shown: shownPath(absolute, cwd) });
  };
  for (const path of paths) {
    const absolute = resolve(cwd, path);
    let isDirectory: boolean;
    try {
      isDirectory = statSync(absolute).isDirectory();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return { message: `no such file or folder: \`${path}\`` };
      return { message: `cannot read \`${path}\`: ${describeIoError(error)}` };
    }
    if (!isDirectory) {
      add(absolute);
      continue;
    }
    const inFolder: string[] = [];
    const walked = walk(absolute, inFolder, verb);
    if (walked) return { message: `cannot read folder \`${shownPath(walked.folder, cwd)}\`: ${walked.reason}` };
    if (inFolder.length === 0) {
      return {
        message: `no files to ${verb} in \`${path}\``,
        help: `starc ${verb}s .bind, .router, .app, .mechtron and .script files (and routes.conf) in folders; name a file to ${verb} it whatever its extension`,
      };
    }
    inFolder.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).forEach(add);
  }
  return files;
}

/**
 * Collect source files below `folder`, skipping dot-folders (.git, .starlane) and node_modules. Symbolic links
 * to files are followed, links to folders are not (they could loop). Returns the first unreadable folder.
 */
function walk(folder: string, out: string[], verb: string): { folder: string; reason: string } | undefined {
  let entries: Dirent[];
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch (error) {
    return { folder, reason: describeIoError(error) };
  }
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const problem = walk(path, out, verb);
      if (problem) return problem;
    } else if (isSourceName(entry.name, verb) && (entry.isFile() || (entry.isSymbolicLink() && isFile(path)))) {
      out.push(path);
    }
  }
  return undefined;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export function shownPath(absolute: string, cwd: string): string {
  const rel = relative(cwd, absolute);
  const inside = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
  return (inside ? rel : absolute).split(sep).join('/');
}

export function describeIoError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const reasons: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EISDIR: 'it is a folder',
    ENOENT: 'it does not exist',
    EMFILE: 'too many open files',
  };
  return (code && reasons[code]) ?? (error instanceof Error ? error.message : String(error));
}

/** The file's text (a leading byte-order mark dropped), or E0011 with what could be decoded. */
export function readSource(absolute: string): DecodedSource {
  let bytes: Buffer;
  try {
    bytes = readFileSync(absolute);
  } catch (error) {
    return { text: '', problem: unreadableFile(describeIoError(error)) };
  }
  return decodeSource(bytes);
}

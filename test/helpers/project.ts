// Test helpers for anything that needs files on disk or the built binary: temporary project folders
// (removed after each test), copies of the sample apps, and runs of `dist/starc.mjs` in a colour-neutral environment.

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The built CLI; STARC_E2E_BIN tests another build of it (an installed or packed one). */
export const STARC_BIN = process.env['STARC_E2E_BIN'] ?? join(ROOT, 'dist', 'starc.mjs');

const made: string[] = [];

/** A fresh folder holding `files` (path → text or bytes); `removeProjects` deletes it. */
export function project(files: Record<string, string | Uint8Array>, prefix = 'starc-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  made.push(dir);
  return dir;
}

export interface SampleCopy {
  /** The fresh folder: a cwd for the run. */
  readonly work: string;
  /** `<work>/<name>`: the copy of samples/<name>. */
  readonly appDir: string;
  /** `<work>/data`: not made; a data dir for `starc run --data`. */
  readonly dataDir: string;
}

/** A fresh folder holding a copy of the app dir samples/`name` (tests may change it); `removeProjects` deletes it. */
export function copySample(name: string, prefix = 'starc-'): SampleCopy {
  const work = project({}, prefix);
  const appDir = join(work, name);
  cpSync(join(ROOT, 'samples', name), appDir, { recursive: true });
  return { work, appDir, dataDir: join(work, 'data') };
}

/** Delete every folder `project` (or `copySample`) made; register with `test.after.each(removeProjects)`. */
export function removeProjects(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface StarcRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run the built starc in `cwd`; NO_COLOR, FORCE_COLOR and STARC_BACKTRACE are cleared, then `env` applies. */
export function starc(cwd: string, args: readonly string[], options: { env?: Record<string, string>; input?: string } = {}): StarcRun {
  const base = { ...process.env };
  for (const name of ['NO_COLOR', 'FORCE_COLOR', 'STARC_BACKTRACE']) delete base[name];
  const result = spawnSync(process.execPath, [STARC_BIN, ...args], {
    cwd,
    env: { ...base, ...options.env },
    encoding: 'utf8',
    ...(options.input !== undefined ? { input: options.input } : {}),
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** For `test.before`: the e2e tests need `npm run build` first (npm test does it). */
export function requireBuiltBinary(): void {
  if (!existsSync(STARC_BIN)) throw new Error(`${STARC_BIN} is missing: run \`npm run build\` first (npm test does)`);
}

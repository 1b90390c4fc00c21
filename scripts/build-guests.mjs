// Compiles the AssemblyScript guests (Mechtrons) with asc from npm: no external toolchain, no committed .wasm.
//   node scripts/build-guests.mjs               every guest of the repo:
//        samples/<app>/guest/<name>.ts      → samples/<app>/bundle/wasm/<name>.wasm
//        test/fixtures/guests/<name>.ts     → test/fixtures/guests/build/<name>.wasm
//   node scripts/build-guests.mjs DIR...        the guests of these app dirs (DIR/guest/*.ts → DIR/bundle/wasm/)
//   --force                                     rebuild even when up to date
//
// Decisions:
// - Each guest is compiled with the SDK's exports.ts as a second entry, so its file holds only handlers; the
//   SDK is found by package name (`import { ... } from "guest"`, asc `--path runtime`).
// - Runtime `minimal` (TLSF + a collector the SDK runs between messages: small and nothing runs behind a
//   handler's back), -O3 with shrink level 1, one initial page, `abort` routed to the SDK's panic (file:line).
// - Up to date = the output is newer than every input: the guest's file, the helpers beside it in `lib/`,
//   the SDK, this script and asc's version. Every `guest/*.ts` file is a mechtron of its own.
// - Compiles run in a small pool of child processes (asc is single-threaded; the machines have 2+ CPUs).
//   Errors print asc's own diagnostics under the guest's name; the exit code is 1 if any guest failed.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SDK = join(ROOT, 'runtime/guest');
const ASC_OPTIONS = [
  '--path', join(ROOT, 'runtime'),
  '--runtime', 'minimal',
  '--optimizeLevel', '3',
  '--shrinkLevel', '1',
  '--initialMemory', '1',
  '--use', 'abort=~lib/guest/log/guestAbort',
];

/** Compiles one guest in this process (the worker side). */
async function compileOne(source, output) {
  const { default: asc } = await import('assemblyscript/asc');
  mkdirSync(dirname(output), { recursive: true });
  const color = process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0';
  // A guest that exports the ABI itself (test/fixtures/guests/garbage.ts) gets no second entry.
  const ownExports = /export\s+function\s+mechtron_frame_to_guest\b/.test(readFileSync(source, 'utf8'));
  const entries = ownExports ? [relative(ROOT, source)] : [relative(ROOT, source), relative(ROOT, join(SDK, 'exports.ts'))];
  const { error } = await asc.main(
    [...entries, '--outFile', relative(ROOT, output), ...ASC_OPTIONS, ...(color ? [] : ['--noColors'])],
    { stdout: process.stdout, stderr: process.stderr, baseDir: ROOT },
  );
  return error ? 1 : 0;
}

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry.startsWith('.') || entry === 'build' || entry === 'node_modules') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

function guestsOfApp(appDir) {
  const dir = join(appDir, 'guest');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .sort()
    .map((f) => ({ source: join(dir, f), output: join(appDir, 'bundle/wasm', f.replace(/\.ts$/, '.wasm')), inputs: [join(dir, f), join(dir, 'lib')] }));
}

function repoGuests() {
  const guests = [];
  const samples = join(ROOT, 'samples');
  if (existsSync(samples)) for (const app of readdirSync(samples).sort()) guests.push(...guestsOfApp(join(samples, app)));
  const fixtures = join(ROOT, 'test/fixtures/guests');
  if (existsSync(fixtures)) {
    for (const f of readdirSync(fixtures).sort()) {
      if (!f.endsWith('.ts') || f.endsWith('.d.ts')) continue;
      guests.push({ source: join(fixtures, f), output: join(fixtures, 'build', f.replace(/\.ts$/, '.wasm')), inputs: [join(fixtures, f), join(fixtures, 'lib')] });
    }
  }
  return guests;
}

function runWorker(guest) {
  return new Promise((done) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--compile-one', guest.source, guest.output], {
      stdio: ['ignore', 'inherit', 'pipe'],
      env: process.env,
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => done({ code: code ?? 1, stderr }));
  });
}

async function main(argv) {
  if (argv[0] === '--compile-one') {
    process.exitCode = await compileOne(argv[1], argv[2]);
    return;
  }
  const force = argv.includes('--force');
  const dirs = argv.filter((a) => a !== '--force');
  for (const d of dirs) {
    if (!existsSync(join(d, 'guest'))) {
      process.stderr.write(`error: \`${d}\` has no guest/ folder (an app dir holds its guests in guest/*.ts)\n`);
      process.exitCode = 2;
      return;
    }
  }
  const guests = dirs.length > 0 ? dirs.flatMap((d) => guestsOfApp(resolve(d))) : repoGuests();
  const { version } = JSON.parse(readFileSync(join(ROOT, 'node_modules/assemblyscript/package.json'), 'utf8'));
  const shared = Math.max(newestMtime(SDK), statSync(fileURLToPath(import.meta.url)).mtimeMs, statSync(join(ROOT, 'node_modules/assemblyscript/package.json')).mtimeMs);
  const stale = guests.filter((g) => force || !existsSync(g.output) || statSync(g.output).mtimeMs < Math.max(shared, ...g.inputs.map(newestMtime)));
  if (stale.length === 0) return;

  const started = Date.now();
  let failed = 0;
  let next = 0;
  const pool = Math.max(1, Math.min(availableParallelism(), 4, stale.length));
  await Promise.all(
    Array.from({ length: pool }, async () => {
      while (next < stale.length) {
        const guest = stale[next++];
        const { code, stderr } = await runWorker(guest);
        if (code !== 0) {
          failed++;
          process.stderr.write(`error: guest \`${relative(process.cwd(), guest.source)}\` does not compile (asc ${version}):\n${stderr.trimEnd()}\n\n`);
        }
      }
    }),
  );
  const built = stale.length - failed;
  process.stderr.write(`guests: ${built} built${failed ? `, ${failed} failed` : ''} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  if (failed) process.exitCode = 1;
}

await main(process.argv.slice(2));

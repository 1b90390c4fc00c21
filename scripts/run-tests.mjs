// Runs every uvu test file under test/ (TypeScript through tsx), each in its own process, as many at a time as
// there are CPUs. Pass a pattern to run a subset:  node scripts/run-tests.mjs render     UPDATE=1 rewrites goldens.
//
// Why one process per file: the files start worker threads, servers, child processes and big heaps (fuzzing,
// the LSP's robustness sweep); in one process they slowed each other down by an order of magnitude, and a
// leak in one file could not be told from a slow test in another.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const pattern = new RegExp(process.argv[2] ? `${process.argv[2]}.*\\.test\\.ts$` : '\\.test\\.ts$');
const files = readdirSync('test').filter((f) => f.endsWith('.test.ts') && pattern.test(f)).sort();
if (files.length === 0) {
  console.error(`no test file matches \`${process.argv[2]}\``);
  process.exit(1);
}
const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code, text) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
const started = Date.now();
let passed = 0;
let total = 0;
const failed = [];

function runFile(file) {
  return new Promise((resolve) => {
    const began = Date.now();
    const escaped = file.replace(/[.]/g, '\\.');
    const child = spawn(process.execPath, ['--import', 'tsx', 'node_modules/uvu/bin.js', 'test', `^${escaped}$`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => {
      const t = Number(/Total:\s+(\d+)/.exec(output)?.[1] ?? 0);
      const p = Number(/Passed:\s+(\d+)/.exec(output)?.[1] ?? 0);
      total += t;
      passed += p;
      const ok = code === 0 && t > 0 && t === p;
      const seconds = ((Date.now() - began) / 1000).toFixed(1).padStart(5);
      console.log(`${ok ? paint(32, 'ok  ') : paint(31, 'FAIL')} ${seconds}s  ${file}  (${p}/${t})`);
      if (!ok) failed.push({ file, output, code });
      resolve();
    });
  });
}

const queue = [...files];
const lanes = Math.max(1, Math.min(availableParallelism(), queue.length));
await Promise.all(
  Array.from({ length: lanes }, async () => {
    while (queue.length > 0) await runFile(queue.shift());
  }),
);

for (const { file, output, code } of failed) {
  console.log(`\n${paint(31, `──── ${file} (exit ${code})`)}\n${output.trimEnd()}`);
}
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(`\n  Files:    ${files.length} (${failed.length} failed)\n  Total:    ${total}\n  Passed:   ${passed}\n  Duration: ${seconds}s`);
process.exit(failed.length > 0 ? 1 : 0);

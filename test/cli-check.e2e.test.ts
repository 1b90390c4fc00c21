// End-to-end tests of `starc check`: the built binary (dist/starc.mjs, from `npm run build`) run on temporary
// files, as CI runs it. Exit codes: 0 clean or warnings only, 1 errors (or denied warnings), 2 usage/internal.

import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../cli/main.ts';
import type { CliIo } from '../cli/io.ts';
import { sarifProblems } from './helpers/sarif.ts';
import { project, removeProjects, requireBuiltBinary, starc, STARC_BIN as BIN } from './helpers/project.ts';


const SOURCES = {
  clean: 'Bind(version=1.0.0) { }\n',
  version: 'Bind(version=2.0.0) { }\n', // E0003
  method: 'Bind(version=1.0.0) { Route<Http<Fetch>> -> (()) => &; }\n', // E0102
  legacyCore: 'Bind(version=1.0.0) { Route<Http<Get>> -> {{ }} => &; }\n', // W0101 only
};

test.before(requireBuiltBinary);
test.after.each(removeProjects);

// ---------------------------------------------------------------------------------------------------------------
// exit codes and the human format

test('a clean file: exit 0, nothing on stdout, a one-line confirmation on stderr', () => {
  const dir = project({ 'app.bind': SOURCES.clean });
  const run = starc(dir, ['check', 'app.bind']);
  assert.is(run.status, 0, run.stderr);
  assert.is(run.stdout, '');
  assert.is(run.stderr, 'checked 1 file: no problems found\n');
});

test('an error: exit 1, the rustc-style report and the summary on stderr', () => {
  const dir = project({ 'bind/app.bind': SOURCES.method });
  const run = starc(dir, ['check', 'bind/app.bind']);
  assert.is(run.status, 1, run.stderr);
  assert.is(run.stdout, '');
  assert.match(run.stderr, /^error\[E0102\]: /);
  assert.match(run.stderr, /\n --> bind\/app\.bind:1:34\n  \|\n1 \| Bind\(version=1\.0\.0\) \{ Route<Http<Fetch>>/);
  assert.match(run.stderr, /\n {2}\| {34}\^\^\^\^\^/);
  assert.ok(run.stderr.endsWith('\nerror: check failed: 1 error in 1 file\n'), run.stderr);
  assert.not.match(run.stderr, /\x1b\[/, 'no colour when stderr is not a terminal');
});

test('an unsupported version is E0003, exit 1', () => {
  const dir = project({ 'v.bind': SOURCES.version });
  const run = starc(dir, ['check', 'v.bind', '--format', 'short']);
  assert.is(run.status, 1, run.stderr);
  assert.match(run.stdout, /^v\.bind:1:\d+: error\[E0003\]: /);
});

test('warnings only: exit 0; with --deny-warnings: exit 1', () => {
  const dir = project({ 'old.bind': SOURCES.legacyCore });
  const allowed = starc(dir, ['check']);
  assert.is(allowed.status, 0, allowed.stderr);
  assert.match(allowed.stderr, /^warning\[W0101\]: /);
  assert.not.match(allowed.stderr, /error\[/);
  assert.ok(allowed.stderr.endsWith('\nwarning: 1 warning in 1 file\n'), allowed.stderr);

  const denied = starc(dir, ['check', '--deny-warnings']);
  assert.is(denied.status, 1, denied.stderr);
  assert.match(denied.stderr, /error: check failed: 1 warning in 1 file \(warnings denied by `--deny-warnings`\)\n$/);
});

test('a folder: every source file below it in one run, sorted; node_modules, dot-folders and other files skipped', () => {
  const dir = project({
    'b/z.bind': SOURCES.method,
    'b/a.bind': SOURCES.version,
    'a/x.bind': SOURCES.legacyCore,
    'a/ok.bind': SOURCES.clean,
    'node_modules/dep/bad.bind': SOURCES.method,
    '.git/bad.bind': SOURCES.method,
    'notes.txt': 'Bind(version=2.0.0) { }',
  });
  const run = starc(dir, ['check', '--format', 'short']);
  assert.is(run.status, 1, run.stderr);
  const located = run.stdout.trim().split('\n').map((line) => line.replace(/:\d+:\d+: (\w+)\[(\w+)\].*/, ' $2'));
  assert.equal(located, ['a/x.bind W0101', 'b/a.bind E0003', 'b/z.bind E0102']);
  assert.is(run.stderr, 'error: check failed: 2 errors and 1 warning in 3 of 4 files\n');
});

test('no path means the current folder; a named file of any extension is checked', () => {
  const dir = project({ 'app.bind': SOURCES.method, 'README.md': '# hi\n' });
  const here = starc(dir, ['check', '--format', 'short']);
  assert.is(here.status, 1);
  assert.match(here.stdout, /^app\.bind:/);
  const named = starc(dir, ['check', 'README.md', '--format', 'short']);
  assert.is(named.status, 1, named.stderr);
  assert.match(named.stdout, /^README\.md:1:1: error\[E0009\]/);
});

test('--max-errors N shows N errors, says how many were hidden, still exits 1 and counts them all', () => {
  const dir = project({ 'a.bind': SOURCES.method, 'b.bind': SOURCES.version, 'c.bind': SOURCES.method });
  const run = starc(dir, ['check', '--max-errors', '1']);
  assert.is(run.status, 1);
  assert.is(run.stderr.match(/^error\[E/gm)?.length, 1);
  assert.match(run.stderr, /note: 2 more errors not shown \(`--max-errors 1`\)/);
  assert.match(run.stderr, /error: check failed: 3 errors in 3 files\n$/);

  const json = JSON.parse(starc(dir, ['check', '--format=json', '--max-errors=2']).stdout);
  assert.equal(json.summary, { files: 3, files_with_problems: 3, errors: 3, warnings: 0, omitted_errors: 1, omitted_warnings: 0 });
});

// ---------------------------------------------------------------------------------------------------------------
// machine formats go to stdout

test('--format json: one versioned document on stdout listing every file', () => {
  const dir = project({ 'a.bind': SOURCES.method, 'b.bind': SOURCES.clean, 'c.bind': SOURCES.legacyCore });
  const run = starc(dir, ['check', '--format', 'json']);
  assert.is(run.status, 1);
  assert.is(run.stderr, '');
  const doc = JSON.parse(run.stdout);
  assert.is(doc.format_version, '1');
  assert.equal(doc.files.map((f: { path: string }) => f.path), ['a.bind', 'b.bind', 'c.bind']);
  const [a, b, c] = doc.files;
  assert.is(a.diagnostics[0].code, 'E0102');
  assert.equal(a.diagnostics[0].primary.span.start, { line: 1, column: 34 });
  assert.equal(b.diagnostics, []);
  assert.equal(c.diagnostics.map((d: { code: string }) => d.code), ['W0101']);
  assert.equal(doc.summary.errors, 1);
  assert.equal(doc.summary.warnings, 1);
});

test('--format sarif: a valid SARIF 2.1.0 log on stdout', () => {
  const dir = project({ 'bind/a.bind': SOURCES.method, 'bind/c.bind': SOURCES.legacyCore });
  const run = starc(dir, ['check', '--format', 'sarif']);
  assert.is(run.status, 1);
  const log = JSON.parse(run.stdout);
  assert.equal(sarifProblems(log), []);
  const results = log.runs[0].results;
  assert.equal(results.map((r: { ruleId: string; level: string }) => `${r.ruleId} ${r.level}`), ['E0102 error', 'W0101 warning']);
  assert.is(results[0].locations[0].physicalLocation.artifactLocation.uri, 'bind/a.bind');
});

test('--format github: workflow commands on stdout', () => {
  const dir = project({ 'a.bind': SOURCES.method, 'c.bind': SOURCES.legacyCore });
  const run = starc(dir, ['check', '--format', 'github']);
  assert.is(run.status, 1);
  const lines = run.stdout.trim().split('\n');
  assert.match(lines[0]!, /^::error file=a\.bind,line=1,col=34,endLine=1,endColumn=38,title=E0102::/);
  assert.match(lines[1]!, /^::warning file=c\.bind,line=1,col=\d+,endLine=1,endColumn=\d+,title=W0101::/);
});

// ---------------------------------------------------------------------------------------------------------------
// colours

test('colours: --color always forces them, NO_COLOR turns off auto, --color never wins over FORCE_COLOR', () => {
  const dir = project({ 'a.bind': SOURCES.method });
  assert.match(starc(dir, ['check', '--color', 'always']).stderr, /\x1b\[1;91merror\[E0102\]/);
  assert.match(starc(dir, ['check', '--color=always'], { env: { NO_COLOR: '1' } }).stderr, /\x1b\[/);
  assert.match(starc(dir, ['check'], { env: { FORCE_COLOR: '1' } }).stderr, /\x1b\[/);
  assert.not.match(starc(dir, ['check'], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } }).stderr, /\x1b\[/);
  assert.not.match(starc(dir, ['check', '--color', 'never'], { env: { FORCE_COLOR: '1' } }).stderr, /\x1b\[/);
  assert.not.match(starc(dir, ['check', '--format', 'json', '--color', 'always']).stdout, /\x1b\[/);
});

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

test('colours: auto colours a real terminal unless NO_COLOR is set', () => {
  if (!hasScript) return; // `script` (util-linux) gives the child a pseudo-terminal
  const dir = project({ 'a.bind': SOURCES.method });
  const inTerminal = (env: Record<string, string>) => {
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} check`;
    const base: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm' };
    delete base['NO_COLOR'];
    delete base['FORCE_COLOR'];
    return spawnSync('script', ['-qec', command, '/dev/null'], { cwd: dir, env: { ...base, ...env }, encoding: 'utf8' });
  };
  const coloured = inTerminal({});
  assert.is(coloured.status, 1);
  assert.match(coloured.stdout, /\x1b\[1;91merror/);
  assert.not.match(inTerminal({ NO_COLOR: '1' }).stdout, /\x1b\[/);
});

// ---------------------------------------------------------------------------------------------------------------
// usage errors: exit 2, one clear line

test('an unknown flag: exit 2 with a did-you-mean', () => {
  const dir = project({ 'a.bind': SOURCES.clean });
  const run = starc(dir, ['check', '--fromat', 'json']);
  assert.is(run.status, 2);
  assert.is(run.stdout, '');
  assert.is(run.stderr, 'error: unknown flag `--fromat` for `starc check`\nhelp: did you mean `--format`?\n');
});

test('bad flag values and unknown commands: exit 2', () => {
  const dir = project({ 'a.bind': SOURCES.clean });
  const format = starc(dir, ['check', '--format', 'xml']);
  assert.is(format.status, 2);
  assert.match(format.stderr, /^error: invalid value `xml` for `--format`: expected one of human, short, json, sarif, github\n/);
  assert.is(starc(dir, ['check', '--format']).status, 2);
  assert.is(starc(dir, ['check', '--max-errors', '0']).status, 2);
  assert.is(starc(dir, ['check', '--deny-warnings=yes']).status, 2);
  const command = starc(dir, ['chekc']);
  assert.is(command.status, 2);
  assert.is(command.stderr, 'error: unknown command `chekc`\nhelp: did you mean `check`?\n');
});

test('a missing path: exit 2, naming it', () => {
  const dir = project({ 'a.bind': SOURCES.method });
  const run = starc(dir, ['check', 'a.bind', 'nope/b.bind']);
  assert.is(run.status, 2);
  assert.is(run.stdout, '');
  assert.is(run.stderr, 'error: no such file or folder: `nope/b.bind`\n');
});

test('a folder with nothing to check: exit 2, not a silent pass', () => {
  const dir = project({ 'docs/readme.md': 'hi' });
  const run = starc(dir, ['check', 'docs']);
  assert.is(run.status, 2);
  assert.match(run.stderr, /^error: no files to check in `docs`\n/);
});

test('a file that is not UTF-8: E0011 at the bad byte, exit 1, other files still checked', () => {
  const dir = project({
    'a.bind': new Uint8Array([...Buffer.from('Bind(version=1.0.0) {\n # caf'), 0xe9, ...Buffer.from('\n}\n')]),
    'b.bind': SOURCES.method,
  });
  const run = starc(dir, ['check']);
  assert.is(run.status, 1);
  assert.match(run.stderr, /error\[E0011\]: file is not UTF-8 text\n --> a\.bind:2:7\n/);
  assert.match(run.stderr, /\^ invalid byte 0xE9/);
  assert.match(run.stderr, /error\[E0102\]/);
  const json = JSON.parse(starc(dir, ['check', '--format', 'json']).stdout);
  assert.ok(JSON.stringify(json).includes('"E0011"'), 'machine formats carry E0011 too');
  assert.match(run.stderr, /\nerror: check failed: 2 errors in 2 files\n$/);
  assert.not.match(run.stderr, /internal error|\n\s+at /);
});

test('--help, --version and per-command help exit 0 on stdout', () => {
  const dir = project({});
  const version = starc(dir, ['--version']);
  assert.is(version.status, 0);
  assert.match(version.stdout, /^starc \d+\.\d+\.\d+\n$/);
  const help = starc(dir, ['--help']);
  assert.is(help.status, 0);
  assert.match(help.stdout, /Commands:\n {2}check/);
  const checkHelp = starc(dir, ['check', '-h']);
  assert.is(checkHelp.status, 0);
  for (const flag of ['--format', '--color', '--deny-warnings', '--max-errors']) assert.ok(checkHelp.stdout.includes(flag), flag);
  const none = starc(dir, []);
  assert.is(none.status, 2);
  assert.match(none.stderr, /Usage: starc <COMMAND>/);
});

// ---------------------------------------------------------------------------------------------------------------
// internal errors (in-process, through the same entry the binary runs)

test('an exception is an internal error: a report request, exit 2, no stack trace unless asked', async () => {
  const dir = project({ 'a.bind': SOURCES.method });
  const io = (env: Record<string, string>) => {
    let stderr = '';
    const cliIo: CliIo = {
      // A stdout that fails stands in for any bug: the exception must not escape as a crash.
      stdout: { write: () => { throw new Error('stdout exploded'); }, isTTY: false },
      stderr: { write: (text) => void (stderr += text), isTTY: false },
      env,
      cwd: dir,
    };
    return { cliIo, stderr: () => stderr };
  };
  const plain = io({});
  assert.is(await runCli(['check', '--format', 'json'], plain.cliIo), 2);
  assert.match(plain.stderr(), /^internal error: stdout exploded\nnote: this is a bug in starc /);
  assert.match(plain.stderr(), /STARC_BACKTRACE=1/);
  assert.not.match(plain.stderr(), /\n\s+at /);

  const traced = io({ STARC_BACKTRACE: '1' });
  assert.is(await runCli(['check', '--format', 'json'], traced.cliIo), 2);
  assert.match(traced.stderr(), /\n\s+at /);
});

test.run();

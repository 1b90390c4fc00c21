// `starc repl` without a terminal (the built binary, input piped): the input runs as a script with plain text
// output; a mistake stops it with the compiler's diagnostic and exit 1; live views are refused; `--connect`
// drives a running host (token from the data dir's admin.json) and refuses a missing or wrong token.

import { spawn } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startHost, type RunningHost } from '../runtime/host.ts';
import { copySample, removeProjects, requireBuiltBinary, STARC_BIN, type SampleCopy } from './helpers/project.ts';

let site: SampleCopy;

test.before(() => {
  requireBuiltBinary();
  site = copySample('site', 'starc-repl-piped-');
});

test.after(removeProjects);

/** Runs the binary with `input` on stdin; asynchronous, so an in-process host can answer it meanwhile. */
function repl(args: readonly string[], input: string, env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [STARC_BIN, 'repl', ...args], { cwd: site.work, env: { ...process.env, NO_COLOR: '1', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(input);
  });
}

test('piped input runs as a script: tables and property tables in plain text, exit 0', async () => {
  const r = await repl(['--port', '0'], 'create localhost<Space>;\ncreate localhost:app<Base>{\n  +title="Hello"\n};\nselect **;\nget localhost:app{ title };\n:help delete\n');
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stderr, '');
  assert.match(r.stdout, /^created localhost <Space> Pending\ncreated localhost:app <Base> Pending\n/);
  assert.match(r.stdout, /POINT {10}KIND {3}STATUS\nlocalhost {6}Space  Ready\nlocalhost:app  Base {3}Ready\n2 particles\n/);
  assert.match(r.stdout, /KEY {4}VALUE\ntitle  Hello\n/);
  assert.match(r.stdout, /delete\[\?\] POINT;/);
  assert.not.match(r.stdout, /\x1b\[/, 'no colours');
});

test('a mistake stops the run with the compiler diagnostic on stderr, exit 1; later commands do not run', async () => {
  const r = await repl(['--port', '0'], 'create localhost<Space>;\ncreate localhost:x<Spce>;\ncreate localhost:y<Base>;\nselect **;\n');
  assert.is(r.status, 1);
  assert.match(r.stderr, /error\[E0401\]: unknown kind `Spce`\n --> <repl>:1:20\n/);
  assert.match(r.stderr, /\^\^\^\^ not a kind/);
  assert.not.match(r.stdout, /localhost:y/);
});

test('a failing command is red-free text with its code; live views need a terminal', async () => {
  const exists = await repl(['--port', '0'], 'create localhost<Space>;\ncreate localhost<Space>;\n');
  assert.is(exists.status, 1);
  assert.match(exists.stderr, /^error\[exists\]: /m);
  const watch = await repl(['--port', '0'], ':watch localhost\n');
  assert.is(watch.status, 1);
  assert.match(watch.stderr, /`:watch` is a live view and needs a terminal; a script can use `watch POINT;`/);
  const unknown = await repl(['--port', '0'], ':frobnicate\n');
  assert.match(unknown.stderr, /unknown meta command `:frobnicate`/);
});

test('--connect drives a running host through its admin endpoint; the token comes from --data', async () => {
  const started = await startHost({ appDir: site.appDir, dataDir: site.dataDir, port: 0, pid: process.pid, workers: 1, log: () => undefined });
  if (!started.ok) throw new Error(JSON.stringify(started.failure));
  const host: RunningHost = started.host;
  try {
    const r = await repl(['--connect', host.admin.url, '--data', site.dataDir], 'select localhost;\ncreate localhost:remote<Base>;\n');
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, /localhost {2}Space {2}Ready/);
    assert.match(r.stdout, /created localhost:remote <Base>/);
    assert.ok(host.store.get('localhost:remote').ok, 'created on the host');

    const wrong = await repl(['--connect', host.admin.url, '--token', 'nope'], 'select *;\n');
    assert.is(wrong.status, 1);
    assert.match(wrong.stderr, /error: missing or wrong token/);

    const none = await repl(['--connect', host.admin.url], 'select *;\n', { STARC_ADMIN_TOKEN: '' });
    assert.is(none.status, 2);
    assert.match(none.stderr, /`--connect` needs the admin token/);
  } finally {
    await host.close();
  }
  const gone = await repl(['--connect', host.admin.url, '--token', 'x'], 'select *;\n');
  assert.is(gone.status, 1);
  assert.match(gone.stderr, /nothing answers at http:\/\/127\.0\.0\.1:\d+: is `starc run` running\?/);
});

test.run();

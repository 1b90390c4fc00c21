// R5 end to end (issue 4): a running `starc run` (the built binary) takes a stream of creates through its admin
// endpoint, one command per request; the test records each one acknowledged with 200 and an ok result, kills the
// process with SIGKILL mid-stream, restarts it on the same data dir, and checks that every acknowledged point is
// there (through the admin endpoint again) and that the store opened clean (SQLite's integrity check).

import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { adminClient, readAdminFile, type AdminClient } from '../runtime/admin/client.ts';
import { requireBuiltBinary, ROOT, STARC_BIN } from './helpers/project.ts';

interface Running {
  readonly child: ChildProcess;
  readonly adminUrl: string;
  readonly tokenFile: string;
  output(): string;
}

let work = '';
let appDir = '';
let dataDir = '';

test.before(() => {
  requireBuiltBinary();
  work = mkdtempSync(join(tmpdir(), 'starc-r5-'));
  appDir = join(work, 'site');
  dataDir = join(work, 'data');
  cpSync(join(ROOT, 'samples', 'site'), appDir, { recursive: true });
});

test.after(() => {
  rmSync(work, { recursive: true, force: true });
});

/** Starts `starc run` and waits for its `admin on URL (token in FILE)` line. */
function start(): Promise<Running> {
  const child = spawn(process.execPath, [STARC_BIN, 'run', appDir, '--port', '0', '--data', dataDir], {
    cwd: work,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => (out += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`starc run did not start in 20 s:\n${out}`));
    }, 20_000);
    const early = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`starc run exited with ${code}:\n${out}`));
    };
    child.once('exit', early);
    let started = false;
    child.stdout!.on('data', (chunk: string) => {
      out += chunk;
      const m = /admin on (http:\/\/127\.0\.0\.1:\d+) \(token in (.+)\)\n/.exec(out);
      if (m && !started) {
        started = true;
        clearTimeout(timer);
        child.off('exit', early);
        resolve({ child, adminUrl: m[1]!, tokenFile: m[2]!, output: () => out });
      }
    });
  });
}

function clientOf(run: Running): AdminClient {
  const file = readAdminFile(dataDir);
  if (!file.ok) throw new Error(file.error.message);
  assert.is(file.value.url, run.adminUrl);
  assert.is(file.value.pid, run.child.pid);
  assert.is(run.tokenFile, join(dataDir, 'admin.json'));
  return adminClient(run.adminUrl, file.value.token);
}

function killed(child: ChildProcess): Promise<NodeJS.Signals | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.signalCode);
    child.once('exit', (_code, signal) => resolve(signal));
  });
}

test('R5 through starc run: every create acknowledged by the admin endpoint survives kill -9', async () => {
  const first = await start();
  const client = clientOf(first);
  const made = await client.execute('create? r5<Space>;');
  assert.ok(made.ok && made.value[0]!.ok, JSON.stringify(made));

  // Several writers at once, so requests are in flight when the kill lands.
  const acknowledged: string[] = [];
  let stop = false;
  let killAt = 400;
  const exited = killed(first.child);
  const writer = async (lane: number): Promise<void> => {
    for (let i = 0; !stop; i++) {
      const point = `r5:w${lane}-${i}`;
      const reply = await client.execute(`create ${point}<Base>{ +n=${i} };`);
      if (!reply.ok) return; // the host is gone: this one was not acknowledged
      const result = reply.value[0];
      assert.ok(result?.ok, JSON.stringify(result));
      acknowledged.push(point);
      if (acknowledged.length >= killAt && !stop) {
        stop = true;
        first.child.kill('SIGKILL');
      }
    }
  };
  await Promise.all([0, 1, 2, 3].map(writer));
  assert.is(await exited, 'SIGKILL');
  killAt = Infinity;
  assert.ok(acknowledged.length >= 400, `acknowledged ${acknowledged.length}`);

  // The store opens clean: SQLite's own check, before starc touches it again.
  const db = new Database(join(dataDir, 'registry.sqlite'));
  assert.is(db.pragma('integrity_check', { simple: true }), 'ok');
  db.close();

  const second = await start();
  try {
    const after = clientOf(second);
    const listed = await after.execute('select r5:*;');
    assert.ok(listed.ok && listed.value[0]!.ok, JSON.stringify(listed));
    if (!listed.ok || !listed.value[0]!.ok) return;
    const present = new Set((listed.value[0]!.value as { point: string }[]).map((p) => p.point));
    const missing = acknowledged.filter((p) => !present.has(p));
    assert.equal(missing, [], `${missing.length} of ${acknowledged.length} acknowledged creates lost`);
    const last = acknowledged[acknowledged.length - 1]!;
    const got = await after.execute(`get ${last};`);
    assert.ok(got.ok && got.value[0]!.ok, JSON.stringify(got));
    if (got.ok && got.value[0]!.ok) {
      const props = (got.value[0]!.value as { properties: Record<string, { value: string }> }).properties;
      assert.is(props['n']!.value, last.slice(last.lastIndexOf('-') + 1));
    }
    // Still takes writes.
    const more = await after.execute('create r5:after<Base>;');
    assert.ok(more.ok && more.value[0]!.ok, JSON.stringify(more));
  } finally {
    second.child.kill('SIGINT');
    await killed(second.child);
  }
});

test.run();

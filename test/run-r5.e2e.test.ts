// R5 end to end (issue 4): a running `starc run` (the built binary) takes a stream of creates through its admin
// endpoint, one command per request; the test records each one acknowledged with 200 and an ok result, kills the
// process with SIGKILL mid-stream, restarts it on the same data dir, and checks that every acknowledged point is
// there (through the admin endpoint again) and that the store opened clean (SQLite's integrity check).

import { join } from 'node:path';
import Database from 'better-sqlite3';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { adminClient, readAdminFile, type AdminClient } from '../runtime/admin/client.ts';
import { copySample, removeProjects, requireBuiltBinary, type SampleCopy } from './helpers/project.ts';
import { startRun, type RunningStarc } from './helpers/run-process.ts';

let site: SampleCopy;

test.before(() => {
  requireBuiltBinary();
  site = copySample('site', 'starc-r5-');
});

test.after(removeProjects);

const start = () => startRun(site.appDir, { data: site.dataDir, cwd: site.work });

function clientOf(run: RunningStarc): AdminClient {
  const file = readAdminFile(site.dataDir);
  if (!file.ok) throw new Error(file.error.message);
  assert.is(file.value.url, run.admin.url);
  assert.is(file.value.pid, run.child.pid);
  assert.is(run.admin.tokenFile, join(site.dataDir, 'admin.json'));
  return adminClient(run.admin.url, file.value.token);
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
        void first.kill();
      }
    }
  };
  await Promise.all([0, 1, 2, 3].map(writer));
  assert.is((await first.exited).signal, 'SIGKILL');
  killAt = Infinity;
  assert.ok(acknowledged.length >= 400, `acknowledged ${acknowledged.length}`);

  // The store opens clean: SQLite's own check, before starc touches it again.
  const db = new Database(join(site.dataDir, 'registry.sqlite'));
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
    await second.stop();
  }
});

test.run();

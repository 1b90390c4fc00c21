// End-to-end tests of the mechtron samples: the built binary runs samples/hello, samples/profiles and
// samples/signup (each on its own fresh data dir, port 0) and real HTTP requests check what their guests
// answer: a greeting, a profile page rendered from the bundle's template with a visit count kept by another
// mechtron, a profile mechtron created on demand, and sign-up with a JSON Schema, a FileStore and 409s.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { HttpReply } from './helpers/http-request.ts';
import { requireBuiltBinary, ROOT } from './helpers/project.ts';
import { startRun, type RunningStarc } from './helpers/run-process.ts';

let work = '';
const running: RunningStarc[] = [];

test.before(() => {
  requireBuiltBinary();
  const built = spawnSync(process.execPath, [join(ROOT, 'scripts/build-guests.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`scripts/build-guests.mjs failed:\n${built.stderr}`);
  work = mkdtempSync(join(tmpdir(), 'starc-samples-'));
});

test.after(async () => {
  await Promise.all(running.map((run) => run.stop()));
  rmSync(work, { recursive: true, force: true });
});

async function start(sample: string): Promise<RunningStarc> {
  const run = await startRun(join(ROOT, 'samples', sample), { data: join(work, sample), cwd: work });
  running.push(run);
  return run;
}

/** A request with a JSON body when `body` is given. */
function http(run: RunningStarc, method: string, path: string, body?: unknown): Promise<HttpReply> {
  return body === undefined ? run.request(method, path) : run.request(method, path, { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

const explain = (run: RunningStarc, reply: HttpReply): string => `${reply.status} ${reply.text}\n--- starc run output:\n${run.output()}`;

test('hello: Http<Get> greetings through the router to the mechtron', async () => {
  const run = await start('hello');
  const root = await http(run, 'GET', '/');
  assert.is(root.status, 200, explain(run, root));
  assert.is(root.text, 'Hello, world!');
  assert.match(String(root.headers['content-type']), /^text\/plain/);
  const named = await http(run, 'GET', '/hello/scott');
  assert.is(named.text, 'Hello, scott!', explain(run, named));
  const query = await http(run, 'GET', '/?name=J%C3%B6rg');
  assert.is(query.text, 'Hello, Jörg!', explain(run, query));
  const missing = await http(run, 'GET', '/nope');
  assert.is(missing.status, 404, explain(run, missing));
  await run.stop();
});

test('profiles: a page per user from the template, visits counted by another mechtron, profiles made on demand', async () => {
  const run = await start('profiles');
  const first = await http(run, 'GET', '/users/scott');
  assert.is(first.status, 200, explain(run, first));
  assert.match(String(first.headers['content-type']), /^text\/html/);
  assert.match(first.text, /<h1>scott<\/h1>/, explain(run, first));
  assert.match(first.text, /<code>localhost:profiles:scott<\/code>/);
  assert.match(first.text, /Visits: 1</);
  const second = await http(run, 'GET', '/users/scott');
  assert.match(second.text, /Visits: 2</, explain(run, second));
  const jane = await http(run, 'GET', '/users/jane');
  assert.match(jane.text, /<h1>jane<\/h1>[\s\S]*Visits: 1</, explain(run, jane));

  assert.is((await http(run, 'GET', '/users/amy')).status, 404, 'no profile before the directory makes one');
  const made = await http(run, 'POST', '/users/amy');
  assert.is(made.status, 201, explain(run, made));
  assert.is(made.headers['location'], '/users/amy');
  const amy = await http(run, 'GET', '/users/amy');
  assert.is(amy.status, 200, explain(run, amy));
  assert.match(amy.text, /<h1>amy<\/h1>/);
  const again = await http(run, 'POST', '/users/amy');
  assert.is(again.status, 409, explain(run, again));
  const list = await http(run, 'GET', '/');
  assert.match(list.text, /\/users\/amy\n/, explain(run, list));
  assert.match(list.text, /\/users\/scott\n/);
  await run.stop();
});

test('signup: schema-checked POST stores the user as a File: 201, 409 on a duplicate, 400 on a schema violation', async () => {
  const run = await start('signup');
  const user = { username: 'scott', email: 'scott@example.com', password: 'correct horse', name: 'Scott' };
  const created = await http(run, 'POST', '/signup', user);
  assert.is(created.status, 201, explain(run, created));
  const stored = JSON.parse(created.text) as Record<string, unknown>;
  assert.is(stored['username'], 'scott');
  assert.is(stored['email'], 'scott@example.com');
  assert.is(stored['password'], undefined, 'the password is not stored');

  const duplicate = await http(run, 'POST', '/signup', user);
  assert.is(duplicate.status, 409, explain(run, duplicate));
  assert.match(duplicate.text, /taken/);

  for (const bad of [{ ...user, username: 'S' }, { ...user, password: 'short' }, { username: 'amy', email: 'amy@example.com' }, { ...user, admin: true }]) {
    const rejected = await http(run, 'POST', '/signup', bad);
    assert.is(rejected.status, 400, `${JSON.stringify(bad)}: ${explain(run, rejected)}`);
    assert.match(rejected.text, /does not match/);
  }

  const read = await http(run, 'GET', '/users/scott');
  assert.is(read.status, 200, explain(run, read));
  assert.equal(JSON.parse(read.text), stored);
  const nobody = await http(run, 'GET', '/users/nobody');
  assert.is(nobody.status, 404, explain(run, nobody));
  await run.stop();
});

test.run();

// End-to-end tests of the mechtron samples: the built binary runs samples/hello, samples/profiles and
// samples/signup (each on its own fresh data dir, port 0) and real HTTP requests check what their guests
// answer: a greeting, a profile page rendered from the bundle's template with a visit count kept by another
// mechtron, a profile mechtron created on demand, and sign-up with a JSON Schema, a FileStore and 409s.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { requireBuiltBinary, ROOT, STARC_BIN } from './helpers/project.ts';

interface Running {
  readonly child: ChildProcess;
  readonly port: number;
  output(): string;
}

interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

let work = '';
const running: Running[] = [];

test.before(() => {
  requireBuiltBinary();
  const built = spawnSync(process.execPath, [join(ROOT, 'scripts/build-guests.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`scripts/build-guests.mjs failed:\n${built.stderr}`);
  work = mkdtempSync(join(tmpdir(), 'starc-samples-'));
});

test.after(async () => {
  await Promise.all(running.map(stop));
  rmSync(work, { recursive: true, force: true });
});

function start(sample: string): Promise<Running> {
  const child = spawn(process.execPath, [STARC_BIN, 'run', join(ROOT, 'samples', sample), '--port', '0', '--data', join(work, sample)], {
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
      reject(new Error(`starc run samples/${sample} did not start in 20 s:\n${out}`));
    }, 20_000);
    const early = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`starc run samples/${sample} exited with ${code}:\n${out}`));
    };
    child.once('exit', early);
    child.stdout!.on('data', (chunk: string) => {
      out += chunk;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.off('exit', early);
        const run = { child, port: Number(m[1]), output: () => out };
        running.push(run);
        resolve(run);
      }
    });
  });
}

function stop(run: Running): Promise<void> {
  return new Promise((resolve) => {
    if (run.child.exitCode !== null) return resolve();
    const timer = setTimeout(() => run.child.kill('SIGKILL'), 5000);
    run.child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    run.child.kill('SIGINT');
  });
}

function http(run: Running, method: string, path: string, body?: unknown): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { host: `localhost:${run.port}` };
    if (payload !== undefined) headers['content-type'] = 'application/json';
    const req = request({ host: '127.0.0.1', port: run.port, path, method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

const explain = (run: Running, reply: Reply): string => `${reply.status} ${reply.body}\n--- starc run output:\n${run.output()}`;

test('hello: Http<Get> greetings through the router to the mechtron', async () => {
  const run = await start('hello');
  const root = await http(run, 'GET', '/');
  assert.is(root.status, 200, explain(run, root));
  assert.is(root.body, 'Hello, world!');
  assert.match(String(root.headers['content-type']), /^text\/plain/);
  const named = await http(run, 'GET', '/hello/scott');
  assert.is(named.body, 'Hello, scott!', explain(run, named));
  const query = await http(run, 'GET', '/?name=J%C3%B6rg');
  assert.is(query.body, 'Hello, Jörg!', explain(run, query));
  const missing = await http(run, 'GET', '/nope');
  assert.is(missing.status, 404, explain(run, missing));
  await stop(run);
});

test('profiles: a page per user from the template, visits counted by another mechtron, profiles made on demand', async () => {
  const run = await start('profiles');
  const first = await http(run, 'GET', '/users/scott');
  assert.is(first.status, 200, explain(run, first));
  assert.match(String(first.headers['content-type']), /^text\/html/);
  assert.match(first.body, /<h1>scott<\/h1>/, explain(run, first));
  assert.match(first.body, /<code>localhost:profiles:scott<\/code>/);
  assert.match(first.body, /Visits: 1</);
  const second = await http(run, 'GET', '/users/scott');
  assert.match(second.body, /Visits: 2</, explain(run, second));
  const jane = await http(run, 'GET', '/users/jane');
  assert.match(jane.body, /<h1>jane<\/h1>[\s\S]*Visits: 1</, explain(run, jane));

  assert.is((await http(run, 'GET', '/users/amy')).status, 404, 'no profile before the directory makes one');
  const made = await http(run, 'POST', '/users/amy');
  assert.is(made.status, 201, explain(run, made));
  assert.is(made.headers['location'], '/users/amy');
  const amy = await http(run, 'GET', '/users/amy');
  assert.is(amy.status, 200, explain(run, amy));
  assert.match(amy.body, /<h1>amy<\/h1>/);
  const again = await http(run, 'POST', '/users/amy');
  assert.is(again.status, 409, explain(run, again));
  const list = await http(run, 'GET', '/');
  assert.match(list.body, /\/users\/amy\n/, explain(run, list));
  assert.match(list.body, /\/users\/scott\n/);
  await stop(run);
});

test('signup: schema-checked POST stores the user as a File: 201, 409 on a duplicate, 400 on a schema violation', async () => {
  const run = await start('signup');
  const user = { username: 'scott', email: 'scott@example.com', password: 'correct horse', name: 'Scott' };
  const created = await http(run, 'POST', '/signup', user);
  assert.is(created.status, 201, explain(run, created));
  const stored = JSON.parse(created.body) as Record<string, unknown>;
  assert.is(stored['username'], 'scott');
  assert.is(stored['email'], 'scott@example.com');
  assert.is(stored['password'], undefined, 'the password is not stored');

  const duplicate = await http(run, 'POST', '/signup', user);
  assert.is(duplicate.status, 409, explain(run, duplicate));
  assert.match(duplicate.body, /taken/);

  for (const bad of [{ ...user, username: 'S' }, { ...user, password: 'short' }, { username: 'amy', email: 'amy@example.com' }, { ...user, admin: true }]) {
    const rejected = await http(run, 'POST', '/signup', bad);
    assert.is(rejected.status, 400, `${JSON.stringify(bad)}: ${explain(run, rejected)}`);
    assert.match(rejected.body, /does not match/);
  }

  const read = await http(run, 'GET', '/users/scott');
  assert.is(read.status, 200, explain(run, read));
  assert.equal(JSON.parse(read.body), stored);
  const nobody = await http(run, 'GET', '/users/nobody');
  assert.is(nobody.status, 404, explain(run, nobody));
  await stop(run);
});

test.run();

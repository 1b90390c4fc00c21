// App particles (SPEC §6) on a running mesh: `Set` applied to the App, `Require` checked against what this host
// provides, `Install` run with `${self}` and `${doc.bundle}`; Ready when it all succeeded, Fatal with the reason.

import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileGuest, mechtronConfig, meshFixture, textOf, type MeshFixture } from './helpers/mesh-fixture.ts';

const guest = compileGuest(readFileSync(new URL('./fixtures/mechtron-host/raw-guest.ts', import.meta.url), 'utf8'));

const APP = `App(version=1.0.0) {
  Set {
    +bind=\${doc.bundle}:/bind/app.bind;
    +@owner=team;
  }
  Require {
    FileStore;
    Mechtron;
  }
  Install {
    create? \${self}:files<FileStore>;
    create? \${self}:echo<Mechtron>{ +config=\${doc.bundle}:/config/echo.mechtron };
  }
}
`;
const BIND = 'Bind(version=1.0.0) { Route -> { Ext<*> -> (()) => &; } }\n';

async function withApp(files: Record<string, string | Uint8Array>, body: (f: MeshFixture) => Promise<void>): Promise<void> {
  const f = await meshFixture();
  try {
    f.publish('repo:app:1.0.0', { 'bind/app.bind': BIND, 'config/echo.mechtron': mechtronConfig('echo.wasm'), 'wasm/echo.wasm': guest, ...files });
    await body(f);
  } finally {
    await f.close();
  }
}

async function createApp(f: MeshFixture, point: string, config: string): Promise<void> {
  const made = f.store.create(point, 'App', [{ op: 'set', key: 'config', value: config }]);
  assert.ok(made.ok, made.ok ? '' : made.error.message);
  await f.mesh.settled();
  await f.mesh.settled(); // the mechtrons the install created
}

test('an App applies Set, checks Require, runs Install, and is Ready; what it installed runs', () =>
  withApp({ 'config/app.app': APP }, async (f) => {
    const seen = f.statuses('localhost:app');
    await createApp(f, 'localhost:app', 'repo:app:1.0.0:/config/app.app');
    assert.is(f.status('localhost:app').status, 'Ready');
    assert.equal([...seen].slice(-2), ['Init', 'Ready']);
    const app = f.store.get('localhost:app');
    assert.ok(app.ok);
    assert.equal(app.value.properties['bind'], { value: 'repo:app:1.0.0:/bind/app.bind', locked: false });
    assert.equal(app.value.properties['owner'], { value: 'team', locked: true });
    assert.is(f.status('localhost:app:files').status, 'Ready');
    assert.is(f.status('localhost:app:echo').status, 'Ready');
    const pong = await f.ping('localhost:app:echo', 'Ext<Version>');
    assert.is(pong.status, 200);
    assert.is(textOf(pong), 'v1');
  }));

test('an App that requires what this host cannot provide is Fatal and installs nothing', () =>
  withApp({ 'config/db.app': APP.replace('    Mechtron;\n', '    Database<Relational<postgresql.org:postgres:server:15.0.0>>;\n') }, async (f) => {
    await createApp(f, 'localhost:db', 'repo:app:1.0.0:/config/db.app');
    const { status, message } = f.status('localhost:db');
    assert.is(status, 'Fatal');
    assert.match(message!, /it requires `Database<Relational<postgresql\.org:postgres:server:15\.0\.0>>`, which this host cannot provide/);
    assert.is(f.store.get('localhost:db:files').ok, false);
  }));

test('an App whose Install fails is Fatal, naming the command and the reason', () =>
  withApp({ 'config/bad.app': APP.replace('create? ${self}:files<FileStore>;', 'create ${self}:files<FileStore>;\n    create ${self}:files<FileStore>;') }, async (f) => {
    await createApp(f, 'localhost:bad', 'repo:app:1.0.0:/config/bad.app');
    const { status, message } = f.status('localhost:bad');
    assert.is(status, 'Fatal');
    assert.match(message!, /its `Install` failed at `create \$\{self\}:files<FileStore>;`: `localhost:bad:files` already exists/);
  }));

test('an App without a config, or with one that is not an .app, is Fatal saying so', () =>
  withApp({}, async (f) => {
    assert.ok(f.store.create('localhost:bare', 'App').ok);
    await f.mesh.settled();
    assert.match(f.status('localhost:bare').message!, /it has no `config` property/);
    await createApp(f, 'localhost:wrong', 'repo:app:1.0.0:/bind/app.bind');
    assert.match(f.status('localhost:wrong').message!, /its config `repo:app:1\.0\.0:\/bind\/app\.bind` is not a \.app document/);
  }));

test.run();

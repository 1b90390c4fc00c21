// `starc migrate`: every legacy corpus file becomes v1 that checks with zero errors, v1 files stay as they are
// (but for 0.3's deprecated spellings), migration is idempotent, each legacy form has a golden example, and
// the built binary prints diffs and writes files (`npm run build` first, as `npm test` does).

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkFile, checkSource, fileKindOfPath } from '../compiler/check-file.ts';
import { explanationExamples } from '../compiler/diagnostics/explain.ts';
import { DEPRECATED_FORM_CODES } from '../compiler/migrate/deprecated-forms.ts';
import { migrateSource, type MigrateKind } from '../compiler/migrate/migrate.ts';
import { unifiedDiff } from '../compiler/migrate/unified-diff.ts';
import { project, removeProjects, starc, STARC_BIN as BIN } from './helpers/project.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CORPUS = resolve(ROOT, '../shared/corpus/starlane');

function corpus(dir: 'legacy' | 'v1'): { name: string; text: string; kind: MigrateKind }[] {
  return readdirSync(join(CORPUS, dir))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(CORPUS, dir, name), 'utf8'), kind: fileKindOfPath(name)! }));
}

const describe = (d: { code: string; message: string }[]) => d.map((x) => `${x.code} ${x.message}`).join('; ');

// -------------------------------------------------------------------------------------------------------------
// The corpus

for (const file of corpus('legacy')) {
  test(`legacy corpus: ${file.name} migrates to v1 that checks with zero errors`, () => {
    const m = migrateSource(file.text, file.kind);
    assert.ok(m.changed, 'a legacy file changes');
    assert.equal(describe(m.diagnostics), '', 'nothing left for a human');
    assert.is(m.kind, file.kind === 'routes-conf' ? 'router' : file.kind);
    const errors = checkSource(m.text, m.kind).filter((d) => d.severity === 'error');
    assert.equal(describe(errors), '', m.text);
    assert.not.match(m.text, /\{\{|\? create|ArtifactBundle|self\.config|\$\d/);
    const again = migrateSource(m.text, m.kind);
    assert.not.ok(again.changed, `idempotent:\n${m.text}\n---\n${again.text}`);
  });
}

for (const file of corpus('v1')) {
  test(`v1 corpus: ${file.name} is left alone but for deprecated spellings`, () => {
    const kind = file.kind as Exclude<MigrateKind, 'routes-conf'>;
    const before = checkSource(file.text, kind);
    const m = migrateSource(file.text, kind);
    assert.equal(m.diagnostics, []);
    if (!before.some((d) => DEPRECATED_FORM_CODES.has(d.code))) assert.is(m.text, file.text);
    assert.equal(describe(checkSource(m.text, kind).filter((d) => DEPRECATED_FORM_CODES.has(d.code) || d.severity === 'error')), '');
    assert.not.ok(migrateSource(m.text, kind).changed);
  });
}

// -------------------------------------------------------------------------------------------------------------
// One golden example per form

function expectMigration(kind: MigrateKind, input: string, expected: string): void {
  const m = migrateSource(input, kind);
  assert.fixture(m.text, expected);
  assert.equal(describe(m.diagnostics), '');
  assert.equal(describe(checkSource(m.text, m.kind)), '', 'the result checks clean');
}

test('Bind { Http { ... } }: flattened routes, `{{ }}` → `(())`, `$1` → a named capture, comments kept', () => {
  expectMigration(
    'bind',
    `# site routes
Bind {
  Http {
    # the index
    <Get>/index.html -> {{ }} => &;   # served by the core

    <Get>/(.*) -> localhost:repo:site:1.0.0:/html/$1 => &;
  }
}
`,
    `# site routes
Bind(version=1.0.0) {
  # the index
  Route<Http<Get>>/index.html -> (()) => &; # served by the core

  Route<Http<Get>>/(?P<path>.*) -> localhost:repo:site:1.0.0:/html/\${path} => &;
}
`,
  );
});

test('Bind { Pipelines { Http { } Msg { } } }: Msg becomes Ext; a path of `/` matched everything and is dropped', () => {
  expectMigration(
    'bind',
    `Bind {
  Pipelines {
    Http {
      <Post>/login -> {{}} => &;
    }
    Msg {
      <GetJwks>/ -> {{ }} =[ Text ]=> &;
      * -> {{*}} => &;
    }
  }
}
`,
    `Bind(version=1.0.0) {
  Route<Http<Post>>/login -> (()) => &;

  Route<Ext<GetJwks>> -> (()) =[ Text ]=> &;
  Route<Ext<*>> -> ((*)) => &;
}
`,
  );
});

test('a legacy folder path (`/app/`) keeps its prefix meaning: `/app/.*`; call stops keep their captures', () => {
  expectMigration(
    'bind',
    `Bind { Http { <Get>/app/ -> localhost:my-app^Http<Get>/index.html => &; <Get>/api/(.*)/(.*) -> localhost:api^Http<Get>/$2/$1 => &; } }\n`,
    `Bind(version=1.0.0) {
  Route<Http<Get>>/app/.* -> localhost:my-app^Http<Get>/index.html => &;
  Route<Http<Get>>/api/(?P<path>.*)/(?P<path2>.*) -> localhost:api^Http<Get>/\${path2}/\${path} => &;
}
`,
  );
});

test('an empty legacy Bind becomes an empty v1 Bind', () => {
  expectMigration('bind', 'Bind {\n\n  Http {\n\n  }\n\n}\n', 'Bind(version=1.0.0) {\n}\n');
});

test('App { Set { +a=b, ... } Install { ... } }: `;` per property, `${doc.bundle}`, commands in v1 spelling', () => {
  expectMigration(
    'app',
    `App {

  Set {
    +wasm.src=$(self.config.bundle):/wasm/my-app.wasm,
    +mechtron.name=my-app,
    +bind=\${self.config.bundle}:/bind/app.bind
  }

  Install {
    ? create \${self}:files<FileSystem>;
    create \${self}:users<Base<User>>;
  }

}
`,
    `App(version=1.0.0) {
  Set {
    +wasm.src=\${doc.bundle}:/wasm/my-app.wasm;
    +mechtron.name=my-app;
    +bind=\${doc.bundle}:/bind/app.bind;
  }

  Install {
    create? \${self}:files<FileSystem>;
    create \${self}:users<Base<User>>;
  }
}
`,
  );
});

test('scripts: `? create` → `create?`, `? publish` → `publish?`, legacy kind names; layout and comments kept', () => {
  expectMigration(
    'script',
    `# set up
? create localhost<Space>;
? create localhost:repo<Base<Repo>>;   # Base<Repo> stays: a valid parent of BundleSeries
? create localhost:repo:tutorial<ArtifactBundleSeries>;
? publish ^[ bundle.zip ]-> localhost:repo:tutorial:1.0.0;
? create localhost:my-app<App>{ +config=localhost:repo:tutorial:1.0.0:/config/my-app.app,
                                +bind=localhost:repo:tutorial:1.0.0:/bind/app.bind };
`,
    `# set up
create? localhost<Space>;
create? localhost:repo<Base<Repo>>;   # Base<Repo> stays: a valid parent of BundleSeries
create? localhost:repo:tutorial<BundleSeries>;
publish? ^[ bundle.zip ]-> localhost:repo:tutorial:1.0.0;
create? localhost:my-app<App>{ +config=localhost:repo:tutorial:1.0.0:/config/my-app.app,
                                +bind=localhost:repo:tutorial:1.0.0:/bind/app.bind };
`,
  );
});

test('routes.conf becomes a router: methods, captures, folder prefixes, comments', () => {
  expectMigration(
    'routes-conf',
    `
# files first
GET /files/(.*) -> localhost:my-files:/$1;
GET /app/ -> localhost:my-app:main;
POST /api/signup -> localhost:app:users;
`,
    `Router(version=1.0.0) {
  # files first
  Route<Http<Get>>/files/(?P<path>.*) -> localhost:my-files:/\${path} => &;
  Route<Http<Get>>/app/.* -> localhost:my-app:main => &;
  Route<Http<Post>>/api/signup -> localhost:app:users => &;
}
`,
  );
});

test('Starlane 0.3.4 `bin=` without `+`, `${doc.bundle}/x`: fixed in a v1 mechtron, nothing else touched', () => {
  expectMigration(
    'mechtron',
    'Mechtron(version=1.0.0) {\n\n  Wasm {\n    bin=${doc.bundle}/wasm/hello.wasm\n    name=hello\n  }\n\n}\n',
    'Mechtron(version=1.0.0) {\n\n  Wasm {\n    +bin=${doc.bundle}:/wasm/hello.wasm;\n    +name=hello;\n  }\n\n}\n',
  );
});

// -------------------------------------------------------------------------------------------------------------
// What needs a human

test('W0701: an unknown legacy scope is kept commented out, the rest migrated', () => {
  const m = migrateSource('Bind {\n  Rc {\n    <Create> -> {{ }} => &;\n  }\n  Http {\n    <Get>/x -> {{ }} => &;\n  }\n}\n', 'bind');
  assert.equal(m.diagnostics.map((d) => d.code), ['W0701']);
  assert.match(m.diagnostics[0]!.message, /`Rc`/);
  assert.match(m.text, /# TODO\(starc migrate\): Rc \{/);
  assert.match(m.text, /Route<Http<Get>>\/x -> \(\(\)\) => &;/);
  assert.equal(describe(checkSource(m.text, 'bind').filter((d) => d.severity === 'error')), '');
});

test('W0701: `$2` with one capture group, and an unreadable routes.conf line', () => {
  assert.equal(migrateSource('Bind { Http { <Get>/(.*) -> localhost:x:/$2 => &; } }', 'bind').diagnostics.map((d) => d.code), ['W0701']);
  const conf = migrateSource('GET /a -> localhost:a;\nFETCH /b -> localhost:b;\n', 'routes-conf');
  assert.equal(conf.diagnostics.map((d) => d.code), ['W0701']);
  assert.match(conf.text, /# TODO\(starc migrate\): FETCH \/b -> localhost:b;/);
});

test('W0702: a legacy mistake carried over is reported with its line in the migrated text', () => {
  const m = migrateSource('Bind {\n  Http {\n    <Fetch>/users -> {{ }} => &;\n  }\n}\n', 'bind');
  assert.equal(m.diagnostics.map((d) => d.code), ['W0702']);
  assert.match(m.diagnostics[0]!.notes[0]!, /line 2: E0102/);
});

for (const code of ['W0701', 'W0702']) {
  test(`${code}: the explanation's erroneous example raises it under migrate, the fixed one checks clean`, () => {
    const { erroneous, fixed } = explanationExamples(code);
    const example = erroneous[0]!;
    assert.equal(migrateSource(example.text, fileKindOfPath(example.file)!).diagnostics.map((d) => d.code), [code]);
    for (const block of fixed) assert.equal(describe(checkFile(block.file, block.text)), '');
  });
}

test('migrate never throws on broken input', () => {
  for (const text of ['Bind {', 'Bind { Http { <Get>/x -> ', 'App { Set { +a=, } Install { ? create ; } }', '', '}}}', 'Bind { Http { } } trailing']) {
    for (const kind of ['bind', 'app', 'script', 'routes-conf', 'router', 'mechtron'] as const) migrateSource(text, kind);
  }
  assert.equal(migrateSource('Bind {\n  Http {\n', 'bind').diagnostics.map((d) => d.code), ['W0701']);
});

// -------------------------------------------------------------------------------------------------------------
// Unified diff

test('unifiedDiff: diff -u layout with context, merged hunks and the no-newline marker', () => {
  const a = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'].join('\n') + '\n';
  const b = a.replace('2\n', 'two\n').replace('11\n', 'eleven\n');
  assert.is(
    unifiedDiff(a, b, 'a/f', 'b/f'),
    '--- a/f\n+++ b/f\n@@ -1,5 +1,5 @@\n 1\n-2\n+two\n 3\n 4\n 5\n@@ -8,5 +8,5 @@\n 8\n 9\n 10\n-11\n+eleven\n 12\n',
  );
  assert.is(unifiedDiff('x', 'y\n', 'a/f', 'b/f'), '--- a/f\n+++ b/f\n@@ -1 +1 @@\n-x\n\\ No newline at end of file\n+y\n');
  assert.is(unifiedDiff('', 'y\n', '/dev/null', 'b/f'), '--- /dev/null\n+++ b/f\n@@ -0,0 +1 @@\n+y\n');
  assert.is(unifiedDiff('same\n', 'same\n', 'a', 'b'), '');
});

// -------------------------------------------------------------------------------------------------------------
// End to end, with the built binary

test.after.each(removeProjects);

const LEGACY_BIND = 'Bind {\n  Http {\n    <Get>/(.*) -> localhost:repo:site:1.0.0:/html/$1 => &;\n  }\n}\n';
const V1_BIND = 'Bind(version=1.0.0) {\n  Route<Ext<Hello>> -> (()) => &;\n}\n';

test('e2e: the built binary exists (npm run build)', () => {
  assert.ok(existsSync(BIN), `${BIN} is missing: run \`npm run build\``);
});

test('e2e: without --write, a unified diff per changed file on stdout, nothing for v1 files, exit 0', () => {
  const dir = project({ 'bind/site.bind': LEGACY_BIND, 'bind/hello.bind': V1_BIND, 'config/routes.conf': 'GET /files/(.*) -> localhost:my-files:/$1;\n' });
  const run = starc(dir, ['migrate']);
  assert.is(run.status, 0, run.stderr);
  assert.is(
    run.stdout,
    `--- a/bind/site.bind
+++ b/bind/site.bind
@@ -1,5 +1,3 @@
-Bind {
-  Http {
-    <Get>/(.*) -> localhost:repo:site:1.0.0:/html/$1 => &;
-  }
+Bind(version=1.0.0) {
+  Route<Http<Get>>/(?P<path>.*) -> localhost:repo:site:1.0.0:/html/\${path} => &;
 }
--- /dev/null
+++ b/config/routes.router
@@ -0,0 +1,3 @@
+Router(version=1.0.0) {
+  Route<Http<Get>>/files/(?P<path>.*) -> localhost:my-files:/\${path} => &;
+}
`,
  );
  assert.is(run.stderr, '');
  assert.is(readFileSync(join(dir, 'bind/site.bind'), 'utf8'), LEGACY_BIND, 'nothing written');
});

test('e2e: --write rewrites in place, writes routes.router beside routes.conf, one line per file; then check is clean', () => {
  const dir = project({ 'site.bind': LEGACY_BIND, 'hello.bind': V1_BIND, 'routes.conf': 'GET /app/ -> localhost:my-app:main;\n' });
  const run = starc(dir, ['migrate', '.', '--write']);
  assert.is(run.status, 0, run.stderr);
  assert.is(run.stdout, '');
  assert.is(run.stderr, 'migrated routes.conf -> routes.router\nmigrated site.bind\n');
  assert.match(readFileSync(join(dir, 'site.bind'), 'utf8'), /^Bind\(version=1\.0\.0\) \{\n  Route<Http<Get>>/);
  assert.is(readFileSync(join(dir, 'hello.bind'), 'utf8'), V1_BIND);
  assert.is(readFileSync(join(dir, 'routes.conf'), 'utf8'), 'GET /app/ -> localhost:my-app:main;\n', 'the original is kept');
  assert.is(readFileSync(join(dir, 'routes.router'), 'utf8'), 'Router(version=1.0.0) {\n  Route<Http<Get>>/app/.* -> localhost:my-app:main => &;\n}\n');
  const check = starc(dir, ['check', 'site.bind', 'hello.bind', 'routes.router']);
  assert.is(check.status, 0, check.stderr);
  const again = starc(dir, ['migrate', 'site.bind', 'hello.bind', 'routes.router']);
  assert.is(again.status, 0);
  assert.is(again.stdout, '', 'idempotent');
});

test('e2e: manual work exits 1 with a W0701 report; usage errors exit 2', () => {
  const dir = project({ 'x.bind': 'Bind {\n  Rc {\n    <Create> -> {{ }} => &;\n  }\n}\n' });
  const run = starc(dir, ['migrate', 'x.bind']);
  assert.is(run.status, 1);
  assert.match(run.stderr, /warning\[W0701\]: legacy scope `Rc`/);
  assert.match(run.stdout, /\+  # TODO\(starc migrate\): Rc \{/);
  assert.is(starc(dir, ['migrate', 'nope.bind']).status, 2);
  assert.is(starc(dir, ['migrate', '--wirte']).status, 2);
  const help = starc(dir, ['migrate', '--help']);
  assert.is(help.status, 0);
  assert.match(help.stdout, /Usage: starc migrate/);
});

test.run();

// `.bind` and `.router` bodies (SPEC §4, §5): selector levels, path patterns and their captures, filters,
// stops, payload patterns, the router's restrictions, and the warnings about dead routes.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { diagnosticsOf, expectClean, expectDiagnostic } from './helpers/expect-diagnostics.ts';

/** A bind whose body starts on line 2. */
const bind = (body: string): string => `Bind(version=1.0.0) {\n${body}\n}\n`;
const router = (body: string): string => `Router(version=1.0.0) {\n${body}\n}\n`;
/** The text after applying a diagnostic's first suggestion. */
function fixed(text: string, d: { suggestions: readonly { edits: readonly { span: { start: number; end: number }; newText: string }[] }[] }): string {
  const edits = [...d.suggestions[0]!.edits].sort((a, b) => b.span.start - a.span.start);
  return edits.reduce((t, e) => t.slice(0, e.span.start) + e.newText + t.slice(e.span.end), text);
}

// ---------------------------------------------------------------- clean documents

test('the examples of SPEC §4 (bind) and §5 (router) are clean', () => {
  expectClean(
    `Bind(version=1.0.0) {
  Route<Ext<Hello>> -> (()) => &;
  Route<Http<Get>>/users/(?P<user>[a-z-]+) -> profiles:\${user} => &;
  Route<Http<Post>>/signup -[ Map{username<Text>, password<Text>} ]-> (()) =[ Text ]=> &;
  Route -> {
    Http<Get>/(?P<path>.*) -> \${doc.bundle}:/html/\${path} => &;
    Ext<*> -> (()) => &;
  }
}
`,
    'bind',
    { noWarnings: true },
  );
  expectClean(
    `Router(version=1.0.0) {
  Route<Http<Get>>/ -> localhost:site:/index.html => &;
  Route<Http<Get>>/static/(?P<file>.+) -> localhost:site:/\${file} => &;
  Route<Http<Post>>/api/signup -[ Json~schema(\${doc.bundle}:/schema/signup.json) ]-> localhost:app:users^Ext<SignUp> => &;
  Route<Http<*>>(auth role=admin)/admin/.* -> localhost:app:admin => &;
  Route<Http<*>>/.* -> !404 "no such page";
}
`,
    'router',
    { noWarnings: true },
  );
});

test('realistic documents are clean: the default mechtron bind, filters, payloads, calls, Cmd and Hyp', () => {
  expectClean('Bind(version=1.0.0) { Route -> { Ext<*> -> (()) => &; Http<*> -> (()) => &; } }', 'bind', { noWarnings: true });
  expectClean(
    bind(`  Route<Hyp> -> {
    Init -> (());
    Assign -> (()) => &;
  }
  Route<Cmd<RawCommand>> -> (());
  Route<Http<*>>(auth role=admin)-(limit 10/s)-(timeout 2s)/admin/.* -> localhost:app:admin => &;
  Route<Http<Post>>/profile -[ Map{name<Text>, email?<Text>, *<Text>} ]-> localhost:app:users => &;
  Route<Http<Put>>/avatar -[ Bin~image~localhost:app:images^Ext<CheckImage> ]-> localhost:app:avatars => &;
  Route<Http<Get>>/tags -> localhost:app^Cmd<Read> =[ Text[1-5] ]=> &;
  Route<Http<Get>>/users/(?P<user>[a-z]+)/(\\d+) -> localhost:app^Http<Get>/profiles/\${user}/$2 => &;
  Route<Http<*>>/.* -> !404 "no such page";`),
    'bind',
    { noWarnings: true },
  );
  expectClean('Bind(version=1.0.0) { }\n', 'bind', { noWarnings: true });
});

// ---------------------------------------------------------------- levels

test('E0101: a wave kind at the top gives only E0101, fixed by putting it under `Route`', () => {
  const text = bind('  Http<Get>(auth)/users -> localhost:app:users => &;');
  const d = expectDiagnostic(text, 'bind', 'E0101', { line: 2, col: 3, only: true });
  assert.is(d.message, '`Route` needs to be defined');
  assert.ok(fixed(text, d).includes('  Route<Http<Get>>(auth)/users -> '));
  const block = bind('  Http -> {\n    Get/users -> localhost:app:users => &;\n  }');
  assert.ok(fixed(block, expectDiagnostic(block, 'bind', 'E0101', { line: 2, only: true })).includes('  Route<Http> -> {'));
  expectDiagnostic(bind('  * -> { }'), 'bind', 'E0101', { line: 2, col: 3, only: true });
  const typo = expectDiagnostic(bind('  Rout<Http<Get>>/x -> (()) => &;'), 'bind', 'E0101', { only: true });
  assert.is(typo.suggestions[0]!.edits[0]!.newText, 'Route');
});

test('E0102: a method its wave kind lacks, with "did you mean" only when close', () => {
  const typo = expectDiagnostic(bind('  Route<Http<Pots>>/users -> (()) => &;'), 'bind', 'E0102', { line: 2, col: 14, only: true });
  assert.is(typo.message, 'unknown Http method `Pots`');
  assert.is(typo.suggestions[0]!.message, 'did you mean `Post`?');
  assert.is(expectDiagnostic(bind('  Route<Http<get>> -> (()) => &;'), 'bind', 'E0102', { only: true }).suggestions[0]!.edits[0]!.newText, 'Get');
  // SPEC §9's own example: `Fetch` is two edits from `Patch`, within a third of the word (rounded up).
  assert.is(expectDiagnostic(bind('  Route<Http<Fetch>> -> (()) => &;'), 'bind', 'E0102', { only: true }).suggestions[0]!.message, 'did you mean `Patch`?');
  assert.equal(expectDiagnostic(bind('  Route<Http<Download>> -> (()) => &;'), 'bind', 'E0102', { only: true }).suggestions, []);
  assert.is(expectDiagnostic(bind('  Route<Cmd<Reed>> -> (()) => &;'), 'bind', 'E0102', { only: true }).primary.label, 'not a Cmd method');
  expectDiagnostic(bind('  Route<Hyp<Fetch>> -> (()) => &;'), 'bind', 'E0102', { only: true });
  // Ext methods are the application's own: any CamelCase name, and a lowercase one is offered in CamelCase.
  expectClean(bind('  Route<Ext<SuperScott>> -> (()) => &;'), 'bind');
  assert.is(expectDiagnostic(bind('  Route<Ext<sign-up>> -> (()) => &;'), 'bind', 'E0102', { only: true }).suggestions[0]!.edits[0]!.newText, 'SignUp');
  // The block form names the method one level down.
  expectDiagnostic(bind('  Route<Http> -> {\n    Gett/x -> (()) => &;\n  }'), 'bind', 'E0102', { line: 3, col: 5, only: true });
});

test('E0103: `Hyp` needs a method, on a route; a block of Hyp routes is fine', () => {
  expectDiagnostic(bind('  Route<Hyp> -> (()) => &;'), 'bind', 'E0103', { line: 2, col: 9, only: true });
  expectDiagnostic(bind('  Route -> {\n    Hyp -> (());\n  }'), 'bind', 'E0103', { line: 3, only: true });
  expectClean(bind('  Route<Hyp<*>> -> (()) => &;\n  Route<Hyp> -> { Init -> (()); }'), 'bind', { noWarnings: true });
});

test('E0104: nothing below a method, stacked or nested', () => {
  expectDiagnostic(bind('  Route<Http<Post<Json>>>/users -> (()) => &;'), 'bind', 'E0104', { line: 2, col: 19, only: true });
  expectDiagnostic(bind('  Route -> { Http -> { Post -> { Json -> (()) => &; } } }'), 'bind', 'E0104', { col: 34, only: true });
});

test('E0108: an unknown wave kind, with "did you mean"', () => {
  const d = expectDiagnostic(bind('  Route<Https<Get>>/users -> (()) => &;'), 'bind', 'E0108', { line: 2, col: 9, only: true });
  assert.is(d.suggestions[0]!.edits[0]!.newText, 'Http');
  expectDiagnostic(bind('  Route -> {\n    Mail<Send> -> (()) => &;\n  }'), 'bind', 'E0108', { line: 3, col: 5, only: true });
});

// ---------------------------------------------------------------- paths and captures

test('E0105 points at the offending character, and its captures cause no second error', () => {
  const route = (path: string): string => bind(`  Route<Http<Get>>${path} -> localhost:app:users:\${id} => &;`);
  const col = (path: string, at: string): number => '  Route<Http<Get>>'.length + path.indexOf(at) + 1;
  const cls = '/users/(?P<id>[0-9+';
  expectDiagnostic(route(cls), 'bind', 'E0105', { line: 2, col: col(cls, '['), message: /does not compile/, only: true });
  const group = '/users/(?P<id>[0-9]+';
  expectDiagnostic(route(group), 'bind', 'E0105', { col: col(group, '('), only: true });
  const escape = '/users/(?P<id>\\q)';
  expectDiagnostic(route(escape), 'bind', 'E0105', { col: col(escape, '\\'), only: true });
  const glob = '/static/**';
  const d = expectDiagnostic(bind(`  Route<Http<Get>>${glob} -> localhost:app => &;`), 'bind', 'E0105', { col: col(glob, '**') + 1, only: true });
  assert.ok(d.help.some((h) => h.includes('`.*`')));
  expectDiagnostic(route('/users/{id}'), 'bind', 'E0105', { col: col('/users/{id}', '{'), only: true });
});

test('named captures in either spelling, and positional ones counted by capturing group', () => {
  expectClean(bind('  Route<Http<Get>>/a/(?P<user>[a-z]+) -> profiles:${user} => &;\n  Route<Http<Get>>/b/(?<user>[a-z]+) -> profiles:${user} => &;'), 'bind');
  expectClean(bind('  Route<Http<Get>>/(?:x|y)/(?<user>[a-z]+)/([0-9]+) -> localhost:app:/$1/$2 => &;'), 'bind');
  const d = expectDiagnostic(bind('  Route<Http<Get>>/static/(.+) -> localhost:site:/$2 => &;'), 'bind', 'E0116', { line: 2, col: 51, only: true });
  assert.is(d.primary.label, 'the path has 1 group');
  expectDiagnostic(bind('  Route<Http<Get>>/static/(?:.+) -> localhost:site:/$1 => &;'), 'bind', 'E0116', { only: true, message: /`\$1`/ });
});

test('a `;` or `#` inside a path is part of it', () => {
  expectClean(bind('  Route<Http<Get>>/files/(?P<name>[^;/]+) -> localhost:files:/${name} => &;\n  Route<Ext<Hello>> -> (()) => &;'), 'bind', { noWarnings: true });
  expectClean(bind('  Route<Http<Get>>/a#b -> (()) => &;'), 'bind', { noWarnings: true });
});

test('captures of enclosing scopes are visible in stops; E0106 lists the names in scope', () => {
  const nested = (use: string): string =>
    bind(`  Route<Http>/users/(?P<user>[a-z-]+)/ -> {\n    Get/users/[a-z-]+/posts/(?P<post>[0-9]+) -> ${use} => &;\n  }`);
  expectClean(nested('localhost:posts:${user}-${post}'), 'bind');
  expectClean(nested('localhost:app^Http<Get>/posts/${user}/${post}'), 'bind');
  const d = expectDiagnostic(nested('profiles:${name}'), 'bind', 'E0106', { line: 3, only: true });
  assert.is(d.message, 'unknown variable `${name}`');
  assert.equal(d.notes, ['in scope here: `${doc}`, `${doc.bundle}`, `${self}`, `${user}`, `${post}`']);
  // A sibling's captures are not in scope; a call's path is checked too, with "did you mean".
  expectDiagnostic(bind('  Route<Http<Get>>/(?P<post>\\d+) -> localhost:app => &;\n  Route<Ext<Hello>> -> profiles:${post} => &;'), 'bind', 'E0106', { line: 3, only: true });
  const call = expectDiagnostic(bind('  Route<Http<Get>>/(?P<user>[a-z]+) -> localhost:app^Http<Get>/u/${usr} => &;'), 'bind', 'E0106', { only: true });
  assert.is(call.suggestions[0]!.edits[0]!.newText, 'user');
});

test('E0114: one capture name per route, across levels and within one path; siblings may reuse it', () => {
  const d = expectDiagnostic(
    bind('  Route<Http>/users/(?P<id>[0-9]+)/ -> {\n    Get/users/[0-9]+/posts/(?P<id>[0-9]+) -> localhost:posts:${id} => &;\n  }'),
    'bind',
    'E0114',
    { line: 3, col: 32, only: true },
  );
  assert.equal(d.secondary.map((s) => s.label), ['first defined here']);
  expectDiagnostic(bind('  Route<Http<Get>>/(?P<a>x)/(?P<a>y) -> localhost:app:${a} => &;'), 'bind', 'E0114', { col: 33, only: true });
  expectClean(bind('  Route<Http<Get>>/a/(?P<id>\\d+) -> localhost:a:${id} => &;\n  Route<Http<Get>>/b/(?P<id>\\d+) -> localhost:b:${id} => &;'), 'bind');
});

// ---------------------------------------------------------------- filters and stops

test('E0107: unknown filters and filters with bad arguments', () => {
  const typo = expectDiagnostic(bind('  Route<Http<*>>(auht role=admin)/admin/.* -> localhost:app => &;'), 'bind', 'E0107', { col: 18, only: true });
  assert.is(typo.suggestions[0]!.edits[0]!.newText, 'auth');
  expectDiagnostic(bind('  Route<Http<*>>(authenticated)/x -> localhost:app => &;'), 'bind', 'E0107', { message: /unknown filter/, only: true });
  expectDiagnostic(bind('  Route<Http<*>>(auth admin)/x -> localhost:app => &;'), 'bind', 'E0107', { message: /takes only `role=NAME`/, only: true });
  expectDiagnostic(bind('  Route<Http<*>>(timeout 2sec)/x -> localhost:app => &;'), 'bind', 'E0107', { message: /not a duration/, only: true });
  expectDiagnostic(bind('  Route<Http<*>>(limit)/x -> localhost:app => &;'), 'bind', 'E0107', { message: /takes one rate/, only: true });
  expectDiagnostic(bind('  Route<Http<*>>(auth)-(limit fast)/x -> localhost:app => &;'), 'bind', 'E0107', { message: /not a rate/, only: true });
});

test('E0113: a status stop refuses with 400..599', () => {
  expectDiagnostic(bind('  Route<Http<Get>>/old -> !302 "moved";'), 'bind', 'E0113', { line: 2, col: 28, only: true });
  expectDiagnostic(bind('  Route<Http<Get>>/ok -> !200;'), 'bind', 'E0113', { only: true });
  expectDiagnostic(bind('  Route<Http<Get>>/x -> !600;'), 'bind', 'E0113', { only: true });
  expectClean(bind('  Route<Http<Get>>/a -> !400;\n  Route<Http<Get>>/b -> !599 "down";'), 'bind', { noWarnings: true });
});

test('E0115: a call converts to one Ext, Http or Cmd method', () => {
  expectDiagnostic(bind('  Route<Ext<Reset>> -> localhost:app^Hyp<Init> => &;'), 'bind', 'E0115', { col: 38, message: /cannot call with `Hyp`/, only: true });
  expectDiagnostic(bind('  Route<Ext<Reset>> -> localhost:app^Ext<*> => &;'), 'bind', 'E0115', { col: 42, message: /one method/, only: true });
  expectDiagnostic(bind('  Route<Ext<Reset>> -> localhost:app^Ext => &;'), 'bind', 'E0115', { only: true });
  expectDiagnostic(bind('  Route<Ext<Reset>> -> localhost:app^Http<Fetch> => &;'), 'bind', 'E0102', { only: true });
  expectClean(bind('  Route<Ext<Reset>> -> localhost:app^Cmd<Command> => &;\n  Route<Http<Get>>/x -> localhost:app^Ext<Render>/page => &;'), 'bind', { noWarnings: true });
});

// ---------------------------------------------------------------- router

test('E0201: a router routes only Http waves, stacked or in a block; `*` is fine', () => {
  expectDiagnostic(router('  Route<Ext<Hello>> -> localhost:app => &;'), 'router', 'E0201', { line: 2, col: 9, only: true });
  expectDiagnostic(router('  Route -> {\n    Cmd<Read> -> localhost:app => &;\n  }'), 'router', 'E0201', { line: 3, col: 5, only: true });
  expectClean(router('  Route<*>/.* -> !404;'), 'router');
  expectClean(bind('  Route<Ext<Hello>> -> localhost:app => &;'), 'bind');
});

test('E0202: a router has no core; a bind does', () => {
  expectDiagnostic(router('  Route<Http<Get>>/hello -> (()) => &;'), 'router', 'E0202', { line: 2, col: 29, only: true });
  expectDiagnostic(router('  Route<Http<Get>>/hello -> ((*)) => &;'), 'router', 'E0202', { only: true });
  expectClean(bind('  Route<Http<Get>>/hello -> ((*)) => &;'), 'bind', { noWarnings: true });
});

// ---------------------------------------------------------------- payload patterns

test('E0502: unknown substance kinds, with the v1 name for other languages\' names', () => {
  const d = expectDiagnostic(bind('  Route<Http<Post>>/n -[ Map{title<String>} ]-> (()) => &;'), 'bind', 'E0502', { col: 36, only: true });
  assert.is(d.suggestions[0]!.edits[0]!.newText, 'Text');
  assert.is(expectDiagnostic(bind('  Route<Http<Post>>/n -[ Txt ]-> (()) => &;'), 'bind', 'E0502', { only: true }).suggestions[0]!.edits[0]!.newText, 'Text');
  // A block's step checks every route inside it, and is checked once.
  expectDiagnostic(bind('  Route<Http>/n -[ Strng ]-> {\n    Post -> (()) => &;\n  }'), 'bind', 'E0502', { line: 2, only: true });
  expectDiagnostic(bind('  Route<Http<Get>>/n -> (()) =[ Jsn ]=> &;'), 'bind', 'E0502', { only: true });
});

test('E0503: list ranges are `n` or `n-m`, with a fix', () => {
  const dots = expectDiagnostic(bind('  Route<Http<Post>>/t -[ Text[1..5] ]-> (()) => &;'), 'bind', 'E0503', { col: 31, only: true });
  assert.is(dots.suggestions[0]!.edits[0]!.newText, '1-5');
  const swapped = expectDiagnostic(bind('  Route<Http<Post>>/t -[ Text[5-1] ]-> (()) => &;'), 'bind', 'E0503', { message: /empty/, only: true });
  assert.is(swapped.suggestions[0]!.edits[0]!.newText, '1-5');
  expectClean(bind('  Route<Http<Post>>/t -[ Text[] ]-> (()) => &;\n  Route<Http<Put>>/t -[ Int[3] ]-> (()) => &;'), 'bind', { noWarnings: true });
});

test('E0504: unknown formats; image formats are `image`', () => {
  assert.is(expectDiagnostic(bind('  Route<Http<Put>>/a -[ Bin~png ]-> (()) => &;'), 'bind', 'E0504', { col: 29, only: true }).suggestions[0]!.edits[0]!.newText, 'image');
  assert.is(expectDiagnostic(bind('  Route<Http<Put>>/a -[ Text~jsn ]-> (()) => &;'), 'bind', 'E0504', { only: true }).suggestions[0]!.edits[0]!.newText, 'json');
});

test('E0505: a map key listed twice points at both', () => {
  const d = expectDiagnostic(bind('  Route<Http<Post>>/s -[ Map{name<Text>, age<Int>, name<Text>} ]-> (()) => &;'), 'bind', 'E0505', { col: 52, only: true });
  assert.equal(d.secondary.map((s) => s.label), ['first listed here']);
});

test('E0506: a validating mechtron takes an `Ext<Method>`', () => {
  expectDiagnostic(bind('  Route<Http<Post>>/o -[ Json~localhost:app:validator^Http<Post> ]-> (()) => &;'), 'bind', 'E0506', { col: 55, only: true });
  expectDiagnostic(bind('  Route<Http<Post>>/o -[ Json~localhost:app:validator^Ext ]-> (()) => &;'), 'bind', 'E0506', { only: true });
});

// ---------------------------------------------------------------- warnings

test('W0101: `{{ }}` is read with a machine-applicable fix to `(( ))`', () => {
  const text = bind('  Route<Ext<Hello>> -> {{ }} => &;');
  const d = expectDiagnostic(text, 'bind', 'W0101', { line: 2, col: 24, only: true });
  assert.is(d.severity, 'warning');
  assert.is(d.suggestions[0]!.applicability, 'machine');
  assert.ok(fixed(text, d).includes('-> (( )) => &;'));
  expectClean(fixed(text, d), 'bind', { noWarnings: true });
});

test('W0102: segments after a status stop or a reply never run; the fix removes them', () => {
  const text = bind('  Route<Http<*>>/admin/.* -> !403 "forbidden" => &;');
  const d = expectDiagnostic(text, 'bind', 'W0102', { line: 2, col: 47, only: true });
  assert.equal(d.secondary.map((s) => s.label), ['the pipeline ends here']);
  assert.ok(fixed(text, d).includes('-> !403 "forbidden";'));
  const reply = expectDiagnostic(bind('  Route<Ext<Hello>> -> (()) => & => localhost:app;'), 'bind', 'W0102', { only: true });
  assert.equal(reply.secondary.map((s) => s.label), ['the reply is sent here']);
});

test('W0103: a route after one that matches everything it matches', () => {
  const d = expectDiagnostic(
    bind('  Route<Http<*>> -> localhost:app => &;\n  Route<Http<Get>>/index.html -> localhost:site:/index.html => &;'),
    'bind',
    'W0103',
    { line: 3, col: 3, only: true },
  );
  assert.equal(d.secondary.map((s) => s.label), ['this route matches every wave this one would']);
  expectDiagnostic(bind('  Route<*> -> (()) => &;\n  Route<Ext<Hello>> -> (()) => &;'), 'bind', 'W0103', { line: 3, only: true });
  expectDiagnostic(bind('  Route<Http<*>>/.* -> localhost:a => &;\n  Route<Http<Get>>/x -> localhost:b => &;'), 'bind', 'W0103', { line: 3, only: true });
  expectDiagnostic(bind('  Route<Http<*>>/x -> localhost:a => &;\n  Route<Http<Get>>/x -> localhost:b => &;'), 'bind', 'W0103', { line: 3, only: true });
  expectDiagnostic(bind('  Route -> {\n    Http<*> -> localhost:a => &;\n    Http<Post>/x -> localhost:b => &;\n  }'), 'bind', 'W0103', { line: 4, only: true });
  // Not when the earlier route's path is narrower, nor across wave kinds, nor in the right order.
  expectClean(bind('  Route<Http<*>>/api/.* -> localhost:a => &;\n  Route<Http<Get>>/index.html -> localhost:b => &;'), 'bind', { noWarnings: true });
  expectClean(bind('  Route<Ext<*>> -> (()) => &;\n  Route<Http<Get>> -> (()) => &;'), 'bind', { noWarnings: true });
  expectClean(bind('  Route<Http<Get>>/index.html -> localhost:b => &;\n  Route<Http<*>> -> localhost:a => &;'), 'bind', { noWarnings: true });
});

test('W0104: an empty block, nested or under the root; an empty document is no warning', () => {
  expectDiagnostic(bind('  Route -> {\n    Ext<Hello> -> (()) => &;\n    Http -> {\n    }\n  }'), 'bind', 'W0104', { line: 4, col: 5, only: true });
  expectDiagnostic(bind('  Route<Http> -> { }'), 'bind', 'W0104', { line: 2, col: 3, only: true });
  assert.equal(diagnosticsOf('Bind(version=1.0.0) { }', 'bind'), []);
});

test('E0008: whitespace inside a stacked selector, one diagnostic whose fix writes it whole', () => {
  for (const [written, canonical] of [['Route<Http< Get >>', 'Route<Http<Get>>'], ['Route< Ext<Hello>>', 'Route<Ext<Hello>>'], ['Route<Http<Get> >', 'Route<Http<Get>>']]) {
    const d = expectDiagnostic(bind(`  ${written}/x -> (()) => &;`), 'bind', 'E0008', { only: true });
    assert.is(d.suggestions[0]!.edits[0]!.newText, canonical);
    assert.is(d.suggestions[0]!.applicability, 'machine');
  }
});

test('E0008: a point split by whitespace is one diagnostic, and the fix joins it', () => {
  const d = expectDiagnostic(bind('  Route<Http<Get>> -> localhost: app => &;'), 'bind', 'E0008', { only: true, line: 2, col: 33 });
  assert.is(d.message, 'whitespace inside a point');
  assert.equal(d.suggestions[0]!.edits[0]!.span, { start: 54, end: 55 });
  expectDiagnostic(bind('  Route<Http<Get>> -> localhost :app:users => &;'), 'bind', 'E0008', { only: true });
});

test.run();

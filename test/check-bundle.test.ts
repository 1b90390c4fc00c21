// Bundle-aware checks: artifacts named by `${doc.bundle}:/...` exist; wasm binaries carry the Mechtron ABI;
// JSON Schemas are JSON and valid schemas. Bundles are built in temporary folders.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bundleFromDirectory, findBundleRoot } from '../compiler/bundle/bundle-files.ts';
import { bundlePathOf } from '../compiler/bundle/check-artifacts.ts';
import { checkFile } from '../compiler/check-file.ts';
import { project, removeProjects } from './helpers/project.ts';

/** A bundle folder with `files`; returns the codes raised by checking `file` in it. */
function codesOf(files: Record<string, string | Uint8Array>, file: string): string[] {
  const root = project(files, 'starc-bundle-');
  const bundle = bundleFromDirectory(root, 'bundle');
  return checkFile(file, files[file] as string, bundle).map((d) => d.code);
}

/** The smallest module exporting the whole guest ABI: six functions and a memory. */
function abiModule(): Uint8Array {
  const names = ['mechtron_guest_alloc_buffer', 'mechtron_guest_get_buffer_ptr', 'mechtron_guest_get_buffer_len', 'mechtron_guest_dealloc_buffer', 'mechtron_guest_init', 'mechtron_frame_to_guest'];
  const leb = (n: number): number[] => (n < 0x80 ? [n] : [(n & 0x7f) | 0x80, ...leb(n >> 7)]);
  const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];
  const str = (s: string) => [s.length, ...Buffer.from(s)];
  const type = section(1, [1, 0x60, 0, 0]); // one type: () -> ()
  const funcs = section(3, [names.length, ...names.map(() => 0)]);
  const memory = section(5, [1, 0, 1]);
  const exports = section(7, [names.length + 1, ...names.flatMap((n, i) => [...str(n), 0, i]), ...str('memory'), 2, 0]);
  const code = section(10, [names.length, ...names.flatMap(() => [2, 0, 0x0b])]);
  return new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...type, ...funcs, ...memory, ...exports, ...code]);
}

const MECHTRON = 'Mechtron(version=1.0.0) {\n  Wasm {\n    +bin=${doc.bundle}:/wasm/hello.wasm;\n    +name=hello;\n  }\n}\n';
const SIGNUP = 'Bind(version=1.0.0) {\n  Route<Http<Post>>/signup -[ Json~schema(${doc.bundle}:/schema/signup.json) ]-> (()) => &;\n}\n';

test('a mechtron bin with the whole ABI is clean; missing, not wasm, or lacking exports is E0303', () => {
  assert.equal(codesOf({ 'config/m.mechtron': MECHTRON, 'wasm/hello.wasm': abiModule() }, 'config/m.mechtron'), []);
  assert.equal(codesOf({ 'config/m.mechtron': MECHTRON }, 'config/m.mechtron'), ['E0303']);
  assert.equal(codesOf({ 'config/m.mechtron': MECHTRON, 'wasm/hello.wasm': 'not wasm' }, 'config/m.mechtron'), ['E0303']);
  assert.equal(codesOf({ 'config/m.mechtron': MECHTRON, 'wasm/hello.wasm': new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]) }, 'config/m.mechtron'), ['E0303']);
});

test('a schema artifact must exist, be JSON, and be a valid JSON Schema (draft-07 or 2020-12): E0501', () => {
  const ok = JSON.stringify({ type: 'object', required: ['username'], properties: { username: { type: 'string' } } });
  assert.equal(codesOf({ 'bind/s.bind': SIGNUP, 'schema/signup.json': ok }, 'bind/s.bind'), []);
  const v2020 = JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', prefixItems: [{ type: 'string' }] });
  assert.equal(codesOf({ 'bind/s.bind': SIGNUP, 'schema/signup.json': v2020 }, 'bind/s.bind'), []);
  assert.equal(codesOf({ 'bind/s.bind': SIGNUP }, 'bind/s.bind'), ['E0501']);
  assert.equal(codesOf({ 'bind/s.bind': SIGNUP, 'schema/signup.json': '{ "type": ' }, 'bind/s.bind'), ['E0501']);
  assert.equal(codesOf({ 'bind/s.bind': SIGNUP, 'schema/signup.json': '{ "type": 42 }' }, 'bind/s.bind'), ['E0501']);
});

test('other artifacts must exist (E0408); paths with variables are left to run time', () => {
  const site = 'Bind(version=1.0.0) {\n  Route<Http<Get>>/ -> ${doc.bundle}:/html/index.html => &;\n  Route<Http<Get>>/(?P<f>.+) -> ${doc.bundle}:/html/${f} => &;\n}\n';
  assert.equal(codesOf({ 'bind/site.bind': site, 'html/index.html': '<h1>hi</h1>' }, 'bind/site.bind'), []);
  assert.equal(codesOf({ 'bind/site.bind': site }, 'bind/site.bind'), ['E0408']);
  const app = 'App(version=1.0.0) {\n  Set {\n    +bind=${doc.bundle}:/bind/app.bind;\n  }\n}\n';
  assert.equal(codesOf({ 'config/a.app': app }, 'config/a.app'), ['E0408']);
});

test('bundle roots and bundle paths', () => {
  assert.is(findBundleRoot('/x/site/bundle/bind/a.bind'), '/x/site/bundle');
  assert.is(findBundleRoot('/x/loose.bind'), undefined);
  assert.is(bundlePathOf('${doc.bundle}:/schema/a.json'), 'schema/a.json');
  assert.is(bundlePathOf('${doc.bundle}/wasm/x.wasm'), 'wasm/x.wasm');
  assert.is(bundlePathOf('${doc.bundle}:/html/${path}'), undefined);
  assert.is(bundlePathOf('repo:hello:1.0.0:/wasm/hello.wasm'), undefined);
  assert.is(bundleFromDirectory('/nonexistent', 'b').read('../etc/passwd'), undefined);
});

test.after.each(removeProjects);

test.run();

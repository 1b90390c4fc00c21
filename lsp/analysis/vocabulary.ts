// The words of the languages with one line each, for hover and completion. The lists themselves come from
// the compiler (wave kinds and methods, kinds, substance kinds, filters, formats), so the editor offers
// exactly what the checker accepts; only the prose lives here.

import { CMD_METHODS, HTTP_METHODS, HYP_METHODS, WAVE_KINDS, type WaveKind } from '../../compiler/check/waves.ts';
import { FILTER_NAMES } from '../../compiler/check/filters.ts';
import { PAYLOAD_FORMATS, SUBSTANCE_KINDS } from '../../compiler/check/payload.ts';

export const WAVE_KIND_DOCS: Readonly<Record<WaveKind | '*', string>> = {
  Http: `HTTP requests, as the ingress delivers them. Methods: ${HTTP_METHODS.join(', ')} (\`*\` = any).`,
  Ext: 'Extension waves between particles: the method is any CamelCase name the receiver handles (`Hello`, `SignUp`).',
  Cmd: `Commands to a particle. Methods: ${CMD_METHODS.join(', ')}.`,
  Hyp: `Hyperspace waves of the runtime itself. Methods: ${HYP_METHODS.join(', ')}; a method is required.`,
  '*': 'Any wave kind.',
};

export const ROUTE_DOC =
  'The first selector level: every top-level scope is a `Route`. Then a wave kind (`Http`, `Ext`, `Cmd`, `Hyp`), then a method: `Route<Http<Get>>/path -> ...;` or `Route -> { Http<Get>/path -> ...; }`.';

export const FILTER_DOCS: Readonly<Record<(typeof FILTER_NAMES)[number], { doc: string; example: string }>> = {
  auth: { doc: 'Requires an authenticated agent (401 otherwise); `(auth role=admin)` requires a role.', example: 'auth' },
  timeout: { doc: 'Bounds the whole pipeline: `(timeout 2s)`.', example: 'timeout 2s' },
  limit: { doc: 'Rate-limits per sender: `(limit 100/s)`.', example: 'limit 100/s' },
};

export const STEP_DOCS: Readonly<Record<string, string>> = {
  '->': 'Passes the *request* on to the next stop.',
  '=>': 'Passes the current *response* on to the next stop.',
  '-[': 'Checks the request body against the payload pattern (400 when it fails), then passes the request on.',
  '=[': 'Checks the response body against the payload pattern (500 when it fails), then passes the response on.',
};

export const STOP_DOCS = {
  core: "`(( ))` delivers to the particle's own core (the mechtron's code); its reply becomes the current response.",
  reply: '`&` replies to the original sender with the current response (status and body).',
  status: '`!status "message"` ends the pipeline with that error status (400..599) and message.',
};

export const SUBSTANCE_DOCS: Readonly<Record<(typeof SUBSTANCE_KINDS)[number], string>> = {
  Empty: 'No body.',
  Text: 'A UTF-8 string.',
  Bin: 'Raw bytes.',
  Int: 'An integer.',
  Boolean: '`true` or `false`.',
  Point: 'The address of a particle.',
  Map: 'Keys to substances: `Map{username<Text>, password<Text>}` requires those keys and no others; `Map{a<Text>, *}` allows others.',
  List: 'A list of substances; `Text[]`, `Text[5]`, `Text[1-5]` constrain items and length.',
  Json: 'Any JSON value; `Json~schema(${doc.bundle}:/schema/x.json)` checks it against a JSON Schema.',
  Stub: "A particle's stub (point, kind, status).",
  Details: "A particle's details (its stub and properties).",
  Status: 'A particle status.',
  Err: 'An error: a status and a message.',
};

export const FORMAT_DOCS: Readonly<Record<(typeof PAYLOAD_FORMATS)[number], string>> = {
  json: 'The body must be JSON text.',
  image: 'The body must be an image.',
  utf8: 'The body must be valid UTF-8.',
};

export interface KeyDoc {
  readonly doc: string;
  /** What completion inserts after `=`. */
  readonly value?: string;
}

/** Keys of the `.mechtron` sections and the properties the runtime reads. */
export const SECTION_KEYS: Readonly<Record<string, Readonly<Record<string, KeyDoc>>>> = {
  Wasm: {
    bin: { doc: 'The guest binary: a `.wasm` artifact exporting the Mechtron ABI (required).', value: '${doc.bundle}:/wasm/' },
    name: { doc: "The mechtron's name, skewer-case (required).", value: 'my-mechtron' },
  },
  Limits: {
    timeout: { doc: "One message's execution time in the guest: `250ms`, `5s`, `2m`.", value: '5s' },
    memory: { doc: "The guest's linear memory cap: `64KiB`, `16MiB`, `1GiB`.", value: '16MiB' },
    instances: { doc: 'The instance pool size.', value: '4' },
  },
};

/** Particle properties that name artifacts (SET and command blocks). */
export const PARTICLE_KEYS: Readonly<Record<string, KeyDoc>> = {
  bind: { doc: 'The `.bind` artifact that routes the waves this particle accepts.', value: '${doc.bundle}:/bind/' },
  router: { doc: "The `.router` artifact that routes a Space's HTTP requests.", value: '${doc.bundle}:/router/' },
  config: { doc: 'The configuration artifact: an `.app` for an App, a `.mechtron` for a Mechtron.', value: '${doc.bundle}:/config/' },
};

export const SECTION_DOCS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  app: {
    Set: 'Properties set on the App particle: `+bind=${doc.bundle}:/bind/app.bind;`.',
    Require: 'Kinds the host must be able to provide, one per line (`FileStore;`); the install fails with `Fatal` otherwise.',
    Install: 'A script run in order when the App is created; the App becomes `Ready` when every command succeeded.',
  },
  mechtron: {
    Wasm: 'The guest: `+bin=` (a `.wasm` artifact) and `+name=` (required).',
    Limits: 'Resource limits: `+timeout=`, `+memory=`, `+instances=`.',
  },
};

export const COMMAND_DOCS: Readonly<Record<string, string>> = {
  create: '`create [?|!] point<Kind>{ +key=value }`: creates a particle (`?` only if absent, `!` overrides).',
  publish: '`publish [?] ^[ bundle ]-> repo:name:1.0.0`: publishes a bundle folder or .zip as a Bundle.',
  select: '`select localhost:**<Mechtron>`: lists the particles a pattern selects.',
  set: '`set point{ +key=value }`: sets (or `!key` unsets) properties.',
  get: '`get point{ key }`: reads properties.',
  delete: '`delete [?] point`: deletes a particle.',
  watch: '`watch point`: streams status and property changes.',
  send: '`send point Ext<Hello> "body"`: sends a wave and prints the reply.',
  exit: '`exit`: ends the script.',
};

export const VARIABLE_DOCS: Readonly<Record<string, string>> = {
  doc: "The point of this document's own artifact.",
  'doc.bundle': "This document's bundle (e.g. `repo:hello:1.0.0` once published); `${doc.bundle}:/path` names a file in it.",
  self: 'The particle this configuration is applied to.',
};

export { CMD_METHODS, FILTER_NAMES, HTTP_METHODS, HYP_METHODS, PAYLOAD_FORMATS, SUBSTANCE_KINDS, WAVE_KINDS };

// Builds dist/starc.mjs: one ESM bundle of the CLI (heavy parts are loaded lazily by the commands),
// plus the explanation files `starc explain` reads beside it.
import { build } from 'esbuild';
import { cpSync, mkdirSync, rmSync, chmodSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
mkdirSync('dist', { recursive: true });
await build({
  // The guest worker is its own entry: worker threads load it by file (runtime/mechtron/worker-pool.ts).
  entryPoints: { starc: 'cli/main.ts', 'mechtron-worker': 'runtime/mechtron/guest-worker.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: 'linked',
  minify: true, // smaller to parse and compile: part of cold start (B2)
  // `require` for the CommonJS packages bundled into ESM (vscode-languageserver requires node: built-ins).
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __starcRequire } from 'node:module'; const require = __starcRequire(import.meta.url);" },
  // Ink imports react-devtools-core only in development mode; the bundle never needs it.
  alias: { 'react-devtools-core': './scripts/stubs/empty-module.mjs' },
  // ajv is required lazily (only for JSON Schemas whose compile the check cannot judge alone: $ref, $id, ...); from node_modules, not the bundle.
  external: ['ajv', 'ajv/*', 'better-sqlite3'],
  logLevel: 'warning',
});
cpSync('compiler/diagnostics/explanations', 'dist/explanations', { recursive: true });
chmodSync('dist/starc.mjs', 0o755);

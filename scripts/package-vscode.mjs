// Packs the VS Code extension into vscode-extension/starc-<version>.vsix, offline:
//   1. bundles the client (vscode-extension/src/extension.ts → dist/extension.js) and the language server
//      (lsp/adapter/stdio-main.ts → dist/server.js) with esbuild: CommonJS, Node 20, every dependency inside,
//      so the package ships no node_modules (vsce runs with dependencies: false);
//   2. copies the diagnostic explanations beside the server (hover and code links read them);
//   3. writes the TextMate grammars from grammar/textmate/ to vscode-extension/syntaxes/;
//   4. runs @vscode/vsce's `package` in-process (no network; @vscode/vsce-sign is only needed to sign).
// `--build-only` stops after step 3 (enough to run the extension from source with F5).
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const EXTENSION = join(ROOT, 'vscode-extension');
const SERVER_ENTRY = join(ROOT, 'lsp/adapter/stdio-main.ts');
const buildOnly = process.argv.includes('--build-only');

/**
 * The compiler loads some packages lazily through `createRequire(import.meta.url)` (ajv only for bundles with
 * JSON Schemas, yaml only for starc.yaml), which esbuild cannot follow. In the server bundle `node:module`'s
 * `createRequire` is replaced by one that knows these packages, bundled but still initialised on first use.
 */
const LAZY_PACKAGES = ['ajv', 'ajv/dist/2020', 'yaml'];
const bundledRequire = {
  name: 'bundled-require',
  setup(b) {
    b.onResolve({ filter: /^node:module$/ }, (args) =>
      args.importer.startsWith(join(ROOT, 'compiler')) ? { path: 'bundled-require', namespace: 'starc' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'starc' }, () => ({
      resolveDir: ROOT,
      loader: 'js',
      contents: [
        'const modules = {',
        ...LAZY_PACKAGES.map((id) => `  ${JSON.stringify(id)}: () => require(${JSON.stringify(id)}),`),
        '};',
        'export function createRequire() {',
        '  return (id) => {',
        '    const load = modules[id];',
        "    if (!load) throw new Error(`package \\`${id}\\` is not bundled into the language server (scripts/package-vscode.mjs)`);",
        '    return load();',
        '  };',
        '}',
      ].join('\n'),
    }));
  },
};

/** Every `require('x')` the compiler makes lazily must be in LAZY_PACKAGES, or the server would fail later. */
function checkLazyPackages() {
  const missing = new Set();
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts')) {
        for (const m of readFileSync(path, 'utf8').matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)/g)) {
          if (!m[1].startsWith('node:') && !LAZY_PACKAGES.includes(m[1])) missing.add(`${m[1]} (${relative(ROOT, path)})`);
        }
      }
    }
  };
  walk(join(ROOT, 'compiler'));
  walk(join(ROOT, 'lsp'));
  if (missing.size > 0) fail(`add to LAZY_PACKAGES in scripts/package-vscode.mjs: ${[...missing].join(', ')}`);
}

function fail(message) {
  console.error(`package-vscode: ${message}`);
  process.exit(1);
}

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  // ESM sources read `import.meta.url` (createRequire, the explanations' folder); CommonJS has __filename.
  define: { 'import.meta.url': '__starcImportMetaUrl' },
  banner: { js: 'var __starcImportMetaUrl = require("url").pathToFileURL(__filename).href;' },
};

if (!existsSync(SERVER_ENTRY)) fail(`${relative(ROOT, SERVER_ENTRY)} does not exist: the language server has no stdio entry yet`);
checkLazyPackages();
const manifest = JSON.parse(readFileSync(join(EXTENSION, 'package.json'), 'utf8'));
const dist = join(EXTENSION, 'dist');
const syntaxes = join(EXTENSION, 'syntaxes');
rmSync(dist, { recursive: true, force: true });
rmSync(syntaxes, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
mkdirSync(syntaxes, { recursive: true });

await Promise.all([
  build({ ...common, entryPoints: [join(EXTENSION, 'src/extension.ts')], outfile: join(dist, 'extension.js'), external: ['vscode'] }),
  build({ ...common, entryPoints: [SERVER_ENTRY], outfile: join(dist, 'server.js'), plugins: [bundledRequire] }),
]);
cpSync(join(ROOT, 'compiler/diagnostics/explanations'), join(dist, 'explanations'), { recursive: true });

// The grammar module is TypeScript; tsx loads it (a devDependency, as esbuild is).
const { tsImport } = await import('tsx/esm/api');
const { TEXTMATE_GRAMMARS } = await tsImport(pathToFileURL(join(ROOT, 'grammar/textmate/grammars.ts')).href, import.meta.url);
for (const { fileName, grammar } of TEXTMATE_GRAMMARS) writeFileSync(join(syntaxes, fileName), `${JSON.stringify(grammar, null, 2)}\n`);

if (!buildOnly) {
  const packagePath = join(EXTENSION, `${manifest.name}-${manifest.version}.vsix`);
  rmSync(packagePath, { force: true });
  const { createVSIX } = await import('@vscode/vsce');
  // No `repository` in the manifest (the README links are absolute); nothing is fetched.
  await createVSIX({ cwd: EXTENSION, packagePath, dependencies: false, allowMissingRepository: true });
  console.log(`package-vscode: wrote ${relative(process.cwd(), packagePath)}`);
}

// An App particle's life (SPEC §6): its `config` property names an `.app` artifact; creating the App applies the
// document's `Set` to it, checks `Require` against what this host can provide, and runs `Install` as a script
// with `${self}` = the App and `${doc.bundle}` = the artifact's bundle. The App is `Ready` when every command
// succeeded and `Fatal` otherwise, with a message naming the section, the command and what went wrong.
//
// Decisions:
// - The Install commands are run from the stored `.app` source (re-parsed, each command's own text), not from
//   the IR: the command executor takes SPEC §8 text, and the source is what the checker approved at publish.
// - What this host provides is every kind the embedded store and runtime implement; external services
//   (`Database<...>`, `Artifact` kinds are published, not provided) are missing, so an App that requires them
//   fails with the list of what is missing, before anything is installed.

import type { ConfigDocument } from '../../grammar/ast.ts';
import { parseDocument } from '../../grammar/parser.ts';
import { executeScript, type SendFn } from '../commands/execute.ts';
import type { Store } from '../store/store.ts';
import type { PropOp } from '../store/types.ts';
import type { BundleIrs } from './bundle-irs.ts';

/** Kinds this host can provide to an App's `Require`. */
const PROVIDED = new Set(['Space', 'Base', 'FileStore', 'FileSystem', 'File', 'Mechtron', 'App', 'Repo', 'BundleSeries', 'Bundle', 'User', 'UserBase']);

export type AppOutcome = { readonly ok: true } | { readonly ok: false; readonly message: string };

export async function installApp(point: string, deps: { readonly store: Store; readonly bundles: BundleIrs; readonly send: SendFn }): Promise<AppOutcome> {
  const { store, bundles } = deps;
  const particle = store.get(point);
  if (!particle.ok) return { ok: false, message: particle.error.message };
  const config = particle.value.properties['config']?.value;
  if (config === undefined) return { ok: false, message: 'it has no `config` property: give it one naming its .app artifact (`+config=repo:app:1.0.0:/config/app.app`)' };
  const found = bundles.document(config, ['app']);
  if (!found.ok) return { ok: false, message: `its config ${found.message}` };
  const app = found.document;
  const bundleOf = (text: string) => text.replace(/\$\{doc\.bundle\}/g, found.bundle);

  const ops: PropOp[] = app.set.map((p) => (p.op === 'unset' ? { op: 'unset', key: p.key } : { op: p.locked ? 'lock' : 'set', key: p.key, value: bundleOf(p.value) }));
  if (ops.length > 0) {
    const set = store.set(point, ops);
    if (!set.ok) return { ok: false, message: `its \`Set\` failed: ${set.error.message}` };
  }

  // A base kind this host runs, without a specific naming an outside service (`Database<Relational<...>>`,
  // `UserBase<OAuth<...>>`).
  const missing = app.require.filter((kind) => !PROVIDED.has(kind.split('<')[0]!) || /<(Relational|OAuth)</.test(kind));
  if (missing.length > 0) {
    return { ok: false, message: `it requires ${missing.map((k) => `\`${k}\``).join(', ')}, which this host cannot provide` };
  }

  const artifact = store.artifact(config);
  const bytes = artifact.ok ? store.getBlob(artifact.value.hash) : undefined;
  if (!bytes?.ok) return { ok: false, message: `its config \`${config}\` cannot be read` };
  const text = new TextDecoder().decode(bytes.value);
  const { ast } = parseDocument(text, 'app');
  const install = (ast as ConfigDocument).sections.find((s) => s.name.text === 'Install');
  if (!install || install.content.kind !== 'Commands' || install.content.commands.length === 0) return { ok: true };
  const script = install.content.commands.map((c) => text.slice(c.span.start, c.span.end).replace(/;?\s*$/, ';')).join('\n');
  const results = await executeScript(script, {
    store,
    baseDir: store.dataDir,
    variables: { self: point, 'doc.bundle': found.bundle },
    send: deps.send,
    scriptPath: `${config} (Install)`,
  });
  const failed = results.find((r) => !r.ok);
  if (failed && !failed.ok) return { ok: false, message: `its \`Install\` failed at \`${failed.command.replace(/\s+/g, ' ').trim()}\`: ${failed.error.message}` };
  return { ok: true };
}

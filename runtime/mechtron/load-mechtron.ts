// From a Mechtron particle to what its runtime needs (DESIGN.md §5): the `.mechtron` config its `config`
// property names, the wasm that config's `bin` names, checked for the guest ABI, its memory capped at
// `Limits.memory`, compiled once; and the routes of its `bind` (or Starlane's default bind). Every failure is a
// message naming what failed, which the runtime shows as the particle's `Fatal` status.

import type { IrMechtronDocument, IrRoute } from '../../compiler/ir/types.ts';
import { checkGuestAbi } from '../../compiler/bundle/wasm-abi.ts';
import { buildInMemory } from '../commands/execute.ts';
import type { BundleIrs } from '../mesh/bundle-irs.ts';
import type { Particle } from '../store/types.ts';
import type { Store } from '../store/store.ts';
import { DEFAULT_TIMEOUT_MS } from '../waves/wave.ts';
import { capMemory } from '../wasm/cap-memory.ts';
import { meterModule } from '../wasm/meter.ts';

export const DEFAULT_LIMITS = { timeoutMs: DEFAULT_TIMEOUT_MS, memoryBytes: 64 * 1024 * 1024, instances: 1 } as const;
const PAGE_BYTES = 64 * 1024;

/** Starlane's bind for a mechtron without one (DESIGN.md §5). */
export const DEFAULT_BIND = 'Bind(version=1.0.0) { Route -> { Ext<*> -> (()) => &; Http<*> -> (()) => &; } }\n';

export interface MechtronSpec {
  readonly configPoint: string;
  readonly config: IrMechtronDocument;
  /** The wasm artifact, with `${doc.bundle}` resolved. */
  readonly bin: string;
  readonly module: WebAssembly.Module;
  readonly limits: { readonly timeoutMs: number; readonly memoryBytes: number; readonly instances: number };
  readonly routes: readonly IrRoute[];
  /** `${doc.bundle}` and `${doc}` for the bind's pipelines. */
  readonly bindBundle: string;
  readonly bindDoc: string | undefined;
  /** What `mechtron_guest_init` receives. */
  readonly details: string;
}

export type SpecResult = { readonly ok: true; readonly spec: MechtronSpec } | { readonly ok: false; readonly message: string };

/**
 * Compiled modules by wasm hash and memory cap: many mechtrons share one module. What is compiled is the guest's
 * module with its memory capped at `Limits.memory` (runtime/wasm/cap-memory.ts) and deadline metering injected
 * (runtime/wasm/meter.ts), so a guest that computes past its timeout traps in its own worker.
 */
export class ModuleCache {
  private readonly modules = new Map<string, Promise<{ ok: true; module: WebAssembly.Module } | { ok: false; message: string }>>();

  compile(hash: string, bytes: Uint8Array, maxPages: number): Promise<{ ok: true; module: WebAssembly.Module } | { ok: false; message: string }> {
    const key = `${hash}/${maxPages}`;
    let compiled = this.modules.get(key);
    if (!compiled) {
      compiled = (async () => {
        const capped = capMemory(bytes, maxPages);
        if (!capped.ok) return { ok: false as const, message: capped.error.message };
        const metered = meterModule(capped.value);
        if (!metered.ok) return { ok: false as const, message: `it cannot be metered (so its deadline could not be kept): ${metered.error.message}` };
        try {
          return { ok: true as const, module: await WebAssembly.compile(metered.value.bytes as Uint8Array<ArrayBuffer>) };
        } catch (e) {
          return { ok: false as const, message: `it does not compile: ${(e as Error).message.replace(/^WebAssembly\.compile\(\): /, '')}` };
        }
      })();
      this.modules.set(key, compiled);
    }
    return compiled;
  }
}

let defaultRoutes: readonly IrRoute[] | undefined;

function defaultBindRoutes(): readonly IrRoute[] {
  if (!defaultRoutes) {
    const built = buildInMemory(new Map([['bind/default.bind', new TextEncoder().encode(DEFAULT_BIND)]]), '<default bind>', undefined);
    const doc = built.ir?.documents[0];
    if (!doc || (doc.kind !== 'bind' && doc.kind !== 'router')) throw new Error('the default bind does not build');
    defaultRoutes = doc.routes;
  }
  return defaultRoutes;
}

export async function loadMechtronSpec(particle: Particle, store: Store, bundles: BundleIrs, modules: ModuleCache): Promise<SpecResult> {
  const configPoint = particle.properties['config']?.value;
  if (configPoint === undefined) return fail(`it has no \`config\` property: give it one naming its .mechtron artifact (\`+config=repo:app:1.0.0:/config/x.mechtron\`)`);
  const found = bundles.document(configPoint, ['mechtron']);
  if (!found.ok) return fail(`its config ${found.message}`);
  const config = found.document;
  const bin = config.bin.replace(/^\$\{doc\.bundle\}/, found.bundle);
  const artifact = store.artifact(bin);
  if (!artifact.ok) return fail(`the wasm \`${bin}\` named by \`${configPoint}\` is not a published artifact: ${artifact.error.message}`);
  const bytes = store.getBlob(artifact.value.hash);
  if (!bytes.ok) return fail(`the wasm \`${bin}\` cannot be read: ${bytes.error.message}`);
  const abi = checkGuestAbi(bytes.value);
  if (abi) {
    return fail(abi.kind === 'not-a-module' ? `\`${bin}\` is not a WebAssembly module: ${abi.reason}` : `\`${bin}\` does not export the Mechtron ABI: missing ${abi.missing.map((m) => `\`${m}\``).join(', ')}`);
  }
  const limits = {
    timeoutMs: config.limits.timeoutMs ?? DEFAULT_LIMITS.timeoutMs,
    memoryBytes: config.limits.memoryBytes ?? DEFAULT_LIMITS.memoryBytes,
    instances: Math.max(1, config.limits.instances ?? DEFAULT_LIMITS.instances),
  };
  const compiled = await modules.compile(artifact.value.hash, bytes.value, Math.max(1, Math.floor(limits.memoryBytes / PAGE_BYTES)));
  if (!compiled.ok) return fail(`\`${bin}\`: ${compiled.message}`);

  let routes: readonly IrRoute[];
  let bindBundle = found.bundle;
  let bindDoc: string | undefined;
  const bindPoint = particle.properties['bind']?.value;
  if (bindPoint !== undefined) {
    const bind = bundles.document(bindPoint, ['bind']);
    if (!bind.ok) return fail(`its bind ${bind.message}`);
    routes = bind.document.routes;
    bindBundle = bind.bundle;
    bindDoc = bindPoint;
  } else {
    routes = defaultBindRoutes();
  }
  const properties: Record<string, string> = {};
  for (const [key, p] of Object.entries(particle.properties)) properties[key] = p.value;
  const details = JSON.stringify({ point: particle.point, kind: particle.kind, properties, config: { name: config.name, bin } });
  return { ok: true, spec: { configPoint, config, bin, module: compiled.module, limits, routes, bindBundle, bindDoc, details } };
}

function fail(message: string): SpecResult {
  return { ok: false, message };
}

// The IR of published bundles, built from their stored files once per bundle point and kept: a published
// version never changes (runtime/commands/execute.ts explains why the IR is rebuilt, not stored). The HTTP
// ingress, the mechtron runtimes and the payload checks all look documents up here.

import type { Ir, IrDocument } from '../../compiler/ir/types.ts';
import { buildStoredBundle } from '../commands/execute.ts';
import type { Store } from '../store/store.ts';

export type DocumentLookup<D extends IrDocument = IrDocument> =
  | { readonly ok: true; readonly document: D; readonly bundle: string; readonly point: string }
  | { readonly ok: false; readonly message: string };

export class BundleIrs {
  private readonly built = new Map<string, { readonly ir: Ir } | { readonly error: string }>();

  constructor(
    private readonly store: Store,
    private readonly log: (line: string) => void,
  ) {}

  /** The IR of bundle `point` (`repo:site:1.0.0`). */
  ir(point: string): { readonly ok: true; readonly ir: Ir } | { readonly ok: false; readonly message: string } {
    let entry = this.built.get(point);
    if (!entry) {
      const built = buildStoredBundle(this.store, point);
      entry = built.ok ? { ir: built.ir } : { error: built.error.message };
      if (!built.ok) this.log(`error: ${built.error.message}`);
      this.built.set(point, entry);
    }
    return 'ir' in entry ? { ok: true, ir: entry.ir } : { ok: false, message: `the bundle \`${point}\` cannot be loaded: ${entry.error}` };
  }

  /** The document an artifact point names (`repo:site:1.0.0:/router/site.router`), if it is of one of `kinds`. */
  document<K extends IrDocument['kind']>(artifactPoint: string, kinds: readonly K[]): DocumentLookup<IrDocument & { kind: K }> {
    const found = this.store.artifact(artifactPoint);
    if (!found.ok) return { ok: false, message: `\`${artifactPoint}\` is not a published artifact: ${found.error.message}` };
    const ir = this.ir(found.value.bundle);
    if (!ir.ok) return ir;
    const document = ir.ir.documents.find((d) => d.path === found.value.path);
    if (!document || !(kinds as readonly string[]).includes(document.kind)) {
      return { ok: false, message: `\`${artifactPoint}\` is not ${kinds.map((k) => `a ${k === 'mechtron' ? '.mechtron' : `.${k}`} document`).join(' or ')}` };
    }
    return { ok: true, document: document as IrDocument & { kind: K }, bundle: found.value.bundle, point: artifactPoint };
  }
}

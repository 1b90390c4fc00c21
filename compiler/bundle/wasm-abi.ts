// The Mechtron ABI a guest module must export (DESIGN.md §5, `mechtron-1`), checked on the module's bytes.

export const GUEST_EXPORTS: readonly { name: string; kind: 'function' | 'memory' }[] = [
  { name: 'memory', kind: 'memory' },
  { name: 'mechtron_guest_alloc_buffer', kind: 'function' },
  { name: 'mechtron_guest_get_buffer_ptr', kind: 'function' },
  { name: 'mechtron_guest_get_buffer_len', kind: 'function' },
  { name: 'mechtron_guest_dealloc_buffer', kind: 'function' },
  { name: 'mechtron_guest_init', kind: 'function' },
  { name: 'mechtron_frame_to_guest', kind: 'function' },
];

export type WasmAbiProblem = { readonly kind: 'not-a-module'; readonly reason: string } | { readonly kind: 'missing-exports'; readonly missing: string[] };

/** Undefined when `bytes` is a wasm module exporting the whole guest ABI. */
export function checkGuestAbi(bytes: Uint8Array): WasmAbiProblem | undefined {
  let module: WebAssembly.Module;
  try {
    module = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
  } catch (e) {
    const message = (e as Error).message.replace(/^WebAssembly\.Module\(\): /, '');
    return { kind: 'not-a-module', reason: message.charAt(0).toLowerCase() + message.slice(1) };
  }
  const exported = new Map(WebAssembly.Module.exports(module).map((e) => [e.name, e.kind]));
  const missing = GUEST_EXPORTS.filter((e) => exported.get(e.name) !== e.kind).map((e) => e.name);
  return missing.length > 0 ? { kind: 'missing-exports', missing } : undefined;
}

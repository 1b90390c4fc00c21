// Wave kinds and their methods (SPEC: bind scopes and selectors). Shared by bind checks, call stops,
// `send` commands and, later, the LSP's completion.

export const HTTP_METHODS = ['Get', 'Post', 'Put', 'Delete', 'Patch', 'Head', 'Options', 'Trace', 'Connect'] as const;
export const CMD_METHODS = ['Init', 'Read', 'Update', 'Command', 'RawCommand', 'Log', 'Bounce', 'Knock', 'Greet'] as const;
export const HYP_METHODS = ['Init', 'Assign', 'Host', 'Provision', 'Knock', 'Hop', 'Transport', 'HyperWave', 'Search'] as const;

export type WaveKind = 'Http' | 'Ext' | 'Cmd' | 'Hyp';
export const WAVE_KINDS: readonly WaveKind[] = ['Http', 'Ext', 'Cmd', 'Hyp'];

/** The fixed methods of a wave kind; undefined for `Ext`, whose methods are any CamelCase name. */
export function methodsOf(kind: WaveKind): readonly string[] | undefined {
  switch (kind) {
    case 'Http': return HTTP_METHODS;
    case 'Cmd': return CMD_METHODS;
    case 'Hyp': return HYP_METHODS;
    case 'Ext': return undefined;
  }
}

export function isWaveKind(name: string): name is WaveKind {
  return (WAVE_KINDS as readonly string[]).includes(name);
}

export const CAMEL_CASE = /^[A-Z][A-Za-z0-9]*$/;

/** Whether `method` exists for `kind` (`*` always does). */
export function isMethodOf(kind: WaveKind, method: string): boolean {
  if (method === '*') return true;
  const fixed = methodsOf(kind);
  return fixed ? fixed.includes(method) : CAMEL_CASE.test(method);
}

/** Wave kinds a call stop or `send` may convert a request to (Hyp waves are the runtime's own). */
export const CALLABLE_WAVE_KINDS: readonly WaveKind[] = ['Ext', 'Http', 'Cmd'];

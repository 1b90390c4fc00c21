// Route selection: the first route of a table whose wave kind, method and every path match (SPEC §4.1–§4.2).
//
// Decisions:
// - Paths are matched against the RAW request path: the URI without its query string or fragment and NOT
//   percent-decoded. So `%2F` never turns into a `/` that a pattern would see as a separator, and a capture
//   holds exactly what the sender wrote; whoever serves a file from a capture decodes it and refuses traversal.
// - The IR's regexes are already anchored; each is compiled once per route table (cached on the table's array
//   object) with the `u` flag, and each level is matched against the whole path.
// - Named groups of every level are merged into `captures` (a group that did not take part is ''); `groups`
//   holds the innermost path's positional groups, `groups[0]` being `$1`.

import type { IrRoute } from '../../compiler/ir/types.ts';

export interface RouteSelection {
  readonly route: IrRoute;
  readonly captures: Readonly<Record<string, string>>;
  readonly groups: readonly string[];
}

export interface WaveToRoute {
  /** `Http<Get>`, `Ext<Hello>`, ... */
  readonly method: string;
  /** The request path; a query string or fragment on it is ignored. */
  readonly path: string;
}

const compiledTables = new WeakMap<readonly IrRoute[], readonly (readonly RegExp[])[]>();

function compiledPaths(routes: readonly IrRoute[]): readonly (readonly RegExp[])[] {
  let compiled = compiledTables.get(routes);
  if (!compiled) {
    compiled = routes.map((r) => r.paths.map((p) => new RegExp(p.regex, 'u')));
    compiledTables.set(routes, compiled);
  }
  return compiled;
}

/** `Http<Get>` → [`Http`, `Get`]; a method without `<...>` is a wave kind with no method. */
export function splitMethod(method: string): { waveKind: string; method: string | undefined } {
  const m = /^([A-Za-z*]+)(?:<([A-Za-z*]+)>)?$/.exec(method);
  if (!m) return { waveKind: method, method: undefined };
  return { waveKind: m[1]!, method: m[2] };
}

/** The request path a route table sees: the URI minus query and fragment. */
export function pathOf(uri: string): string {
  const cut = uri.search(/[?#]/);
  return cut < 0 ? uri : uri.slice(0, cut);
}

export function selectRoute(routes: readonly IrRoute[], wave: WaveToRoute): RouteSelection | undefined {
  const { waveKind, method } = splitMethod(wave.method);
  const path = pathOf(wave.path);
  const compiled = compiledPaths(routes);
  for (let i = 0; i < routes.length; i++) {
    const route = routes[i]!;
    if (route.waveKind !== '*' && route.waveKind !== waveKind) continue;
    if (route.method !== '*' && route.method !== method) continue;
    const captures: Record<string, string> = {};
    let groups: string[] = [];
    let matched = true;
    for (let level = 0; level < compiled[i]!.length; level++) {
      const m = compiled[i]![level]!.exec(path);
      if (!m) {
        matched = false;
        break;
      }
      if (m.groups) for (const [name, value] of Object.entries(m.groups)) captures[name] = value ?? '';
      if (route.paths[level]!.whole) groups = m.slice(1).map((g) => g ?? '');
    }
    if (matched) return { route, captures, groups };
  }
  return undefined;
}

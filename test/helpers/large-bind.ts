// A bind large enough for the LSP's incremental path (INCREMENTAL_MIN_LENGTH), from the fuzz generators: generated
// routes after a top-level route that shadows many of them (W0103 with related information), so edits exercise
// the top-level unreachable-route check across the edited scope.

import { INCREMENTAL_MIN_LENGTH } from '../../lsp/analysis/incremental-check.ts';
import { prngChoices, renderBindDocument } from '../fuzz/generators.ts';

export function largeBind(seed: number): string {
  const bodies: string[] = [];
  for (let i = 0; bodies.join('\n').length < INCREMENTAL_MIN_LENGTH * 1.5; i++) {
    const text = renderBindDocument(prngChoices(seed + i), 'bind', { routes: 60, minRoutes: 30, breadth: 4, depth: 2 });
    bodies.push(text.slice(text.indexOf('{') + 1, text.lastIndexOf('}')));
  }
  return `Bind(version=1.0.0) {\n  Route<Http<*>>/.* -> (( )) => &;\n${bodies.join('\n')}\n  Route<Http<Get>>/x -> (( )) => &;\n}\n`;
}

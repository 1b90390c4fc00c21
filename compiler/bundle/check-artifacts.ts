// Bundle-aware checks: every `${doc.bundle}:/path` a document names must exist in its bundle; a mechtron's
// `bin` must be a wasm module with the Mechtron ABI (E0303), a `~schema(...)` a valid JSON Schema (E0501).

import type { Command, Document, PayloadPattern, PointRef, Prop, Scope } from '../../grammar/ast.ts';
import type { Span } from '../../grammar/span.ts';
import { POINT_KEYS } from '../check/props.ts';
import type { Reporter } from '../check/report.ts';
import type { BundleFiles } from './bundle-files.ts';
import { checkSchemaArtifact } from './json-schema.ts';
import { checkGuestAbi, GUEST_EXPORTS } from './wasm-abi.ts';

/** `schema/x.json` for `${doc.bundle}:/schema/x.json` (or Starlane's `${doc.bundle}/schema/x.json`). */
export function bundlePathOf(point: string): string | undefined {
  const m = /^\$\{doc\.bundle\}:?\/(.*)$/.exec(point);
  if (!m || m[1]!.includes('${') || m[1]!.includes('$') || m[1] === '' || m[1]!.endsWith('/')) return undefined;
  return m[1];
}

export function checkArtifacts(doc: Document, bundle: BundleFiles, reporter: Reporter): void {
  const checker = new ArtifactChecker(bundle, reporter);
  switch (doc.kind) {
    case 'BindDocument':
      checker.scopes(doc.body);
      return;
    case 'ConfigDocument':
      for (const section of doc.sections) {
        const content = section.content;
        if (content.kind === 'Props') checker.props(content.props);
        else if (content.kind === 'Commands') checker.commands(content.commands);
      }
      return;
    case 'ScriptDocument':
      return; // a script names published bundles (`repo:x:1.0.0:/...`), not its own
  }
}

class ArtifactChecker {
  constructor(
    private readonly bundle: BundleFiles,
    private readonly reporter: Reporter,
  ) {}

  scopes(scopes: readonly Scope[]): void {
    for (const scope of scopes) {
      if (scope.blockStep?.pattern) this.pattern(scope.blockStep.pattern);
      if (scope.body) this.scopes(scope.body);
      for (const segment of scope.pipeline ?? []) {
        if (segment.step?.pattern) this.pattern(segment.step.pattern);
        const stop = segment.stop;
        if (stop?.kind === 'PointStop' || stop?.kind === 'CallStop') this.exists(stop.point, 'E0408');
      }
    }
  }

  private pattern(pattern: PayloadPattern): void {
    if (pattern.kind !== 'StructurePattern') return;
    if (pattern.validator?.kind === 'SchemaValidator') this.schema(pattern.validator.point);
    if (pattern.structure.kind === 'MapStructure') {
      for (const entry of pattern.structure.entries ?? []) if (entry.pattern) this.pattern(entry.pattern);
      if (pattern.structure.rest?.pattern) this.pattern(pattern.structure.rest.pattern);
    }
  }

  props(props: readonly Prop[]): void {
    for (const prop of props) {
      if (!prop.value || prop.value.quoted || !POINT_KEYS.has(prop.key.text)) continue;
      const ref = { text: prop.value.text, span: prop.value.span };
      if (prop.key.text === 'bin') this.wasm(ref);
      else this.exists(ref, 'E0408');
    }
  }

  commands(commands: readonly Command[]): void {
    for (const command of commands) {
      if (command.kind === 'CreateCommand' || command.kind === 'SetCommand') this.props(command.props ?? []);
    }
  }

  /** The artifact's bytes, or undefined after reporting it missing under `code`. */
  private exists(ref: PointRef, code: string): Uint8Array | undefined {
    const path = bundlePathOf(ref.text);
    if (path === undefined) return undefined;
    const bytes = this.bundle.read(path);
    if (bytes === undefined) {
      this.reporter.report(code, `\`${path}\` is not in the bundle`, ref.span, 'no such artifact', {
        notes: [`looked for \`${this.bundle.shownRoot}/${path}\``],
      });
    }
    return bytes;
  }

  private wasm(ref: PointRef): void {
    const bytes = this.exists(ref, 'E0303');
    if (!bytes) return;
    const problem = checkGuestAbi(bytes);
    if (!problem) return;
    const path = bundlePathOf(ref.text)!;
    if (problem.kind === 'not-a-module') {
      this.reporter.report('E0303', `\`${path}\` is not a WebAssembly module`, ref.span, problem.reason, {
        notes: ['a mechtron\'s `bin` is a compiled `.wasm` module (AssemblyScript, Rust, ...)'],
      });
      return;
    }
    const functions = problem.missing.filter((m) => m !== 'memory').map((m) => `\`${m}\``);
    this.reporter.report('E0303', `\`${path}\` lacks the Mechtron ABI`, ref.span, `missing ${problem.missing.length} export${problem.missing.length === 1 ? '' : 's'}`, {
      notes: [
        `missing exports: ${problem.missing.map((m) => `\`${m}\``).join(', ')}`,
        `a guest exports its \`memory\` and ${GUEST_EXPORTS.length - 1} functions (\`mechtron-1\`); the guest SDK provides them`,
      ],
      ...(functions.length === 0 ? { help: ['export the module\'s memory (`--exportMemory` / `(export "memory" (memory 0))`)'] } : {}),
    });
  }

  private schema(ref: PointRef): void {
    const bytes = this.exists(ref, 'E0501');
    if (!bytes) return;
    const problem = checkSchemaArtifact(bytes);
    if (!problem) return;
    const path = bundlePathOf(ref.text)!;
    const where = problem.line !== undefined ? `${this.bundle.shownRoot}/${path}:${problem.line}:${problem.col}` : `${this.bundle.shownRoot}/${path}`;
    this.reporter.report('E0501', `\`${path}\` is not a valid JSON Schema`, ref.span as Span, 'this schema', {
      notes: [`${where}: ${problem.reason}`, 'schemas are JSON Schema draft 2020-12 or draft-07, compiled with ajv'],
    });
  }
}

// The semantic checker's entry: document-level checks (root name and version), then the checks of the
// document's kind. Produces diagnostics only; never throws on user input.

import type { Document, FileKind, RootHeader } from '../../grammar/ast.ts';
import type { Diagnostic } from '../../grammar/diagnostic.ts';
import { checkBindDocument } from './bind.ts';
import { checkConfigDocument } from './config.ts';
import { isSemver, semverFix } from './point.ts';
import { replaceWith, Reporter } from './report.ts';
import { checkCommands } from './script.ts';

export const SUPPORTED_VERSIONS = ['1.0.0'] as const;

const ROOT_OF: Record<Exclude<FileKind, 'script'>, string> = { bind: 'Bind', router: 'Router', app: 'App', mechtron: 'Mechtron' };

/**
 * `recovered`: the parser reported syntax errors and recovered, so parts may be missing from the AST;
 * checks that report something *missing* stay quiet then (the syntax error already explains it).
 */
export function checkDocument(doc: Document, recovered: boolean): Diagnostic[] {
  const reporter = new Reporter();
  switch (doc.kind) {
    case 'BindDocument':
      if (doc.header) checkHeader(doc.header, doc.fileKind, reporter);
      checkBindDocument(doc, reporter, { recovered });
      break;
    case 'ConfigDocument':
      if (doc.header) checkHeader(doc.header, doc.fileKind, reporter);
      checkConfigDocument(doc, reporter, { recovered });
      break;
    case 'ScriptDocument':
      checkCommands(doc.commands, reporter, { context: 'script', recovered });
      break;
  }
  return reporter.diagnostics;
}

function checkHeader(header: RootHeader, fileKind: Exclude<FileKind, 'script'>, reporter: Reporter): void {
  // A header the parser could not read whole (no `(version=...)`) already has its syntax error.
  if (!header.version) return;
  const expected = ROOT_OF[fileKind];
  const name = header.name;
  if (name.text !== expected) {
    const otherKind = (Object.keys(ROOT_OF) as (keyof typeof ROOT_OF)[]).find((k) => ROOT_OF[k] === name.text);
    reporter.report('E0002', `a \`${name.text}\` document in a \`.${fileKind}\` file`, name.span, `expected \`${expected}\``, {
      notes: [`\`.${fileKind}\` files hold \`${expected}(version=1.0.0) { ... }\``],
      help: otherKind ? [`if this is a ${otherKind} document, name the file \`*.${otherKind}\``] : [],
      suggestions: [replaceWith(`write \`${expected}\``, name.span, expected, false)],
    });
  }
  const version = header.version;
  if (version && !isSemver(version.text)) {
    const fixed = semverFix(version.text);
    reporter.report('E0010', `malformed version \`${version.text}\``, version.span, 'expected a version such as `1.0.0`', {
      notes: ['versions are semantic versions: MAJOR.MINOR.PATCH'],
      suggestions: fixed ? [replaceWith(`write \`${fixed}\``, version.span, fixed, false)] : [],
    });
  } else if (version && !(SUPPORTED_VERSIONS as readonly string[]).includes(version.text)) {
    reporter.report('E0003', `unsupported version \`${version.text}\``, version.span, 'not a supported version', {
      notes: [`supported versions: ${SUPPORTED_VERSIONS.join(', ')}`],
      suggestions: [replaceWith('use version 1.0.0', version.span, '1.0.0', false)],
    });
  }
}

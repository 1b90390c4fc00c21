// Validates a SARIF log against the SARIF 2.1.0 JSON Schema (the copy @microsoft/jest-sarif ships, draft-04)
// plus the rules the schema cannot express that GitHub code scanning relies on.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';

const require = createRequire(import.meta.url);
const schemaPath = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as object;

// CommonJS packages: their class and plugin are the `default` of what `import` gives.
// The schema's `language` pattern has a stray `]` that only non-Unicode regular expressions accept.
const ajv = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats.default(ajv);
const validateSchema = ajv.compile(schema);

/** Every way `log` falls short of SARIF 2.1.0 (and of what GitHub needs); empty when it is valid. */
export function sarifProblems(log: unknown): string[] {
  const problems: string[] = [];
  if (!validateSchema(log)) {
    for (const e of validateSchema.errors ?? []) problems.push(`schema: ${e.instancePath || '/'} ${e.message}`);
  }
  const runs = (log as { runs?: unknown[] }).runs ?? [];
  for (const [r, run] of runs.entries()) {
    const rules: { id: string }[] = (run as any).tool?.driver?.rules ?? [];
    const ids = new Set(rules.map((rule) => rule.id));
    if (ids.size !== rules.length) problems.push(`runs[${r}]: rule ids are not unique`);
    for (const [i, result] of ((run as any).results ?? []).entries()) {
      const at = `runs[${r}].results[${i}]`;
      if (!ids.has(result.ruleId)) problems.push(`${at}: ruleId ${result.ruleId} has no rule`);
      if (result.ruleIndex !== undefined && rules[result.ruleIndex]?.id !== result.ruleId) {
        problems.push(`${at}: ruleIndex does not point at rule ${result.ruleId}`);
      }
      for (const location of result.locations ?? []) {
        const uri: string = location.physicalLocation?.artifactLocation?.uri ?? '';
        if (uri.includes('\\')) problems.push(`${at}: uri ${uri} has a backslash`);
        if (/^\.?\.?\//.test(uri)) problems.push(`${at}: uri ${uri} is not a plain relative path`);
        const region = location.physicalLocation?.region;
        if (!region || region.startLine < 1 || region.startColumn < 1) problems.push(`${at}: region is missing or not 1-based`);
      }
    }
  }
  return problems;
}

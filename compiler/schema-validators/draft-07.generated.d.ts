// Types of the generated draft-07.generated.js (scripts/gen-schema-validators.mjs, run by `npm run build`):
// ajv's standalone validator of the draft 07 meta-schema. Hand-written and committed; the .js is not.
import type { MetaSchemaValidator } from './meta-schema-validator.ts';

export declare const validate: MetaSchemaValidator;
export default validate;

// Types of the generated draft-2020-12.generated.js (scripts/gen-schema-validators.mjs, run by `npm run build`):
// ajv's standalone validator of the draft 2020-12 meta-schema. Hand-written and committed; the .js is not.
import type { MetaSchemaValidator } from './meta-schema-validator.ts';

export declare const validate: MetaSchemaValidator;
export default validate;

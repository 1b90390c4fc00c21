// The shape of a generated meta-schema validator (ajv standalone code): a predicate that leaves the first
// error of its last call on `errors` (null when it passed), as an ajv `ValidateFunction` does.

export interface MetaSchemaError {
  /** JSON pointer of the offending value inside the schema being checked. */
  readonly instancePath: string;
  readonly keyword: string;
  readonly message?: string;
}

export interface MetaSchemaValidator {
  (schema: unknown): boolean;
  errors?: readonly MetaSchemaError[] | null;
}

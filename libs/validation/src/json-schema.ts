/**
 * The part of JSON Schema (as OpenAPI 3.0 uses it) that the hub's request and response schemas
 * need. The schemas document what the validators of this repository accept; where a validator
 * refuses unknown fields it takes the field names from its schema ({@link propertyNames}), so
 * the two cannot disagree on them.
 */
export interface JsonSchema {
  readonly type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  readonly description?: string;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly items?: JsonSchema;
  readonly enum?: readonly (string | number | boolean)[];
  readonly format?: string;
  readonly pattern?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minItems?: number;
  readonly nullable?: boolean;
  readonly oneOf?: readonly JsonSchema[];
  readonly anyOf?: readonly JsonSchema[];
  readonly allOf?: readonly JsonSchema[];
  readonly $ref?: string;
  readonly default?: unknown;
  readonly example?: unknown;
}

/** The field names an object schema declares: what a validator built on it accepts. */
export function propertyNames(schema: JsonSchema): readonly string[] {
  return Object.keys(schema.properties ?? {});
}

/** A map of label keys to values, as Kubernetes labels. */
export const LABELS_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'Labels (Kubernetes syntax for keys and values).',
  additionalProperties: { type: 'string', maxLength: 63 },
};

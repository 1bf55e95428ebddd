export { field, InvalidParams } from './invalid-params.ts';
export { type JsonSchema, LABELS_SCHEMA, propertyNames } from './json-schema.ts';
export { isObject, optionalBoolean, optionalString, refuseUnknownFields, requiredString, type JsonObject } from './read-fields.ts';

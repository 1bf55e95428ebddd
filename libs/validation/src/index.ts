export { field, InvalidParams } from './invalid-params.ts';
export { isObject, optionalBoolean, optionalString, refuseUnknownFields, requiredString, type JsonObject } from './read-fields.ts';

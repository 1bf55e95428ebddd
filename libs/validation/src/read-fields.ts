import { field, type InvalidParams } from './invalid-params.ts';

// Small readers for decoded request bodies (unknown JSON or YAML). Each records a refusal under
// the field's path and returns undefined, so that one pass names every bad field. None of them
// quotes a value.

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Refuses fields outside `allowed`: a typo must not be silently ignored. */
export function refuseUnknownFields(object: JsonObject, allowed: readonly string[], path: string, issues: InvalidParams): void {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) issues.add(field(path, key), 'is not a known field');
  }
}

/** The field as a string; `undefined` when absent (or null) or refused. */
export function optionalString(object: JsonObject, key: string, path: string, issues: InvalidParams): string | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    issues.add(field(path, key), 'must be a string');
    return undefined;
  }
  return value;
}

/** The field as a non-empty string; refused when absent. */
export function requiredString(object: JsonObject, key: string, path: string, issues: InvalidParams): string | undefined {
  if (object[key] === undefined || object[key] === null || object[key] === '') {
    issues.add(field(path, key), 'is required');
    return undefined;
  }
  return optionalString(object, key, path, issues);
}

export function optionalBoolean(object: JsonObject, key: string, path: string, issues: InvalidParams): boolean | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') {
    issues.add(field(path, key), 'must be true or false');
    return undefined;
  }
  return value;
}

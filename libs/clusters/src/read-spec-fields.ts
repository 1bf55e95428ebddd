import { field, type InvalidParams, isObject, type JsonObject, optionalString, propertyNames, refuseUnknownFields } from '../../validation/src/index.ts';
import { TAINT_SCHEMA } from './cluster-schemas.ts';
import { PROVIDER_LABEL, REGION_LABEL, type Taint, type TaintEffect, ZONE_LABEL } from './cluster.ts';
import { labelKeyProblem, labelValueProblem } from './names.ts';

/** The API's shorthand fields and the labels they stand for. */
export const PLACEMENT_LABELS = { zone: ZONE_LABEL, region: REGION_LABEL, provider: PROVIDER_LABEL } as const;

export type PlacementField = keyof typeof PLACEMENT_LABELS;

const TAINT_EFFECTS = TAINT_SCHEMA.properties?.effect?.enum as readonly TaintEffect[];

/** Checks one label; records why it is refused under `labels.<key>`. */
export function checkLabel(key: string, value: unknown, path: string, issues: InvalidParams): value is string {
  const name = field(path, key);
  const keyProblem = labelKeyProblem(key);
  if (keyProblem) {
    issues.add(name, keyProblem);
    return false;
  }
  if (typeof value !== 'string') {
    issues.add(name, 'must be a string');
    return false;
  }
  const valueProblem = labelValueProblem(value);
  if (valueProblem) {
    issues.add(name, valueProblem);
    return false;
  }
  return true;
}

/** A map of labels, every key and value checked. */
export function readLabels(value: unknown, path: string, issues: InvalidParams): Record<string, string> | undefined {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) {
    issues.add(path, 'must be a map of label keys to string values');
    return undefined;
  }
  const labels: Record<string, string> = {};
  for (const [key, labelValue] of Object.entries(value)) {
    if (checkLabel(key, labelValue, path, issues)) labels[key] = labelValue;
  }
  return labels;
}

/**
 * The `zone`, `region` and `provider` fields of a body, as labels. A label given both ways with
 * two different values is refused.
 */
export function readPlacementFields(body: JsonObject, labels: Record<string, string>, path: string, issues: InvalidParams): void {
  for (const [shorthand, key] of Object.entries(PLACEMENT_LABELS)) {
    const value = optionalString(body, shorthand, path, issues);
    if (value === undefined) continue;
    const problem = labelValueProblem(value);
    if (problem || value === '') {
      issues.add(field(path, shorthand), problem ?? 'must not be empty');
      continue;
    }
    if (labels[key] !== undefined && labels[key] !== value) {
      issues.add(field(path, shorthand), `contradicts labels["${key}"]; give it once`);
      continue;
    }
    labels[key] = value;
  }
}

/** A list of taints (replaces the cluster's taints as a whole). */
export function readTaints(value: unknown, path: string, issues: InvalidParams): Taint[] | undefined {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    issues.add(path, 'must be a list of {key, value?, effect}');
    return undefined;
  }
  const taints: Taint[] = [];
  const seen = new Set<string>();
  for (const [index, item] of (value as unknown[]).entries()) {
    const itemPath = field(path, index);
    if (!isObject(item)) {
      issues.add(itemPath, 'must be an object {key, value?, effect}');
      continue;
    }
    refuseUnknownFields(item, propertyNames(TAINT_SCHEMA), itemPath, issues);
    const key = optionalString(item, 'key', itemPath, issues);
    const taintValue = optionalString(item, 'value', itemPath, issues);
    const effect = item.effect;
    let ok = true;
    if (key === undefined) {
      if (item.key === undefined) issues.add(field(itemPath, 'key'), 'is required');
      ok = false;
    } else {
      const problem = labelKeyProblem(key);
      if (problem) {
        issues.add(field(itemPath, 'key'), problem);
        ok = false;
      }
    }
    const valueProblem = taintValue === undefined ? undefined : labelValueProblem(taintValue);
    if (valueProblem) {
      issues.add(field(itemPath, 'value'), valueProblem);
      ok = false;
    }
    if (typeof effect !== 'string' || !(TAINT_EFFECTS as readonly string[]).includes(effect)) {
      issues.add(field(itemPath, 'effect'), `must be one of ${TAINT_EFFECTS.join(', ')}`);
      ok = false;
    }
    if (!ok || key === undefined) continue;
    const identity = `${key}:${String(effect)}`;
    if (seen.has(identity)) {
      issues.add(itemPath, 'repeats the key and effect of an earlier taint');
      continue;
    }
    seen.add(identity);
    taints.push({ key, ...(taintValue === undefined || taintValue === '' ? {} : { value: taintValue }), effect: effect as TaintEffect });
  }
  return taints;
}

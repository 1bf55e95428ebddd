import type { TaintEffect } from '../../clusters/src/cluster.ts';
import { dns1123LabelProblem, labelKeyProblem, labelValueProblem } from '../../clusters/src/names.ts';
import { readLabels } from '../../clusters/src/read-spec-fields.ts';
import type {
  ClusterAffinity,
  LabelExpression,
  PlacementPolicy,
  ReplicaScheduling,
  SpreadConstraint,
  Toleration,
  WeightRule,
} from '../../placement/src/index.ts';
import { field, type InvalidParams, isObject, type JsonObject, propertyNames, refuseUnknownFields } from '../../validation/src/index.ts';
import { PLACEMENT_POLICY_SCHEMA } from './workload-schemas.ts';

/** The placement of a workload that gives none: every cluster, all replicas on each. */
export const DEFAULT_PLACEMENT: PlacementPolicy = { replicaScheduling: { type: 'Duplicated' } };

const POLICY_FIELDS = propertyNames(PLACEMENT_POLICY_SCHEMA);
const POLICY = PLACEMENT_POLICY_SCHEMA.properties ?? {};
const AFFINITY_FIELDS = propertyNames(POLICY.clusterAffinity ?? {});
const EXPRESSION_FIELDS = propertyNames(POLICY.clusterAffinity?.properties?.matchExpressions?.items ?? {});
const SPREAD_FIELDS = propertyNames(POLICY.spread?.items ?? {});
const SCHEDULING_FIELDS = propertyNames(POLICY.replicaScheduling ?? {});
const WEIGHT_FIELDS = propertyNames(POLICY.replicaScheduling?.properties?.weights?.items ?? {});
const TOLERATION_FIELDS = propertyNames(POLICY.tolerations?.items ?? {});
const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;
const DIVISION_PREFERENCES = ['Weighted', 'AvailableCapacity', 'Aggregated'] as const;
const TAINT_EFFECTS: readonly TaintEffect[] = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** Whether `value` is one of `allowed`, narrowing it. */
export function isOneOf<T extends string>(value: unknown, allowed: readonly T[]): value is T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value);
}

/**
 * An integer field from `min` to `max`; `undefined` when absent (or null) or refused.
 * `path` is the field's own path.
 */
export function readInteger(value: unknown, path: string, issues: InvalidParams, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    issues.add(path, max === Number.MAX_SAFE_INTEGER ? `must be an integer of at least ${min}` : `must be an integer from ${min} to ${max}`);
    return undefined;
  }
  return value;
}

/**
 * A list of strings, each checked by `problem` (which returns why an item is refused). Absent:
 * undefined. `nonEmpty` refuses an empty list with that reason.
 */
export function readStringList(
  value: unknown,
  path: string,
  issues: InvalidParams,
  problem: (item: string) => string | undefined,
  nonEmpty?: string,
): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    issues.add(path, 'must be a list of strings');
    return undefined;
  }
  if (value.length === 0 && nonEmpty !== undefined) {
    issues.add(path, nonEmpty);
    return undefined;
  }
  const items: string[] = [];
  let ok = true;
  for (const [index, item] of (value as unknown[]).entries()) {
    const itemProblem = typeof item === 'string' ? problem(item) : 'must be a string';
    if (itemProblem !== undefined) {
      issues.add(field(path, index), itemProblem);
      ok = false;
    } else {
      items.push(item as string);
    }
  }
  return ok ? items : undefined;
}

/** A zone, region or other label value used as a match: non-empty. */
export function matchValueProblem(value: string): string | undefined {
  return value === '' ? 'must not be empty' : labelValueProblem(value);
}

/** A list of cluster names (DNS-1123 labels). */
export function readClusterNames(value: unknown, path: string, issues: InvalidParams, nonEmpty?: string): string[] | undefined {
  return readStringList(value, path, issues, dns1123LabelProblem, nonEmpty);
}

/** A list of zones (values of `topology.kubernetes.io/zone`). */
export function readZones(value: unknown, path: string, issues: InvalidParams, nonEmpty?: string): string[] | undefined {
  return readStringList(value, path, issues, matchValueProblem, nonEmpty);
}

/** `matchLabels`: undefined when absent, so that the parsed object carries only what was given. */
export function readMatchLabels(value: unknown, path: string, issues: InvalidParams): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  return readLabels(value, path, issues);
}

function readExpressions(value: unknown, path: string, issues: InvalidParams): LabelExpression[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    issues.add(path, 'must be a list of {key, operator, values?}');
    return undefined;
  }
  const expressions: LabelExpression[] = [];
  for (const [index, item] of (value as unknown[]).entries()) {
    const itemPath = field(path, index);
    if (!isObject(item)) {
      issues.add(itemPath, 'must be an object {key, operator, values?}');
      continue;
    }
    refuseUnknownFields(item, EXPRESSION_FIELDS, itemPath, issues);
    const key = readLabelKey(item.key, field(itemPath, 'key'), issues, true);
    const operator = item.operator;
    if (!isOneOf(operator, OPERATORS)) {
      issues.add(field(itemPath, 'operator'), `must be one of ${OPERATORS.join(', ')}`);
      continue;
    }
    const valuesPath = field(itemPath, 'values');
    if (operator === 'Exists' || operator === 'DoesNotExist') {
      if (item.values !== undefined && item.values !== null && !(Array.isArray(item.values) && item.values.length === 0)) {
        issues.add(valuesPath, `must be left out with ${operator}`);
        continue;
      }
      if (key !== undefined) expressions.push({ key, operator });
      continue;
    }
    if (item.values === undefined || item.values === null) {
      issues.add(valuesPath, `is required with ${operator}`);
      continue;
    }
    const values = readStringList(item.values, valuesPath, issues, labelValueProblem, `must list at least one value with ${operator}`);
    if (key !== undefined && values !== undefined) expressions.push({ key, operator, values });
  }
  return expressions;
}

/** A label key; `required` refuses it absent. */
function readLabelKey(value: unknown, path: string, issues: InvalidParams, required: boolean): string | undefined {
  if (value === undefined || value === null || value === '') {
    if (required) issues.add(path, 'is required');
    return undefined;
  }
  if (typeof value !== 'string') {
    issues.add(path, 'must be a string');
    return undefined;
  }
  const problem = labelKeyProblem(value);
  if (problem) {
    issues.add(path, problem);
    return undefined;
  }
  return value;
}

/** Copies the fields that were given (and accepted) onto a new object. */
function defined<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}

function readAffinity(value: unknown, path: string, issues: InvalidParams): ClusterAffinity | undefined {
  if (!isObject(value)) {
    issues.add(path, 'must be an object {matchLabels?, matchExpressions?, zones?, names?, excludeNames?}');
    return undefined;
  }
  refuseUnknownFields(value, AFFINITY_FIELDS, path, issues);
  return defined<ClusterAffinity>({
    matchLabels: readMatchLabels(value.matchLabels, field(path, 'matchLabels'), issues),
    matchExpressions: readExpressions(value.matchExpressions, field(path, 'matchExpressions'), issues),
    zones: readZones(value.zones, field(path, 'zones'), issues, 'must list at least one zone; leave it out to allow every zone'),
    names: readClusterNames(value.names, field(path, 'names'), issues, 'must list at least one cluster; leave it out to allow every cluster'),
    excludeNames: readClusterNames(value.excludeNames, field(path, 'excludeNames'), issues),
  });
}

function readFallbackGroups(value: unknown, path: string, issues: InvalidParams): ClusterAffinity[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.length === 0) {
    issues.add(path, 'must be a non-empty list of cluster affinities; leave it out for one group of every cluster');
    return undefined;
  }
  const groups: ClusterAffinity[] = [];
  for (const [index, item] of (value as unknown[]).entries()) {
    const group = readAffinity(item, field(path, index), issues);
    if (group) groups.push(group);
  }
  return groups;
}

function readSpread(value: unknown, path: string, issues: InvalidParams): SpreadConstraint[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    issues.add(path, 'must be a list of {by, min?, max?}');
    return undefined;
  }
  const constraints: SpreadConstraint[] = [];
  const seen = new Set<string>();
  for (const [index, item] of (value as unknown[]).entries()) {
    const itemPath = field(path, index);
    if (!isObject(item)) {
      issues.add(itemPath, 'must be an object {by, min?, max?}');
      continue;
    }
    refuseUnknownFields(item, SPREAD_FIELDS, itemPath, issues);
    const by = item.by;
    const min = readInteger(item.min, field(itemPath, 'min'), issues, 1);
    const max = readInteger(item.max, field(itemPath, 'max'), issues, 1);
    if (!isOneOf(by, ['zone', 'region'] as const)) {
      issues.add(field(itemPath, 'by'), 'must be one of zone, region');
      continue;
    }
    if (max !== undefined && max < (min ?? 1)) {
      issues.add(field(itemPath, 'max'), 'must be at least min');
      continue;
    }
    if (seen.has(by)) {
      issues.add(field(itemPath, 'by'), 'repeats an earlier constraint; give one per topology');
      continue;
    }
    seen.add(by);
    constraints.push(defined<SpreadConstraint>({ by, min, max }));
  }
  return constraints;
}

function readWeights(value: unknown, path: string, issues: InvalidParams): WeightRule[] | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    issues.add(path, 'must be a non-empty list of {names?, matchLabels?, matchExpressions?, weight} with Weighted');
    return undefined;
  }
  const rules: WeightRule[] = [];
  for (const [index, item] of (value as unknown[]).entries()) {
    const itemPath = field(path, index);
    if (!isObject(item)) {
      issues.add(itemPath, 'must be an object {names?, matchLabels?, matchExpressions?, weight}');
      continue;
    }
    refuseUnknownFields(item, WEIGHT_FIELDS, itemPath, issues);
    const weightPath = field(itemPath, 'weight');
    if (item.weight === undefined || item.weight === null) issues.add(weightPath, 'is required');
    const weight = readInteger(item.weight, weightPath, issues, 0);
    const names = readClusterNames(item.names, field(itemPath, 'names'), issues);
    const matchLabels = readMatchLabels(item.matchLabels, field(itemPath, 'matchLabels'), issues);
    const matchExpressions = readExpressions(item.matchExpressions, field(itemPath, 'matchExpressions'), issues);
    if (weight !== undefined) rules.push(defined<WeightRule>({ names, matchLabels, matchExpressions, weight }));
  }
  return rules;
}

function readReplicaScheduling(value: unknown, path: string, issues: InvalidParams): ReplicaScheduling | undefined {
  if (value === undefined || value === null) {
    issues.add(path, 'is required');
    return undefined;
  }
  if (!isObject(value)) {
    issues.add(path, 'must be an object {type, divisionPreference?, weights?}');
    return undefined;
  }
  refuseUnknownFields(value, SCHEDULING_FIELDS, path, issues);
  if (value.type === 'Duplicated') {
    if (value.divisionPreference !== undefined) issues.add(field(path, 'divisionPreference'), 'applies only with type Divided');
    if (value.weights !== undefined) issues.add(field(path, 'weights'), 'applies only with type Divided and divisionPreference Weighted');
    return { type: 'Duplicated' };
  }
  if (value.type !== 'Divided') {
    issues.add(field(path, 'type'), 'must be one of Duplicated, Divided');
    return undefined;
  }
  const preference = value.divisionPreference;
  if (!isOneOf(preference, DIVISION_PREFERENCES)) {
    issues.add(field(path, 'divisionPreference'), `must be one of ${DIVISION_PREFERENCES.join(', ')} with type Divided`);
    return undefined;
  }
  if (preference === 'Weighted') {
    const weights = readWeights(value.weights, field(path, 'weights'), issues);
    return weights && { type: 'Divided', divisionPreference: preference, weights };
  }
  if (value.weights !== undefined) issues.add(field(path, 'weights'), 'applies only with divisionPreference Weighted');
  return { type: 'Divided', divisionPreference: preference };
}

function readTolerations(value: unknown, path: string, issues: InvalidParams): Toleration[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    issues.add(path, 'must be a list of {key?, operator?, value?, effect?}');
    return undefined;
  }
  const tolerations: Toleration[] = [];
  for (const [index, item] of (value as unknown[]).entries()) {
    const itemPath = field(path, index);
    if (!isObject(item)) {
      issues.add(itemPath, 'must be an object {key?, operator?, value?, effect?}');
      continue;
    }
    refuseUnknownFields(item, TOLERATION_FIELDS, itemPath, issues);
    const before = issues.count;
    const key = readLabelKey(item.key, field(itemPath, 'key'), issues, false);
    const operator = item.operator ?? undefined;
    if (operator !== undefined && !isOneOf(operator, ['Equal', 'Exists'] as const)) {
      issues.add(field(itemPath, 'operator'), 'must be one of Equal, Exists');
    }
    const tolerationValue = readTolerationValue(item, itemPath, operator, issues);
    const effect = item.effect ?? undefined;
    if (effect !== undefined && !isOneOf(effect, TAINT_EFFECTS)) {
      issues.add(field(itemPath, 'effect'), `must be one of ${TAINT_EFFECTS.join(', ')} (or left out for every effect)`);
    }
    if (key === undefined && item.key === undefined && operator !== 'Exists') {
      issues.add(field(itemPath, 'key'), 'is required unless operator is Exists');
    }
    if (issues.count > before) continue;
    tolerations.push(defined<Toleration>({ key, operator: operator as Toleration['operator'], value: tolerationValue, effect: effect as TaintEffect | undefined }));
  }
  return tolerations;
}

function readTolerationValue(item: JsonObject, itemPath: string, operator: unknown, issues: InvalidParams): string | undefined {
  const value = item.value;
  const path = field(itemPath, 'value');
  if (value === undefined || value === null) return undefined;
  if (operator === 'Exists') {
    issues.add(path, 'must be left out with operator Exists');
    return undefined;
  }
  if (typeof value !== 'string') {
    issues.add(path, 'must be a string');
    return undefined;
  }
  const problem = labelValueProblem(value);
  if (problem) {
    issues.add(path, problem);
    return undefined;
  }
  return value;
}

/**
 * Checks a placement policy (decoded JSON or YAML) under `path`, recording every refused field.
 * Returns the policy, or undefined when any field was refused. An absent policy is the caller's
 * to default (see {@link DEFAULT_PLACEMENT}).
 */
export function parsePlacementPolicy(value: unknown, path: string, issues: InvalidParams): PlacementPolicy | undefined {
  if (!isObject(value)) {
    issues.add(path, 'must be an object {replicaScheduling, clusterAffinity?, fallbackGroups?, spread?, tolerations?, ...}');
    return undefined;
  }
  const before = issues.count;
  refuseUnknownFields(value, POLICY_FIELDS, path, issues);
  const clusterAffinity =
    value.clusterAffinity === undefined || value.clusterAffinity === null
      ? undefined
      : readAffinity(value.clusterAffinity, field(path, 'clusterAffinity'), issues);
  const fallbackGroups = readFallbackGroups(value.fallbackGroups, field(path, 'fallbackGroups'), issues);
  const spread = readSpread(value.spread, field(path, 'spread'), issues);
  const replicaScheduling = readReplicaScheduling(value.replicaScheduling, field(path, 'replicaScheduling'), issues);
  const minReplicasPerCluster = readInteger(value.minReplicasPerCluster, field(path, 'minReplicasPerCluster'), issues, 0);
  const maxReplicasPerCluster = readInteger(value.maxReplicasPerCluster, field(path, 'maxReplicasPerCluster'), issues, 0);
  if (maxReplicasPerCluster !== undefined && minReplicasPerCluster !== undefined && maxReplicasPerCluster < minReplicasPerCluster) {
    issues.add(field(path, 'maxReplicasPerCluster'), 'must be at least minReplicasPerCluster');
  }
  const tolerations = readTolerations(value.tolerations, field(path, 'tolerations'), issues);
  if (issues.count > before || replicaScheduling === undefined) return undefined;
  return defined<PlacementPolicy>({
    clusterAffinity,
    fallbackGroups,
    spread,
    replicaScheduling,
    minReplicasPerCluster,
    maxReplicasPerCluster,
    tolerations,
  });
}

import { field, InvalidParams, isObject, type JsonObject, optionalBoolean, propertyNames, refuseUnknownFields } from '../../validation/src/index.ts';
import { CLUSTER_PATCH_SCHEMA } from './cluster-schemas.ts';
import type { ClusterSpec, Taint } from './cluster.ts';
import { labelKeyProblem, labelValueProblem } from './names.ts';
import { checkLabel, PLACEMENT_LABELS, readTaints } from './read-spec-fields.ts';

/**
 * A checked change to a cluster's spec. Labels merge as in a JSON merge patch (null deletes),
 * taints replace the list as a whole.
 */
export interface ClusterPatch {
  /** Label changes, with zone, region and provider already turned into their labels; null deletes. */
  readonly labels: Readonly<Record<string, string | null>>;
  readonly taints?: readonly Taint[];
  readonly cordoned?: boolean;
  /** The version the change was based on (`metadata.version`), when the client named one. */
  readonly expectedVersion?: number;
}

const WHY_NOT: Readonly<Record<string, string>> = {
  name: 'cannot change: register the cluster under the new name and deregister the old one',
  server: 'cannot change: a cluster at another server is a new registration',
  caBundle: 'changes with the credentials: PUT /api/v1/clusters/{name}/credentials',
  credentials: 'change with PUT /api/v1/clusters/{name}/credentials',
  kubeconfig: 'changes with PUT /api/v1/clusters/{name}/credentials',
};

/** A resource version as the API shows it: a positive integer in a string (or a number). */
export function parseVersion(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
  if (typeof value === 'string' && /^[1-9]\d{0,15}$/.test(value)) return Number(value);
  return undefined;
}

/** Checks a PATCH body. Throws {@link ValidationError} naming every refused field. */
export function parseClusterPatch(body: unknown): ClusterPatch {
  const issues = new InvalidParams();
  if (!isObject(body)) {
    issues.add('body', 'must be an object');
    issues.throwIfAny('cluster update');
  }
  const object = body as JsonObject;
  for (const key of Object.keys(object)) {
    const reason = WHY_NOT[key];
    if (reason) issues.add(key, reason);
  }
  refuseUnknownFields(object, [...propertyNames(CLUSTER_PATCH_SCHEMA), ...Object.keys(WHY_NOT)], '', issues);

  const labels: Record<string, string | null> = {};
  if (object.labels !== undefined && object.labels !== null) {
    if (!isObject(object.labels)) {
      issues.add('labels', 'must be a map of label keys to string values (null deletes a label)');
    } else {
      for (const [key, value] of Object.entries(object.labels)) {
        if (value === null) {
          const problem = labelKeyProblem(key);
          if (problem) issues.add(field('labels', key), problem);
          else labels[key] = null;
        } else if (checkLabel(key, value, 'labels', issues)) {
          labels[key] = value;
        }
      }
    }
  }
  for (const [shorthand, key] of Object.entries(PLACEMENT_LABELS)) {
    const value = object[shorthand];
    if (value === undefined) continue;
    if (value !== null && (typeof value !== 'string' || value === '' || labelValueProblem(value))) {
      issues.add(shorthand, typeof value === 'string' ? (labelValueProblem(value) ?? 'must not be empty (null removes it)') : 'must be a string, or null to remove it');
      continue;
    }
    if (Object.hasOwn(labels, key) && labels[key] !== value) {
      issues.add(shorthand, `contradicts labels["${key}"]; give it once`);
      continue;
    }
    labels[key] = value;
  }

  const taints = object.taints === undefined ? undefined : readTaints(object.taints, 'taints', issues);
  const cordoned = optionalBoolean(object, 'cordoned', '', issues);
  let expectedVersion: number | undefined;
  if (object.metadata !== undefined && object.metadata !== null) {
    if (!isObject(object.metadata)) {
      issues.add('metadata', 'must be an object');
    } else {
      refuseUnknownFields(object.metadata, ['version'], 'metadata', issues);
      if (object.metadata.version !== undefined) {
        expectedVersion = parseVersion(object.metadata.version);
        if (expectedVersion === undefined) issues.add('metadata.version', 'must be a version as returned by the API (a positive integer)');
      }
    }
  }
  issues.throwIfAny('cluster update');
  return {
    labels,
    ...(taints === undefined ? {} : { taints }),
    ...(cordoned === undefined ? {} : { cordoned }),
    ...(expectedVersion === undefined ? {} : { expectedVersion }),
  };
}

/** The spec with the patch applied. Pure; the caller stores it under the version it read. */
export function applyClusterPatch(spec: ClusterSpec, patch: ClusterPatch): ClusterSpec {
  const labels: Record<string, string> = { ...spec.labels };
  for (const [key, value] of Object.entries(patch.labels)) {
    if (value === null) delete labels[key];
    else labels[key] = value;
  }
  return {
    ...spec,
    labels,
    taints: patch.taints ?? spec.taints,
    cordoned: patch.cordoned ?? spec.cordoned,
  };
}

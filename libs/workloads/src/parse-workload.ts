import { dns1123LabelProblem } from '../../clusters/src/names.ts';
import { readLabels } from '../../clusters/src/read-spec-fields.ts';
import type { PlacementPolicy } from '../../placement/src/index.ts';
import { field, InvalidParams, isObject, type JsonObject, optionalBoolean, propertyNames, refuseUnknownFields } from '../../validation/src/index.ts';
import { kindProblem, objectNameProblem, parseOverrideRules, readUserAnnotations, readUserLabels } from './parse-overrides.ts';
import { DEFAULT_PLACEMENT, isOneOf, parsePlacementPolicy, readInteger } from './parse-placement-policy.ts';
import { readPriority } from './priority.ts';
import type { FailoverPolicy, Manifest, OverrideRule, PurgeMode, WorkloadSpec } from './workload.ts';
import { FAILOVER_POLICY_SCHEMA, WORKLOAD_DOCUMENT_SCHEMA, WORKLOAD_FLAT_SCHEMA, WORKLOAD_SPEC_SCHEMA } from './workload-schemas.ts';

export const WORKLOAD_API_VERSION = 'flotilla.dev/v1';
export const WORKLOAD_DOCUMENT_KIND = 'Workload';
export const MAX_MANIFESTS = 100;

/** Namespaces Kubernetes keeps for itself. */
export const RESERVED_NAMESPACES: readonly string[] = ['kube-system', 'kube-public', 'kube-node-lease'];

/** Cluster-scoped kinds: a workload holds namespaced objects only (Namespace gets its own reason). */
const CLUSTER_SCOPED_KINDS: readonly string[] = [
  'Node',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'APIService',
];

/** Kinds whose `spec.replicas` the hub divides and overrides. */
const REPLICATED_KINDS: readonly string[] = ['Deployment', 'StatefulSet', 'ReplicaSet'];

/** Metadata a server sets: dropped, so that `kubectl get -o yaml` output can be pasted as is. */
const SERVER_SET_METADATA: readonly string[] = ['resourceVersion', 'uid', 'creationTimestamp', 'managedFields', 'generation', 'selfLink'];

const FLAT_FIELDS = propertyNames(WORKLOAD_FLAT_SCHEMA);
const SPEC_FIELDS = propertyNames(WORKLOAD_SPEC_SCHEMA);
const DOCUMENT_FIELDS = propertyNames(WORKLOAD_DOCUMENT_SCHEMA);
const METADATA_FIELDS = [...propertyNames(WORKLOAD_DOCUMENT_SCHEMA.properties?.metadata ?? {}), ...SERVER_SET_METADATA];
const FAILOVER_FIELDS = propertyNames(FAILOVER_POLICY_SCHEMA);
const PURGE_MODES = FAILOVER_POLICY_SCHEMA.properties?.purgeMode?.enum as readonly PurgeMode[];
const FAILBACKS = FAILOVER_POLICY_SCHEMA.properties?.failback?.enum as readonly FailoverPolicy['failback'][];

const VERSION = 'v[0-9]+((alpha|beta)[0-9]+)?';
const API_VERSION = new RegExp(`^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?${VERSION}$`);

/** Where the workload's own fields come from, and the path each is reported under. */
interface WorkloadSource {
  readonly name: unknown;
  readonly namespace: unknown;
  readonly labels: unknown;
  /** The object holding tenant, manifests, placement and the rest. */
  readonly spec: JsonObject;
  readonly namePath: string;
  readonly namespacePath: string;
  readonly labelsPath: string;
  /** '' for the flat shape, 'spec' for the document shape. */
  readonly specPath: string;
}

/** A manifest given as a YAML document of its own, reported under `documents[i]`. */
interface ExtraManifest {
  readonly value: unknown;
  readonly path: string;
}

function readName(value: unknown, path: string, issues: InvalidParams): string | undefined {
  if (value === undefined || value === null || value === '') {
    issues.add(path, 'is required');
    return undefined;
  }
  if (typeof value !== 'string') {
    issues.add(path, 'must be a string');
    return undefined;
  }
  const problem = dns1123LabelProblem(value);
  if (problem) {
    issues.add(path, problem);
    return undefined;
  }
  return value;
}

function readNamespace(value: unknown, path: string, issues: InvalidParams): string | undefined {
  const namespace = readName(value, path, issues);
  if (namespace !== undefined && RESERVED_NAMESPACES.includes(namespace)) {
    issues.add(path, 'is reserved for Kubernetes itself');
    return undefined;
  }
  return namespace;
}

function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

function without(object: JsonObject, keys: readonly string[]): JsonObject {
  return Object.fromEntries(Object.entries(object).filter(([key]) => !keys.includes(key)));
}

/**
 * One manifest, checked and stripped of what a server set (`status`, server-set metadata).
 * `namespace` is the workload's, when known.
 */
function readManifest(value: unknown, path: string, namespace: string | undefined, issues: InvalidParams): Manifest | undefined {
  if (!isObject(value)) {
    issues.add(path, 'must be an object {apiVersion, kind, metadata, ...}');
    return undefined;
  }
  const before = issues.count;
  const apiVersion = readManifestString(value, 'apiVersion', path, issues);
  if (apiVersion !== undefined && !API_VERSION.test(apiVersion)) {
    issues.add(field(path, 'apiVersion'), 'must be a version such as v1, or group/version such as apps/v1');
  }
  const kind = readManifestString(value, 'kind', path, issues);
  const kindPath = field(path, 'kind');
  const kindIssue = kind === undefined ? undefined : kindProblem(kind);
  if (kindIssue) issues.add(kindPath, kindIssue);
  else if (kind === 'Namespace') issues.add(kindPath, 'is refused: the hub creates and manages the namespace of a workload');
  else if (kind !== undefined && CLUSTER_SCOPED_KINDS.includes(kind)) issues.add(kindPath, 'is cluster-scoped; workloads hold namespaced objects only');

  const metadataPath = field(path, 'metadata');
  let metadata: JsonObject | undefined;
  if (!isObject(value.metadata)) {
    issues.add(metadataPath, value.metadata === undefined || value.metadata === null ? 'is required' : 'must be an object');
  } else {
    metadata = without(value.metadata, SERVER_SET_METADATA);
    const name = readManifestString(metadata, 'name', metadataPath, issues);
    const nameIssue = name === undefined ? undefined : objectNameProblem(name);
    if (nameIssue) issues.add(field(metadataPath, 'name'), nameIssue);
    const objectNamespace = metadata.namespace;
    if (objectNamespace !== undefined && objectNamespace !== null) {
      if (typeof objectNamespace !== 'string') issues.add(field(metadataPath, 'namespace'), 'must be a string');
      else if (namespace !== undefined && objectNamespace !== namespace) {
        issues.add(field(metadataPath, 'namespace'), "must be the workload's namespace, or left out");
      }
    }
    readUserLabels(metadata.labels, field(metadataPath, 'labels'), issues);
    readUserAnnotations(metadata.annotations, field(metadataPath, 'annotations'), issues);
  }
  if (kind !== undefined && REPLICATED_KINDS.includes(kind) && isObject(value.spec)) {
    readInteger(value.spec.replicas, field(field(path, 'spec'), 'replicas'), issues, 0);
  }
  if (issues.count > before) return undefined;
  return { ...without(value, ['status']), metadata } as unknown as Manifest;
}

/** A required string field of a manifest. */
function readManifestString(object: JsonObject, key: string, path: string, issues: InvalidParams): string | undefined {
  const value = object[key];
  if (value === undefined || value === null || value === '') {
    issues.add(field(path, key), 'is required');
    return undefined;
  }
  if (typeof value !== 'string') {
    issues.add(field(path, key), 'must be a string');
    return undefined;
  }
  return value;
}

/** The manifests of `spec.manifests` and of further documents, checked together (count, duplicates). */
function readManifests(value: unknown, path: string, extra: readonly ExtraManifest[], namespace: string | undefined, issues: InvalidParams): Manifest[] {
  const given: ExtraManifest[] = [];
  if (value !== undefined && value !== null) {
    if (!Array.isArray(value)) issues.add(path, 'must be a list of Kubernetes objects');
    else for (const [index, item] of (value as unknown[]).entries()) given.push({ value: item, path: field(path, index) });
  }
  given.push(...extra);
  if (given.length === 0) {
    if (value === undefined || value === null || Array.isArray(value)) issues.add(path, 'must list at least one Kubernetes object');
    return [];
  }
  if (given.length > MAX_MANIFESTS) {
    issues.add(path, `must hold at most ${MAX_MANIFESTS} objects; split the workload`);
    return [];
  }
  const manifests: Manifest[] = [];
  const seen = new Map<string, string>();
  for (const item of given) {
    const manifest = readManifest(item.value, item.path, namespace, issues);
    if (!manifest) continue;
    const identity = `${apiGroup(manifest.apiVersion)}/${manifest.kind}/${manifest.metadata.name}`;
    const earlier = seen.get(identity);
    if (earlier !== undefined) {
      issues.add(item.path, `repeats the API group, kind and name of ${earlier}`);
      continue;
    }
    seen.set(identity, item.path);
    manifests.push(manifest);
  }
  return manifests;
}

function readOverrideSetNames(value: unknown, path: string, issues: InvalidParams): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    issues.add(path, 'must be a list of override set names');
    return [];
  }
  const names: string[] = [];
  for (const [index, item] of (value as unknown[]).entries()) {
    const name = readName(item, field(path, index), issues);
    if (name === undefined) continue;
    if (names.includes(name)) {
      issues.add(field(path, index), 'repeats an earlier override set');
      continue;
    }
    names.push(name);
  }
  return names;
}

function readFailover(value: unknown, path: string, statefulDefault: boolean, issues: InvalidParams): FailoverPolicy {
  const object = value === undefined || value === null ? {} : value;
  const defaults: FailoverPolicy = {
    enabled: true,
    tolerationSeconds: 30,
    purgeMode: 'Graceful',
    gracefulTimeoutSeconds: 300,
    stateful: statefulDefault,
    failback: 'Displaced',
  };
  if (!isObject(object)) {
    issues.add(path, `must be an object {${FAILOVER_FIELDS.map((key) => `${key}?`).join(', ')}}`);
    return defaults;
  }
  refuseUnknownFields(object, FAILOVER_FIELDS, path, issues);
  const purgeMode = object.purgeMode ?? defaults.purgeMode;
  if (!isOneOf(purgeMode, PURGE_MODES)) issues.add(field(path, 'purgeMode'), `must be one of ${PURGE_MODES.join(', ')}`);
  const failback = object.failback ?? defaults.failback;
  if (!isOneOf(failback, FAILBACKS)) issues.add(field(path, 'failback'), `must be one of ${FAILBACKS.join(', ')}`);
  return {
    enabled: optionalBoolean(object, 'enabled', path, issues) ?? defaults.enabled,
    tolerationSeconds: readInteger(object.tolerationSeconds, field(path, 'tolerationSeconds'), issues, 0, 86_400) ?? defaults.tolerationSeconds,
    purgeMode: purgeMode as PurgeMode,
    gracefulTimeoutSeconds: readInteger(object.gracefulTimeoutSeconds, field(path, 'gracefulTimeoutSeconds'), issues, 1, 86_400) ?? defaults.gracefulTimeoutSeconds,
    stateful: optionalBoolean(object, 'stateful', path, issues) ?? defaults.stateful,
    failback: failback as FailoverPolicy['failback'],
  };
}

function readWorkload(source: WorkloadSource, extra: readonly ExtraManifest[], issues: InvalidParams): WorkloadSpec {
  const { spec, specPath } = source;
  const at = (key: string): string => field(specPath, key);
  const name = readName(source.name, source.namePath, issues);
  const namespace = readNamespace(source.namespace, source.namespacePath, issues);
  const tenant = readName(spec.tenant, at('tenant'), issues);
  const labels = readLabels(source.labels, source.labelsPath, issues);
  const manifests = readManifests(spec.manifests, at('manifests'), extra, namespace, issues);
  const placement: PlacementPolicy | undefined =
    spec.placement === undefined || spec.placement === null ? DEFAULT_PLACEMENT : parsePlacementPolicy(spec.placement, at('placement'), issues);
  const priority = readPriority(spec.priority, at('priority'), issues);
  const overrideSets = readOverrideSetNames(spec.overrideSets, at('overrideSets'), issues);
  const overrides: OverrideRule[] = parseOverrideRules(spec.overrides, at('overrides'), issues);
  const failover = readFailover(spec.failover, at('failover'), manifests.some((manifest) => manifest.kind === 'StatefulSet'), issues);
  issues.throwIfAny('workload');
  return {
    name: name as string,
    namespace: namespace as string,
    tenant: tenant as string,
    labels: labels as Record<string, string>,
    manifests,
    placement: placement as PlacementPolicy,
    priority: priority as number,
    overrideSets,
    overrides,
    failover,
  };
}

/** The document shape `{apiVersion, kind: Workload, metadata, spec}`; its own fields under their paths. */
function documentSource(document: JsonObject, issues: InvalidParams): WorkloadSource {
  refuseUnknownFields(document, DOCUMENT_FIELDS, '', issues);
  if (document.apiVersion !== WORKLOAD_API_VERSION) issues.add('apiVersion', `must be ${WORKLOAD_API_VERSION}`);
  let metadata: JsonObject = {};
  if (isObject(document.metadata)) {
    metadata = document.metadata;
    refuseUnknownFields(metadata, METADATA_FIELDS, 'metadata', issues);
  } else {
    issues.add('metadata', document.metadata === undefined || document.metadata === null ? 'is required' : 'must be an object {name, namespace, labels?}');
  }
  let spec: JsonObject = {};
  if (isObject(document.spec)) {
    spec = document.spec;
    refuseUnknownFields(spec, SPEC_FIELDS, 'spec', issues);
  } else {
    issues.add('spec', document.spec === undefined || document.spec === null ? 'is required' : 'must be an object');
  }
  return {
    name: metadata.name,
    namespace: metadata.namespace,
    labels: metadata.labels,
    spec,
    namePath: 'metadata.name',
    namespacePath: 'metadata.namespace',
    labelsPath: 'metadata.labels',
    specPath: 'spec',
  };
}

function flatSource(body: JsonObject, issues: InvalidParams): WorkloadSource {
  refuseUnknownFields(body, FLAT_FIELDS, '', issues);
  return { name: body.name, namespace: body.namespace, labels: body.labels, spec: body, namePath: 'name', namespacePath: 'namespace', labelsPath: 'labels', specPath: '' };
}

function isWorkloadDocument(value: unknown): value is JsonObject {
  return isObject(value) && value.kind === WORKLOAD_DOCUMENT_KIND;
}

/**
 * Checks a workload body (decoded JSON or YAML): either the flat shape `{name, namespace, tenant,
 * manifests, ...}` or the document shape `{apiVersion: flotilla.dev/v1, kind: Workload, metadata,
 * spec}`. Throws {@link ValidationError} naming every refused field; reasons never quote values.
 */
export function parseWorkload(body: unknown): WorkloadSpec {
  const issues = new InvalidParams();
  if (!isObject(body)) {
    issues.add('body', 'must be an object');
    issues.throwIfAny('workload');
  }
  const object = body as JsonObject;
  const source = isWorkloadDocument(object) ? documentSource(object, issues) : flatSource(object, issues);
  return readWorkload(source, [], issues);
}

/**
 * Checks a multi-document YAML workload: one document `apiVersion: flotilla.dev/v1, kind: Workload`
 * and, as further documents, the Kubernetes objects it holds (appended to `spec.manifests`, and
 * reported as `documents[i]`). Empty documents are skipped. A single document without `kind` is
 * read as the flat shape.
 */
export function parseWorkloadDocuments(documents: readonly unknown[]): WorkloadSpec {
  const issues = new InvalidParams();
  const present = documents.map((value, index) => ({ value, index })).filter(({ value }) => value !== undefined && value !== null);
  const only = present.length === 1 ? present[0] : undefined;
  if (only !== undefined && isObject(only.value) && only.value.kind === undefined) return parseWorkload(only.value);
  const workloads = present.filter(({ value }) => isWorkloadDocument(value) && value.apiVersion === WORKLOAD_API_VERSION);
  const extra: ExtraManifest[] = [];
  for (const { value, index } of present) {
    const path = field('documents', index);
    if (index === workloads[0]?.index) continue;
    if (isWorkloadDocument(value) && value.apiVersion === WORKLOAD_API_VERSION) issues.add(path, 'is a second Workload document; give one workload per request');
    else if (isWorkloadDocument(value) && typeof value.apiVersion === 'string' && apiGroup(value.apiVersion) === 'flotilla.dev') {
      issues.add(field(path, 'apiVersion'), `must be ${WORKLOAD_API_VERSION}`);
    } else extra.push({ value, path });
  }
  const workload = workloads[0];
  if (workload === undefined) {
    issues.add('documents', `must hold one document with apiVersion ${WORKLOAD_API_VERSION} and kind ${WORKLOAD_DOCUMENT_KIND}`);
    issues.throwIfAny('workload');
  }
  return readWorkload(documentSource(workload?.value as JsonObject, issues), extra, issues);
}

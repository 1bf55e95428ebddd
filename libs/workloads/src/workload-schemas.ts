import { type JsonSchema, LABELS_SCHEMA } from '../../validation/src/index.ts';
import { PRIORITY_CLASSES } from './priority.ts';

// The request bodies of workloads and override sets as JSON schemas: the OpenAPI document shows
// them, and the validators of this library take the fields they accept from them.

const strings: JsonSchema = { type: 'array', items: { type: 'string' } };

const MANIFEST_TARGET: JsonSchema = { type: 'object', description: 'Which manifests a change applies to; absent fields match every manifest.', properties: { kind: { type: 'string' }, name: { type: 'string' } }, additionalProperties: false };

const LABEL_EXPRESSION: JsonSchema = {
  type: 'object',
  required: ['key', 'operator'],
  properties: { key: { type: 'string' }, operator: { type: 'string', enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'] }, values: strings },
  additionalProperties: false,
};

export const OVERRIDE_TARGET_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'Which clusters a rule applies to: every field that is set must hold; empty matches every cluster.',
  properties: { clusters: strings, zones: strings, matchLabels: LABELS_SCHEMA },
  additionalProperties: false,
};

export const OVERRIDE_RULE_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['target'],
  description: 'Changes for the clusters the target matches, applied in the order written.',
  properties: {
    target: OVERRIDE_TARGET_SCHEMA,
    images: { type: 'array', items: { type: 'object', required: ['image'], properties: { container: { type: 'string' }, image: { type: 'string' }, manifest: MANIFEST_TARGET }, additionalProperties: false } },
    replicas: { type: 'integer', minimum: 0, maximum: 10_000, description: 'Replicas per matching cluster, whatever the division said.' },
    labels: LABELS_SCHEMA,
    annotations: { type: 'object', additionalProperties: { type: 'string' } },
    env: { type: 'array', items: { type: 'object', required: ['name', 'value'], properties: { container: { type: 'string' }, name: { type: 'string' }, value: { type: 'string' }, manifest: MANIFEST_TARGET }, additionalProperties: false } },
    args: { type: 'array', items: { type: 'object', required: ['args'], properties: { container: { type: 'string' }, args: strings, manifest: MANIFEST_TARGET }, additionalProperties: false } },
    jsonPatch: {
      type: 'array',
      items: {
        type: 'object',
        required: ['operations'],
        properties: {
          manifest: MANIFEST_TARGET,
          operations: { type: 'array', description: 'RFC 6902 operations.', items: { type: 'object', required: ['op', 'path'], properties: { op: { type: 'string', enum: ['add', 'remove', 'replace', 'move', 'copy', 'test'] }, path: { type: 'string' }, from: { type: 'string' }, value: {} } } },
        },
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
};

export const OVERRIDE_SET_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['name', 'rules'],
  description: 'Named, reusable override rules ("prod", "test") that workloads name in overrideSets.',
  properties: { name: { type: 'string', description: 'DNS-1123 label.' }, description: { type: 'string', maxLength: 1024 }, rules: { type: 'array', minItems: 1, items: OVERRIDE_RULE_SCHEMA } },
  additionalProperties: false,
};

const CLUSTER_AFFINITY: JsonSchema = {
  type: 'object',
  description: 'Which clusters qualify: every field that is set must hold.',
  properties: { matchLabels: LABELS_SCHEMA, matchExpressions: { type: 'array', items: LABEL_EXPRESSION }, zones: strings, names: strings, excludeNames: strings },
  additionalProperties: false,
};

export const PLACEMENT_POLICY_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'Where and how the workload runs (docs/placement.md).',
  properties: {
    clusterAffinity: CLUSTER_AFFINITY,
    fallbackGroups: { type: 'array', items: CLUSTER_AFFINITY, description: 'Ordered groups: the first is filled, the rest takes the overflow.' },
    spread: { type: 'array', items: { type: 'object', required: ['by'], properties: { by: { type: 'string', enum: ['zone', 'region'] }, min: { type: 'integer', minimum: 1 }, max: { type: 'integer', minimum: 1 } }, additionalProperties: false } },
    replicaScheduling: {
      type: 'object',
      required: ['type'],
      properties: {
        type: { type: 'string', enum: ['Duplicated', 'Divided'] },
        divisionPreference: { type: 'string', enum: ['Weighted', 'AvailableCapacity', 'Aggregated'] },
        weights: { type: 'array', items: { type: 'object', required: ['weight'], properties: { names: strings, matchLabels: LABELS_SCHEMA, matchExpressions: { type: 'array', items: LABEL_EXPRESSION }, weight: { type: 'integer', minimum: 0 } }, additionalProperties: false } },
      },
      additionalProperties: false,
    },
    minReplicasPerCluster: { type: 'integer', minimum: 0 },
    maxReplicasPerCluster: { type: 'integer', minimum: 1 },
    tolerations: { type: 'array', items: { type: 'object', properties: { key: { type: 'string' }, operator: { type: 'string', enum: ['Equal', 'Exists'] }, value: { type: 'string' }, effect: { type: 'string', enum: ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] } }, additionalProperties: false } },
  },
  additionalProperties: false,
};

export const FAILOVER_POLICY_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'What happens when a cluster of the workload fails (docs/failover.md).',
  properties: {
    enabled: { type: 'boolean', default: true },
    tolerationSeconds: { type: 'integer', minimum: 0, default: 30 },
    purgeMode: { type: 'string', enum: ['Graceful', 'Immediate', 'Never'], default: 'Graceful' },
    gracefulTimeoutSeconds: { type: 'integer', minimum: 0, default: 300 },
    stateful: { type: 'boolean', description: 'Fenced: never two live copies. Defaults to true with a StatefulSet.' },
    failback: { type: 'string', enum: ['Displaced', 'Never'], default: 'Displaced' },
  },
  additionalProperties: false,
};

const MANIFEST: JsonSchema = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata'],
  description: 'A namespaced Kubernetes object as written (metadata.name required). Secret values are sealed at rest and read back as "(sealed)".',
  properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } },
};

/** The fields of a workload's spec: at the top level of the flat shape, under `spec` of the document shape. */
export const WORKLOAD_SPEC_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['tenant', 'manifests'],
  properties: {
    tenant: { type: 'string', description: 'Owning tenant; a namespace belongs to one tenant.' },
    manifests: { type: 'array', minItems: 1, maxItems: 100, items: MANIFEST } as JsonSchema,
    placement: PLACEMENT_POLICY_SCHEMA,
    priority: { description: `An integer (higher goes first) or a class: ${Object.entries(PRIORITY_CLASSES).map(([name, value]) => `${name} (${value})`).join(', ')}.`, oneOf: [{ type: 'integer' }, { type: 'string', enum: Object.keys(PRIORITY_CLASSES) }] },
    overrideSets: { ...strings, description: 'Override sets applied in this order, before overrides.' },
    overrides: { type: 'array', items: OVERRIDE_RULE_SCHEMA },
    failover: FAILOVER_POLICY_SCHEMA,
  },
  additionalProperties: false,
};

/** The flat shape: `{name, namespace, labels, ...spec}`. */
export const WORKLOAD_FLAT_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['name', 'namespace', 'tenant', 'manifests'],
  properties: { name: { type: 'string', description: 'DNS-1123 label.' }, namespace: { type: 'string' }, labels: LABELS_SCHEMA, ...WORKLOAD_SPEC_SCHEMA.properties },
  additionalProperties: false,
};

/** The document shape, as kubectl users write it (in YAML it may be followed by its manifests as further documents). */
export const WORKLOAD_DOCUMENT_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { type: 'string', enum: ['flotilla.dev/v1'] },
    kind: { type: 'string', enum: ['Workload'] },
    metadata: {
      type: 'object',
      required: ['name', 'namespace'],
      description: 'resourceVersion, uid, creationTimestamp, managedFields, generation and selfLink are accepted and dropped.',
      properties: { name: { type: 'string' }, namespace: { type: 'string' }, labels: LABELS_SCHEMA },
    },
    spec: WORKLOAD_SPEC_SCHEMA,
    status: { type: 'object', description: 'Ignored (output of a GET can be sent back).' },
  },
  additionalProperties: false,
};

/** A workload body: the flat shape or the document shape. */
export const WORKLOAD_BODY_SCHEMA: JsonSchema = { oneOf: [WORKLOAD_FLAT_SCHEMA, WORKLOAD_DOCUMENT_SCHEMA] };

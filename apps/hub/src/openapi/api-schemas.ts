import { CLUSTER_PATCH_SCHEMA, CLUSTER_REGISTRATION_SCHEMA, CREDENTIALS_ROTATION_SCHEMA, TAINT_SCHEMA } from '../../../../libs/clusters/src/index.ts';
import { type JsonSchema, LABELS_SCHEMA } from '../../../../libs/validation/src/index.ts';
import { OVERRIDE_SET_SCHEMA, WORKLOAD_BODY_SCHEMA, WORKLOAD_SPEC_SCHEMA } from '../../../../libs/workloads/src/index.ts';

// The schemas of the OpenAPI document. Request bodies come from the libraries whose validators
// take their field names from them. Answers are described here: the views are built field by
// field (cluster-view.ts, workload-view.ts, ...); test/integration/openapi.test.ts checks real
// answers against these schemas, and the closed ones (additionalProperties: false) catch a field
// added to a view without a word here.

const time: JsonSchema = { type: 'string', format: 'date-time' };
const strings: JsonSchema = { type: 'array', items: { type: 'string' } };
const count: JsonSchema = { type: 'integer', minimum: 0 };
const VERSION: JsonSchema = { type: 'string', description: 'Opaque resource version: send it back in If-Match (also sent as the ETag).' };

const closed = (properties: Record<string, JsonSchema>, required: readonly string[], description?: string): JsonSchema => ({
  type: 'object',
  ...(description === undefined ? {} : { description }),
  required,
  properties,
  additionalProperties: false,
});

const CONDITION: JsonSchema = closed(
  { type: { type: 'string', enum: ['Ready'] }, status: { type: 'string', enum: ['True', 'False', 'Unknown'] }, reason: { type: 'string' }, message: { type: 'string' }, lastTransitionTime: time },
  ['type', 'status', 'reason', 'message', 'lastTransitionTime'],
);

const AMOUNTS: JsonSchema = closed({ cpuMillis: { type: 'number' }, memoryBytes: { type: 'number' }, pods: { type: 'number' } }, ['cpuMillis', 'memoryBytes', 'pods']);

const CLUSTER: JsonSchema = closed(
  {
    name: { type: 'string' },
    spec: closed(
      {
        server: { type: 'string' },
        caBundle: { type: 'string' },
        zone: { type: 'string' },
        region: { type: 'string' },
        provider: { type: 'string' },
        labels: LABELS_SCHEMA,
        taints: { type: 'array', items: TAINT_SCHEMA },
        cordoned: { type: 'boolean' },
      },
      ['server', 'labels', 'taints', 'cordoned'],
    ),
    credentialType: { type: 'string', enum: ['token', 'clientCertificate'] },
    credentialsRotatedAt: time,
    credentialsKeyId: { type: 'string', description: 'Id of the encryption key that sealed the credentials (not secret).' },
    metadata: closed({ version: VERSION, createdAt: time, updatedAt: time }, ['version', 'createdAt', 'updatedAt']),
    status: closed(
      {
        ready: CONDITION,
        conditions: { type: 'array', items: CONDITION },
        observedAt: time,
        capacity: closed({ allocatable: AMOUNTS, requested: AMOUNTS, nodes: closed({ total: count, ready: count }, ['total', 'ready']), observedAt: time }, ['allocatable', 'requested', 'nodes', 'observedAt']),
        kubernetesVersion: closed({ gitVersion: { type: 'string' }, observedAt: time }, ['gitVersion', 'observedAt']),
        apiGroups: closed({ groups: strings, observedAt: time }, ['groups', 'observedAt']),
      },
      ['ready', 'conditions'],
    ),
  },
  ['name', 'spec', 'credentialType', 'credentialsRotatedAt', 'credentialsKeyId', 'metadata', 'status'],
  'A registered member cluster and its health. Credentials are never shown.',
);

const OBJECT_REF: JsonSchema = { type: 'object', description: 'A Kubernetes object: apiVersion, kind, namespace, name.' };

const DEREGISTRATION: JsonSchema = closed({ name: { type: 'string' }, purged: { type: 'boolean' }, deleted: { type: 'array', items: OBJECT_REF } }, ['name', 'purged', 'deleted']);

const CLUSTER_REPLICAS: JsonSchema = closed({ name: { type: 'string' }, replicas: count }, ['name', 'replicas']);

const WORKLOAD: JsonSchema = closed(
  {
    metadata: closed(
      {
        namespace: { type: 'string' },
        name: { type: 'string' },
        uid: { type: 'string' },
        generation: { type: 'integer', description: 'Moves with every change of the spec.' },
        version: VERSION,
        createdAt: time,
        updatedAt: time,
        deletionRequestedAt: time,
        secretsKeyId: { type: 'string', description: 'Id of the key that sealed the Secret values (not secret).' },
      },
      ['namespace', 'name', 'uid', 'generation', 'version', 'createdAt', 'updatedAt'],
    ),
    spec: { ...WORKLOAD_SPEC_SCHEMA, description: 'As stored, defaults filled in; with name, namespace and labels. Secret values read "(sealed)".', properties: { name: { type: 'string' }, namespace: { type: 'string' }, labels: LABELS_SCHEMA, ...WORKLOAD_SPEC_SCHEMA.properties, priority: { type: 'integer' } } },
    priorityClass: { type: 'string', description: 'The name of the priority, when it is exactly a class.' },
    placement: closed(
      {
        workload: { type: 'string' },
        generation: { type: 'integer' },
        decidedAt: time,
        decision: closed(
          {
            clusters: { type: 'array', items: CLUSTER_REPLICAS },
            diagnosis: { type: 'object', description: 'Per cluster left out: why (codes and reasons).', additionalProperties: { type: 'object' } },
            unplacedReplicas: count,
            summary: { type: 'string' },
          },
          ['clusters', 'diagnosis', 'unplacedReplicas', 'summary'],
        ),
      },
      ['workload', 'generation', 'decidedAt', 'decision'],
      'The latest placement decision; absent before the first.',
    ),
    status: closed(
      {
        generation: { type: 'integer' },
        phase: { type: 'string' },
        summary: { type: 'string', description: 'One line, e.g. "Available 6/6 in 3 clusters".' },
        totals: closed({ desiredReplicas: count, readyReplicas: count, availableReplicas: count }, ['desiredReplicas', 'readyReplicas', 'availableReplicas']),
        clusters: { type: 'array', items: { type: 'object', description: 'Per placed cluster: replicas, conditions, last error, observedAt.' } },
        unplacedReplicas: count,
      },
      ['generation', 'phase', 'summary', 'totals', 'clusters', 'unplacedReplicas'],
    ),
  },
  ['metadata', 'spec', 'status'],
  'A workload: its spec, latest placement and aggregated status.',
);

const HISTORY_ENTRY: JsonSchema = closed(
  { generation: { type: 'integer' }, at: time, clusters: { type: 'array', items: CLUSTER_REPLICAS }, reason: { type: 'string' }, summary: { type: 'string' }, by: { type: 'string' } },
  ['generation', 'at', 'clusters', 'reason', 'summary'],
);

const OVERRIDE_SET: JsonSchema = closed({ metadata: closed({ name: { type: 'string' }, version: VERSION, updatedAt: time }, ['name', 'version', 'updatedAt']), spec: OVERRIDE_SET_SCHEMA }, ['metadata', 'spec']);

const EVENT: JsonSchema = closed(
  {
    id: { type: 'string', description: 'Increasing stream id.' },
    time,
    type: { type: 'string', enum: ['Normal', 'Warning'] },
    reason: { type: 'string' },
    message: { type: 'string' },
    object: closed({ kind: { type: 'string' }, name: { type: 'string' } }, ['kind', 'name']),
    actor: { type: 'string' },
  },
  ['id', 'time', 'type', 'reason', 'message', 'object', 'actor'],
);

const AUDIT_RECORD: JsonSchema = closed(
  {
    seq: { type: 'integer', minimum: 1 },
    time,
    prev: { type: 'string', description: "The previous record's hash." },
    hash: { type: 'string' },
    actor: { type: 'object', description: 'Who: an OIDC subject with groups, or a named controller.' },
    action: { type: 'string', description: 'e.g. `POST /api/v1/workloads` or `system:failover FailedOver`.' },
    target: closed({ kind: { type: 'string' }, name: { type: 'string' } }, ['kind', 'name']),
    outcome: { type: 'string', enum: ['Succeeded', 'Denied', 'Failed'] },
    status: { type: 'integer', description: 'HTTP status, for changes through the API.' },
    requestId: { type: 'string' },
    source: { type: 'string' },
    digest: { type: 'string', description: 'sha256 of the change (never the body).' },
    message: { type: 'string' },
  },
  ['seq', 'time', 'prev', 'hash', 'actor', 'action', 'target', 'outcome'],
  'One link of the hash chain: who did what to which object, with what outcome (docs/audit.md).',
);

const AUDIT_VERDICT: JsonSchema = closed(
  { ok: { type: 'boolean' }, checked: count, head: { type: 'integer' }, firstBroken: closed({ seq: { type: 'integer' }, index: count, reason: { type: 'string' } }, ['seq', 'index', 'reason']) },
  ['ok', 'checked'],
);

const JOB: JsonSchema = closed(
  {
    id: { type: 'string' },
    queue: { type: 'string' },
    name: { type: 'string' },
    data: { description: 'The payload: ids, not documents.' },
    priority: { type: 'integer' },
    attemptsMade: count,
    attempts: count,
    failedReason: { type: 'string' },
    createdAt: time,
    processedAt: time,
    finishedAt: time,
    returnValue: {},
  },
  ['id', 'queue', 'name', 'priority', 'attemptsMade', 'attempts', 'createdAt'],
);

const QUEUES: JsonSchema = closed(
  { items: { type: 'array', items: closed({ name: { type: 'string' }, counts: { type: 'object', description: 'Jobs per state.', additionalProperties: count } }, ['name', 'counts']) } },
  ['items'],
);

const CLEANUP: JsonSchema = closed(
  { workload: { type: 'string' }, uid: { type: 'string' }, namespace: { type: 'string' }, cluster: { type: 'string' }, reason: { type: 'string' }, since: time, lastError: { type: 'string' }, kinds: { type: 'array', items: { type: 'object' } } },
  ['workload', 'uid', 'namespace', 'cluster', 'reason', 'since', 'lastError', 'kinds'],
);

const FENCE: JsonSchema = closed({ cluster: { type: 'string' }, since: { type: 'integer', description: 'Epoch milliseconds.' } }, ['cluster', 'since']);

const FAILOVER_OVERRIDE: JsonSchema = closed({ workload: { type: 'string' }, forced: { type: 'boolean' }, purgeConfirmed: strings }, ['workload', 'forced', 'purgeConfirmed']);

const DRAIN: JsonSchema = closed(
  { cluster: { type: 'string' }, since: { type: 'integer', description: 'Epoch milliseconds.' }, remaining: strings, pinned: strings, done: { type: 'boolean' } },
  ['cluster', 'since', 'remaining', 'pinned', 'done'],
);

const FAILOVER: JsonSchema = closed(
  {
    guard: { type: 'object', description: 'The partition guard: whether failover may act now, and why not.' },
    clusters: { type: 'object', description: 'Health per cluster as the controller tracks it.', additionalProperties: { type: 'object' } },
    fences: { type: 'array', items: FENCE },
    drains: { type: 'array', items: closed({ cluster: { type: 'string' }, since: { type: 'integer' } }, ['cluster', 'since']) },
    workloads: { type: 'object', description: 'Per displaced workload (`namespace/name`): where it came from, preemptions.', additionalProperties: { type: 'object' } },
    overrides: { type: 'array', items: FAILOVER_OVERRIDE },
  },
  ['guard', 'clusters', 'fences', 'drains', 'workloads', 'overrides'],
);

const IDENTITY: JsonSchema = closed(
  { subject: { type: 'string' }, email: { type: 'string' }, groups: strings, role: { type: 'string', enum: ['viewer', 'operator', 'admin'] }, tenants: strings },
  ['subject', 'groups', 'tenants'],
);

const ME: JsonSchema = closed(
  { identity: IDENTITY, csrfToken: { type: 'string', description: 'Browser sessions only: send it as x-csrf-token on changes.' }, endsAt: time, refreshedAt: time },
  ['identity'],
);

const PROBLEM: JsonSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'instance', 'requestId'],
  description: 'RFC 9457 problem details; branch on `type`, never on `title` or `detail`.',
  properties: {
    type: { type: 'string', description: 'Stable URI, e.g. https://flotilla.dev/problems/conflict.' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string', description: 'The request path.' },
    requestId: { type: 'string', description: 'As the x-request-id header and the logs.' },
  },
};

const VALIDATION_PROBLEM: JsonSchema = {
  allOf: [
    { $ref: '#/components/schemas/Problem' },
    {
      type: 'object',
      required: ['invalidParams'],
      properties: { invalidParams: { type: 'array', description: 'Every refused field.', items: closed({ name: { type: 'string', description: 'e.g. spec.placement.spread[0].by, query.limit, If-Match.' }, reason: { type: 'string' } }, ['name', 'reason']) } },
    },
  ],
};

const LIST_METADATA: JsonSchema = closed(
  {
    continue: { type: 'string', description: 'Opaque: send it as ?continue= with the same filters for the next page; absent on the last page.' },
    remainingItemCount: { type: 'integer', minimum: 1, description: 'Items after this page as of this read (not for lists read from a stream).' },
  },
  [],
);

/** Every schema of the document's components, by name. */
const FLEET_ITEM: JsonSchema = closed(
  {
    cluster: { type: 'string' },
    zone: { type: 'string' },
    object: { type: 'object', description: 'The member object as Kubernetes serves it, without metadata.managedFields.', additionalProperties: true },
  },
  ['cluster', 'object'],
  'One member object, tagged with the cluster it lives on.',
);

const FLEET_ERROR: JsonSchema = closed(
  {
    cluster: { type: 'string' },
    reason: { type: 'string', enum: ['Timeout', 'Unreachable', 'Forbidden', 'KindNotFound', 'Stale', 'MemberError'] },
    message: { type: 'string' },
    since: { ...time, description: 'For Stale: when the cache was last known current.' },
  },
  ['cluster', 'reason', 'message'],
  "A cluster whose part of the answer is missing (or, for Stale, served from a cache that may be old).",
);

const FLEET_PAGE: JsonSchema = closed(
  {
    items: { type: 'array', items: { $ref: '#/components/schemas/FleetItem' } },
    metadata: { $ref: '#/components/schemas/ListMetadata' },
    errors: { type: 'array', items: { $ref: '#/components/schemas/FleetError' } },
  },
  ['items', 'metadata', 'errors'],
);

const WATCH_CACHE: JsonSchema = closed(
  {
    cluster: { type: 'string' },
    kind: { type: 'string', description: '<apiVersion>/<Kind>' },
    state: { type: 'string', enum: ['Starting', 'Synced', 'Failing', 'OverBudget', 'Unsupported', 'Stopped'] },
    objects: count,
    bytes: count,
    currentAt: time,
    lastError: { type: 'string' },
  },
  ['cluster', 'kind', 'state', 'objects', 'bytes'],
);

export const API_SCHEMAS = {
  ClusterRegistration: CLUSTER_REGISTRATION_SCHEMA,
  ClusterPatch: CLUSTER_PATCH_SCHEMA,
  CredentialsRotation: CREDENTIALS_ROTATION_SCHEMA,
  WorkloadBody: WORKLOAD_BODY_SCHEMA,
  OverrideSetBody: OVERRIDE_SET_SCHEMA,
  Problem: PROBLEM,
  ValidationProblem: VALIDATION_PROBLEM,
  ListMetadata: LIST_METADATA,
  Cluster: CLUSTER,
  Deregistration: DEREGISTRATION,
  Workload: WORKLOAD,
  PlacementHistoryEntry: HISTORY_ENTRY,
  OverrideSet: OVERRIDE_SET,
  Event: EVENT,
  AuditRecord: AUDIT_RECORD,
  AuditVerdict: AUDIT_VERDICT,
  Job: JOB,
  Queues: QUEUES,
  Cleanup: CLEANUP,
  ClusterFence: FENCE,
  FailoverOverride: FAILOVER_OVERRIDE,
  Drain: DRAIN,
  Failover: FAILOVER,
  Identity: IDENTITY,
  Me: ME,
  FleetItem: FLEET_ITEM,
  FleetError: FLEET_ERROR,
  FleetPage: FLEET_PAGE,
  WatchCache: WATCH_CACHE,
} as const satisfies Record<string, JsonSchema>;

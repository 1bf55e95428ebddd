/**
 * The hub's GraphQL schema: the same model as the REST API, as a graph. Lists take `first`
 * (1 to 1000) and count toward the operation's estimated cost by it (docs/graphql.md).
 */
export const SCHEMA = /* GraphQL */ `
"Any JSON value: workload specs, label maps, job data."
scalar JSON

type Query {
  "Clusters ordered by name. Viewer."
  clusters(labelSelector: String, first: Int = 100): [Cluster!]!
  "One cluster; NOT_FOUND when there is none. Viewer."
  cluster(name: String!): Cluster!
  "Workloads of the caller's tenants (all for an admin), ordered by namespace, then name. Viewer."
  workloads(namespace: String, tenant: String, labelSelector: String, first: Int = 100): [Workload!]!
  "One workload; NOT_FOUND when there is none or it belongs to another tenant. Viewer."
  workload(namespace: String!, name: String!): Workload!
  "Events, newest first; events about other tenants' workloads are left out. Viewer."
  events(kind: String, name: String, first: Int = 100): [Event!]!
  "The audit trail, newest first. Admin."
  audit(actor: String, action: String, kind: String, name: String, first: Int = 100): [AuditRecord!]!
  "Job counts per queue and state. Viewer."
  queues: [Queue!]!
  "Jobs of one queue in one state (failed by default). Admin."
  jobs(queue: String!, state: JobState = failed, first: Int = 100): [Job!]!
}

type Mutation {
  "Creates a workload (the body of POST /api/v1/workloads). Operator, member of its tenant."
  createWorkload(workload: JSON!): Workload!
  "Replaces a workload's spec (the body of PUT .../workloads/{name}); with version, refused with CONFLICT if it moved. Operator."
  updateWorkload(namespace: String!, name: String!, workload: JSON!, version: String): Workload!
  "Asks for a workload's deletion; its copies are removed by cleanup jobs. Operator."
  deleteWorkload(namespace: String!, name: String!, version: String): Workload!
  "The cluster keeps what runs there and gets nothing new. Operator."
  cordonCluster(name: String!): Cluster!
  uncordonCluster(name: String!): Cluster!
  "Cordons the cluster and moves everything on it elsewhere (planned failover). Operator."
  drainCluster(name: String!): Drain!
  "Stops a drain (the cluster stays cordoned). Operator."
  stopDrain(name: String!): Boolean!
  "Runs a failed job again. Admin."
  retryJob(queue: String!, id: String!): Job!
}

type Subscription {
  "Ready transitions of every cluster, or of one. Viewer."
  clusterHealth(name: String): ClusterHealthChange!
  "Changes of workloads the caller may see (created, placed, a copy Available or no longer Available on a cluster, drift repaired, failed over, deleted), or of one. Viewer."
  workloadStatus(namespace: String, name: String): WorkloadChange!
  "What the failover controller and operators do: drains, fences, failovers, failbacks, preemptions. Viewer."
  failoverEvents: Event!
}

type Cluster {
  name: String!
  server: String!
  zone: String
  region: String
  provider: String
  labels: JSON!
  taints: [Taint!]!
  cordoned: Boolean!
  credentialType: String!
  "The Ready condition as of now: Unknown when the last probe is too old."
  ready: Condition!
  conditions: [Condition!]!
  observedAt: String
  capacity: Capacity
  kubernetesVersion: String
  version: String!
  createdAt: String!
  updatedAt: String!
  "Workloads placed here that the caller may see."
  workloads(first: Int = 100): [Workload!]!
  "This cluster's events, newest first."
  events(first: Int = 20): [Event!]!
  "The drain in progress, if any."
  drain: Drain
}

type Taint {
  key: String!
  value: String
  effect: String!
}

type Condition {
  type: String!
  status: String!
  reason: String
  message: String
  lastTransitionTime: String
}

type Capacity {
  allocatable: Resources!
  requested: Resources!
  nodes: Int!
  readyNodes: Int!
  observedAt: String!
}

type Resources {
  cpuMillis: Float!
  memoryBytes: Float!
  pods: Int!
}

type Workload {
  namespace: String!
  name: String!
  uid: String!
  tenant: String!
  generation: Int!
  version: String!
  createdAt: String!
  updatedAt: String!
  deletionRequestedAt: String
  priority: Int!
  priorityClass: String
  labels: JSON!
  "The whole spec, as stored (manifests, placement policy, overrides)."
  spec: JSON!
  placement: Placement
  status: WorkloadStatus!
  "The placed clusters with their status, in the decision's order."
  clusters: [WorkloadCluster!]!
  "Placement history, newest first."
  history(first: Int = 20): [PlacementHistoryEntry!]!
  "This workload's events, newest first."
  events(first: Int = 20): [Event!]!
}

type Placement {
  generation: Int!
  decidedAt: String!
  summary: String!
  unplacedReplicas: Int!
  "Every cluster that got no replicas, and why."
  diagnosis: [Diagnosis!]!
}

type Diagnosis {
  cluster: String!
  code: String!
  reasons: [String!]!
}

type WorkloadStatus {
  generation: Int!
  phase: String!
  summary: String!
  desiredReplicas: Int!
  readyReplicas: Int!
  availableReplicas: Int!
  unplacedReplicas: Int!
}

type WorkloadCluster {
  "The cluster record; null when it was deregistered since."
  cluster: Cluster
  name: String!
  desiredReplicas: Int!
  readyReplicas: Int!
  availableReplicas: Int!
  appliedGeneration: Int
  stale: Boolean!
  conditions: [Condition!]!
  observedAt: String
  lastError: String
}

type PlacementHistoryEntry {
  generation: Int!
  at: String!
  reason: String!
  summary: String!
  by: String
  clusters: [PlacedReplicas!]!
}

type PlacedReplicas {
  name: String!
  replicas: Int!
}

type Event {
  id: String!
  time: String!
  type: String!
  reason: String!
  message: String!
  kind: String!
  name: String!
  actor: String!
}

type AuditRecord {
  seq: Int!
  time: String!
  actor: String!
  action: String!
  kind: String!
  name: String!
  outcome: String!
  status: Int
  message: String
  requestId: String
  hash: String!
}

enum JobState {
  waiting
  prioritized
  active
  delayed
  failed
  completed
}

type Queue {
  name: String!
  counts: JSON!
}

type Job {
  id: String!
  queue: String!
  name: String!
  data: JSON
  priority: Int!
  attemptsMade: Int!
  attempts: Int!
  failedReason: String
  createdAt: String!
  processedAt: String
  finishedAt: String
}

type Drain {
  cluster: String!
  since: String!
  remaining: [String!]!
  pinned: [String!]!
  done: Boolean!
}

type ClusterHealthChange {
  event: Event!
  "The cluster as of the change; null when it was deregistered since."
  cluster: Cluster
}

type WorkloadChange {
  event: Event!
  "The workload as of the change; null once deleted."
  workload: Workload
}
`;

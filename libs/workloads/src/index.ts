export * from './workload.ts';
export { parseOverrideRules, parseOverrideSet, MAX_OVERRIDE_REPLICAS } from './parse-overrides.ts';
export { FAILOVER_POLICY_SCHEMA, OVERRIDE_RULE_SCHEMA, OVERRIDE_SET_SCHEMA, PLACEMENT_POLICY_SCHEMA, WORKLOAD_BODY_SCHEMA, WORKLOAD_DOCUMENT_SCHEMA, WORKLOAD_FLAT_SCHEMA, WORKLOAD_SPEC_SCHEMA } from './workload-schemas.ts';
export { DEFAULT_PLACEMENT, parsePlacementPolicy } from './parse-placement-policy.ts';
export { MAX_MANIFESTS, parseWorkload, parseWorkloadDocuments, RESERVED_NAMESPACES, WORKLOAD_API_VERSION, WORKLOAD_DOCUMENT_KIND } from './parse-workload.ts';
export {
  DEFAULT_PRIORITY,
  MAX_PRIORITY,
  MIN_PRIORITY,
  PRIORITY_CLASSES,
  priorityName,
  queuePriority,
  readPriority,
  type PriorityClassName,
} from './priority.ts';
export {
  aggregateStatus,
  type AggregateStatusInput,
  type ClusterStatusEntry,
  type WorkloadPhase,
  type WorkloadStatusView,
} from './aggregate-status.ts';
export { applyJsonPatch, JsonPatchError } from './json-patch.ts';
export { memberStatusFromObjects, type LiveObject, type MemberStatusInput } from './member-status.ts';
export { workloadNeeds } from './needs.ts';
export { planPrune, type ObjectRef, type PrunePlanInput } from './prune-plan.ts';
export {
  carriesReplicas,
  InvalidOverrideResultError,
  MissingOverrideSetError,
  objectKey,
  podSpecOf,
  renderForCluster,
  replicaCount,
  type RenderedObject,
  type RenderInput,
} from './render.ts';
export { restoreSecretValues, SEALED_VALUE, separateSecretValues, type SecretValues, type SeparatedSecrets } from './secret-values.ts';

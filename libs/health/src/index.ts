export { computeCapacity, isNodeReady } from './capacity.ts';
export { effectiveReady, isStale, readyCondition } from './effective-ready.ts';
export type { ContainerObject, NodeObject, PodObject, ResourceList } from './kube-objects.ts';
export {
  nextStatus,
  type NextStatus,
  type ProbeInventory,
  type ProbeOutcome,
  type ProbeResult,
  type ReadyPolicy,
  type ReadyTransition,
} from './next-status.ts';
export { podRequests, type PodRequests } from './pod-requests.ts';
export { detectionBoundMs, maxJitterMs, maxStatusAgeMs, probePolicyIssues, recoveryBoundMs, type ProbePolicy } from './probe-policy.ts';
export { InvalidQuantityError, milliValue, value } from './quantity.ts';
export { ReadyReason, type ProbeFailureReason } from './reasons.ts';

export {
  EMPTY_HEALTH,
  failedFor,
  flapScore,
  forgetCluster,
  isFlapping,
  isHealthy,
  observeReady,
  requiredStableMs,
  stableReadyFor,
  type ClusterHealth,
  type HealthTrackerState,
  type ReadyObservation,
} from './cluster-health-tracker.ts';
export type { DeferReason, FailoverAction, PurgeTrigger } from './failover-action.ts';
export {
  EMPTY_RECORD,
  initialFailoverState,
  type ClusterReplicas,
  type Displacement,
  type FailoverState,
  type Preemption,
  type WorkloadFailoverRecord,
} from './failover-state.ts';
export { byPriority, type FailoverWorkload } from './failover-workload.ts';
export { addReplicas, replicasFitting } from './fit.ts';
export { evaluateGuard, GUARD_OPEN, type GuardState } from './partition-guard.ts';
export { planFailback, type FailbackInput, type FailbackPlan } from './plan-failback.ts';
export { planFailover, type FailoverInput, type FailoverPlan } from './plan-failover.ts';
export { DEFAULT_FAILOVER_SETTINGS, type FailoverSettings, type GuardSettings } from './settings.ts';
export { fullBucket, refill, takeToken, type TokenBucketSettings, type TokenBucketState } from './token-bucket.ts';

import type { HealthTrackerState } from './cluster-health-tracker.ts';
import { EMPTY_HEALTH } from './cluster-health-tracker.ts';
import { GUARD_OPEN, type GuardState } from './partition-guard.ts';
import { DEFAULT_FAILOVER_SETTINGS, type FailoverSettings } from './settings.ts';
import { fullBucket, type TokenBucketState } from './token-bucket.ts';

/** Replicas on one cluster. */
export interface ClusterReplicas {
  readonly name: string;
  readonly replicas: number;
}

/**
 * Replicas moved off a failed cluster by a Replace: what failback moves back, and what the
 * purge of the old copy follows. Recorded at failover time, because by failback time the
 * placement no longer says where the replicas used to be.
 */
export interface Displacement {
  /** The failed cluster. */
  readonly from: string;
  /** Replicas the workload had there. */
  readonly replicas: number;
  /** Clusters that gained replicas in the Replace, and how many. */
  readonly to: readonly ClusterReplicas[];
  /** When the Replace was planned, epoch ms. */
  readonly at: number;
  readonly stateful: boolean;
  /** A Purge of the old copy has been planned. */
  readonly purged: boolean;
  /** The replacement was Available, or the graceful timeout passed: no longer in flight. */
  readonly settled: boolean;
  /**
   * Planned: the cluster was being drained (Ready, cordoned by an operator), not failed. The
   * old copy is then kept until the replacement is Available (or the graceful timeout passed),
   * whatever the purge mode, except `Never`.
   */
  readonly drained?: boolean;
}

/** Replicas scaled down on a cluster to make room for a higher priority; given back by a Restore. */
export interface Preemption {
  readonly cluster: string;
  readonly replicas: number;
  /** The workload the room was made for. */
  readonly by: string;
  readonly reason: string;
  readonly at: number;
}

/** The failover facts kept per workload. */
export interface WorkloadFailoverRecord {
  readonly displaced: readonly Displacement[];
  readonly preempted: readonly Preemption[];
  /**
   * The placement before the first of the displacements above: what failback returns the
   * workload to, cluster by cluster, however many failovers came in between. Absent when
   * nothing is displaced.
   */
  readonly home?: readonly ClusterReplicas[];
}

export const EMPTY_RECORD: WorkloadFailoverRecord = { displaced: [], preempted: [] };

/**
 * Everything the planners remember between rounds. Plain JSON (epoch ms, records by name), so
 * the controller keeps it in Redis: a restarted hub or a new leader reads the same state and,
 * given the same inputs and `now`, plans the same actions.
 */
export interface FailoverState {
  readonly health: HealthTrackerState;
  readonly guard: GuardState;
  readonly evictions: TokenBucketState;
  readonly failbacks: TokenBucketState;
  readonly workloads: Readonly<Record<string, WorkloadFailoverRecord>>;
}

export function initialFailoverState(now: number, settings: FailoverSettings = DEFAULT_FAILOVER_SETTINGS): FailoverState {
  return {
    health: EMPTY_HEALTH,
    guard: GUARD_OPEN,
    evictions: fullBucket(settings.evictions, now),
    failbacks: fullBucket(settings.failbacks, now),
    workloads: {},
  };
}

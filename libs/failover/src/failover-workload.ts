import type { PlacementPolicy, WorkloadNeeds } from '../../placement/src/index.ts';
import type { FailoverPolicy } from '../../workloads/src/workload.ts';
import type { ClusterReplicas } from './failover-state.ts';

/**
 * One workload as the planners see it: its spec's parts that matter, where it runs now, and
 * the facts the controller read from member statuses and operator actions this round.
 */
export interface FailoverWorkload {
  /** Stable and unique (the workload uid or `namespace/name`); ties in priority are broken by it. */
  readonly id: string;
  /** How people know it (`namespace/name`), for reasons; `id` when absent. */
  readonly name?: string;
  /** Higher goes first (libs/workloads PRIORITY_CLASSES). */
  readonly priority: number;
  readonly failover: FailoverPolicy;
  readonly placement: PlacementPolicy;
  readonly needs: WorkloadNeeds;
  /** The stored placement: clusters with replicas. */
  readonly clusters: readonly ClusterReplicas[];
  /**
   * Every cluster of the stored placement that is Ready reports the workload Available (the
   * MemberWorkloadStatus `Available` condition). Drives the graceful purge.
   */
  readonly available: boolean;
  /** Clusters where the hub has seen the workload's objects gone (a reachable member said so, not an error). */
  readonly goneFrom?: readonly string[];
  /** The operator forced the failover of this stateful workload without fencing confirmation. */
  readonly forced?: boolean;
  /** Clusters where the operator confirmed the purge of a `Never` workload's old copy. */
  readonly purgeConfirmed?: readonly string[];
}

/** Highest priority first, ties by id: the order every planner walks workloads in. */
export function byPriority(a: FailoverWorkload, b: FailoverWorkload): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

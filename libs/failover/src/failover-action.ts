import type { PlacementDecision } from '../../placement/src/index.ts';
import type { ClusterReplicas } from './failover-state.ts';

/** Why a due failover waits. */
export type DeferReason = 'Toleration' | 'RateLimited' | 'ConcurrencyLimit' | 'NoCapacity';

/** What triggered a purge of the old copy. */
export type PurgeTrigger = 'Immediate' | 'ReplacementAvailable' | 'GracefulTimeout' | 'OperatorConfirmed' | 'Fenced';

/** Why a workload leaves a cluster: it failed (not Ready beyond the toleration) or an operator drains it. */
export type DisplacementCause = 'Failed' | 'Drained';

/**
 * One step of a failover plan. The controller turns each into a job (job id from the kind,
 * workload and cluster, so planning the same step twice enqueues it once) or into a status.
 */
export type FailoverAction =
  /** The guard is tripped: this workload's failover is due but nothing is evicted. */
  | { readonly kind: 'Suspended'; readonly workload: string; readonly clusters: readonly string[]; readonly reason: string; readonly since: number }
  /** Not now; `until` is when to look again (toleration deadline, next token), absent when unknown. */
  | { readonly kind: 'Defer'; readonly workload: string; readonly clusters: readonly string[]; readonly reason: DeferReason; readonly until?: number; readonly message: string }
  /** Stateful: the replacement may not start until the old copy is gone or its cluster fenced for the grace period. */
  | { readonly kind: 'AwaitFence'; readonly workload: string; readonly cluster: string; readonly fencedAt?: number; readonly until?: number; readonly message: string }
  /**
   * Scale `workload` down by `replicas` on `cluster` to make room for `forWorkload`, leaving
   * `remaining` there (after every earlier preemption of the same round).
   */
  | { readonly kind: 'Preempt'; readonly workload: string; readonly cluster: string; readonly replicas: number; readonly remaining: number; readonly forWorkload: string; readonly reason: string }
  /** Place the workload again without the failed clusters `from`; `clusters` is the new placement. */
  | {
      readonly kind: 'Replace';
      readonly workload: string;
      readonly from: readonly string[];
      readonly clusters: readonly ClusterReplicas[];
      readonly decision: PlacementDecision;
      readonly stateful: boolean;
      /** Failed or drained, per cluster of `from`. */
      readonly cause: DisplacementCause;
    }
  /** Remove the old copy from `cluster` (a cleanup that runs once the member answers; never read an error as gone). */
  | { readonly kind: 'Purge'; readonly workload: string; readonly cluster: string; readonly trigger: PurgeTrigger }
  /** Purge mode `Never`: the old copy stays until an operator confirms. */
  | { readonly kind: 'AwaitOperator'; readonly workload: string; readonly cluster: string; readonly message: string }
  /** Move displaced replicas back to a recovered cluster; `clusters` is the new placement. */
  | {
      readonly kind: 'Failback';
      readonly workload: string;
      readonly cluster: string;
      /**
       * When the replicas were displaced from `cluster`: with the cluster it names this failback,
       * so that a later failback to the same cluster (after another failure or drain while the
       * cluster stayed Ready) is a new step, not a repeat of this one.
       */
      readonly displacedAt: number;
      readonly replicas: number;
      readonly clusters: readonly ClusterReplicas[];
      /** Stateful: stop the current copies and see them gone before starting on `cluster`. */
      readonly stopFirst: boolean;
    }
  /** Give preempted replicas back on `cluster` now that there is room again. */
  | { readonly kind: 'Restore'; readonly workload: string; readonly cluster: string; readonly replicas: number };

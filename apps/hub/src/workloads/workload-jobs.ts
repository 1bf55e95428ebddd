import type { PlacementDecision } from '../../../../libs/placement/src/index.ts';

/** The queues of the workload pipeline (BullMQ, under `<FLOTILLA_KEY_PREFIX>:bull`). */
export const PLACEMENT_QUEUE = 'placement';
export const APPLY_QUEUE = 'apply';
export const CLEANUP_QUEUE = 'cleanup';
export const QUEUE_NAMES = [PLACEMENT_QUEUE, APPLY_QUEUE, CLEANUP_QUEUE] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/** Decide where one generation of a workload runs. Job id `<workload>.g<generation>` (one decision per generation). */
export interface PlaceJob {
  readonly workload: string;
  readonly generation: number;
  /** Why: Created, Updated, Resync, Retried. */
  readonly reason: string;
}

/** Every few seconds on one replica (a BullMQ job scheduler): sync placed workloads, place again what did not fit. */
export type ResyncJob = Record<string, never>;

/**
 * Bring one workload on one member to its placed state. `apply` writes every object (new
 * generation or placement); `sync` reads them back and writes only what drifted, and refreshes the
 * status. Job id `<workload>.g<generation>.v<placement version>.<cluster>` for apply.
 */
export interface ReconcileJob {
  readonly workload: string;
  readonly generation: number;
  readonly cluster: string;
  readonly mode: 'apply' | 'sync';
  /** Follow-up reads while the copy is not Available yet: 1, 2, … */
  readonly followUp?: number;
}

/** Remove a workload's objects (by its uid label) from one member: deleted, or moved off that cluster. */
export interface CleanupJob {
  readonly workload: string;
  readonly uid: string;
  readonly namespace: string;
  readonly cluster: string;
  /** Kinds to list, as apiVersion and kind. */
  readonly kinds: readonly { readonly apiVersion: string; readonly kind: string }[];
  readonly reason: 'Deleted' | 'Moved';
  /**
   * Moved: the placement version the cluster was left at (or, for a failover purge, the version
   * current when it was planned). Only a later placement that names the cluster again stops the
   * cleanup; a placement not yet rewritten when the cleanup runs does not.
   */
  readonly leftAtVersion?: number;
}

/** Finish a deletion: clean every member, mark the unreachable ones pending, then forget the workload. */
export interface DeleteJob {
  readonly workload: string;
  readonly uid: string;
}

/**
 * A placement decided by the failover controller (Replace, Failback, Preempt, Restore): stored
 * as is, apply jobs enqueued; a cluster it leaves is cleaned only when Ready (the copy on a
 * failed cluster is purged by the controller, per the workload's purge mode).
 */
export interface FailoverPlaceJob {
  readonly workload: string;
  readonly generation: number;
  readonly clusters: readonly { readonly name: string; readonly replicas: number }[];
  /** FailedOver, Drained, FailedBack, Preempted, Restored. */
  readonly reason: string;
  readonly message: string;
  /** The engine's decision (Replace), with its diagnosis; otherwise the previous diagnosis is kept. */
  readonly decision?: PlacementDecision;
  /** Clusters left whose copy the failover controller purges per purge mode (Replace): not cleaned with the placement. */
  readonly keep?: readonly string[];
  /**
   * Preempt and Restore: change one cluster of the placement stored when the job runs, not the
   * placement as it was when planned (`clusters` is then only informative), so that several
   * such jobs of one round compose in any order: at most `atMost` (preempt), at least
   * `atLeast` (restore) replicas there.
   */
  readonly adjust?: { readonly cluster: string; readonly atMost?: number; readonly atLeast?: number };
}

/** Job names. */
export const JOB = {
  place: 'place',
  failover: 'failover',
  resync: 'resync',
  apply: 'apply',
  sync: 'sync',
  cleanup: 'cleanup',
  delete: 'delete',
} as const;

/** Job ids (BullMQ ids may not contain ':'). */
export const placeJobId = (workload: string, generation: number): string => `${workload}.g${generation}`;
export const applyJobId = (workload: string, generation: number, placementVersion: number, cluster: string): string =>
  `${workload}.g${generation}.v${placementVersion}.${cluster}`;
export const DELETE_JOB_ID = (workload: string, uid: string): string => `${workload}.delete.${uid}`;
export const cleanupJobId = (uid: string, cluster: string): string => `cleanup.${uid}.${cluster}`;

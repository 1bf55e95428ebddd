import type { TaintEffect } from '../../clusters/src/cluster.ts';

/** One requirement of a label selector, as Kubernetes' `matchExpressions`. */
export type LabelExpression =
  | { readonly key: string; readonly operator: 'In' | 'NotIn'; readonly values: readonly string[] }
  | { readonly key: string; readonly operator: 'Exists' | 'DoesNotExist' };

/** Kubernetes' `LabelSelector`: every label and every expression must hold; empty selects all. */
export interface LabelSelectorTerm {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly LabelExpression[];
}

/** Which clusters a workload may go to. Every field that is set must hold. */
export interface ClusterAffinity extends LabelSelectorTerm {
  /** Values of `topology.kubernetes.io/zone`. */
  readonly zones?: readonly string[];
  /** Cluster names. */
  readonly names?: readonly string[];
  /** Cluster names never used, whatever else matches. */
  readonly excludeNames?: readonly string[];
}

/** As a Kubernetes pod toleration, applied to cluster taints. */
export interface Toleration {
  /** Absent with `Exists`: tolerates every taint. */
  readonly key?: string;
  /** @defaultValue `'Equal'` */
  readonly operator?: 'Equal' | 'Exists';
  readonly value?: string;
  /** Absent: every effect. */
  readonly effect?: TaintEffect;
}

/** How many distinct zones or regions the selected clusters must span. */
export interface SpreadConstraint {
  readonly by: 'zone' | 'region';
  /** @defaultValue 1 */
  readonly min?: number;
  /** Absent: no upper bound. */
  readonly max?: number;
}

/** A static weight for the clusters a rule matches; the first matching rule wins, others get 0. */
export interface WeightRule extends LabelSelectorTerm {
  /** Matches these names (and, when set, the selector too). */
  readonly names?: readonly string[];
  readonly weight: number;
}

/**
 * How replicas are spread over the selected clusters.
 * - `Duplicated`: every selected cluster runs all replicas.
 * - `Divided`/`Weighted`: the total is split by static weights (largest remainder).
 * - `Divided`/`AvailableCapacity`: split in proportion to how many replicas each cluster fits.
 * - `Divided`/`Aggregated`: packed onto as few clusters as fit, roomiest first.
 */
export type ReplicaScheduling =
  | { readonly type: 'Duplicated' }
  | { readonly type: 'Divided'; readonly divisionPreference: 'Weighted'; readonly weights: readonly WeightRule[] }
  | { readonly type: 'Divided'; readonly divisionPreference: 'AvailableCapacity' | 'Aggregated' };

/** Where and how a workload may run. */
export interface PlacementPolicy {
  /** Applies to every cluster. Absent: every cluster matches. */
  readonly clusterAffinity?: ClusterAffinity;
  /**
   * Ordered affinity groups, tried in order on top of `clusterAffinity`: the first group is
   * filled, and only what it cannot hold overflows into the next ("on-prem first, then cloud").
   * A cluster belongs to the first group it matches. Absent: one group of every cluster.
   */
  readonly fallbackGroups?: readonly ClusterAffinity[];
  readonly spread?: readonly SpreadConstraint[];
  readonly replicaScheduling: ReplicaScheduling;
  /**
   * Divided: each selected cluster that takes part (weight above 0; for Aggregated, the clusters
   * a spread constraint requires) gets at least this many, in rank order while replicas last.
   * @defaultValue 0
   */
  readonly minReplicasPerCluster?: number;
  /** Per selected cluster. Absent: no bound but the cluster's room. */
  readonly maxReplicasPerCluster?: number;
  readonly tolerations?: readonly Toleration[];
}

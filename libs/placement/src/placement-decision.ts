/**
 * Why a cluster got no replicas. Stable strings: clients may switch on them.
 * The first six are filters, in the order they run; the rest are later steps.
 */
export type DiagnosisCode =
  | 'AffinityMismatch'
  | 'Cordoned'
  | 'TaintNotTolerated'
  | 'NotReady'
  | 'KindNotServed'
  | 'InsufficientCapacity'
  | 'SpreadLimit'
  | 'ZeroWeight'
  | 'NotNeeded';

/** Why one cluster was left out: the first failing step's code and every reason found. */
export interface ClusterDiagnosis {
  readonly code: DiagnosisCode;
  readonly reasons: readonly string[];
}

/** The engine's answer for one workload. */
export interface PlacementDecision {
  /** Clusters with at least one replica, by name. Empty when the workload cannot be placed. */
  readonly clusters: readonly { readonly name: string; readonly replicas: number }[];
  /** Every cluster of the snapshot that got no replicas, and why. */
  readonly diagnosis: Readonly<Record<string, ClusterDiagnosis>>;
  /** Replicas wanted but not placed for lack of room (Divided only); 0 when all fit. */
  readonly unplacedReplicas: number;
  /** One line for people: "0/3 clusters fit: 1 cordoned, 2 short of CPU". */
  readonly summary: string;
}

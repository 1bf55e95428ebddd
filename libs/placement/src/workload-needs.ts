import type { ResourceAmounts } from '../../clusters/src/cluster.ts';

/** What one workload asks of a cluster. */
export interface WorkloadNeeds {
  /** Desired replicas in total (Divided) or in every selected cluster (Duplicated). */
  readonly replicas: number;
  /**
   * Requests of one replica: CPU in millicores, memory in bytes, and pods (usually 1). Parse
   * manifest quantities with `milliValue`/`value` from libs/health. A zero amount is not checked.
   */
  readonly perReplica: ResourceAmounts;
  /** Kinds every selected cluster must serve, as `group/version/Kind` (`v1/ConfigMap` for the core group). */
  readonly kinds: readonly string[];
}

/** Where the workload ran after its last placement; keeps re-placement from moving it. */
export interface PreviousPlacement {
  readonly clusters: readonly { readonly name: string; readonly replicas: number }[];
}

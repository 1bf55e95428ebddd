import type { ConditionStatus, ResourceAmounts, Taint } from '../../clusters/src/cluster.ts';

/**
 * One member cluster as the placement engine sees it: what the operator said (labels, taints,
 * cordon) and what the prober last knew (readiness, served kinds, free room). Built by
 * {@link clusterSnapshot} from the registry and health records, or by hand in tests and benches.
 */
export interface ClusterSnapshot {
  /** Unique in the snapshot; ties between equal clusters are broken by it. */
  readonly name: string;
  /** Including `topology.kubernetes.io/zone` and `topology.kubernetes.io/region`. */
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
  /** A cordoned cluster keeps what runs there but gets nothing new. */
  readonly cordoned: boolean;
  /** The effective Ready condition's status; only `True` takes new workloads. */
  readonly ready: ConditionStatus;
  /**
   * Served API groups as the prober lists them from /apis (`apps`, `batch`), group versions
   * (`apps/v1`) or exact kinds (`apps/v1/Deployment`); the core group is always served.
   * Absent: not known yet, and no kind is assumed served.
   */
  readonly served?: readonly string[];
  /** Allocatable minus requested. Absent: capacity not known yet, so nothing is known to fit. */
  readonly free?: ResourceAmounts;
}

/** Every cluster the engine may place on, in any order: the engine sorts by name. */
export interface FleetSnapshot {
  readonly clusters: readonly ClusterSnapshot[];
}

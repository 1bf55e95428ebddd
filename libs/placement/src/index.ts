export { affinityMismatch } from './affinity.ts';
export { clusterSnapshot } from './cluster-snapshot.ts';
export type { FeasibleCluster, FilterFailure } from './filters.ts';
export type { ClusterSnapshot, FleetSnapshot } from './fleet-snapshot.ts';
export { indexFleet } from './indexed-fleet.ts';
export { largestRemainder } from './largest-remainder.ts';
export { place, type PlacementInput } from './place.ts';
export { placeKeepingUnready } from './place-keeping-unready.ts';
export type { ClusterDiagnosis, DiagnosisCode, PlacementDecision } from './placement-decision.ts';
export type {
  ClusterAffinity,
  LabelExpression,
  LabelSelectorTerm,
  PlacementPolicy,
  ReplicaScheduling,
  SpreadConstraint,
  Toleration,
  WeightRule,
} from './placement-policy.ts';
export type { PreviousPlacement, WorkloadNeeds } from './workload-needs.ts';

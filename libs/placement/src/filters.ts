import type { ResourceAmounts } from '../../clusters/src/cluster.ts';
import { affinityGroup } from './affinity.ts';
import type { ClusterSnapshot } from './fleet-snapshot.ts';
import type { DiagnosisCode } from './placement-decision.ts';
import type { PlacementPolicy } from './placement-policy.ts';
import { replicasFit, shortages } from './replicas-fit.ts';
import { untoleratedTaints } from './tolerations.ts';
import type { WorkloadNeeds } from './workload-needs.ts';

/** One reason a filter keeps a cluster out. `label` is how the summary counts it ("short of CPU"). */
export interface FilterFailure {
  readonly code: DiagnosisCode;
  readonly reason: string;
  readonly label: string;
}

/** What a filter sees besides the cluster: the workload, never another cluster or a server. */
export interface FilterContext {
  readonly policy: PlacementPolicy;
  readonly needs: WorkloadNeeds;
  /** {@link kindChecks} of `needs.kinds`. */
  readonly kinds: readonly KindCheck[];
  /** The cluster's free room, counting the workload's own previous replicas there as free. */
  readonly free: ResourceAmounts | undefined;
}

/** A cluster that passed every filter. */
export interface FeasibleCluster {
  readonly cluster: ClusterSnapshot;
  /** Index of the fallback group it belongs to (0 without groups). */
  readonly group: number;
  /** Replicas that fit in its free room (Infinity when the workload requests nothing). */
  readonly fit: number;
}

/** A needed kind split once per decision, not once per cluster. */
export interface KindCheck {
  readonly kind: string;
  /** Absent for the core group, which every cluster serves. */
  readonly groupVersion?: string;
  readonly group?: string;
}

/** Splits `apps/v1/Deployment` into what a served list may name: the kind, `apps/v1` or `apps`. */
export function kindChecks(kinds: readonly string[]): KindCheck[] {
  return kinds.map((kind) => {
    const parts = kind.split('/');
    return parts.length < 3 ? { kind } : { kind, groupVersion: parts.slice(0, -1).join('/'), group: parts[0] as string };
  });
}

function servesKind(served: readonly string[], check: KindCheck): boolean {
  if (check.group === undefined) return true;
  return served.includes(check.group) || served.includes(check.groupVersion as string) || served.includes(check.kind);
}

/**
 * Runs every filter, in a fixed order (affinity, cordon, taints, readiness, kinds, capacity),
 * and returns the cluster with its group and fit, or every failure found.
 */
export function filterCluster(cluster: ClusterSnapshot, context: FilterContext): FeasibleCluster | FilterFailure[] {
  const { policy, needs, free, kinds } = context;
  const failures: FilterFailure[] = [];
  const affinity = affinityGroup(policy.clusterAffinity, policy.fallbackGroups, cluster);
  if ('mismatch' in affinity) failures.push({ code: 'AffinityMismatch', reason: affinity.mismatch, label: 'outside affinity' });
  if (cluster.cordoned) failures.push({ code: 'Cordoned', reason: 'cluster is cordoned', label: 'cordoned' });
  const taints = cluster.taints.length === 0 ? cluster.taints : untoleratedTaints(cluster.taints, policy.tolerations ?? []);
  if (taints.length > 0) {
    const list = taints.map((taint) => `${taint.key}${taint.value === undefined ? '' : `=${taint.value}`}:${taint.effect}`).join(', ');
    failures.push({ code: 'TaintNotTolerated', reason: `taint not tolerated: ${list}`, label: 'with untolerated taints' });
  }
  if (cluster.ready !== 'True') failures.push({ code: 'NotReady', reason: `Ready is ${cluster.ready}`, label: 'not Ready' });
  const served = cluster.served;
  const missing = kinds.every((check) => served !== undefined && servesKind(served, check))
    ? []
    : kinds.filter((check) => served === undefined || !servesKind(served, check)).map((check) => check.kind);
  if (missing.length > 0) {
    const reason = cluster.served === undefined ? `served kinds not known yet (needs ${missing.join(', ')})` : `does not serve ${missing.join(', ')}`;
    failures.push({ code: 'KindNotServed', reason, label: 'not serving a needed kind' });
  }
  // Duplicated puts every replica on each cluster; Divided needs room for one at least.
  const replicas = policy.replicaScheduling.type === 'Duplicated' ? Math.max(1, needs.replicas) : 1;
  if (free === undefined) {
    failures.push({ code: 'InsufficientCapacity', reason: 'capacity not known yet', label: 'of unknown capacity' });
  } else {
    for (const shortage of shortages(free, needs.perReplica, replicas)) {
      failures.push({ code: 'InsufficientCapacity', reason: shortage.reason, label: `short of ${shortage.resource}` });
    }
  }
  if (failures.length > 0 || free === undefined || 'mismatch' in affinity) return failures;
  return { cluster, group: affinity.group, fit: replicasFit(free, needs.perReplica) };
}

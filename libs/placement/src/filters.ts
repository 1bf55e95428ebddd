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
 * and returns the cluster with its group and fit, or every failure found. `free` is the
 * cluster's free room, counting the workload's own previous replicas there as free.
 */
export function filterCluster(cluster: ClusterSnapshot, context: FilterContext, free: ResourceAmounts | undefined): FeasibleCluster | FilterFailure[] {
  const { policy, needs, kinds } = context;
  // Most clusters pass: the failure list is only made for those that do not.
  let failures: FilterFailure[] | undefined;
  const fail = (failure: FilterFailure): void => {
    (failures ??= []).push(failure);
  };
  const group = affinityGroup(policy.clusterAffinity, policy.fallbackGroups, cluster);
  if (typeof group === 'string') fail({ code: 'AffinityMismatch', reason: group, label: 'outside affinity' });
  if (cluster.cordoned) fail({ code: 'Cordoned', reason: 'cluster is cordoned', label: 'cordoned' });
  if (cluster.taints.length > 0) {
    const taints = untoleratedTaints(cluster.taints, policy.tolerations ?? []);
    if (taints.length > 0) {
      const list = taints.map((taint) => `${taint.key}${taint.value === undefined ? '' : `=${taint.value}`}:${taint.effect}`).join(', ');
      fail({ code: 'TaintNotTolerated', reason: `taint not tolerated: ${list}`, label: 'with untolerated taints' });
    }
  }
  if (cluster.ready !== 'True') fail({ code: 'NotReady', reason: `Ready is ${cluster.ready}`, label: 'not Ready' });
  const served = cluster.served;
  if (!kinds.every((check) => served !== undefined && servesKind(served, check))) {
    const missing = kinds.filter((check) => served === undefined || !servesKind(served, check)).map((check) => check.kind);
    const reason = served === undefined ? `served kinds not known yet (needs ${missing.join(', ')})` : `does not serve ${missing.join(', ')}`;
    fail({ code: 'KindNotServed', reason, label: 'not serving a needed kind' });
  }
  if (free === undefined) {
    fail({ code: 'InsufficientCapacity', reason: 'capacity not known yet', label: 'of unknown capacity' });
    return failures as FilterFailure[];
  }
  const fit = replicasFit(free, needs.perReplica);
  // Duplicated puts every replica on each cluster; Divided needs room for one at least.
  const replicas = policy.replicaScheduling.type === 'Duplicated' ? Math.max(1, needs.replicas) : 1;
  if (fit < replicas) {
    for (const shortage of shortages(free, needs.perReplica, replicas)) {
      fail({ code: 'InsufficientCapacity', reason: shortage.reason, label: `short of ${shortage.resource}` });
    }
  }
  if (failures !== undefined || typeof group === 'string') return failures ?? [];
  return { cluster, group, fit };
}

import type { ResourceAmounts } from '../../clusters/src/cluster.ts';
import { affinityGroup, affinityGroupIndex, type AffinityReasons } from './affinity.ts';
import type { ClusterSnapshot } from './fleet-snapshot.ts';
import type { DiagnosisCode } from './placement-decision.ts';
import type { PlacementPolicy, Toleration } from './placement-policy.ts';
import { RESOURCE_COUNT, replicasFit, shortageReason } from './replicas-fit.ts';
import { toleratesAll, untoleratedTaints } from './tolerations.ts';
import type { WorkloadNeeds } from './workload-needs.ts';

const NO_TOLERATIONS: readonly Toleration[] = [];
// The failures whose reason is the same on every cluster are shared.
const CORDONED: FilterFailure = { code: 'Cordoned', reason: 'cluster is cordoned', label: 'cordoned' };
const NOT_READY: Readonly<Record<string, FilterFailure>> = {
  False: { code: 'NotReady', reason: 'Ready is False', label: 'not Ready' },
  Unknown: { code: 'NotReady', reason: 'Ready is Unknown', label: 'not Ready' },
};
const CAPACITY_UNKNOWN: FilterFailure = { code: 'InsufficientCapacity', reason: 'capacity not known yet', label: 'of unknown capacity' };
// By resource, in the order of RESOURCE_COUNT: CPU, memory, pods.
const SHORT_OF: readonly string[] = ['short of CPU', 'short of memory', 'short of pods'];

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
  /** Shares the affinity reasons between the clusters of one decision. */
  readonly affinityReasons?: AffinityReasons;
  /** Shares the affinity failures between the clusters of one decision. */
  readonly affinityFailures?: Map<string, FilterFailure>;
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

function servesAll(served: readonly string[] | undefined, kinds: readonly KindCheck[]): boolean {
  for (let i = 0; i < kinds.length; i += 1) {
    if (served === undefined || !servesKind(served, kinds[i] as KindCheck)) return false;
  }
  return true;
}

/** The replicas a cluster must fit to pass: all of them for Duplicated, one for Divided. */
export function replicasNeeded(context: FilterContext): number {
  return context.policy.replicaScheduling.type === 'Duplicated' ? Math.max(1, context.needs.replicas) : 1;
}

/**
 * {@link filterCluster} for the clusters that pass, which are most of them: the cluster's
 * fallback group, or -1 when any filter fails (then call {@link filterCluster} for the
 * reasons). Allocates nothing. On a pass, `fitOut[0]` is the replicas that fit.
 */
export function passesFilters(cluster: ClusterSnapshot, context: FilterContext, free: ResourceAmounts | undefined, replicas: number, fitOut: Float64Array): number {
  const policy = context.policy;
  const group = affinityGroupIndex(policy.clusterAffinity, policy.fallbackGroups, cluster);
  if (group < 0 || cluster.cordoned || cluster.ready !== 'True' || free === undefined) return -1;
  if (cluster.taints.length > 0 && !toleratesAll(cluster.taints, policy.tolerations ?? NO_TOLERATIONS)) return -1;
  if (!servesAll(cluster.served, context.kinds)) return -1;
  const fit = replicasFit(free, context.needs.perReplica);
  if (fit < replicas) return -1;
  fitOut[0] = fit;
  return group;
}

/**
 * Writes every failure of the cluster to `out` from index 0 (entries past the count are left as
 * they were, so one list can serve every cluster) and returns how many there are: the filters
 * of {@link filterCluster}, in its order.
 */
export function collectFailures(cluster: ClusterSnapshot, context: FilterContext, free: ResourceAmounts | undefined, out: FilterFailure[]): number {
  const { policy, needs, kinds } = context;
  let n = 0;
  const group = affinityGroup(policy.clusterAffinity, policy.fallbackGroups, cluster, context.affinityReasons);
  if (typeof group === 'string') {
    const shared = context.affinityFailures;
    let failure = shared?.get(group);
    if (failure === undefined) {
      failure = { code: 'AffinityMismatch', reason: group, label: 'outside affinity' };
      shared?.set(group, failure);
    }
    out[n++] = failure;
  }
  if (cluster.cordoned) out[n++] = CORDONED;
  if (cluster.taints.length > 0) {
    const taints = untoleratedTaints(cluster.taints, policy.tolerations ?? NO_TOLERATIONS);
    if (taints.length > 0) {
      const list = taints.map((taint) => `${taint.key}${taint.value === undefined ? '' : `=${taint.value}`}:${taint.effect}`).join(', ');
      out[n++] = { code: 'TaintNotTolerated', reason: `taint not tolerated: ${list}`, label: 'with untolerated taints' };
    }
  }
  if (cluster.ready !== 'True') out[n++] = NOT_READY[cluster.ready] ?? { code: 'NotReady', reason: `Ready is ${cluster.ready}`, label: 'not Ready' };
  const served = cluster.served;
  if (!servesAll(served, kinds)) {
    const missing = kinds.filter((check) => served === undefined || !servesKind(served, check)).map((check) => check.kind);
    const reason = served === undefined ? `served kinds not known yet (needs ${missing.join(', ')})` : `does not serve ${missing.join(', ')}`;
    out[n++] = { code: 'KindNotServed', reason, label: 'not serving a needed kind' };
  }
  if (free === undefined) {
    out[n++] = CAPACITY_UNKNOWN;
    return n;
  }
  // Duplicated puts every replica on each cluster; Divided needs room for one at least.
  const replicas = replicasNeeded(context);
  if (replicasFit(free, needs.perReplica) < replicas) {
    for (let r = 0; r < RESOURCE_COUNT; r += 1) {
      const reason = shortageReason(free, needs.perReplica, replicas, r);
      if (reason !== undefined) out[n++] = { code: 'InsufficientCapacity', reason, label: SHORT_OF[r] as string };
    }
  }
  return n;
}

/**
 * Runs every filter, in a fixed order (affinity, cordon, taints, readiness, kinds, capacity),
 * and returns the cluster with its group and fit, or every failure found. `free` is the
 * cluster's free room, counting the workload's own previous replicas there as free.
 */
export function filterCluster(cluster: ClusterSnapshot, context: FilterContext, free: ResourceAmounts | undefined): FeasibleCluster | FilterFailure[] {
  const failures: FilterFailure[] = [];
  if (collectFailures(cluster, context, free, failures) > 0) return failures;
  // No failure: the cluster is in a group and its room is known.
  const group = affinityGroup(context.policy.clusterAffinity, context.policy.fallbackGroups, cluster) as number;
  return { cluster, group, fit: replicasFit(free as ResourceAmounts, context.needs.perReplica) };
}

import { ZONE_LABEL } from '../../clusters/src/cluster.ts';
import type { ClusterSnapshot } from './fleet-snapshot.ts';
import { matchesTerm } from './label-match.ts';
import type { ClusterAffinity } from './placement-policy.ts';

/** Why the cluster is outside the affinity, or undefined when it matches. */
export function affinityMismatch(affinity: ClusterAffinity, cluster: ClusterSnapshot): string | undefined {
  if (affinity.excludeNames?.includes(cluster.name)) return 'excluded by name';
  if (affinity.names !== undefined && !affinity.names.includes(cluster.name)) return `name not in [${affinity.names.join(', ')}]`;
  if (affinity.zones !== undefined) {
    const zone = cluster.labels[ZONE_LABEL];
    if (zone === undefined || !affinity.zones.includes(zone)) return `zone ${zone ?? '(none)'} not in [${affinity.zones.join(', ')}]`;
  }
  if (!matchesTerm(affinity, cluster.labels)) return 'labels do not match the selector';
  return undefined;
}

/** {@link affinityGroup}'s index, or -1 where it would give a reason: allocates nothing. */
export function affinityGroupIndex(affinity: ClusterAffinity | undefined, groups: readonly ClusterAffinity[] | undefined, cluster: ClusterSnapshot): number {
  if (affinity !== undefined && mismatchKind(affinity, cluster) !== 0) return -1;
  if (groups === undefined || groups.length === 0) return 0;
  for (let group = 0; group < groups.length; group += 1) {
    if (mismatchKind(groups[group] as ClusterAffinity, cluster) === 0) return group;
  }
  return -1;
}

const EXCLUDED = 1;
const NAMES = 2;
const ZONES = 3;
const LABELS = 4;

/** Which check of {@link affinityMismatch} fails first (0: none), without building a reason. */
function mismatchKind(affinity: ClusterAffinity, cluster: ClusterSnapshot): number {
  if (affinity.excludeNames?.includes(cluster.name)) return EXCLUDED;
  if (affinity.names !== undefined && !affinity.names.includes(cluster.name)) return NAMES;
  if (affinity.zones !== undefined) {
    const zone = cluster.labels[ZONE_LABEL];
    if (zone === undefined || !affinity.zones.includes(zone)) return ZONES;
  }
  return matchesTerm(affinity, cluster.labels) ? 0 : LABELS;
}

/**
 * The "outside cluster affinity" reasons of one decision: the clusters left out for the same
 * reason (the same zone, say) share one string instead of building their own.
 */
export class AffinityReasons {
  private readonly fixed: (string | undefined)[] = [];
  private readonly zones = new Map<string | undefined, string>();

  reason(affinity: ClusterAffinity, cluster: ClusterSnapshot, kind: number): string {
    if (kind === ZONES) {
      const zone = cluster.labels[ZONE_LABEL];
      let reason = this.zones.get(zone);
      if (reason === undefined) this.zones.set(zone, (reason = `outside cluster affinity: ${affinityMismatch(affinity, cluster) as string}`));
      return reason;
    }
    return (this.fixed[kind] ??= `outside cluster affinity: ${affinityMismatch(affinity, cluster) as string}`);
  }
}

/**
 * The index of the first fallback group the cluster matches (0 without groups), or the reason
 * it matches none. `reasons`, when given, holds the reasons of one decision, so the clusters
 * left out for the same reason share one string.
 */
export function affinityGroup(
  affinity: ClusterAffinity | undefined,
  groups: readonly ClusterAffinity[] | undefined,
  cluster: ClusterSnapshot,
  reasons?: AffinityReasons,
): number | string {
  if (affinity !== undefined) {
    const kind = mismatchKind(affinity, cluster);
    if (kind !== 0) return reasons === undefined ? `outside cluster affinity: ${affinityMismatch(affinity, cluster) as string}` : reasons.reason(affinity, cluster, kind);
  }
  if (groups === undefined || groups.length === 0) return 0;
  for (let group = 0; group < groups.length; group += 1) {
    if (mismatchKind(groups[group] as ClusterAffinity, cluster) === 0) return group;
  }
  return `in none of the ${groups.length} fallback groups`;
}

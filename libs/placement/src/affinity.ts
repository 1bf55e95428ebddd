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

/**
 * The index of the first fallback group the cluster matches (0 without groups), or the reason
 * it matches none.
 */
export function affinityGroup(affinity: ClusterAffinity | undefined, groups: readonly ClusterAffinity[] | undefined, cluster: ClusterSnapshot): number | string {
  const outside = affinity === undefined ? undefined : affinityMismatch(affinity, cluster);
  if (outside !== undefined) return `outside cluster affinity: ${outside}`;
  if (groups === undefined || groups.length === 0) return 0;
  for (let group = 0; group < groups.length; group += 1) {
    if (affinityMismatch(groups[group] as ClusterAffinity, cluster) === undefined) return group;
  }
  return `in none of the ${groups.length} fallback groups`;
}

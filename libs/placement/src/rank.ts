import type { FeasibleCluster } from './filters.ts';

const FIT_LIMIT = 2 ** 31 - 1;
const INDEX_LIMIT = 2 ** 15;
const GROUP_LIMIT = 2 ** 6;

/**
 * Orders the feasible clusters (given in name order) best first: earlier fallback group, then
 * more room for replicas, then where the workload already runs, then name. Fits above 2^31
 * rank as equal, which no real cluster reaches.
 *
 * Ranking is the largest cost of a decision on a big fleet, so when the sizes allow it every
 * key is packed into one exact number (6 bits of group, 31 of fit, 1 of "already there", 15
 * of name order: 53 bits) and sorted natively; otherwise the same order comes from a comparator.
 */
export function rank(feasible: readonly FeasibleCluster[], alreadyThere: (name: string) => boolean): FeasibleCluster[] {
  const n = feasible.length;
  const before = feasible.map((cluster) => (alreadyThere(cluster.cluster.name) ? 0 : 1));
  const fitKey = (cluster: FeasibleCluster): number => FIT_LIMIT - Math.min(cluster.fit, FIT_LIMIT);
  if (n < INDEX_LIMIT && feasible.every((cluster) => cluster.group < GROUP_LIMIT)) {
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i += 1) {
      const cluster = feasible[i] as FeasibleCluster;
      keys[i] = ((cluster.group * 2 ** 31 + fitKey(cluster)) * 2 + (before[i] as number)) * INDEX_LIMIT + i;
    }
    keys.sort();
    return Array.from(keys, (key) => feasible[key % INDEX_LIMIT] as FeasibleCluster);
  }
  return feasible
    .map((cluster, index) => ({ cluster, index }))
    .sort(
      (a, b) =>
        a.cluster.group - b.cluster.group ||
        fitKey(a.cluster) - fitKey(b.cluster) ||
        (before[a.index] as number) - (before[b.index] as number) ||
        a.index - b.index,
    )
    .map((entry) => entry.cluster);
}

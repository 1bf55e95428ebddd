import type { ClusterSnapshot, FleetSnapshot } from './fleet-snapshot.ts';

const byName = (a: ClusterSnapshot, b: ClusterSnapshot): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Name lists of the snapshots {@link indexFleet} made, by their (frozen) cluster list. */
const indexed = new WeakMap<readonly ClusterSnapshot[], readonly string[]>();

/** The clusters in name order; a snapshot already in that order is not copied or sorted again. */
export function sortedByName(clusters: readonly ClusterSnapshot[]): readonly ClusterSnapshot[] {
  for (let i = 1; i < clusters.length; i += 1) {
    if (byName(clusters[i - 1] as ClusterSnapshot, clusters[i] as ClusterSnapshot) > 0) return [...clusters].sort(byName);
  }
  return clusters;
}

/**
 * The snapshot prepared once for many decisions: its clusters in name order, in a frozen list
 * that {@link place} recognises and does not check or sort again. Build it once per fleet
 * change and pass it to every `place` on that fleet; `place` also takes any plain snapshot.
 * The cluster objects must not change afterwards (they are read-only by type); if a name
 * does change, `place` notices and sorts as for a plain snapshot.
 */
export function indexFleet(snapshot: FleetSnapshot): FleetSnapshot {
  if (indexed.has(snapshot.clusters)) return snapshot;
  const clusters = Object.freeze([...sortedByName(snapshot.clusters)]);
  indexed.set(
    clusters,
    clusters.map((cluster) => cluster.name),
  );
  return Object.freeze({ clusters });
}

/** The clusters of a snapshot in name order: as they are for an {@link indexFleet} one, else checked and sorted. */
export function clustersByName(snapshot: FleetSnapshot): readonly ClusterSnapshot[] {
  const clusters = snapshot.clusters;
  const names = indexed.get(clusters);
  if (names !== undefined) {
    let same = true;
    for (let i = 0; i < clusters.length && same; i += 1) same = (clusters[i] as ClusterSnapshot).name === names[i];
    if (same) return clusters;
  }
  return sortedByName(clusters);
}

import { place, type PlacementInput } from './place.ts';
import type { PlacementDecision } from './placement-decision.ts';

/**
 * {@link place} for an ordinary placement (a new generation, an override set changed, a
 * resync) of a workload that already runs somewhere: the replicas its previous placement has on
 * clusters that are not Ready stay there, and only the rest is placed (Divided: the replicas
 * less the kept ones; Duplicated: the clusters besides the kept ones).
 *
 * A cluster that is not Ready may still run the workload: moving off it is the failover
 * controller's call (toleration, partition guard, fencing of stateful workloads, purge mode),
 * not a side effect of an edit. Without this, an update during an outage would start a second
 * copy of a stateful workload, evict while the guard holds failover back, and delete the old
 * copy once the partition heals.
 */
export function placeKeepingUnready(input: PlacementInput): PlacementDecision {
  const ready = new Map(input.snapshot.clusters.map((c) => [c.name, c.ready === 'True']));
  const previous = input.previous?.clusters ?? [];
  // Clusters gone from the snapshot (deregistered) keep nothing.
  const kept = previous.filter((c) => (c.replicas ?? 0) > 0 && ready.get(c.name) === false).map((c) => ({ name: c.name, replicas: c.replicas ?? 0 }));
  if (kept.length === 0) return place(input);
  const keptNames = new Set(kept.map((c) => c.name));
  const keptReplicas = kept.reduce((n, c) => n + c.replicas, 0);
  const duplicated = input.policy.replicaScheduling.type === 'Duplicated';
  const replicas = duplicated ? input.workload.replicas : Math.max(0, input.workload.replicas - keptReplicas);
  const rest = place({ ...input, workload: { ...input.workload, replicas }, previous: { clusters: previous.filter((c) => !keptNames.has(c.name)) } });
  const clusters = [...rest.clusters, ...kept].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const diagnosis = Object.fromEntries(Object.entries(rest.diagnosis).filter(([name]) => !keptNames.has(name)));
  const keptText = kept.map((c) => `${c.name}=${c.replicas}`).join(', ');
  return {
    clusters,
    diagnosis,
    unplacedReplicas: rest.unplacedReplicas,
    summary: `${rest.summary}; kept where not Ready: ${keptText} (moved only by failover)`,
  };
}

import type { ClusterRecord, ClusterStatus } from '../../../../libs/clusters/src/index.ts';
import { ZONE_LABEL } from '../../../../libs/clusters/src/index.ts';
import type { FailoverWorkload, ReadyObservation } from '../../../../libs/failover/src/index.ts';
import { effectiveReady } from '../../../../libs/health/src/index.ts';
import type { VersionedRecord } from '../../../../libs/store/src/index.ts';
import { type PlacementRecord, workloadNeeds, type WorkloadRecord } from '../../../../libs/workloads/src/index.ts';
import type { MemberStatusRecord } from '../workloads/member-status-record.ts';
import { memberStatusKey, workloadDisplayName } from '../workloads/workload-keys.ts';

/**
 * What the prober says of each registered cluster at `now`, as the health tracker takes it
 * (stale status reads Unknown). A cluster never probed yet is not observed at all: it has not
 * failed, it is new, and a fleet registered at once must not look like a fleet lost at once to
 * the partition guard.
 */
export function observations(clusters: readonly VersionedRecord<ClusterRecord>[], statuses: ReadonlyMap<string, ClusterStatus>, now: Date, staleAfterMs: number): ReadyObservation[] {
  return clusters.flatMap((c) => {
    const status = statuses.get(c.key.id);
    if (status === undefined) return [];
    const ready = effectiveReady(status, now, staleAfterMs, c.data.createdAt);
    const since = Date.parse(ready.lastTransitionTime);
    return [
      {
        cluster: c.key.id,
        zone: c.data.spec.labels[ZONE_LABEL] ?? '',
        ready: ready.status,
        at: now.getTime(),
        ...(Number.isFinite(since) ? { since } : {}),
      },
    ];
  });
}

/**
 * Each placed workload as the planners see it: priority, policies, needs, where its placement
 * says it runs, and whether every placed cluster that is Ready reports it Available. Workloads
 * being deleted, or without a placement for their generation, are left out (nothing to fail over).
 */
export function failoverWorkloads(
  workloads: readonly VersionedRecord<WorkloadRecord>[],
  placements: ReadonlyMap<string, PlacementRecord>,
  members: ReadonlyMap<string, MemberStatusRecord>,
  readyClusters: ReadonlySet<string>,
): FailoverWorkload[] {
  const out: FailoverWorkload[] = [];
  for (const w of workloads) {
    if (w.data.deletionRequestedAt) continue;
    const placement = placements.get(w.key.id);
    if (!placement || placement.generation !== w.data.generation) continue;
    const clusters = placement.decision.clusters.map((c) => ({ name: c.name, replicas: c.replicas }));
    const available = clusters
      .filter((c) => readyClusters.has(c.name))
      .every((c) => {
        const member = members.get(memberStatusKey(w.key.id, c.name).id);
        return member?.uid === w.data.uid && member.status.appliedGeneration === w.data.generation && member.status.conditions.some((x) => x.type === 'Available' && x.status === 'True');
      });
    out.push({
      id: w.key.id,
      name: workloadDisplayName(w.data.spec.namespace, w.data.spec.name),
      priority: w.data.spec.priority,
      failover: w.data.spec.failover,
      placement: w.data.spec.placement,
      needs: workloadNeeds(w.data.spec),
      clusters,
      available,
    });
  }
  return out;
}

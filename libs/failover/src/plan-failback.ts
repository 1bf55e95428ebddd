import type { ResourceAmounts } from '../../clusters/src/cluster.ts';
import { place, type FleetSnapshot } from '../../placement/src/index.ts';
import { isHealthy, requiredStableMs, stableReadyFor } from './cluster-health-tracker.ts';
import type { FailoverAction } from './failover-action.ts';
import type { ClusterReplicas, Displacement, FailoverState, Preemption, WorkloadFailoverRecord } from './failover-state.ts';
import { byPriority, type FailoverWorkload } from './failover-workload.ts';
import { addReplicas, replicasFitting } from './fit.ts';
import { evaluateGuard } from './partition-guard.ts';
import { DEFAULT_FAILOVER_SETTINGS, type FailoverSettings } from './settings.ts';
import { refill, takeToken } from './token-bucket.ts';

/** Everything one failback round depends on (usually the state planFailover just returned). */
export interface FailbackInput {
  readonly now: number;
  readonly workloads: readonly FailoverWorkload[];
  readonly snapshot: FleetSnapshot;
  readonly state: FailoverState;
  readonly settings?: FailoverSettings;
}

export interface FailbackPlan {
  readonly actions: readonly FailoverAction[];
  readonly state: FailoverState;
}

/**
 * Plans the way back, highest priority first (ties by id), one token of the failback bucket
 * per action, so replicas return gradually:
 *
 * - `Failback`: a displacement (replicas moved off a failed cluster) goes back to its cluster
 *   once that cluster is healthy and has been Ready for the stabilization window (the longer
 *   one while it is flapping), the replacement has settled, a stateful old copy has been
 *   purged, and place() on that cluster alone (the workload's own affinity, taints, kinds and
 *   the room left this round) takes the replicas. The replicas are taken back from where they
 *   went, so the workload returns to its division before the failure. Policy `Failback: Never`
 *   drops settled displacements instead. Workloads with failover disabled are left alone.
 * - `Restore`: replicas preempted for a higher priority come back on their cluster once it
 *   has room for them again, and not before the preemption is `stabilizationMs` old, so the
 *   free room the snapshot shows already includes the replacement the room was made for.
 *
 * Nothing moves while the partition guard is tripped.
 */
export function planFailback(input: FailbackInput): FailbackPlan {
  const settings = input.settings ?? DEFAULT_FAILOVER_SETTINGS;
  const { now, state } = input;
  const guard = evaluateGuard(state.guard, state.health, settings.guard, now);
  if (guard.suspended) return { actions: [], state: { ...state, guard } };
  const health = state.health.clusters;
  const snapshotByName = new Map(input.snapshot.clusters.map((c) => [c.name, c]));
  const free = new Map<string, ResourceAmounts | undefined>(input.snapshot.clusters.map((c) => [c.name, c.free]));
  const records: Record<string, WorkloadFailoverRecord> = { ...state.workloads };
  let failbacks = refill(state.failbacks, settings.failbacks, now);
  const actions: FailoverAction[] = [];

  const recovered = (name: string): boolean => {
    const h = health[name];
    const cluster = snapshotByName.get(name);
    if (h === undefined || cluster === undefined || cluster.ready !== 'True' || cluster.cordoned) return false;
    return isHealthy(h, settings, now) && stableReadyFor(h, now) >= requiredStableMs(h, settings, now);
  };

  for (const w of [...input.workloads].sort(byPriority)) {
    const record = records[w.id];
    if (record === undefined || !w.failover.enabled) continue;
    const placement = new Map(w.clusters.map((c) => [c.name, c.replicas]));
    let displaced: Displacement[] = [...record.displaced];
    const home = record.home === undefined ? undefined : new Map(record.home.map((c) => [c.name, c.replicas]));
    let preempted: Preemption[] = [...record.preempted];

    if (w.failover.failback === 'Never') {
      displaced = displaced.filter((d) => !d.settled || (d.stateful && !d.purged));
    } else {
      for (const d of [...displaced].sort((a, b) => a.at - b.at || (a.from < b.from ? -1 : 1))) {
        if (!d.settled || (d.stateful && !d.purged) || !recovered(d.from)) continue;
        const duplicated = w.placement.replicaScheduling.type === 'Duplicated';
        // Divided: back to what it had there before the first failure (replicas displaced twice
        // are brought back once), or, without that record, what this displacement took off.
        const homeThere = home?.get(d.from);
        const wanted = duplicated ? w.needs.replicas : homeThere !== undefined ? Math.max(0, homeThere - (placement.get(d.from) ?? 0)) : d.replicas;
        if (!duplicated && wanted === 0) {
          displaced = displaced.filter((x) => x !== d);
          continue;
        }
        const target = snapshotByName.get(d.from);
        if (target === undefined) continue;
        const room = free.get(d.from);
        const { free: _free, ...rest } = target;
        const alone = room === undefined ? rest : { ...rest, free: room };
        const { spread: _spread, ...policy } = w.placement;
        const decision = place({ snapshot: { clusters: [alone] }, policy, workload: { ...w.needs, replicas: wanted } });
        if ((decision.clusters[0]?.replicas ?? 0) < Math.min(wanted, policy.maxReplicasPerCluster ?? wanted)) continue;
        const taken = takeToken(failbacks, settings.failbacks, now);
        if (!taken.taken) break;
        failbacks = taken.state;
        const moved = decision.clusters[0]?.replicas ?? 0;
        // Taken back from where they went: Duplicated drops those clusters, Divided the replicas moved.
        let left = moved;
        const takeBack = (name: string, most: number): void => {
          const back = Math.min(most, placement.get(name) ?? 0, duplicated ? most : left);
          left -= back;
          placement.set(name, (placement.get(name) ?? 0) - back);
          const r = free.get(name);
          if (r !== undefined) free.set(name, addReplicas(r, w.needs.perReplica, back));
        };
        if (!duplicated && home !== undefined) {
          // First from the clusters holding more than before the failures, the largest excess first.
          const excess = [...placement.entries()]
            .map(([name, n]): [string, number] => [name, n - (home.get(name) ?? 0)])
            .filter(([name, extra]) => name !== d.from && extra > 0)
            .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1));
          for (const [name, extra] of excess) if (left > 0) takeBack(name, extra);
        }
        for (const t of d.to) if (left > 0 || duplicated) takeBack(t.name, t.replicas);
        if (!duplicated && left > 0) {
          // They moved on since (a later failover off the cluster they went to): take the rest
          // from the clusters holding the most. A failback moves replicas; it never adds any.
          const others = [...placement.entries()].filter(([name, n]) => name !== d.from && n > 0).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1));
          for (const [name] of others) if (left > 0) takeBack(name, left);
        }
        const returned = duplicated ? moved : moved - left;
        placement.set(d.from, (placement.get(d.from) ?? 0) + returned);
        if (room !== undefined) free.set(d.from, addReplicas(room, w.needs.perReplica, -returned));
        const clusters: ClusterReplicas[] = [...placement.entries()]
          .filter(([, n]) => n > 0)
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([name, replicas]) => ({ name, replicas }));
        actions.push({ kind: 'Failback', workload: w.id, cluster: d.from, displacedAt: d.at, replicas: returned, clusters, stopFirst: d.stateful });
        displaced = displaced.filter((x) => x !== d);
      }
    }

    for (const p of [...preempted].sort((a, b) => a.at - b.at || (a.cluster < b.cluster ? -1 : 1))) {
      if (now - p.at < settings.stabilizationMs || !recovered(p.cluster)) continue;
      const room = free.get(p.cluster);
      if (room === undefined || replicasFitting(room, w.needs.perReplica) < p.replicas) continue;
      const taken = takeToken(failbacks, settings.failbacks, now);
      if (!taken.taken) break;
      failbacks = taken.state;
      free.set(p.cluster, addReplicas(room, w.needs.perReplica, -p.replicas));
      actions.push({ kind: 'Restore', workload: w.id, cluster: p.cluster, replicas: p.replicas });
      preempted = preempted.filter((x) => x !== p);
    }
    // The series of failures is over once nothing is displaced.
    records[w.id] = displaced.length > 0 && record.home !== undefined ? { displaced, preempted, home: record.home } : { displaced, preempted };
  }
  return { actions, state: { ...state, guard, failbacks, workloads: records } };
}

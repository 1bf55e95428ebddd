import type { ResourceAmounts } from '../../clusters/src/cluster.ts';
import { place, type FleetSnapshot, type PlacementDecision } from '../../placement/src/index.ts';
import { failedFor, isHealthy, type ClusterHealth } from './cluster-health-tracker.ts';
import type { FailoverAction, PurgeTrigger } from './failover-action.ts';
import { EMPTY_RECORD, type ClusterReplicas, type Displacement, type FailoverState, type Preemption, type WorkloadFailoverRecord } from './failover-state.ts';
import { byPriority, type FailoverWorkload } from './failover-workload.ts';
import { addReplicas, replicasFitting } from './fit.ts';
import { evaluateGuard } from './partition-guard.ts';
import { DEFAULT_FAILOVER_SETTINGS, type FailoverSettings } from './settings.ts';
import { refill, takeToken } from './token-bucket.ts';

/** Everything one failover round depends on. No clock: `now` is given. */
export interface FailoverInput {
  /** Epoch ms. */
  readonly now: number;
  /** Every workload the hub has (records of workloads not passed are kept unchanged). */
  readonly workloads: readonly FailoverWorkload[];
  /** The fleet for placement (libs/placement), built at `now`. */
  readonly snapshot: FleetSnapshot;
  /** As the last round left it, with `health` already fed this round's observations. */
  readonly state: FailoverState;
  /** Clusters known to be fenced (by an operator or a fencing integration) and since when, epoch ms. */
  readonly fencedSince?: Readonly<Record<string, number>>;
  /**
   * Clusters an operator is draining (planned failover of everything on them) and since when,
   * epoch ms. Their workloads are moved as from a failed cluster, without waiting for a
   * toleration, within the same limits and guard; the old copies are kept until the
   * replacement is Available.
   */
  readonly drainingSince?: Readonly<Record<string, number>>;
  readonly settings?: FailoverSettings;
}

/** The actions of one round, in order, and the state to store for the next. */
export interface FailoverPlan {
  readonly actions: readonly FailoverAction[];
  readonly state: FailoverState;
}

type Placement = Map<string, number>;

const seconds = (ms: number): string => `${Math.round(ms / 1000)} s`;

/** The stored placement reflects the Replace of `d`: the failed cluster is gone from it, the targets are in it. */
function replaceApplied(w: FailoverWorkload, d: Displacement): boolean {
  const names = new Set(w.clusters.filter((c) => c.replicas > 0).map((c) => c.name));
  return !names.has(d.from) && d.to.every((t) => names.has(t.name));
}

/**
 * When the old copy on `d.from` may be removed, per purge mode.
 * - `Never`: only once an operator confirmed it.
 * - Stateful (any other mode): at once. The replacement started only after the old copy was
 *   gone or its cluster fenced for the grace period, so there is nothing to wait for, and the
 *   copy must be gone before the fence is lifted or the cluster comes back.
 * - `Immediate`: at once, unless the cluster is being drained (then as `Graceful`: a planned
 *   move has no reason to drop a copy that still serves).
 * - `Graceful`: once the replacement is Available (and the stored placement is the new one),
 *   or once `gracefulTimeoutSeconds` passed since the Replace.
 */
function purgeTrigger(w: FailoverWorkload, d: Displacement, now: number, settledNow: boolean): PurgeTrigger | undefined {
  const policy = w.failover;
  if (policy.purgeMode === 'Never') return w.purgeConfirmed?.includes(d.from) === true ? 'OperatorConfirmed' : undefined;
  if (d.stateful) return 'Fenced';
  if (policy.purgeMode === 'Immediate' && d.drained !== true) return 'Immediate';
  if (settledNow && w.available && replaceApplied(w, d)) return 'ReplacementAvailable';
  if (now >= d.at + policy.gracefulTimeoutSeconds * 1000) return 'GracefulTimeout';
  return undefined;
}

/** One displacement moved on: purge when its mode allows, settle once Available or timed out. */
function progress(w: FailoverWorkload, d: Displacement, now: number, isNew: boolean, suspended: boolean, actions: FailoverAction[]): Displacement {
  let next = d;
  // While the guard is tripped the hub's picture is not trusted: no deletes either.
  if (!d.purged && !suspended) {
    const trigger = purgeTrigger(w, d, now, !isNew);
    if (trigger !== undefined) {
      actions.push({ kind: 'Purge', workload: w.id, cluster: d.from, trigger });
      next = { ...next, purged: true };
    } else if (w.failover.purgeMode === 'Never') {
      actions.push({ kind: 'AwaitOperator', workload: w.id, cluster: d.from, message: `purge mode Never: the copy on ${d.from} stays until an operator confirms its removal` });
    }
  }
  const timedOut = now >= d.at + w.failover.gracefulTimeoutSeconds * 1000;
  if (!isNew && !next.settled && ((w.available && replaceApplied(w, d)) || timedOut)) next = { ...next, settled: true };
  return next;
}

function sum(clusters: readonly ClusterReplicas[]): number {
  let n = 0;
  for (const c of clusters) n += c.replicas;
  return n;
}

/** How much of the workload a decision places: clusters for Duplicated (each runs all), replicas for Divided. */
function placedMeasure(w: FailoverWorkload, decision: PlacementDecision): number {
  return w.placement.replicaScheduling.type === 'Duplicated' ? decision.clusters.length : sum(decision.clusters);
}

function toList(placement: Placement): ClusterReplicas[] {
  return [...placement.entries()]
    .filter(([, replicas]) => replicas > 0)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, replicas]) => ({ name, replicas }));
}

const TOPOLOGY = { zone: 'topology.kubernetes.io/zone', region: 'topology.kubernetes.io/region' } as const;

/** The placement meets the workload's spread constraints and per-cluster maximum. */
function withinPolicy(w: FailoverWorkload, clusters: readonly ClusterReplicas[], snapshot: FleetSnapshot): boolean {
  const max = w.placement.maxReplicasPerCluster;
  if (max !== undefined && clusters.some((c) => c.replicas > max)) return false;
  const labels = new Map(snapshot.clusters.map((c) => [c.name, c.labels]));
  for (const constraint of w.placement.spread ?? []) {
    const domains = new Set(clusters.map((c) => labels.get(c.name)?.[TOPOLOGY[constraint.by]]));
    if (domains.has(undefined)) return false;
    if (domains.size < (constraint.min ?? 1) || (constraint.max !== undefined && domains.size > constraint.max)) return false;
  }
  return true;
}

interface Victim {
  readonly workload: FailoverWorkload;
  readonly cluster: string;
  readonly replicas: number;
}

interface PreemptionStep {
  readonly victim: FailoverWorkload;
  readonly cluster: string;
  readonly replicas: number;
}

/**
 * Plans one failover round: for every workload, highest priority first (ties by id),
 *
 * 1. moves earlier failovers on (purge per mode, settle once the replacement is Available;
 *    no purge while the partition guard is tripped);
 * 2. for each cluster of its placement that is not Ready: `Defer` until the toleration
 *    (counted from the tracker's `unhealthySince`) has passed; then `Suspended` while the
 *    partition guard is tripped; stateful: `AwaitFence` until the old copy is gone, its cluster
 *    fenced for `fenceGraceMs`, or an operator forced it; then, within the concurrency and rate
 *    limits, `Replace`: libs/placement `place()` on the snapshot with every cluster the tracker
 *    does not count as healthy (down, or back but not yet stable) marked not Ready, and with
 *    the room taken by higher priorities earlier in this round. When that cannot hold the
 *    workload, lower priorities are preempted (`Preempt`) first.
 *
 * A cluster being drained (`drainingSince`) counts as failed for every workload with failover
 * enabled, from the start of the drain and without toleration; the rest is the same.
 *
 * A failover whose placement finds no cluster at all is not made (`Defer` NoCapacity): the
 * old copy is never evicted into nothing. Pure: the same input gives the same plan.
 */
export function planFailover(input: FailoverInput): FailoverPlan {
  const settings = input.settings ?? DEFAULT_FAILOVER_SETTINGS;
  const { now, state } = input;
  const guard = evaluateGuard(state.guard, state.health, settings.guard, now);
  const health = state.health.clusters;
  const workloads = [...input.workloads].sort(byPriority);
  const records: Record<string, WorkloadFailoverRecord> = { ...state.workloads };
  const recordOf = (id: string): WorkloadFailoverRecord => records[id] ?? EMPTY_RECORD;
  const actionsOf = new Map<string, FailoverAction[]>(workloads.map((w) => [w.id, []]));
  const push = (id: string, action: FailoverAction): void => void (actionsOf.get(id) as FailoverAction[]).push(action);

  // Working copies: free room per cluster and each workload's placement, updated as the round decides.
  const free = new Map<string, ResourceAmounts | undefined>(input.snapshot.clusters.map((c) => [c.name, c.free]));
  const placements = new Map<string, Placement>(workloads.map((w) => [w.id, new Map(w.clusters.map((c) => [c.name, c.replicas]))]));
  const placementOf = (id: string): Placement => placements.get(id) as Placement;
  const healthy = (name: string): boolean => {
    const h = health[name];
    return h === undefined || isHealthy(h, settings, now);
  };

  /**
   * What a Divided workload needs now: its replicas less those preempted (they wait for a
   * Restore on their cluster; re-placing them here too would count them twice).
   */
  const neededNow = (w: FailoverWorkload): FailoverWorkload['needs'] => {
    if (w.placement.replicaScheduling.type === 'Duplicated') return w.needs;
    const preempted = recordOf(w.id).preempted.reduce((n, p) => n + p.replicas, 0);
    return preempted === 0 ? w.needs : { ...w.needs, replicas: Math.max(0, w.needs.replicas - preempted) };
  };

  // 1. Earlier failovers.
  for (const w of workloads) {
    const record = recordOf(w.id);
    if (record.displaced.length === 0) continue;
    const out = actionsOf.get(w.id) as FailoverAction[];
    records[w.id] = { ...record, displaced: record.displaced.map((d) => progress(w, d, now, false, guard.suspended, out)) };
  }
  let inFlight = 0;
  for (const id of Object.keys(records)) if (recordOf(id).displaced.some((d) => !d.settled)) inFlight += 1;
  let evictions = state.evictions;

  const snapshotWithout = (failed: readonly string[], room: ReadonlyMap<string, ResourceAmounts | undefined>): FleetSnapshot => ({
    clusters: input.snapshot.clusters.map((c) => {
      const ready = c.ready === 'True' && healthy(c.name) && !failed.includes(c.name) ? 'True' : c.ready === 'True' ? 'False' : c.ready;
      const r = room.get(c.name);
      const { free: _free, ...rest } = c;
      return r === undefined ? { ...rest, ready } : { ...rest, ready, free: r };
    }),
  });
  /**
   * Where the workload goes without `failed`. Divided: only the displaced replicas are placed,
   * and the survivors keep theirs, so a failover never moves a healthy replica; that result
   * is kept when the whole still meets the spread constraints and `maxReplicasPerCluster`,
   * otherwise the engine's decision for the whole workload is used. Duplicated: the whole.
   */
  const placeWithout = (w: FailoverWorkload, failed: readonly string[], room: ReadonlyMap<string, ResourceAmounts | undefined>): PlacementDecision => {
    const survivors = toList(placementOf(w.id)).filter((c) => !failed.includes(c.name));
    const snapshot = snapshotWithout(failed, room);
    const needs = neededNow(w);
    const whole = (): PlacementDecision => place({ snapshot, policy: w.placement, workload: needs, previous: { clusters: survivors } });
    if (w.placement.replicaScheduling.type === 'Duplicated') return whole();
    const displaced = needs.replicas - sum(survivors);
    if (displaced <= 0) return whole();
    const { spread: _spread, minReplicasPerCluster: _min, ...policy } = w.placement;
    const increment = place({ snapshot, policy, workload: { ...w.needs, replicas: displaced } });
    const merged = new Map(survivors.map((c) => [c.name, c.replicas]));
    for (const c of increment.clusters) merged.set(c.name, (merged.get(c.name) ?? 0) + c.replicas);
    const clusters = toList(merged);
    if (!withinPolicy(w, clusters, snapshot)) return whole();
    const moved = sum(increment.clusters);
    return {
      clusters,
      diagnosis: increment.diagnosis,
      unplacedReplicas: increment.unplacedReplicas,
      summary: `${sum(clusters)} replicas on ${clusters.length}/${snapshot.clusters.length} clusters: ${sum(survivors)} kept where they run, ${moved} re-placed (${increment.summary})`,
    };
  };

  /**
   * Room for `w` by scaling down strictly lower priorities on the clusters its placement only
   * missed for capacity. Victims: lowest priority first, then the one holding the most
   * replicas there (fewest workloads touched), then id and cluster; each gives only as many
   * replicas as needed. Never preempted: workloads with failover disabled (the operator took
   * them out of automation) and stateful ones (scaling them down is not a safe, reversible
   * step). Kept only if the placement then holds more of `w`.
   */
  const preempt = (w: FailoverWorkload, failed: readonly string[], decision: PlacementDecision): { decision: PlacementDecision; steps: PreemptionStep[]; room: Map<string, ResourceAmounts | undefined> } | undefined => {
    const duplicated = w.placement.replicaScheduling.type === 'Duplicated';
    const shortfall = duplicated ? (decision.clusters.length === 0 ? 1 : 0) : neededNow(w).replicas - sum(decision.clusters);
    if (shortfall <= 0) return undefined;
    const candidates = Object.keys(decision.diagnosis).filter((name) => decision.diagnosis[name]?.code === 'InsufficientCapacity');
    if (!duplicated) for (const c of decision.clusters) candidates.push(c.name);
    const victims: Victim[] = [];
    for (const cluster of [...new Set(candidates)].sort()) {
      if (free.get(cluster) === undefined || !healthy(cluster) || failed.includes(cluster)) continue;
      for (const v of workloads) {
        if (v.id === w.id || v.priority >= w.priority || !v.failover.enabled || v.failover.stateful) continue;
        const replicas = placementOf(v.id).get(cluster) ?? 0;
        if (replicas > 0) victims.push({ workload: v, cluster, replicas });
      }
    }
    victims.sort(
      (a, b) =>
        a.workload.priority - b.workload.priority ||
        b.replicas - a.replicas ||
        (a.workload.id < b.workload.id ? -1 : a.workload.id > b.workload.id ? 1 : 0) ||
        (a.cluster < b.cluster ? -1 : 1),
    );
    const per = w.needs.perReplica;
    const room = new Map(free);
    const steps: PreemptionStep[] = [];
    /** Scales victims down on the clusters `victims` name until `wanted` more replicas of `w` fit (or they run out); returns how many more fit. */
    const take = (list: readonly Victim[], wanted: number, into: Map<string, ResourceAmounts | undefined>, out: PreemptionStep[]): number => {
      let gained = 0;
      for (const v of list) {
        if (gained >= wanted) break;
        const before = into.get(v.cluster) as ResourceAmounts;
        const base = replicasFitting(before, per);
        let k = 0;
        let fit = base;
        while (k < v.replicas && fit - base < wanted - gained) {
          k += 1;
          fit = replicasFitting(addReplicas(before, v.workload.needs.perReplica, k), per);
        }
        if (fit === base) continue;
        into.set(v.cluster, addReplicas(before, v.workload.needs.perReplica, k));
        out.push({ victim: v.workload, cluster: v.cluster, replicas: k });
        gained += fit - base;
      }
      return gained;
    };
    if (duplicated) {
      // One cluster that can then hold every replica: the first, by name, where that is possible.
      for (const cluster of [...new Set(victims.map((v) => v.cluster))].sort()) {
        const trial = new Map(room);
        const trialSteps: PreemptionStep[] = [];
        const wanted = w.needs.replicas - replicasFitting(trial.get(cluster) as ResourceAmounts, per);
        if (take(victims.filter((v) => v.cluster === cluster), wanted, trial, trialSteps) >= wanted) {
          for (const [name, amounts] of trial) room.set(name, amounts);
          steps.push(...trialSteps);
          break;
        }
      }
    } else {
      take(victims, shortfall, room, steps);
    }
    if (steps.length === 0) return undefined;
    const better = placeWithout(w, failed, room);
    return placedMeasure(w, better) > placedMeasure(w, decision) ? { decision: better, steps, room } : undefined;
  };

  // 2. New failures, highest priority first.
  for (const w of workloads) {
    if (!w.failover.enabled) continue;
    const record = recordOf(w.id);
    const handled = new Set(record.displaced.map((d) => d.from));
    const draining = (name: string): boolean => input.drainingSince?.[name] !== undefined;
    const failed = toList(placementOf(w.id)).filter((c) => !handled.has(c.name) && (draining(c.name) || (health[c.name] !== undefined && health[c.name]?.ready !== 'True')));
    if (failed.length === 0) continue;
    const toleration = w.failover.tolerationSeconds * 1000;
    const waiting = failed.filter((c) => !draining(c.name) && failedFor(health[c.name] as ClusterHealth, now) < toleration);
    if (waiting.length > 0) {
      const until = Math.min(...waiting.map((c) => ((health[c.name] as ClusterHealth).unhealthySince ?? now) + toleration));
      push(w.id, {
        kind: 'Defer',
        workload: w.id,
        clusters: waiting.map((c) => c.name),
        reason: 'Toleration',
        until,
        message: `not Ready for less than the toleration of ${seconds(toleration)}`,
      });
    }
    const due = failed.filter((c) => !waiting.includes(c)).map((c) => c.name);
    if (due.length === 0) continue;
    if (guard.suspended) {
      push(w.id, { kind: 'Suspended', workload: w.id, clusters: due, reason: guard.reason ?? 'automatic failover suspended', since: guard.since ?? now });
      continue;
    }
    let from = due;
    if (w.failover.stateful) {
      // Never two live copies: the replacement waits for proof that the old one cannot run.
      from = [];
      for (const cluster of due) {
        const fencedAt = input.fencedSince?.[cluster];
        if (w.forced === true || w.goneFrom?.includes(cluster) === true || (fencedAt !== undefined && now - fencedAt >= settings.fenceGraceMs)) {
          from.push(cluster);
          continue;
        }
        push(w.id, {
          kind: 'AwaitFence',
          workload: w.id,
          cluster,
          ...(fencedAt === undefined ? {} : { fencedAt, until: fencedAt + settings.fenceGraceMs }),
          message:
            fencedAt === undefined
              ? `stateful: the replacement starts once the copy on ${cluster} is seen gone, ${cluster} is fenced for ${seconds(settings.fenceGraceMs)}, or an operator forces it`
              : `stateful: ${cluster} fenced ${seconds(now - fencedAt)} ago; the replacement starts after ${seconds(settings.fenceGraceMs)}`,
        });
      }
      if (from.length === 0) continue;
    }
    if (inFlight >= settings.maxInFlight) {
      push(w.id, { kind: 'Defer', workload: w.id, clusters: from, reason: 'ConcurrencyLimit', message: `${inFlight} failovers in flight, at most ${settings.maxInFlight}` });
      continue;
    }
    const bucket = refill(evictions, settings.evictions, now);
    if (bucket.tokens < 1) {
      evictions = bucket;
      push(w.id, {
        kind: 'Defer',
        workload: w.id,
        clusters: from,
        reason: 'RateLimited',
        until: bucket.refilledAt + settings.evictions.intervalMs,
        message: `eviction rate limit: ${settings.evictions.perInterval} per ${seconds(settings.evictions.intervalMs)}, burst ${settings.evictions.burst}`,
      });
      continue;
    }
    let decision = placeWithout(w, from, free);
    const preempted = preempt(w, from, decision);
    if (preempted !== undefined) decision = preempted.decision;
    // Never evict into nothing: a placement that puts no replica anywhere new would only drop
    // the failed copy (and purge it). Wait instead; the old copy may yet come back.
    const before = placementOf(w.id);
    if (!decision.clusters.some((c) => c.replicas > (from.includes(c.name) ? 0 : (before.get(c.name) ?? 0)))) {
      push(w.id, { kind: 'Defer', workload: w.id, clusters: from, reason: 'NoCapacity', message: `no room for the replicas on ${from.join(', ')}: ${decision.summary}` });
      continue;
    }
    evictions = takeToken(evictions, settings.evictions, now).state;
    inFlight += 1;
    if (preempted !== undefined) {
      for (const [name, amounts] of preempted.room) free.set(name, amounts);
      for (const step of preempted.steps) {
        const reason = `scaled down by ${step.replicas} on ${step.cluster} to make room for ${w.name ?? w.id} (priority ${w.priority} over ${step.victim.priority}), failing over from ${from.join(', ')}`;
        const victimPlacement = placementOf(step.victim.id);
        const remaining = (victimPlacement.get(step.cluster) ?? 0) - step.replicas;
        victimPlacement.set(step.cluster, remaining);
        push(w.id, { kind: 'Preempt', workload: step.victim.id, cluster: step.cluster, replicas: step.replicas, remaining, forWorkload: w.id, reason });
        const victimRecord = recordOf(step.victim.id);
        const entry: Preemption = { cluster: step.cluster, replicas: step.replicas, by: w.id, reason, at: now };
        records[step.victim.id] = { ...victimRecord, preempted: [...victimRecord.preempted, entry] };
      }
    }
    const drained = from.every(draining);
    push(w.id, { kind: 'Replace', workload: w.id, from, clusters: decision.clusters, decision, stateful: w.failover.stateful, cause: drained ? 'Drained' : 'Failed' });
    // The room the replacement takes, and where replicas went (for failback).
    const placement = placementOf(w.id);
    const gained: ClusterReplicas[] = [];
    for (const c of decision.clusters) {
      const delta = c.replicas - (placement.get(c.name) ?? 0);
      const room = free.get(c.name);
      if (room !== undefined && delta !== 0) free.set(c.name, addReplicas(room, w.needs.perReplica, -delta));
      if (delta > 0) gained.push({ name: c.name, replicas: delta });
    }
    const fresh: Displacement[] = from.map((cluster) => ({
      from: cluster,
      replicas: placement.get(cluster) ?? 0,
      to: gained,
      at: now,
      stateful: w.failover.stateful,
      purged: false,
      settled: false,
      ...(draining(cluster) ? { drained: true } : {}),
    }));
    placements.set(w.id, new Map(decision.clusters.map((c) => [c.name, c.replicas])));
    const out = actionsOf.get(w.id) as FailoverAction[];
    const current = recordOf(w.id);
    // The first displacement of a series remembers where the workload ran before it.
    const home = current.home ?? (current.displaced.length === 0 ? toList(placement) : undefined);
    records[w.id] = { ...current, displaced: [...current.displaced, ...fresh.map((d) => progress(w, d, now, true, false, out))], ...(home ? { home } : {}) };
  }

  const actions: FailoverAction[] = [];
  for (const w of workloads) actions.push(...(actionsOf.get(w.id) as FailoverAction[]));
  return { actions, state: { ...state, guard, evictions, workloads: records } };
}

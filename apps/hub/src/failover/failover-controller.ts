import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Redis } from 'ioredis';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { CLUSTER_KIND, CLUSTER_STATUS_KIND, type ClusterRecord, type ClusterStatus } from '../../../../libs/clusters/src/index.ts';
import type { Config } from '../../../../libs/config/src/index.ts';
import {
  DEFAULT_FAILOVER_SETTINGS,
  evaluateGuard,
  type FailoverAction,
  type FailoverSettings,
  type FailoverState,
  initialFailoverState,
  observeReady,
  planFailback,
  planFailover,
} from '../../../../libs/failover/src/index.ts';
import { type HeldLease, LeaderElector, newHolderId, RedisLease } from '../../../../libs/lease/src/index.ts';
import { Store, type VersionedRecord } from '../../../../libs/store/src/index.ts';
import { MEMBER_STATUS_KIND, PLACEMENT_KIND, type PlacementRecord, queuePriority, WORKLOAD_KIND, type WorkloadRecord } from '../../../../libs/workloads/src/index.ts';
import { STATUS_STALE_AFTER_MS } from '../clusters/status-stale-after.ts';
import { HUB_CONFIG } from '../config/hub-config.token.ts';
import { EventsService } from '../events/events.service.ts';
import { METRICS_REGISTRY } from '../metrics/metrics-registry.ts';
import { REDIS } from '../redis/redis.token.ts';
import { ShutdownCoordinator } from '../shutdown/shutdown-coordinator.ts';
import type { MemberStatusRecord } from '../workloads/member-status-record.ts';
import { adjustPlacement } from '../workloads/adjust-placement.ts';
import { PlacementProcessor } from '../workloads/placement-processor.ts';
import { FleetSnapshots } from '../workloads/fleet-snapshots.ts';
import { type FailoverPlaceJob, JOB, PLACEMENT_QUEUE } from '../workloads/workload-jobs.ts';
import { splitWorkloadId, workloadDisplayName } from '../workloads/workload-keys.ts';
import { WorkloadQueues } from '../workloads/workload-queues.ts';
import { failoverWorkloads, observations } from './failover-inputs.ts';
import { type ClusterDrain, type ClusterFence, DRAIN_KIND, FENCE_KIND, OVERRIDE_KIND, type WorkloadFailoverOverride } from './failover-operator.ts';

/** Where the planners' state lives: one record, written only by the lease holder (fenced). */
export const FAILOVER_STATE_KEY = { kind: 'failover-state', id: 'fleet' } as const;

/** Time between two rounds on the leader. */
export const FAILOVER_ROUND_MS = 500;

/** Job priority of failover placements: ahead of every ordinary placement of the same workload priority class. */
const FAILOVER_PRIORITY_BOOST = 1;

/**
 * The shortest time a cluster is failed before any workload leaves it, whatever its toleration:
 * two probe periods and a probe timeout, the spread between the prober's detections of clusters
 * cut off at the same moment. Without it, with toleration 0, the first of two clusters lost
 * together would be evicted before the second is seen and the partition guard can trip.
 */
export function correlationGraceMs(config: Config): number {
  return 2 * config.probePeriodMs + config.probeTimeoutMs;
}

/** The planners' settings from the configuration (FLOTILLA_FAILOVER_*; the rest as documented in docs/failover.md). */
export function failoverSettingsFrom(config: Config): FailoverSettings {
  const window = config.failoverStabilizationMs;
  return {
    ...DEFAULT_FAILOVER_SETTINGS,
    stabilizationMs: window,
    flappingStabilizationMs: window * 5,
    guard: { ...DEFAULT_FAILOVER_SETTINGS.guard, resumeAfterMs: window, lostFraction: config.failoverGuardLostFraction, lostZones: config.failoverGuardLostZones },
    // The hub's defaults: a zone of 100 workloads must be failed over within 30 s (the goal), so
    // 20 a second after a burst of 100, at most 100 in flight. Mass eviction by a hub cut off
    // from its fleet is the partition guard's to stop, not the rate limit's.
    evictions: { burst: config.failoverEvictionBurst, perInterval: 1, intervalMs: config.failoverEvictionIntervalMs },
    maxInFlight: config.failoverMaxInFlight,
    // The way back is gradual: by default one workload a second after a burst of 10.
    failbacks: { burst: config.failoverFailbackBurst, perInterval: 1, intervalMs: config.failoverFailbackIntervalMs },
    fenceGraceMs: config.failoverFenceGraceMs,
  };
}

const clustersText = (clusters: readonly { name: string; replicas: number }[]): string => clusters.map((c) => `${c.name}=${c.replicas}`).join(', ') || 'nowhere';

/**
 * The failover controller, run by the holder of the `failover` lease. Every round it feeds the
 * prober's view of each cluster to the health tracker, lets the partition guard judge the fleet,
 * plans failovers and failbacks with libs/failover, turns the actions into jobs (placements
 * through the placement queue ahead of ordinary work, purges as cleanup jobs), and stores the
 * planners' state in Redis, fenced by the lease: a new leader continues from the same state.
 */
@Injectable()
export class FailoverController implements OnApplicationBootstrap {
  private readonly logger = new Logger('Failover');
  private readonly elector: LeaderElector;
  private readonly settings: FailoverSettings;
  private readonly correlationGraceMs: number;
  private leading: Promise<void> = Promise.resolve();
  private readonly suspended: Gauge;
  private readonly actions: Counter<'kind'>;
  private readonly recovery: Histogram<'stateful'>;
  readonly holder = newHolderId();

  constructor(
    @Inject(HUB_CONFIG) config: Config,
    @Inject(REDIS) redis: Redis,
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Inject(STATUS_STALE_AFTER_MS) private readonly staleAfterMs: number,
    private readonly store: Store,
    private readonly snapshots: FleetSnapshots,
    private readonly queues: WorkloadQueues,
    private readonly placement: PlacementProcessor,
    private readonly events: EventsService,
    private readonly shutdown: ShutdownCoordinator,
  ) {
    this.settings = failoverSettingsFrom(config);
    this.correlationGraceMs = correlationGraceMs(config);
    const lease = new RedisLease(redis, { prefix: config.keyPrefix, name: 'failover', holder: this.holder, ttlMs: config.leaderLeaseMs });
    this.elector = new LeaderElector(lease, {
      onElected: (held, signal) => {
        this.logger.log({ holder: this.holder, token: held.token }, 'failover: took the lease');
        this.leading = this.leading.then(() => this.lead(held, signal));
      },
      onDemoted: (held, reason) => {
        if (reason !== 'stopped') this.logger.warn({ token: held.token, reason }, 'failover: lost the lease');
      },
      onError: (error, during) => this.logger.warn({ err: error, during }, 'failover: lease call failed'),
    });
    this.suspended = new Gauge({
      name: 'flotilla_failover_suspended',
      help: '1 while the partition guard holds automatic failover back (the hub lost a large share of its clusters at once). Exposed by the failover leader only.',
      registers: [registry],
    });
    this.recovery = new Histogram({
      name: 'flotilla_failover_duration_seconds',
      help: 'Per workload failed over: from the start of its cluster\'s outage to its replacement Available (or the graceful timeout), as seen by the failover leader.',
      labelNames: ['stateful'],
      buckets: [1, 2.5, 5, 10, 15, 20, 30, 45, 60, 120, 300, 600],
      registers: [registry],
    });
    this.actions = new Counter({
      name: 'flotilla_failover_actions_total',
      help: 'Failover actions put in motion by this hub, by kind (Replace, Purge, Preempt, Failback, Restore).',
      labelNames: ['kind'],
      registers: [registry],
    });
  }

  onApplicationBootstrap(): void {
    this.shutdown.registerDrain({
      name: 'failover',
      drain: async () => {
        await this.elector.stop();
        await this.leading;
      },
    });
    this.elector.start();
  }

  private async lead(held: HeldLease, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const started = Date.now();
      try {
        await this.round(held);
      } catch (error) {
        this.logger.warn({ err: error }, 'failover round failed; trying again next round');
      }
      const wait = Math.max(50, FAILOVER_ROUND_MS - (Date.now() - started));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        }, { once: true });
      });
    }
    this.suspended.reset();
  }

  /** One round: observe, guard, plan, act, store. Actions are enqueued before the state is stored, with job ids that make a repeated round enqueue nothing twice. */
  async round(held: HeldLease): Promise<readonly FailoverAction[]> {
    const nowDate = new Date();
    const now = nowDate.getTime();
    const [stored, clusters, statuses, workloads, placements, members, fences, drains, overrides] = await Promise.all([
      this.store.find<FailoverState>(FAILOVER_STATE_KEY),
      this.store.list<ClusterRecord>(CLUSTER_KIND),
      this.store.list<ClusterStatus>(CLUSTER_STATUS_KIND),
      this.store.list<WorkloadRecord>(WORKLOAD_KIND),
      this.store.list<PlacementRecord>(PLACEMENT_KIND),
      this.store.list<MemberStatusRecord>(MEMBER_STATUS_KIND),
      this.store.list<ClusterFence>(FENCE_KIND),
      this.store.list<ClusterDrain>(DRAIN_KIND),
      this.store.list<WorkloadFailoverOverride>(OVERRIDE_KIND),
    ]);
    let state = stored?.data ?? initialFailoverState(now, this.settings);
    const statusByName = new Map(statuses.map((s) => [s.key.id, s.data]));
    const observed = observations(clusters, statusByName, nowDate, this.staleAfterMs);
    let health = state.health;
    for (const observation of observed) health = observeReady(health, observation, this.settings);
    const wasSuspended = state.guard.suspended;
    const guard = evaluateGuard(state.guard, health, this.settings.guard, now);
    state = { ...state, health, guard };

    const ready = new Set(observed.filter((o) => o.ready === 'True').map((o) => o.cluster));
    const overrideById = new Map(overrides.map((o) => [o.key.id, o.data]));
    const input = failoverWorkloads(workloads, new Map(placements.map((p) => [p.key.id, p.data])), new Map(members.map((m) => [m.key.id, m.data])), ready).map((w) => {
      const override = overrideById.get(w.id);
      // No workload leaves a cluster before the guard could have seen the others fail with it.
      const failover = { ...w.failover, tolerationSeconds: Math.max(w.failover.tolerationSeconds, this.correlationGraceMs / 1000) };
      return { ...w, failover, ...(override ? { forced: override.forced, purgeConfirmed: override.purgeConfirmed } : {}) };
    });
    const fencedSince = Object.fromEntries(fences.map((f) => [f.data.cluster, f.data.since]));
    // A drain lasts while its cluster is cordoned: uncordon ends it.
    const cordoned = new Set(clusters.filter((c) => c.data.spec.cordoned).map((c) => c.key.id));
    const drainingSince: Record<string, number> = {};
    for (const d of drains) {
      if (cordoned.has(d.data.cluster)) drainingSince[d.data.cluster] = d.data.since;
      else await this.endDrain(d);
    }
    const snapshot = await this.snapshots.current();
    const failover = planFailover({ now, workloads: input, snapshot, state, fencedSince, drainingSince, settings: this.settings });
    const failback = planFailback({ now, workloads: input, snapshot, state: failover.state, settings: this.settings });
    const actions = [...failover.actions, ...failback.actions];

    const byId = new Map(workloads.map((w) => [w.key.id, w]));
    const restored = new Map<string, number>();
    for (const action of actions) await this.act(action, byId, state, drainingSince, restored);
    this.observeRecoveries(state, failback.state, now);
    if (guard.suspended !== wasSuspended) await this.recordGuard(guard.suspended, guard.reason);
    this.suspended.set(guard.suspended ? 1 : 0);

    // Forget what is kept for workloads that are gone, and their operator overrides.
    const live = new Set(workloads.map((w) => w.key.id));
    const kept = Object.fromEntries(Object.entries(failback.state.workloads).filter(([id]) => live.has(id)));
    const next: FailoverState = { ...failback.state, workloads: kept };
    for (const o of overrides) {
      // Read again: the workload may have been created after this round's list.
      if (live.has(o.key.id) || (await this.store.find({ kind: WORKLOAD_KIND, id: o.key.id }))) continue;
      await this.store.delete(o.key, o.version).catch(() => undefined);
    }

    const guardKey = { key: held.key, value: held.value };
    if (stored) await this.store.transact([{ type: 'put', key: FAILOVER_STATE_KEY, data: next, expectedVersion: stored.version }], { guard: guardKey });
    else await this.store.transact([{ type: 'create', key: FAILOVER_STATE_KEY, data: next }], { guard: guardKey });
    return actions;
  }

  private async act(
    action: FailoverAction,
    workloads: ReadonlyMap<string, VersionedRecord<WorkloadRecord>>,
    state: FailoverState,
    drainingSince: Readonly<Record<string, number>>,
    restored: Map<string, number>,
  ): Promise<void> {
    const workload = workloads.get(action.workload);
    if (!workload) return;
    const { generation, spec, uid } = workload.data;
    const priority = Math.max(1, queuePriority(spec.priority) - FAILOVER_PRIORITY_BOOST);
    const place = async (job: FailoverPlaceJob, stamp: string): Promise<void> => {
      await this.queues.add(PLACEMENT_QUEUE, JOB.failover, job, { jobId: `${action.workload}.g${generation}.${stamp}`, priority });
      this.actions.inc({ kind: action.kind });
    };
    const outageStart = (cluster: string): number => state.health.clusters[cluster]?.unhealthySince ?? 0;
    const drainStart = (cluster: string): number => drainingSince[cluster] ?? 0;
    switch (action.kind) {
      case 'Replace': {
        const drained = action.cause === 'Drained';
        const message = drained
          ? `moved off ${action.from.join(', ')} (drained by an operator) to ${clustersText(action.clusters)}; the old copy stays until the replacement is Available`
          : `failed over from ${action.from.join(', ')} (not Ready beyond the toleration) to ${clustersText(action.clusters)}`;
        // The old copies on `from` are the controller's to purge, per purge mode: never cleaned by the placement itself.
        await place(
          { workload: action.workload, generation, clusters: action.clusters, reason: drained ? 'Drained' : 'FailedOver', message, decision: action.decision, keep: action.from },
          drained ? `dr.${action.from.join('+')}.${action.from.map((c) => drainStart(c)).join('+')}` : `fo.${action.from.join('+')}.${action.from.map(outageStart).join('+')}`,
        );
        return;
      }
      case 'Failback':
        await place(
          { workload: action.workload, generation, clusters: action.clusters, reason: 'FailedBack', message: `${action.replicas} replicas back on ${action.cluster}, Ready and stable again: ${clustersText(action.clusters)}` },
          // Per displacement: the cluster's readySince alone repeats when a drain (which keeps it
          // Ready) follows an earlier failback to it, and BullMQ would drop the job as a duplicate.
          `fb.${action.cluster}.${action.displacedAt}`,
        );
        return;
      case 'Preempt': {
        const placement = await this.store.find<PlacementRecord>({ kind: PLACEMENT_KIND, id: action.workload });
        if (!placement) return;
        const adjust = { cluster: action.cluster, atMost: action.remaining };
        await place(
          { workload: action.workload, generation, clusters: adjustPlacement(placement.data.decision.clusters, adjust), adjust, reason: 'Preempted', message: `${action.replicas} replicas on ${action.cluster} preempted: ${action.reason}` },
          `pre.${action.cluster}.${action.forWorkload}.${placement.version}`,
        );
        return;
      }
      case 'Restore': {
        const placement = await this.store.find<PlacementRecord>({ kind: PLACEMENT_KIND, id: action.workload });
        if (!placement) return;
        // Several restores of one workload on one cluster in a round add up.
        const key = `${action.workload}/${action.cluster}`;
        const base = restored.get(key) ?? placement.data.decision.clusters.find((c) => c.name === action.cluster)?.replicas ?? 0;
        restored.set(key, base + action.replicas);
        const adjust = { cluster: action.cluster, atLeast: base + action.replicas };
        await place(
          { workload: action.workload, generation, clusters: adjustPlacement(placement.data.decision.clusters, adjust), adjust, reason: 'Restored', message: `${action.replicas} preempted replicas given back on ${action.cluster}` },
          `res.${action.cluster}.${placement.version}.${base}`,
        );
        return;
      }
      case 'Purge': {
        // The Replace that left this cluster may not be stored yet: a placement naming it counts
        // as "placed there again" only if it is newer than the one current now.
        const current = await this.store.find<PlacementRecord>({ kind: PLACEMENT_KIND, id: action.workload });
        const stamp = drainingSince[action.cluster] !== undefined ? `drain-${drainStart(action.cluster)}` : `purge-${outageStart(action.cluster)}`;
        await this.placement.enqueueCleanup(action.workload, workload.data, action.cluster, current?.version ?? 0, stamp, priority);
        this.actions.inc({ kind: 'Purge' });
        await this.recordOnce(action.workload, 'Purging', `old copy on ${action.cluster} removed (${action.trigger}); on an unreachable member it is removed once the member answers`, `purge.${uid}.${action.cluster}.${stamp}`);
        return;
      }
      // States, not steps: each is told once per cause as an event on the workload (the guard's own event covers Suspended).
      case 'Defer':
        // Toleration and rate or concurrency limits are ordinary waits of a few rounds; no room is worth telling.
        if (action.reason === 'NoCapacity') await this.recordOnce(action.workload, 'FailoverWaiting', `failover from ${action.clusters.join(', ')} waits: ${action.message}`, `defer.${uid}.${action.clusters.join('+')}.${action.clusters.map(outageStart).join('+')}`);
        return;
      case 'AwaitFence':
        await this.recordOnce(action.workload, 'AwaitingFence', action.message, `fence.${uid}.${action.cluster}.${outageStart(action.cluster)}.${action.fencedAt ?? 0}`);
        return;
      case 'AwaitOperator':
        await this.recordOnce(action.workload, 'AwaitingOperator', action.message, `await.${uid}.${action.cluster}.${outageStart(action.cluster)}`);
        return;
      case 'Suspended':
        return;
    }
  }

  /**
   * A displacement that settled this round (its replacement Available, or the graceful timeout
   * passed) ends a workload's failover: observe the time from the start of the outage (the
   * failed cluster's `unhealthySince`, else the Replace) to now.
   */
  private observeRecoveries(before: FailoverState, after: FailoverState, now: number): void {
    for (const [id, record] of Object.entries(after.workloads)) {
      const previous = before.workloads[id]?.displaced ?? [];
      for (const d of record.displaced) {
        if (!d.settled) continue;
        const was = previous.find((p) => p.from === d.from && p.at === d.at);
        if (was?.settled) continue;
        const start = before.health.clusters[d.from]?.unhealthySince ?? d.at;
        this.recovery.observe({ stateful: String(d.stateful) }, Math.max(0, now - start) / 1000);
      }
    }
  }

  /** A drain whose cluster was uncordoned is over. */
  private async endDrain(drain: VersionedRecord<ClusterDrain>): Promise<void> {
    const deleted = await this.store.delete(drain.key, drain.version).then(
      () => true,
      () => false,
    );
    if (deleted) await this.events.record({ type: 'Normal', reason: 'DrainEnded', message: `cluster ${drain.data.cluster} uncordoned: its drain is over (workloads that prefer it fail back per policy)`, object: { kind: 'Cluster', name: drain.data.cluster }, actor: 'system:failover' });
  }

  private readonly recorded = new Set<string>();

  /** Records an event once per key in this leader's term. */
  private async recordOnce(workload: string, reason: string, message: string, key: string): Promise<void> {
    if (this.recorded.has(key)) return;
    this.recorded.add(key);
    const { namespace, name } = splitWorkloadId(workload);
    const display = workloadDisplayName(namespace, name);
    await this.events.record({ type: 'Normal', reason, message: `workload ${display}: ${message}`, object: { kind: 'Workload', name: display }, actor: 'system:failover' });
  }

  private async recordGuard(suspended: boolean, reason: string | undefined): Promise<void> {
    await this.events.record({
      type: suspended ? 'Warning' : 'Normal',
      reason: suspended ? 'FailoverSuspended' : 'FailoverResumed',
      message: suspended ? `automatic failover suspended: ${reason ?? 'the hub lost a large share of its clusters at once'}; nothing is evicted until the picture is clear` : 'automatic failover resumed',
      object: { kind: 'Fleet', name: 'fleet' },
      actor: 'system:failover',
    });
    if (suspended) this.logger.warn({ reason }, 'automatic failover suspended');
    else this.logger.log('automatic failover resumed');
  }
}

import { Injectable, NotFoundException } from '@nestjs/common';
import { CLUSTER_KIND } from '../../../../libs/clusters/src/index.ts';
import { ValidationError } from '../../../../libs/errors/src/index.ts';
import type { FailoverState } from '../../../../libs/failover/src/index.ts';
import { Store } from '../../../../libs/store/src/index.ts';
import { PLACEMENT_KIND, type PlacementRecord, WORKLOAD_KIND, type WorkloadRecord } from '../../../../libs/workloads/src/index.ts';
import { ClusterRegistry } from '../clusters/cluster-registry.ts';
import { EventsService } from '../events/events.service.ts';
import { splitWorkloadId, workloadDisplayName, workloadId } from '../workloads/workload-keys.ts';

/** A cluster an operator declared fenced (powered off, cut from storage): its workloads' old copies cannot be running. */
export interface ClusterFence {
  readonly cluster: string;
  /** Epoch ms. */
  readonly since: number;
}

/** What an operator decided for one workload's failover. */
export interface WorkloadFailoverOverride {
  readonly workload: string;
  /** Fail a stateful workload over without fencing confirmation (the operator takes the risk of two copies). */
  readonly forced: boolean;
  /** Clusters where the old copy of a purge-mode `Never` workload may be removed. */
  readonly purgeConfirmed: readonly string[];
}

/** A cluster an operator is draining: everything on it moves elsewhere (a planned failover). */
export interface ClusterDrain {
  readonly cluster: string;
  /** Epoch ms. */
  readonly since: number;
}

/** A drain's progress, as the API shows it. */
export interface DrainView extends ClusterDrain {
  /** Workloads still placed on the cluster, and those whose old copy there is not removed yet. */
  readonly remaining: readonly string[];
  /** Workloads with failover disabled: a drain leaves them where they are. */
  readonly pinned: readonly string[];
  /** Nothing left to move or remove. */
  readonly done: boolean;
}

export const DRAIN_KIND = 'cluster-drain';
export const FENCE_KIND = 'cluster-fence';
export const OVERRIDE_KIND = 'failover-override';

const display = (id: string): string => {
  const { namespace, name } = splitWorkloadId(id);
  return workloadDisplayName(namespace, name);
};

/** The failover controller's picture, as the API shows it. */
export interface FailoverView {
  readonly guard: FailoverState['guard'];
  readonly clusters: FailoverState['health']['clusters'];
  readonly fences: readonly ClusterFence[];
  readonly drains: readonly ClusterDrain[];
  readonly workloads: FailoverState['workloads'];
  readonly overrides: readonly WorkloadFailoverOverride[];
}

/**
 * Operator decisions the failover controller reads every round: fences, drains, forced failovers of
 * stateful workloads, confirmed purges. Each is recorded as an event with actor `operator`
 * (the identity issue will name the person).
 */
@Injectable()
export class FailoverOperator {
  constructor(
    private readonly store: Store,
    private readonly events: EventsService,
    private readonly registry: ClusterRegistry,
  ) {}

  async view(): Promise<FailoverView> {
    const [state, fences, drains, overrides] = await Promise.all([
      this.store.find<FailoverState>({ kind: 'failover-state', id: 'fleet' }),
      this.store.list<ClusterFence>(FENCE_KIND),
      this.store.list<ClusterDrain>(DRAIN_KIND),
      this.store.list<WorkloadFailoverOverride>(OVERRIDE_KIND),
    ]);
    return {
      guard: state?.data.guard ?? { suspended: false },
      clusters: state?.data.health.clusters ?? {},
      fences: fences.map((f) => f.data),
      drains: drains.map((d) => d.data),
      // Keyed by namespace/name, as people know workloads.
      workloads: Object.fromEntries(
        Object.entries(state?.data.workloads ?? {}).map(([id, record]) => [display(id), { ...record, preempted: record.preempted.map((p) => ({ ...p, by: display(p.by) })) }]),
      ),
      overrides: overrides.map((o) => ({ ...o.data, workload: display(o.data.workload) })),
    };
  }

  async fence(cluster: string, actor = 'operator'): Promise<ClusterFence> {
    await this.store.get({ kind: CLUSTER_KIND, id: cluster });
    const existing = await this.store.find<ClusterFence>({ kind: FENCE_KIND, id: cluster });
    if (existing) return existing.data;
    const fence: ClusterFence = { cluster, since: Date.now() };
    await this.store.create({ kind: FENCE_KIND, id: cluster }, fence);
    await this.events.record({ type: 'Warning', reason: 'Fenced', message: `cluster ${cluster} declared fenced by an operator: stateful workloads may fail over once the grace period has passed`, object: { kind: 'Cluster', name: cluster }, actor });
    return fence;
  }

  async unfence(cluster: string, actor = 'operator'): Promise<void> {
    const existing = await this.store.find<ClusterFence>({ kind: FENCE_KIND, id: cluster });
    if (!existing) throw new NotFoundException(`cluster ${cluster} is not fenced`);
    await this.store.delete(existing.key, existing.version);
    await this.events.record({ type: 'Normal', reason: 'Unfenced', message: `cluster ${cluster} no longer declared fenced`, object: { kind: 'Cluster', name: cluster }, actor });
  }

  /**
   * Starts draining a cluster: cordons it (nothing new goes there) and asks the failover
   * controller to move everything on it elsewhere, within its limits, keeping each old copy
   * until its replacement is Available. Idempotent. Ends with uncordon or {@link undrain}.
   */
  async drain(cluster: string, actor = 'operator'): Promise<DrainView> {
    await this.registry.update(cluster, { cordoned: true }, undefined);
    if (!(await this.store.find<ClusterDrain>({ kind: DRAIN_KIND, id: cluster }))) {
      try {
        await this.store.create({ kind: DRAIN_KIND, id: cluster }, { cluster, since: Date.now() } satisfies ClusterDrain);
        await this.events.record({ type: 'Normal', reason: 'DrainStarted', message: `cluster ${cluster} cordoned and being drained by an operator: its workloads move elsewhere`, object: { kind: 'Cluster', name: cluster }, actor });
      } catch (error) {
        // A concurrent drain of the same cluster created it first: the same outcome.
        if (!(await this.store.find({ kind: DRAIN_KIND, id: cluster }))) throw error;
      }
    }
    return this.drainView(cluster);
  }

  async drainView(cluster: string): Promise<DrainView> {
    await this.store.get({ kind: CLUSTER_KIND, id: cluster });
    const drain = await this.store.find<ClusterDrain>({ kind: DRAIN_KIND, id: cluster });
    if (!drain) throw new NotFoundException(`cluster ${cluster} is not being drained`);
    const [workloads, placements, state] = await Promise.all([
      this.store.list<WorkloadRecord>(WORKLOAD_KIND),
      this.store.list<PlacementRecord>(PLACEMENT_KIND),
      this.store.find<FailoverState>({ kind: 'failover-state', id: 'fleet' }),
    ]);
    const placedThere = new Set(placements.filter((p) => p.data.decision.clusters.some((c) => c.name === cluster && c.replicas > 0)).map((p) => p.key.id));
    const remaining: string[] = [];
    const pinned: string[] = [];
    for (const w of workloads) {
      const display = workloadDisplayName(w.data.spec.namespace, w.data.spec.name);
      const unpurged = state?.data.workloads[w.key.id]?.displaced.some((d) => d.from === cluster && !d.purged) === true;
      if (placedThere.has(w.key.id) && !w.data.spec.failover.enabled) pinned.push(display);
      else if (placedThere.has(w.key.id) || unpurged) remaining.push(display);
    }
    return { ...drain.data, remaining: remaining.sort(), pinned: pinned.sort(), done: remaining.length === 0 };
  }

  /** Stops a drain; the cluster stays cordoned (uncordon ends a drain too). */
  async undrain(cluster: string, actor = 'operator'): Promise<void> {
    const existing = await this.store.find<ClusterDrain>({ kind: DRAIN_KIND, id: cluster });
    if (!existing) throw new NotFoundException(`cluster ${cluster} is not being drained`);
    await this.store.delete(existing.key, existing.version);
    await this.events.record({ type: 'Normal', reason: 'DrainStopped', message: `drain of cluster ${cluster} stopped by an operator (still cordoned)`, object: { kind: 'Cluster', name: cluster }, actor });
  }

  async force(namespace: string, name: string, actor = 'operator'): Promise<WorkloadFailoverOverride> {
    const id = await this.workload(namespace, name);
    const next = await this.update(id, (o) => ({ ...o, forced: true }));
    await this.events.record({ type: 'Warning', reason: 'FailoverForced', message: `failover of workload ${workloadDisplayName(namespace, name)} forced by an operator, without fencing confirmation`, object: { kind: 'Workload', name: workloadDisplayName(namespace, name) }, actor });
    return next;
  }

  async confirmPurge(namespace: string, name: string, body: unknown, actor = 'operator'): Promise<WorkloadFailoverOverride> {
    const cluster = typeof body === 'object' && body !== null && 'cluster' in body && typeof body.cluster === 'string' ? body.cluster : undefined;
    if (!cluster) throw new ValidationError([{ name: 'cluster', reason: 'is required: the cluster whose old copy may be removed' }]);
    if (!(await this.store.find({ kind: CLUSTER_KIND, id: cluster }))) throw new ValidationError([{ name: 'cluster', reason: 'is not a registered cluster' }]);
    const id = await this.workload(namespace, name);
    const next = await this.update(id, (o) => ({ ...o, purgeConfirmed: [...new Set([...o.purgeConfirmed, cluster])].sort() }));
    await this.events.record({ type: 'Normal', reason: 'PurgeConfirmed', message: `removal of workload ${workloadDisplayName(namespace, name)}'s old copy on ${cluster} confirmed by an operator`, object: { kind: 'Workload', name: workloadDisplayName(namespace, name) }, actor });
    return next;
  }

  private async workload(namespace: string, name: string): Promise<string> {
    const id = workloadId(namespace, name);
    const record = await this.store.find<WorkloadRecord>({ kind: WORKLOAD_KIND, id });
    if (!record) throw new NotFoundException(`workload ${workloadDisplayName(namespace, name)} not found`);
    return id;
  }

  private async update(id: string, change: (o: WorkloadFailoverOverride) => WorkloadFailoverOverride): Promise<WorkloadFailoverOverride> {
    for (let attempt = 0; ; attempt += 1) {
      const current = await this.store.find<WorkloadFailoverOverride>({ kind: OVERRIDE_KIND, id });
      const next = change(current?.data ?? { workload: id, forced: false, purgeConfirmed: [] });
      try {
        if (current) await this.store.put(current.key, next, current.version);
        else await this.store.create({ kind: OVERRIDE_KIND, id }, next);
        return next;
      } catch (error) {
        if (attempt >= 3) throw error;
      }
    }
  }
}

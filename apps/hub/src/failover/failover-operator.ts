import { Injectable, NotFoundException } from '@nestjs/common';
import { CLUSTER_KIND } from '../../../../libs/clusters/src/index.ts';
import { ValidationError } from '../../../../libs/errors/src/index.ts';
import type { FailoverState } from '../../../../libs/failover/src/index.ts';
import { Store } from '../../../../libs/store/src/index.ts';
import { WORKLOAD_KIND, type WorkloadRecord } from '../../../../libs/workloads/src/index.ts';
import { EventsService } from '../events/events.service.ts';
import { workloadDisplayName, workloadId } from '../workloads/workload-keys.ts';

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

export const FENCE_KIND = 'cluster-fence';
export const OVERRIDE_KIND = 'failover-override';

/** The failover controller's picture, as the API shows it. */
export interface FailoverView {
  readonly guard: FailoverState['guard'];
  readonly clusters: FailoverState['health']['clusters'];
  readonly fences: readonly ClusterFence[];
  readonly workloads: FailoverState['workloads'];
  readonly overrides: readonly WorkloadFailoverOverride[];
}

/**
 * Operator decisions the failover controller reads every round: fences, forced failovers of
 * stateful workloads, confirmed purges. Each is recorded as an event with actor `operator`
 * (the identity issue will name the person).
 */
@Injectable()
export class FailoverOperator {
  constructor(
    private readonly store: Store,
    private readonly events: EventsService,
  ) {}

  async view(): Promise<FailoverView> {
    const [state, fences, overrides] = await Promise.all([
      this.store.find<FailoverState>({ kind: 'failover-state', id: 'fleet' }),
      this.store.list<ClusterFence>(FENCE_KIND),
      this.store.list<WorkloadFailoverOverride>(OVERRIDE_KIND),
    ]);
    return {
      guard: state?.data.guard ?? { suspended: false },
      clusters: state?.data.health.clusters ?? {},
      fences: fences.map((f) => f.data),
      workloads: state?.data.workloads ?? {},
      overrides: overrides.map((o) => o.data),
    };
  }

  async fence(cluster: string): Promise<ClusterFence> {
    await this.store.get({ kind: CLUSTER_KIND, id: cluster });
    const existing = await this.store.find<ClusterFence>({ kind: FENCE_KIND, id: cluster });
    if (existing) return existing.data;
    const fence: ClusterFence = { cluster, since: Date.now() };
    await this.store.create({ kind: FENCE_KIND, id: cluster }, fence);
    await this.events.record({ type: 'Warning', reason: 'Fenced', message: `cluster ${cluster} declared fenced by an operator: stateful workloads may fail over once the grace period has passed`, object: { kind: 'Cluster', name: cluster }, actor: 'operator' });
    return fence;
  }

  async unfence(cluster: string): Promise<void> {
    const existing = await this.store.find<ClusterFence>({ kind: FENCE_KIND, id: cluster });
    if (!existing) throw new NotFoundException(`cluster ${cluster} is not fenced`);
    await this.store.delete(existing.key, existing.version);
    await this.events.record({ type: 'Normal', reason: 'Unfenced', message: `cluster ${cluster} no longer declared fenced`, object: { kind: 'Cluster', name: cluster }, actor: 'operator' });
  }

  async force(namespace: string, name: string): Promise<WorkloadFailoverOverride> {
    const id = await this.workload(namespace, name);
    const next = await this.update(id, (o) => ({ ...o, forced: true }));
    await this.events.record({ type: 'Warning', reason: 'FailoverForced', message: `failover of workload ${workloadDisplayName(namespace, name)} forced by an operator, without fencing confirmation`, object: { kind: 'Workload', name: workloadDisplayName(namespace, name) }, actor: 'operator' });
    return next;
  }

  async confirmPurge(namespace: string, name: string, body: unknown): Promise<WorkloadFailoverOverride> {
    const cluster = typeof body === 'object' && body !== null && 'cluster' in body && typeof body.cluster === 'string' ? body.cluster : undefined;
    if (!cluster) throw new ValidationError([{ name: 'cluster', reason: 'is required: the cluster whose old copy may be removed' }]);
    if (!(await this.store.find({ kind: CLUSTER_KIND, id: cluster }))) throw new ValidationError([{ name: 'cluster', reason: 'is not a registered cluster' }]);
    const id = await this.workload(namespace, name);
    const next = await this.update(id, (o) => ({ ...o, purgeConfirmed: [...new Set([...o.purgeConfirmed, cluster])].sort() }));
    await this.events.record({ type: 'Normal', reason: 'PurgeConfirmed', message: `removal of workload ${workloadDisplayName(namespace, name)}'s old copy on ${cluster} confirmed by an operator`, object: { kind: 'Workload', name: workloadDisplayName(namespace, name) }, actor: 'operator' });
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

import { Injectable, Logger } from '@nestjs/common';
import { type PlacementDecision, placeKeepingUnready } from '../../../../libs/placement/src/index.ts';
import { Store } from '../../../../libs/store/src/index.ts';
import {
  type PlacementRecord,
  queuePriority,
  workloadNeeds,
  type WorkloadRecord,
} from '../../../../libs/workloads/src/index.ts';
import { EventsService } from '../events/events.service.ts';
import { FleetSnapshots } from './fleet-snapshots.ts';
import type { MemberStatusRecord } from './member-status-record.ts';
import { PlacementHistory } from './placement-history.ts';
import { adjustPlacement } from './adjust-placement.ts';
import { applyJobId, APPLY_QUEUE, cleanupJobId, CLEANUP_QUEUE, type FailoverPlaceJob, JOB, type PlaceJob } from './workload-jobs.ts';
import { memberStatusKey, placementKey, splitWorkloadId, workloadDisplayName, workloadKey } from './workload-keys.ts';
import { WorkloadMetrics } from './workload-metrics.ts';
import { WorkloadQueues } from './workload-queues.ts';
import { cleanupRetry } from './retry.ts';

export interface PlaceOutcome {
  readonly skipped?: string;
  readonly clusters?: number;
}

const sameClusters = (a: PlacementDecision['clusters'], b: PlacementDecision['clusters']): boolean =>
  a.length === b.length && a.every((c, i) => c.name === b[i]?.name && c.replicas === b[i]?.replicas);

/**
 * Places one generation of a workload: fleet snapshot -> engine -> decision stored -> apply job
 * per selected cluster, cleanup job per cluster it left. A job for an older generation, or for a
 * workload being deleted, does nothing: a newer job (or the delete job) covers it.
 */
@Injectable()
export class PlacementProcessor {
  private readonly logger = new Logger('Placement');

  constructor(
    private readonly store: Store,
    private readonly snapshots: FleetSnapshots,
    private readonly queues: WorkloadQueues,
    private readonly history: PlacementHistory,
    private readonly events: EventsService,
    private readonly metrics: WorkloadMetrics,
  ) {}

  /** Stores a placement the failover controller decided, and puts it in motion. */
  async processFailover(job: FailoverPlaceJob): Promise<PlaceOutcome> {
    const workload = await this.store.find<WorkloadRecord>(workloadKey(job.workload));
    if (!workload) return { skipped: 'workload gone' };
    if (workload.data.deletionRequestedAt) return { skipped: 'workload being deleted' };
    if (workload.data.generation !== job.generation) return { skipped: `planned for generation ${job.generation}, now ${workload.data.generation}` };
    const previous = await this.store.find<PlacementRecord>(placementKey(job.workload));
    if (!previous) return { skipped: 'not placed yet' };
    const clusters = (job.adjust ? adjustPlacement(previous.data.decision.clusters, job.adjust) : job.clusters)
      .filter((c) => c.replicas > 0)
      .map((c) => ({ name: c.name, replicas: c.replicas }))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    const decision: PlacementDecision = { ...(job.decision ?? previous.data.decision), clusters, summary: job.message };
    const now = new Date().toISOString();
    const generation = workload.data.generation;
    const stored = await this.store.put(placementKey(job.workload), { workload: job.workload, generation, decidedAt: now, decision } satisfies PlacementRecord, previous.version);
    const priority = queuePriority(workload.data.spec.priority);
    await Promise.all(
      clusters.map((c) =>
        this.queues.add(APPLY_QUEUE, JOB.apply, { workload: job.workload, generation, cluster: c.name, mode: 'apply' }, { jobId: applyJobId(job.workload, generation, stored.version, c.name), priority }),
      ),
    );
    // A Ready cluster it leaves (preempted to zero, or the temporary home of a failback) is
    // cleaned now; a failed or drained one is not: its copy is purged by the controller per purge mode.
    const snapshot = await this.snapshots.current();
    const ready = new Set(snapshot.clusters.filter((c) => c.ready === 'True').map((c) => c.name));
    const kept = new Set([...clusters.map((c) => c.name), ...(job.keep ?? [])]);
    for (const left of previous.data.decision.clusters.filter((c) => !kept.has(c.name) && ready.has(c.name))) {
      await this.enqueueCleanup(job.workload, workload.data, left.name, stored.version, `${stored.version}`, priority);
    }
    await this.history.append(job.workload, { generation, at: now, clusters, reason: job.reason, summary: job.message, by: 'system:failover' });
    const { namespace, name } = splitWorkloadId(job.workload);
    const display = workloadDisplayName(namespace, name);
    await this.events.record({
      type: job.reason === 'FailedOver' || job.reason === 'Preempted' ? 'Warning' : 'Normal',
      reason: job.reason,
      message: `workload ${display}: ${job.message}`,
      object: { kind: 'Workload', name: display },
      actor: 'system:failover',
    });
    return { clusters: clusters.length };
  }

  /**
   * Removes the workload's copy from a cluster it left at placement version `leftAtVersion` (by
   * uid label, after lists that succeeded), unless a later placement names that cluster again.
   */
  async enqueueCleanup(workloadId: string, workload: WorkloadRecord, cluster: string, leftAtVersion: number, stamp: string, priority: number): Promise<void> {
    const member = await this.store.find<MemberStatusRecord>(memberStatusKey(workloadId, cluster));
    const kinds = member?.data.appliedKinds ?? workload.spec.manifests.map((m) => ({ apiVersion: m.apiVersion, kind: m.kind }));
    await this.queues.add(
      CLEANUP_QUEUE,
      JOB.cleanup,
      { workload: workloadId, uid: workload.uid, namespace: workload.spec.namespace, cluster, kinds, reason: 'Moved', leftAtVersion },
      { jobId: `${cleanupJobId(workload.uid, cluster)}.v${stamp}`, priority, ...cleanupRetry },
    );
  }

  async process(job: PlaceJob): Promise<PlaceOutcome> {
    const started = performance.now();
    const workload = await this.store.find<WorkloadRecord>(workloadKey(job.workload));
    if (!workload) return { skipped: 'workload gone' };
    if (workload.data.deletionRequestedAt) return { skipped: 'workload being deleted' };
    if (workload.data.generation > job.generation) return { skipped: `generation ${job.generation} superseded by ${workload.data.generation}` };
    const { spec } = workload.data;
    const previous = await this.store.find<PlacementRecord>(placementKey(job.workload));
    const snapshot = await this.snapshots.current();
    // Replicas on clusters that are not Ready stay: leaving them is the failover controller's call.
    const decision = placeKeepingUnready({
      snapshot,
      policy: spec.placement,
      workload: workloadNeeds(spec),
      ...(previous ? { previous: { clusters: previous.data.decision.clusters } } : {}),
    });
    const now = new Date().toISOString();
    const record: PlacementRecord = { workload: job.workload, generation: workload.data.generation, decidedAt: now, decision };
    const stored = previous
      ? await this.store.put(placementKey(job.workload), record, previous.version)
      : await this.store.create(placementKey(job.workload), record);

    const priority = queuePriority(spec.priority);
    const generation = workload.data.generation;
    await Promise.all(
      decision.clusters.map((c) =>
        this.queues.add(
          APPLY_QUEUE,
          JOB.apply,
          { workload: job.workload, generation, cluster: c.name, mode: 'apply' },
          { jobId: applyJobId(job.workload, generation, stored.version, c.name), priority },
        ),
      ),
    );
    // Clusters it left: remove its copy there (by uid label, after a list that succeeded).
    const kept = new Set(decision.clusters.map((c) => c.name));
    const left = (previous?.data.decision.clusters ?? []).filter((c) => !kept.has(c.name));
    await Promise.all(left.map((c) => this.enqueueCleanup(job.workload, workload.data, c.name, stored.version, `${stored.version}`, priority)));

    const moved = !previous || previous.data.generation !== generation || !sameClusters(previous.data.decision.clusters, decision.clusters);
    const { namespace, name } = splitWorkloadId(job.workload);
    const display = workloadDisplayName(namespace, name);
    if (moved) {
      const by = job.reason === 'Created' || job.reason === 'Updated' ? workload.data.changedBy : 'system:placement';
      await this.history.append(job.workload, { generation, at: now, clusters: decision.clusters, reason: job.reason, summary: decision.summary, ...(by === undefined ? {} : { by }) });
      const where = decision.clusters.map((c) => `${c.name}=${c.replicas}`).join(', ');
      await this.events.record(
        decision.clusters.length === 0
          ? { type: 'Warning', reason: 'Unschedulable', message: `workload ${display} generation ${generation} cannot be placed: ${decision.summary}`, object: { kind: 'Workload', name: display } }
          : { type: 'Normal', reason: 'Placed', message: `workload ${display} generation ${generation} placed on ${where}${decision.unplacedReplicas > 0 ? ` (${decision.unplacedReplicas} replicas did not fit)` : ''}`, object: { kind: 'Workload', name: display } },
      );
    }
    const result = decision.clusters.length === 0 ? 'unschedulable' : decision.unplacedReplicas > 0 ? 'partial' : 'placed';
    this.metrics.placementDuration.observe({ result }, (performance.now() - started) / 1000);
    this.logger.debug({ workload: display, generation, result, clusters: decision.clusters.length }, 'placed');
    return { clusters: decision.clusters.length };
  }
}

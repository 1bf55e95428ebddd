import { Inject, Injectable } from '@nestjs/common';
import type { JobsOptions } from 'bullmq';
import type { Config } from '../../../../libs/config/src/index.ts';
import { Store } from '../../../../libs/store/src/index.ts';
import { type PlacementRecord, PLACEMENT_KIND, queuePriority, WORKLOAD_KIND, type WorkloadRecord } from '../../../../libs/workloads/src/index.ts';
import { HUB_CONFIG } from '../config/hub-config.token.ts';
import { APPLY_QUEUE, JOB, placeJobId, PLACEMENT_QUEUE, type ReconcileJob } from './workload-jobs.ts';
import { WorkloadQueues } from './workload-queues.ts';

/** Jobs per addBulk call. */
const BULK = 500;

type BulkJob = { name: string; data: object; opts: JobsOptions };

/**
 * Runs every FLOTILLA_RESYNC_PERIOD_MS on one replica (a BullMQ job scheduler): enqueues a sync
 * of every placed workload on every member it is placed on (status read again, drift put back),
 * and places again each workload whose last decision placed nothing (the fleet may have room
 * now), or that has no decision for its generation yet.
 */
@Injectable()
export class ResyncProcessor {
  constructor(
    private readonly store: Store,
    private readonly queues: WorkloadQueues,
    @Inject(HUB_CONFIG) private readonly config: Config,
  ) {}

  async process(): Promise<{ synced: number; placed: number }> {
    const tick = Math.floor(Date.now() / this.config.resyncPeriodMs);
    const [workloads, placements] = await Promise.all([this.store.list<WorkloadRecord>(WORKLOAD_KIND), this.store.list<PlacementRecord>(PLACEMENT_KIND)]);
    const placementById = new Map(placements.map((p) => [p.key.id, p.data]));
    const place: BulkJob[] = [];
    const sync: BulkJob[] = [];
    for (const workload of workloads) {
      if (workload.data.deletionRequestedAt) continue;
      const id = workload.key.id;
      const { generation, spec } = workload.data;
      const priority = queuePriority(spec.priority);
      const placement = placementById.get(id);
      if (!placement || placement.generation < generation) {
        place.push({ name: JOB.place, data: { workload: id, generation, reason: 'Resync' }, opts: { jobId: placeJobId(id, generation), priority } });
        continue;
      }
      // Only a workload placed nowhere is placed again here. One that runs somewhere is not
      // re-placed by the resync: a new decision could drop a cluster that is merely not Ready,
      // and removing copies because of health is the failover controller's call, behind its
      // guards (partition, flapping, purge modes), never a side effect of a periodic pass.
      if (placement.decision.clusters.length === 0) {
        place.push({ name: JOB.place, data: { workload: id, generation, reason: 'Resync' }, opts: { jobId: `${placeJobId(id, generation)}.r${tick}`, priority } });
      }
      for (const c of placement.decision.clusters) {
        const data: ReconcileJob = { workload: id, generation, cluster: c.name, mode: 'sync' };
        sync.push({ name: JOB.sync, data, opts: { jobId: `${id}.g${generation}.${c.name}.s${tick}`, priority } });
      }
    }
    // In chunks, each one round trip to Redis, rather than one add per job.
    for (const [queue, jobs] of [[PLACEMENT_QUEUE, place], [APPLY_QUEUE, sync]] as const) {
      for (let i = 0; i < jobs.length; i += BULK) await this.queues.queue(queue).addBulk(jobs.slice(i, i + BULK));
    }
    const synced = sync.length;
    const placed = place.length;
    return { synced, placed };
  }
}

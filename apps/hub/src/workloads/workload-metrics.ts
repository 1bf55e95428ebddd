import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { Redis } from 'ioredis';
import { METRICS_REGISTRY } from '../metrics/metrics-registry.ts';
import { REDIS } from '../redis/redis.token.ts';
import { settleWithin } from '../shutdown/settle-within.ts';
import { QUEUE_NAMES } from './workload-jobs.ts';
import { WorkloadQueues } from './workload-queues.ts';

const STATES = ['waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed', 'waiting-children'] as const;

/** Series of the workload pipeline. Queue depth is read from Redis at scrape time (so any replica shows the same). */
@Injectable()
export class WorkloadMetrics {
  readonly placementDuration: Histogram<'result'>;
  readonly applyDuration: Histogram<'mode' | 'result'>;
  readonly driftRepairs: Counter<'cluster'>;
  readonly applyFailures: Counter<'cluster' | 'permanent'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry, queues: WorkloadQueues, @Inject(REDIS) redis: Redis) {
    this.placementDuration = new Histogram({
      name: 'flotilla_placement_duration_seconds',
      help: 'Time of one placement job: fleet snapshot, decision, decision stored and apply jobs enqueued. result: placed, partial, unschedulable.',
      labelNames: ['result'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    });
    this.applyDuration = new Histogram({
      name: 'flotilla_apply_duration_seconds',
      help: 'Time of one apply or sync of one workload on one member, by mode (apply, sync) and result (ok, transient, permanent).',
      labelNames: ['mode', 'result'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    this.driftRepairs = new Counter({
      name: 'flotilla_drift_repairs_total',
      help: 'Objects on a member whose hub-owned fields had been changed by hand and were put back.',
      labelNames: ['cluster'],
      registers: [registry],
    });
    this.applyFailures = new Counter({
      name: 'flotilla_apply_failures_total',
      help: 'Failed applies, by cluster and whether the failure was permanent (recorded, not retried) or transient (retried).',
      labelNames: ['cluster', 'permanent'],
      registers: [registry],
    });
    new Gauge({
      name: 'flotilla_queue_jobs',
      help: 'Jobs per queue (placement, apply, cleanup) and state, read from Redis when scraped.',
      labelNames: ['queue', 'state'],
      registers: [registry],
      async collect() {
        // BullMQ waits for a connection rather than failing: while Redis is away, show no depth.
        const settled = queues.opened && redis.status === 'ready' ? await settleWithin(Promise.all(QUEUE_NAMES.map((name) => queues.queue(name).getJobCounts(...STATES))), 2_000) : undefined;
        if (settled?.outcome !== 'done') {
          this.reset();
          return;
        }
        const counts = settled.value;
        QUEUE_NAMES.forEach((queue, i) => {
          for (const state of STATES) this.set({ queue, state }, counts[i]?.[state] ?? 0);
        });
      },
    });
  }
}

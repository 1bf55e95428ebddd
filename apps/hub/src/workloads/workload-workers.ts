import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { type Job, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Config } from '../../../../libs/config/src/index.ts';
import { HUB_CONFIG } from '../config/hub-config.token.ts';
import { REDIS } from '../redis/redis.token.ts';
import { bullmqWorkerDrain } from '../shutdown/bullmq-worker-drain.ts';
import { ShutdownCoordinator } from '../shutdown/shutdown-coordinator.ts';
import { CleanupProcessor } from './cleanup-processor.ts';
import { PlacementProcessor } from './placement-processor.ts';
import { ReconcileProcessor } from './reconcile-processor.ts';
import { ResyncProcessor } from './resync-processor.ts';
import { CAPPED_BACKOFF, cappedBackoff } from './retry.ts';
import { APPLY_QUEUE, type CleanupJob, CLEANUP_QUEUE, type DeleteJob, type FailoverPlaceJob, JOB, type PlaceJob, PLACEMENT_QUEUE, type ReconcileJob } from './workload-jobs.ts';
import { bullConnection, bullPrefix, WorkloadQueues } from './workload-queues.ts';

/** The resync scheduler's id (one per hub key prefix, whatever the number of replicas). */
export const RESYNC_SCHEDULER = 'resync';

/**
 * Starts the BullMQ workers of the workload pipeline on every replica, and the resync job
 * scheduler. Workers drain on shutdown (jobs in flight finish, within SHUTDOWN_TIMEOUT_MS).
 */
@Injectable()
export class WorkloadWorkers implements OnApplicationBootstrap {
  private readonly logger = new Logger('Workers');

  constructor(
    @Inject(HUB_CONFIG) private readonly config: Config,
    private readonly shutdown: ShutdownCoordinator,
    private readonly queues: WorkloadQueues,
    private readonly placement: PlacementProcessor,
    private readonly reconcile: ReconcileProcessor,
    private readonly cleanup: CleanupProcessor,
    private readonly resync: ResyncProcessor,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  onApplicationBootstrap(): void {
    // Workers start once Redis has answered: BullMQ cannot close a connection that never
    // connected, so a hub booted during an outage opens none until it ends.
    if (this.redis.status === 'ready') this.startAll();
    else this.redis.once('ready', () => {
      if (!this.shutdown.shuttingDown) this.startAll();
    });
  }

  private startAll(): void {
    this.start(PLACEMENT_QUEUE, this.config.placementConcurrency, (job) =>
      job.name === JOB.resync
        ? this.resync.process()
        : job.name === JOB.failover
          ? this.placement.processFailover(job.data as FailoverPlaceJob)
          : this.placement.process(job.data as PlaceJob),
    );
    this.start(APPLY_QUEUE, this.config.applyConcurrency, (job) => this.reconcile.process(job.data as ReconcileJob));
    this.start(CLEANUP_QUEUE, this.config.applyConcurrency, (job) =>
      job.name === JOB.delete ? this.cleanup.deleteWorkload(job.data as DeleteJob) : this.cleanup.cleanup(job.data as CleanupJob),
    );
    // In the background: the hub boots (live, not ready) while Redis is away, and the scheduler
    // is set up once it answers.
    void this.scheduleResync();
  }

  /** Sets up the resync job scheduler (idempotent across replicas), retrying until Redis answers or the hub stops. */
  private async scheduleResync(): Promise<void> {
    for (let attempt = 0; !this.shutdown.shuttingDown; attempt += 1) {
      try {
        await this.queues.queue(PLACEMENT_QUEUE).upsertJobScheduler(RESYNC_SCHEDULER, { every: this.config.resyncPeriodMs }, { name: JOB.resync, data: {}, opts: { priority: 1, attempts: 1 } });
        return;
      } catch (error) {
        if (attempt === 0) this.logger.warn({ err: error }, 'could not set up the resync scheduler yet; retrying');
        await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 250 * 2 ** attempt)).unref());
      }
    }
  }

  private start(queue: string, concurrency: number, processor: (job: Job) => Promise<unknown>): void {
    const worker = new Worker(queue, processor, {
      connection: bullConnection(this.config),
      prefix: bullPrefix(this.config),
      concurrency,
      settings: {
        backoffStrategy: (attemptsMade, type) => (type === CAPPED_BACKOFF ? cappedBackoff(attemptsMade, this.config.retryBaseMs, this.config.cleanupRetryMaxMs) : 0),
      },
    });
    worker.on('failed', (job, error) => {
      if (!job) return;
      const final = job.attemptsMade >= (job.opts.attempts ?? 1) || error.name === 'UnrecoverableError' || error instanceof Error && error.constructor.name === 'PermanentApplyError';
      this.logger[final ? 'warn' : 'debug']({ queue, job: job.id, name: job.name, attempts: job.attemptsMade, reason: error.message }, final ? 'job failed for good' : 'job failed; will retry');
    });
    worker.on('error', (error) => this.logger.warn({ queue, err: error }, 'worker error'));
    this.shutdown.registerDrain(bullmqWorkerDrain(worker));
  }
}

import { Inject, Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { type JobsOptions, Queue } from 'bullmq';
import type { Config } from '../../../../libs/config/src/index.ts';
import { HUB_CONFIG } from '../config/hub-config.token.ts';
import { settleWithin } from '../shutdown/settle-within.ts';
import { ShutdownCoordinator } from '../shutdown/shutdown-coordinator.ts';
import type { QueueName } from './workload-jobs.ts';

/** BullMQ's key prefix for this hub's queues. */
export const bullPrefix = (config: Config): string => `${config.keyPrefix}:bull`;

/** Connection options for BullMQ workers (their own connections, blocking commands: no retry limit). */
export function bullConnection(config: Config): { url: string; maxRetriesPerRequest: null; connectionName: string } {
  return { url: config.redisUrl, maxRetriesPerRequest: null, connectionName: 'flotilla-bullmq-worker' };
}

/**
 * Connection options for the queues the API adds jobs to: while Redis is away an add fails fast
 * (the API answers 503, readiness is already false) instead of waiting in an offline queue.
 */
export function queueConnection(config: Config): { url: string; maxRetriesPerRequest: number; enableOfflineQueue: false; connectionName: string } {
  return { url: config.redisUrl, maxRetriesPerRequest: 2, enableOfflineQueue: false, connectionName: 'flotilla-bullmq-queue' };
}

/** Bound of one add to a queue. */
export const ADD_TIMEOUT_MS = 5_000;

/** How long completed jobs are kept (for listing and deduplication), and how many failed ones. */
const KEEP_COMPLETED = { age: 3600, count: 5000 };
const KEEP_FAILED = { count: 10_000 };

/**
 * The three queues of the workload pipeline. Jobs retry transient failures with exponential
 * backoff and jitter (FLOTILLA_APPLY_ATTEMPTS, FLOTILLA_RETRY_BASE_MS); failed jobs are kept.
 * A queue is opened on first use: a hub that never reached Redis holds no BullMQ connection
 * (BullMQ cannot close one that never connected).
 */
@Injectable()
export class WorkloadQueues {
  private readonly queues = new Map<QueueName, Queue>();
  private readonly logger = new Logger('Queues');

  constructor(
    @Inject(HUB_CONFIG) private readonly config: Config,
    shutdown: ShutdownCoordinator,
  ) {
    // Closed after the workers drained: their jobs add follow-up jobs until the end.
    shutdown.registerRelease({ name: 'bullmq queues', release: async () => void (await Promise.all([...this.queues.values()].map((queue) => queue.close()))) });
  }

  /** True once any queue was opened (so that reading depths does not open connections to a Redis never reached). */
  get opened(): boolean {
    return this.queues.size > 0;
  }

  queue(name: QueueName): Queue {
    const known = this.queues.get(name);
    if (known) return known;
    const queue = new Queue(name, {
      connection: queueConnection(this.config),
      prefix: bullPrefix(this.config),
      defaultJobOptions: {
        attempts: this.config.applyAttempts,
        backoff: { type: 'exponential', delay: this.config.retryBaseMs, jitter: 0.5 },
        removeOnComplete: KEEP_COMPLETED,
        removeOnFail: KEEP_FAILED,
      },
    });
    // Connection errors: readiness and flotilla_redis_up report an outage; a failed add reaches its caller.
    queue.on('error', (error) => this.logger.debug({ queue: name, err: error }, 'queue connection error'));
    this.queues.set(name, queue);
    return queue;
  }

  /**
   * Adds a job; a job id that exists (waiting, active, completed and kept) makes this a no-op,
   * which is how jobs deduplicate. BullMQ waits for a connection instead of failing, so the add
   * is bounded: after ADD_TIMEOUT_MS it fails with 503 (Redis unreachable).
   */
  async add(name: QueueName, jobName: string, data: object, options: JobsOptions): Promise<void> {
    const settled = await settleWithin(this.queue(name).add(jobName, data, options), ADD_TIMEOUT_MS);
    if (settled.outcome === 'failed') throw settled.error;
    if (settled.outcome === 'timeout') throw new ServiceUnavailableException(`the ${name} queue did not answer within ${ADD_TIMEOUT_MS} ms (is Redis reachable?)`);
  }

}

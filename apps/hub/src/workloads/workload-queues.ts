import { Inject, Injectable, Logger } from '@nestjs/common';
import { type JobsOptions, Queue } from 'bullmq';
import type { Config } from '../../../../libs/config/src/index.ts';
import { HUB_CONFIG } from '../config/hub-config.token.ts';
import { ShutdownCoordinator } from '../shutdown/shutdown-coordinator.ts';
import { type QueueName, QUEUE_NAMES } from './workload-jobs.ts';

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

/** How long completed jobs are kept (for listing and deduplication), and how many failed ones. */
const KEEP_COMPLETED = { age: 3600, count: 5000 };
const KEEP_FAILED = { count: 10_000 };

/**
 * The three queues of the workload pipeline. Jobs retry transient failures with exponential
 * backoff and jitter (FLOTILLA_APPLY_ATTEMPTS, FLOTILLA_RETRY_BASE_MS); failed jobs are kept.
 */
@Injectable()
export class WorkloadQueues {
  readonly queues: ReadonlyMap<QueueName, Queue>;

  private readonly logger = new Logger('Queues');

  constructor(@Inject(HUB_CONFIG) config: Config, shutdown: ShutdownCoordinator) {
    const map = new Map<QueueName, Queue>();
    for (const name of QUEUE_NAMES) {
      const queue = new Queue(name, {
          connection: queueConnection(config),
          prefix: bullPrefix(config),
          defaultJobOptions: {
            attempts: config.applyAttempts,
            backoff: { type: 'exponential', delay: config.retryBaseMs, jitter: 0.5 },
            removeOnComplete: KEEP_COMPLETED,
            removeOnFail: KEEP_FAILED,
          },
        });
      // Connection errors: readiness and flotilla_redis_up report an outage; a failed add reaches its caller.
      queue.on('error', (error) => this.logger.debug({ queue: name, err: error }, 'queue connection error'));
      map.set(name, queue);
    }
    this.queues = map;
    // Closed after the workers drained: their jobs add follow-up jobs until the end.
    shutdown.registerRelease({ name: 'bullmq queues', release: async () => void (await Promise.all([...map.values()].map((queue) => queue.close()))) });
  }

  queue(name: QueueName): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`no queue ${name}`);
    return queue;
  }

  /** Adds a job; a job id that exists (waiting, active, completed and kept) makes this a no-op, which is how jobs deduplicate. */
  async add(name: QueueName, jobName: string, data: object, options: JobsOptions): Promise<void> {
    await this.queue(name).add(jobName, data, options);
  }
}

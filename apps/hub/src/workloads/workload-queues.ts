import { Inject, Injectable } from '@nestjs/common';
import { type JobsOptions, Queue } from 'bullmq';
import type { Config } from '../../../../libs/config/src/index.ts';
import { HUB_CONFIG } from '../config/hub-config.token.ts';
import { ShutdownCoordinator } from '../shutdown/shutdown-coordinator.ts';
import { type QueueName, QUEUE_NAMES } from './workload-jobs.ts';

/** BullMQ's key prefix for this hub's queues. */
export const bullPrefix = (config: Config): string => `${config.keyPrefix}:bull`;

/** Connection options for BullMQ (it opens its own connections; workers need blocking ones). */
export function bullConnection(config: Config): { url: string; maxRetriesPerRequest: null; connectionName: string } {
  return { url: config.redisUrl, maxRetriesPerRequest: null, connectionName: 'flotilla-bullmq' };
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

  constructor(@Inject(HUB_CONFIG) config: Config, shutdown: ShutdownCoordinator) {
    const map = new Map<QueueName, Queue>();
    for (const name of QUEUE_NAMES) {
      map.set(
        name,
        new Queue(name, {
          connection: bullConnection(config),
          prefix: bullPrefix(config),
          defaultJobOptions: {
            attempts: config.applyAttempts,
            backoff: { type: 'exponential', delay: config.retryBaseMs, jitter: 0.5 },
            removeOnComplete: KEEP_COMPLETED,
            removeOnFail: KEEP_FAILED,
          },
        }),
      );
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

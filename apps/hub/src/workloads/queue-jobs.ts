import { NotFoundException } from '@nestjs/common';
import type { Job } from 'bullmq';
import { ValidationError } from '../../../../libs/errors/src/index.ts';
import { type QueueName, QUEUE_NAMES } from './workload-jobs.ts';
import type { WorkloadQueues } from './workload-queues.ts';

export const JOB_STATES = ['waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** A job as the API shows it (REST and GraphQL). */
export interface JobView {
  readonly id: string;
  readonly queue: string;
  readonly name: string;
  readonly data: unknown;
  readonly priority: number;
  readonly attemptsMade: number;
  readonly attempts: number;
  readonly failedReason?: string;
  readonly createdAt: string;
  readonly processedAt?: string;
  readonly finishedAt?: string;
  readonly returnValue?: unknown;
}

const iso = (ms: number | undefined): string | undefined => (ms ? new Date(ms).toISOString() : undefined);

export function toJobView(queue: string, job: Job): JobView {
  const processedAt = iso(job.processedOn);
  const finishedAt = iso(job.finishedOn);
  return {
    id: String(job.id),
    queue,
    name: job.name,
    data: job.data as unknown,
    priority: job.opts.priority ?? 0,
    attemptsMade: job.attemptsMade,
    attempts: job.opts.attempts ?? 1,
    ...(job.failedReason ? { failedReason: job.failedReason } : {}),
    createdAt: new Date(job.timestamp).toISOString(),
    ...(processedAt ? { processedAt } : {}),
    ...(finishedAt ? { finishedAt } : {}),
    ...(job.returnvalue === undefined || job.returnvalue === null ? {} : { returnValue: job.returnvalue as unknown }),
  };
}

/** The queue of that name; 404 naming the queues there are otherwise. */
export function queueName(value: string): QueueName {
  if ((QUEUE_NAMES as readonly string[]).includes(value)) return value as QueueName;
  throw new NotFoundException(`no queue ${value}; queues are ${QUEUE_NAMES.join(', ')}`);
}

/** Job counts per state of every queue. */
export async function queueCounts(queues: WorkloadQueues): Promise<{ name: string; counts: Record<string, number> }[]> {
  return Promise.all(QUEUE_NAMES.map(async (name) => ({ name, counts: await queues.queue(name).getJobCounts(...JOB_STATES) })));
}

/** Up to `count` jobs of one queue in one state. */
export async function listJobs(queues: WorkloadQueues, queue: string, state: JobState, count: number): Promise<JobView[]> {
  const name = queueName(queue);
  const jobs = await queues.queue(name).getJobs([state], 0, count - 1);
  return jobs.filter((j): j is Job => j !== undefined).map((j) => toJobView(name, j));
}

/** Runs a failed job again: 404 for an unknown job, 400 naming `id` for one that has not failed. */
export async function retryFailedJob(queues: WorkloadQueues, queue: string, id: string): Promise<JobView> {
  const name = queueName(queue);
  const job = await queues.queue(name).getJob(id);
  if (!job) throw new NotFoundException(`no job ${id} in queue ${name}`);
  if (!(await job.isFailed())) throw new ValidationError([{ name: 'id', reason: 'only a failed job can be retried' }]);
  await job.retry('failed');
  return toJobView(name, job);
}

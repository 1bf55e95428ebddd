import { Controller, Get, HttpCode, NotFoundException, Param, Post, Query } from '@nestjs/common';
import type { Job } from 'bullmq';
import { ValidationError } from '../../../../libs/errors/src/index.ts';
import { Store } from '../../../../libs/store/src/index.ts';
import { CLEANUP_KIND } from '../../../../libs/workloads/src/index.ts';
import type { CleanupPending } from './cleanup-processor.ts';
import { type QueueName, QUEUE_NAMES } from './workload-jobs.ts';
import { WorkloadQueues } from './workload-queues.ts';
import { Access } from '../auth/access.ts';

const STATES = ['waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed'] as const;
type State = (typeof STATES)[number];

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

function toJobView(queue: string, job: Job): JobView {
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

function queueName(value: string): QueueName {
  if ((QUEUE_NAMES as readonly string[]).includes(value)) return value as QueueName;
  throw new NotFoundException(`no queue ${value}; queues are ${QUEUE_NAMES.join(', ')}`);
}

/** The job queues: depth per state, jobs by state (failed jobs are kept), and retry of a failed job. Pending cleanups too. */
@Controller('api/v1')
export class QueuesController {
  constructor(
    private readonly queues: WorkloadQueues,
    private readonly store: Store,
  ) {}

  @Access('viewer')
  @Get('queues')
  async list(): Promise<{ items: { name: string; counts: Record<string, number> }[] }> {
    const items = await Promise.all(QUEUE_NAMES.map(async (name) => ({ name, counts: await this.queues.queue(name).getJobCounts(...STATES) })));
    return { items };
  }

  @Access('admin')
  @Get('queues/:queue/jobs')
  async jobs(@Param('queue') queue: string, @Query('state') state: unknown, @Query('limit') limit: unknown): Promise<{ items: JobView[] }> {
    const name = queueName(queue);
    const issues: { name: string; reason: string }[] = [];
    const wanted = state === undefined ? 'failed' : state;
    if (typeof wanted !== 'string' || !(STATES as readonly string[]).includes(wanted)) issues.push({ name: 'state', reason: `must be one of ${STATES.join(', ')}` });
    const count = limit === undefined ? 100 : typeof limit === 'string' && /^\d{1,4}$/.test(limit) ? Number(limit) : NaN;
    if (!(count >= 1 && count <= 1000)) issues.push({ name: 'limit', reason: 'must be an integer between 1 and 1000' });
    if (issues.length > 0) throw new ValidationError(issues);
    const jobs = await this.queues.queue(name).getJobs([wanted as State], 0, count - 1);
    return { items: jobs.filter((j): j is Job => j !== undefined).map((j) => toJobView(name, j)) };
  }

  @Access('admin')
  @Post('queues/:queue/jobs/:id/retry')
  @HttpCode(202)
  async retry(@Param('queue') queue: string, @Param('id') id: string): Promise<JobView> {
    const name = queueName(queue);
    const job = await this.queues.queue(name).getJob(id);
    if (!job) throw new NotFoundException(`no job ${id} in queue ${name}`);
    if (!(await job.isFailed())) throw new ValidationError([{ name: 'id', reason: 'only a failed job can be retried' }]);
    await job.retry('failed');
    return toJobView(name, job);
  }

  @Access('admin')
  @Get('cleanups')
  async cleanups(): Promise<{ items: CleanupPending[] }> {
    return { items: (await this.store.list<CleanupPending>(CLEANUP_KIND)).map((r) => r.data) };
  }
}

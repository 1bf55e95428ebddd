import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ValidationError } from '../../../../libs/errors/src/index.ts';
import { Store } from '../../../../libs/store/src/index.ts';
import { CLEANUP_KIND } from '../../../../libs/workloads/src/index.ts';
import type { CleanupPending } from './cleanup-processor.ts';
import { JOB_STATES, type JobState, type JobView, listJobs, queueCounts, queueName, retryFailedJob } from './queue-jobs.ts';
import { WorkloadQueues } from './workload-queues.ts';
import { Access } from '../auth/access.ts';

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
    return { items: await queueCounts(this.queues) };
  }

  @Access('admin')
  @Get('queues/:queue/jobs')
  async jobs(@Param('queue') queue: string, @Query('state') state: unknown, @Query('limit') limit: unknown): Promise<{ items: JobView[] }> {
    queueName(queue);
    const issues: { name: string; reason: string }[] = [];
    const wanted = state === undefined ? 'failed' : state;
    if (typeof wanted !== 'string' || !(JOB_STATES as readonly string[]).includes(wanted)) issues.push({ name: 'state', reason: `must be one of ${JOB_STATES.join(', ')}` });
    const count = limit === undefined ? 100 : typeof limit === 'string' && /^\d{1,4}$/.test(limit) ? Number(limit) : NaN;
    if (!(count >= 1 && count <= 1000)) issues.push({ name: 'limit', reason: 'must be an integer between 1 and 1000' });
    if (issues.length > 0) throw new ValidationError(issues);
    return { items: await listJobs(this.queues, queue, wanted as JobState, count) };
  }

  @Access('admin')
  @Post('queues/:queue/jobs/:id/retry')
  @HttpCode(202)
  async retry(@Param('queue') queue: string, @Param('id') id: string): Promise<JobView> {
    return retryFailedJob(this.queues, queue, id);
  }

  @Access('admin')
  @Get('cleanups')
  async cleanups(): Promise<{ items: CleanupPending[] }> {
    return { items: (await this.store.list<CleanupPending>(CLEANUP_KIND)).map((r) => r.data) };
  }
}

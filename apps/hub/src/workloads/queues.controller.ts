import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import type { Job } from 'bullmq';
import { type InvalidParam, ValidationError } from '../../../../libs/errors/src/index.ts';
import { collectPageRequest, encodeContinue, type Page, queryDigest } from '../../../../libs/paging/src/index.ts';
import { Store } from '../../../../libs/store/src/index.ts';
import { CLEANUP_KIND } from '../../../../libs/workloads/src/index.ts';
import type { CleanupPending } from './cleanup-processor.ts';
import { QUEUE_NAMES } from './workload-jobs.ts';
import { JOB_STATES, type JobState, type JobView, queueCounts, queueName, retryFailedJob, toJobView } from './queue-jobs.ts';
import { WorkloadQueues } from './workload-queues.ts';
import { Access } from '../auth/access.ts';
import { ApiAnswer, ApiList, ApiProblems, schemaRef } from '../openapi/api-docs.ts';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { jobIdPage, jobPosition } from './job-id-page.ts';

const JOBS_DEFAULT_LIMIT = 100;

/** The job queues: depth per state, jobs by state (failed jobs are kept), and retry of a failed job. Pending cleanups too. */
@ApiTags('queues')
@ApiParam({ name: 'queue', enum: QUEUE_NAMES, description: 'The queue.' })
@Controller('api/v1')
export class QueuesController {
  constructor(
    private readonly queues: WorkloadQueues,
    private readonly store: Store,
  ) {}

  @Access('viewer')
  @ApiOperation({ summary: 'Queues and their depth per state' })
  @ApiAnswer(200, schemaRef('Queues'), 'Every queue.')
  @Get('queues')
  async list(): Promise<{ items: { name: string; counts: Record<string, number> }[] }> {
    return { items: await queueCounts(this.queues) };
  }

  /** Newest first as BullMQ orders each state; positions as {@link jobIdPage} explains. */
  @Access('admin')
  @ApiOperation({ summary: 'Jobs of a queue in one state' })
  @ApiList('Job', 'One page of jobs.', { defaultLimit: JOBS_DEFAULT_LIMIT, filters: [{ name: 'state', description: 'The state to list.', schema: { type: 'string', enum: JOB_STATES, default: 'failed' } }] })
  @ApiProblems(404)
  @Get('queues/:queue/jobs')
  async jobs(@Param('queue') queue: string, @Query('state') state: unknown, @Query('limit') limit: unknown, @Query('continue') token: unknown): Promise<Page<JobView>> {
    const name = queueName(queue);
    const invalid: InvalidParam[] = [];
    const wanted = state === undefined ? 'failed' : state;
    if (typeof wanted !== 'string' || !(JOB_STATES as readonly string[]).includes(wanted)) invalid.push({ name: 'state', reason: `must be one of ${JOB_STATES.join(', ')}` });
    const digest = queryDigest({ list: 'jobs', queue: name, state: typeof wanted === 'string' ? wanted : undefined });
    const page = collectPageRequest(invalid, limit, token, digest, JOBS_DEFAULT_LIMIT);
    const position = page.after === undefined ? undefined : jobPosition(page.after);
    if (page.after !== undefined && position === undefined) invalid.push({ name: 'query.continue', reason: 'is not a continue token this hub gave' });
    if (invalid.length > 0) throw new ValidationError(invalid);
    const bull = this.queues.queue(name);
    const { ids, next } = await jobIdPage((start, end) => bull.getRanges([wanted as JobState], start, end), page, position);
    // A job removed between the two reads is left out.
    const jobs = await Promise.all(ids.map((id) => bull.getJob(id)));
    return { items: jobs.filter((j): j is Job => j !== undefined).map((j) => toJobView(name, j)), metadata: next === undefined ? {} : { continue: encodeContinue(next, digest) } };
  }

  @Access('admin')
  @ApiOperation({ summary: 'Retry a failed job' })
  @ApiAnswer(202, schemaRef('Job'), 'Moved back to waiting.')
  @ApiProblems(400, 404)
  @Post('queues/:queue/jobs/:id/retry')
  @HttpCode(202)
  async retry(@Param('queue') queue: string, @Param('id') id: string): Promise<JobView> {
    return retryFailedJob(this.queues, queue, id);
  }

  @Access('admin')
  @ApiOperation({ summary: 'Cleanups still pending on members (copies of deleted workloads)' })
  @ApiAnswer(200, { type: 'object', required: ['items'], properties: { items: { type: 'array', items: schemaRef('Cleanup') } }, additionalProperties: false }, 'Pending cleanups.')
  @Get('cleanups')
  async cleanups(): Promise<{ items: CleanupPending[] }> {
    return { items: (await this.store.list<CleanupPending>(CLEANUP_KIND)).map((r) => r.data) };
  }
}

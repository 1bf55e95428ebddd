import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import { createHub, type Hub } from '../../apps/hub/src/create-hub.ts';
import { bullmqWorkerDrain } from '../../apps/hub/src/shutdown/bullmq-worker-drain.ts';
import { ShutdownCoordinator } from '../../apps/hub/src/shutdown/shutdown-coordinator.ts';
import { hubTestConfig } from './support/hub-config.ts';
import { LogLines } from './support/log-lines.ts';
import { statusOf } from './support/poll.ts';
import { deleteKeysWithPrefix, testPrefix } from './support/test-prefix.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

// A real BullMQ worker, on the shared Redis under this file's own prefix, with a job in flight
// when the hub shuts down.
describe('shutdown lets running jobs finish within SHUTDOWN_TIMEOUT_MS', () => {
  const prefix = testPrefix('drain');
  const logs = new LogLines();
  const connection = { url: REDIS_URL, maxRetriesPerRequest: null };
  let hub: Hub | undefined;
  let queue: Queue | undefined;
  let worker: Worker | undefined;

  afterEach(async () => {
    await hub?.close();
    await worker?.close();
    await queue?.close();
    hub = worker = queue = undefined;
    logs.clear();
  });

  afterAll(async () => {
    const redis = new Redis(REDIS_URL);
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
  });

  async function start(
    shutdownTimeoutMs: number,
    processor: (job: Job, token?: string, signal?: AbortSignal) => Promise<string>,
  ): Promise<{ url: string; jobStarted: Promise<void> }> {
    hub = await createHub(
      hubTestConfig({ FLOTILLA_KEY_PREFIX: prefix, SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs) }),
      { logDestination: logs },
    );
    const url = await hub.listen();
    const name = `drain-${shutdownTimeoutMs}`;
    queue = new Queue(name, { connection, prefix: `${prefix}:bull` });
    let markStarted: () => void = () => undefined;
    const jobStarted = new Promise<void>((resolve) => (markStarted = resolve));
    worker = new Worker(
      name,
      async (job, token, signal) => {
        markStarted();
        return processor(job, token, signal);
      },
      { connection, prefix: `${prefix}:bull` },
    );
    hub.app.get(ShutdownCoordinator).registerDrain(bullmqWorkerDrain(worker));
    return { url, jobStarted };
  }

  it('waits for a job in flight, then closes', async () => {
    const { url, jobStarted } = await start(5_000, async () => {
      await sleep(1_500);
      return 'finished';
    });
    const job = await queue!.add('work', { n: 1 });
    await jobStarted;

    const started = Date.now();
    await hub!.close();
    const took = Date.now() - started;
    hub = undefined;

    expect(took).toBeGreaterThanOrEqual(1_000);
    expect(took).toBeLessThan(5_000);
    expect(await queue!.getJobState(job.id!)).toBe('completed');
    expect((await queue!.getJob(job.id!))?.returnvalue).toBe('finished');
    expect(await statusOf(`${url}/livez`)).toBe(0);
    expect(logs.lines.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['shutting down: readiness now reports 503', 'waiting for running jobs to finish', 'all running jobs finished', 'shutdown complete']),
    );
  });

  it('stops waiting at the bound, signals the job to abort, and leaves it for another worker', async () => {
    let sawAbort = false;
    let jobDone: () => void = () => undefined;
    const jobFinished = new Promise<void>((resolve) => (jobDone = resolve));
    const { jobStarted } = await start(500, async (_job, _token, signal) => {
      signal?.addEventListener('abort', () => (sawAbort = true));
      // Ignores the abort on purpose: the hub must not wait for it past the grace period.
      await sleep(4_000);
      jobDone();
      return 'too late';
    });
    const job = await queue!.add('slow', { n: 2 });
    await jobStarted;

    const started = Date.now();
    await hub!.close();
    const took = Date.now() - started;
    hub = undefined;

    // 500 ms bound plus at most 1 s for aborted work to notice.
    expect(took).toBeGreaterThanOrEqual(450);
    expect(took).toBeLessThan(2_500);
    expect(sawAbort).toBe(true);
    expect(await queue!.getJobState(job.id!)).toBe('active');
    expect(logs.lines.map((line) => line.msg)).toEqual(
      expect.arrayContaining([
        'jobs still running after SHUTDOWN_TIMEOUT_MS: aborting them; they will run again elsewhere',
        'abandoning work that did not stop',
        'shutdown complete',
      ]),
    );
    await jobFinished;
  });
});

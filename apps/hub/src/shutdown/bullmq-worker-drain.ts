import type { Worker } from 'bullmq';
import type { DrainParticipant } from './drain-participant.ts';

/**
 * Drains a BullMQ worker on shutdown: `close()` stops fetching jobs and waits for the active
 * ones; past the bound, their processors' AbortSignal fires. A job that still does not stop
 * keeps its lock until it expires, then BullMQ hands it to another worker as stalled.
 */
export function bullmqWorkerDrain(worker: Worker): DrainParticipant {
  return {
    name: `bullmq:${worker.name}`,
    drain: () => worker.close(),
    abort: () => worker.cancelAllJobs('hub shutting down'),
  };
}

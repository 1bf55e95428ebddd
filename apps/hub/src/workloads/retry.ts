import type { JobsOptions } from 'bullmq';

/** Backoff type of cleanup jobs: exponential from FLOTILLA_RETRY_BASE_MS, capped at FLOTILLA_CLEANUP_RETRY_MAX_MS, with jitter. */
export const CAPPED_BACKOFF = 'capped-exponential';

/** Cleanups of an unreachable member are retried until they succeed (a year of tries at a 30 s cap). */
export const cleanupRetry: Pick<JobsOptions, 'attempts' | 'backoff'> = { attempts: 1_000_000, backoff: { type: CAPPED_BACKOFF } };

/** Wait before try `attemptsMade + 1`: base × 2^(n-1), at most `maxMs`, minus up to half at random. */
export function cappedBackoff(attemptsMade: number, baseMs: number, maxMs: number, random = Math.random): number {
  const full = Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(30, attemptsMade - 1)));
  return Math.round(full * (1 - random() * 0.5));
}

import type { FailedCheck } from '../problems/not-ready-error.ts';

/** Names the failed checks of a terminus result (`{ error: { redis: { status, message } } }`). */
export function failedChecks(result: unknown): FailedCheck[] {
  if (typeof result !== 'object' || result === null || !('error' in result)) return [];
  const { error } = result;
  if (typeof error !== 'object' || error === null) return [];
  return Object.entries(error as Record<string, unknown>).map(([name, details]): FailedCheck => {
    const message: unknown = typeof details === 'object' && details !== null && 'message' in details ? details.message : undefined;
    return { name, reason: typeof message === 'string' && message !== '' ? message : 'down' };
  });
}

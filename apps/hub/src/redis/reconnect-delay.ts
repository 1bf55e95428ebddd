const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 5_000;

/**
 * ioredis retryStrategy: wait 100 ms before the first reconnection attempt, doubling up to
 * 5 s, with ±20 % jitter so that many hub replicas do not hit a recovering Redis in step.
 * Never gives up: a hub without Redis is useless, but a hub that stopped retrying is worse.
 */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, attempt - 1));
  return Math.min(MAX_DELAY_MS, Math.round(base * (0.8 + 0.4 * random())));
}

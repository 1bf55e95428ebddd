import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { maskUrlPassword } from '../../../../libs/config/src/index.ts';
import { reconnectDelay } from './reconnect-delay.ts';

/**
 * Opens the hub's command connection. It connects in the background and keeps reconnecting
 * forever; while Redis is away, commands fail after a couple of reconnection attempts instead
 * of queueing without limit, and readiness reports 503.
 */
export function createRedisClient(url: string): Redis {
  const logger = new Logger('Redis');
  const shownUrl = maskUrlPassword(url);
  const redis = new Redis(url, {
    connectionName: 'flotilla-hub',
    retryStrategy: reconnectDelay,
    // A store command should fail within a second or so during an outage, so that the API
    // answers 503 rather than hanging; BullMQ's blocking connections need null instead and
    // get their own connections.
    maxRetriesPerRequest: 2,
    connectTimeout: 5_000,
  });
  // Log changes of state, not every failed reconnection attempt of a long outage.
  let failing = false;
  redis.on('ready', () => {
    failing = false;
    logger.log({ url: shownUrl }, 'Redis connection ready');
  });
  redis.on('error', (error: Error) => {
    if (failing) {
      logger.debug({ url: shownUrl, err: error }, 'Redis still unreachable');
      return;
    }
    failing = true;
    logger.warn({ url: shownUrl, err: error }, 'Redis connection failed; reconnecting with backoff');
  });
  return redis;
}

/** Closes gracefully when connected (pending replies arrive), at once otherwise. */
export async function closeRedisClient(redis: Redis): Promise<void> {
  if (redis.status === 'ready') {
    try {
      await redis.quit();
      return;
    } catch {
      // Fall through: the connection went away while quitting.
    }
  }
  redis.disconnect();
}

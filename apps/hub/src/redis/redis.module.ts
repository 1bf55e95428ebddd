import { Global, Module } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { Config } from '../../../../libs/config/src/index.ts';
import { Store } from '../../../../libs/store/src/index.ts';
import { HUB_CONFIG } from '../config/hub-config.token.ts';
import { ShutdownCoordinator } from '../shutdown/shutdown-coordinator.ts';
import { closeRedisClient, createRedisClient } from './create-redis-client.ts';
import { RedisPersistenceCheck } from './redis-persistence-check.ts';
import { REDIS } from './redis.token.ts';

/** The shared Redis connection and the store on top of it. */
@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [HUB_CONFIG, ShutdownCoordinator],
      useFactory: (config: Config, shutdown: ShutdownCoordinator): Redis => {
        const redis = createRedisClient(config.redisUrl);
        // Closed by the coordinator after jobs have drained: they may still need Redis.
        shutdown.registerRelease({ name: 'redis', release: () => closeRedisClient(redis) });
        return redis;
      },
    },
    {
      provide: Store,
      inject: [REDIS, HUB_CONFIG],
      useFactory: (redis: Redis, config: Config): Store => new Store(redis, { prefix: config.keyPrefix }),
    },
    RedisPersistenceCheck,
  ],
  exports: [REDIS, Store],
})
export class RedisModule {}

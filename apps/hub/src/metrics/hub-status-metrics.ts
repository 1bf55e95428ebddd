import { Inject, Injectable } from '@nestjs/common';
import { Redis } from 'ioredis';
import { Gauge, Registry } from 'prom-client';
import { readBuildInfo } from '../build-info.ts';
import { REDIS } from '../redis/redis.token.ts';
import { METRICS_REGISTRY } from './metrics-registry.ts';

/** flotilla_build_info and flotilla_redis_up, both read when scraped. */
@Injectable()
export class HubStatusMetrics {
  constructor(@Inject(METRICS_REGISTRY) registry: Registry, @Inject(REDIS) redis: Redis) {
    const build = readBuildInfo();
    new Gauge({
      name: 'flotilla_build_info',
      help: 'Always 1; the labels say which Flotilla version runs on which Node.js.',
      labelNames: ['version', 'node'],
      registers: [registry],
    }).set({ version: build.version, node: build.node }, 1);
    new Gauge({
      name: 'flotilla_redis_up',
      help: '1 while the hub has a ready connection to Redis, else 0.',
      registers: [registry],
      collect() {
        this.set(redis.status === 'ready' ? 1 : 0);
      },
    });
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Redis } from 'ioredis';
import { REDIS } from '../redis/redis.token.ts';
import { ShutdownCoordinator } from '../shutdown/shutdown-coordinator.ts';

/** A dead Redis must turn readiness red quickly, well within a probe's own timeout. */
export const REDIS_PING_TIMEOUT_MS = 1_000;

/** The checks behind GET /readyz, as terminus health indicators. */
@Injectable()
export class Readiness {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly shutdown: ShutdownCoordinator,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  accepting() {
    const check = this.indicators.check('lifecycle');
    return this.shutdown.shuttingDown ? check.down({ message: 'shutting down' }) : check.up();
  }

  redisAnswers() {
    return this.indicators
      .check('redis')
      .attempt(async () => {
        await this.redis.ping();
      })
      .withTimeout(REDIS_PING_TIMEOUT_MS);
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { Config } from '../../../../libs/config/src/index.ts';
import type { PlacementHistoryEntry } from '../../../../libs/workloads/src/index.ts';
import { HUB_CONFIG } from '../config/hub-config.token.ts';
import { REDIS } from '../redis/redis.token.ts';

/** Entries kept per workload (the oldest are dropped). */
export const HISTORY_KEPT = 100;

/** The placement history of each workload: a capped Redis list, newest first. */
@Injectable()
export class PlacementHistory {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(HUB_CONFIG) private readonly config: Config,
  ) {}

  async append(workload: string, entry: PlacementHistoryEntry): Promise<void> {
    await this.redis.multi().lpush(this.key(workload), JSON.stringify(entry)).ltrim(this.key(workload), 0, HISTORY_KEPT - 1).exec();
  }

  async read(workload: string): Promise<PlacementHistoryEntry[]> {
    const raw = await this.redis.lrange(this.key(workload), 0, HISTORY_KEPT - 1);
    return raw.map((line) => JSON.parse(line) as PlacementHistoryEntry);
  }

  async forget(workload: string): Promise<void> {
    await this.redis.del(this.key(workload));
  }

  private key(workload: string): string {
    return `${this.config.keyPrefix}:placement-history:${workload}`;
  }
}

import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Redis } from 'ioredis';
import { appendOnlyFromConfigReply, appendOnlyFromInfo } from './append-only-status.ts';
import { REDIS } from './redis.token.ts';

/** Where the append-only setting was read from. */
export type AppendOnlySource = 'CONFIG GET appendonly' | 'INFO persistence';

/**
 * Warns when Redis runs without append-only persistence: the hub keeps desired state only in
 * Redis, so without AOF a Redis restart loses everything written since the last snapshot.
 * Checked whenever the connection becomes ready, since a restarted Redis may come back with a
 * different configuration.
 */
@Injectable()
export class RedisPersistenceCheck implements OnApplicationBootstrap {
  private readonly logger = new Logger('RedisPersistence');

  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  onApplicationBootstrap(): void {
    this.redis.on('ready', () => void this.check());
    if (this.redis.status === 'ready') void this.check();
  }

  /** Reads the setting and logs the outcome; never throws. */
  async check(): Promise<boolean | undefined> {
    try {
      const status = await this.readAppendOnly();
      if (status === undefined) {
        this.logger.warn('could not tell whether Redis append-only persistence is on (CONFIG and INFO gave no answer)');
        return undefined;
      }
      if (status.enabled) {
        this.logger.log({ source: status.source }, 'Redis append-only persistence is on');
      } else {
        this.logger.warn(
          { source: status.source, appendonly: 'no' },
          'Redis append-only persistence is OFF: desired state written since the last RDB snapshot would be lost if Redis restarts. ' +
            'Enable it with "CONFIG SET appendonly yes" followed by "CONFIG REWRITE", or start redis-server with --appendonly yes (appendonly yes in redis.conf).',
        );
      }
      return status.enabled;
    } catch (error) {
      this.logger.warn({ err: error }, 'could not check Redis persistence');
      return undefined;
    }
  }

  private async readAppendOnly(): Promise<{ enabled: boolean; source: AppendOnlySource } | undefined> {
    try {
      const enabled = appendOnlyFromConfigReply(await this.redis.config('GET', 'appendonly'));
      if (enabled !== undefined) return { enabled, source: 'CONFIG GET appendonly' };
    } catch (error) {
      // Managed Redis services often disable or rename CONFIG; INFO is almost always allowed.
      if (!(error instanceof Error && error.name === 'ReplyError')) throw error;
    }
    const enabled = appendOnlyFromInfo(await this.redis.info('persistence'));
    return enabled === undefined ? undefined : { enabled, source: 'INFO persistence' };
  }
}

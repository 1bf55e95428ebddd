import { afterEach, describe, expect, it } from '@jest/globals';
import { createHub, type Hub } from '../../apps/hub/src/create-hub.ts';
import { hubTestConfig } from './support/hub-config.ts';
import { LogLines } from './support/log-lines.ts';
import { RedisServerProcess } from './support/redis-server-process.ts';
import { testPrefix } from './support/test-prefix.ts';

// Each case runs its own redis-server, configured as the case needs.
describe('the hub checks Redis persistence at boot', () => {
  // One destination for the whole file: nestjs-pino keeps the first hub's root logger.
  const logs = new LogLines();
  let redis: RedisServerProcess | undefined;
  let hub: Hub | undefined;

  afterEach(async () => {
    await hub?.close();
    await redis?.stop();
    hub = undefined;
    redis = undefined;
    logs.clear();
  });

  async function boot(redisArgs: string[]): Promise<Record<string, unknown>> {
    redis = await RedisServerProcess.start(redisArgs);
    hub = await createHub(hubTestConfig({ FLOTILLA_KEY_PREFIX: testPrefix('persistence'), REDIS_URL: redis.url }), {
      logDestination: logs,
    });
    return logs.waitFor((line) => line.context === 'RedisPersistence');
  }

  it('warns, saying what would be lost and how to fix it, when append-only is off', async () => {
    const line = await boot(['--appendonly', 'no']);
    expect(line).toMatchObject({ level: 40, source: 'CONFIG GET appendonly', appendonly: 'no' });
    expect(line.msg).toContain('append-only persistence is OFF');
    expect(line.msg).toContain('would be lost if Redis restarts');
    expect(line.msg).toContain('CONFIG SET appendonly yes');
  });

  it('falls back to INFO persistence when CONFIG is disabled', async () => {
    const line = await boot(['--appendonly', 'no', '--rename-command', 'CONFIG', '']);
    expect(line).toMatchObject({ level: 40, source: 'INFO persistence', appendonly: 'no' });
  });

  it('only notes it when append-only is on', async () => {
    const line = await boot(['--appendonly', 'yes']);
    expect(line).toMatchObject({ level: 30, source: 'CONFIG GET appendonly', msg: 'Redis append-only persistence is on' });
    expect(logs.lines.filter((entry) => entry.level === 40 && entry.context === 'RedisPersistence')).toEqual([]);
  });

  it('reads the setting through INFO too when CONFIG is disabled and AOF is on', async () => {
    const line = await boot(['--appendonly', 'yes', '--rename-command', 'CONFIG', '']);
    expect(line).toMatchObject({ level: 30, source: 'INFO persistence' });
  });
});

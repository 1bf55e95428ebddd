import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHub, type Hub } from '../../apps/hub/src/create-hub.ts';
import { freePort } from './support/free-port.ts';
import { hubTestConfig } from './support/hub-config.ts';
import { LogLines } from './support/log-lines.ts';
import { pollUntil, statusOf } from './support/poll.ts';
import { RedisServerProcess } from './support/redis-server-process.ts';
import { testPrefix } from './support/test-prefix.ts';

// The hub talks to a redis-server of this test's own, which the test kills and restarts; the
// machine's shared Redis, used by other test files in parallel, is never touched.
describe('hub readiness follows Redis', () => {
  const logs = new LogLines();
  let redis: RedisServerProcess;
  let hub: Hub;
  let url: string;

  beforeAll(async () => {
    redis = await RedisServerProcess.start();
    hub = await createHub(hubTestConfig({ FLOTILLA_KEY_PREFIX: testPrefix('readiness'), REDIS_URL: redis.url }), {
      logDestination: logs,
    });
    url = await hub.listen();
  });

  afterAll(async () => {
    await hub?.close();
    await redis?.stop();
  });

  it('is ready while Redis answers', async () => {
    await pollUntil('/readyz 200', async () => (await statusOf(`${url}/readyz`)) === 200);
  });

  it('answers 503 problem+json while Redis is down, and stays live', async () => {
    await redis.kill();
    const took = await pollUntil('/readyz 503', async () => (await statusOf(`${url}/readyz`)) === 503);
    expect(took).toBeLessThan(5_000);

    const response = await fetch(`${url}/readyz`);
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    const body = (await response.json()) as { type: string; detail: string; checks: unknown };
    expect(body.type).toBe('https://flotilla.dev/problems/not-ready');
    expect(body.detail).toMatch(/^not ready: redis: /);
    expect(body.checks).toMatchObject({ status: 'error', error: { redis: { status: 'down' } }, info: { lifecycle: { status: 'up' } } });

    expect(await statusOf(`${url}/livez`)).toBe(200);
    expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/^flotilla_redis_up 0$/m);
    await logs.waitFor((line) => line.context === 'Redis' && line.msg === 'Redis connection failed; reconnecting with backoff');
  });

  it('is ready again once Redis is back on the same port', async () => {
    await redis.restart();
    const took = await pollUntil('/readyz 200 again', async () => (await statusOf(`${url}/readyz`)) === 200);
    // The reconnection backoff is capped at 5 s (plus jitter).
    expect(took).toBeLessThan(8_000);
    expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/^flotilla_redis_up 1$/m);
  });

  it('boots, stays live and reports not ready when Redis is unreachable from the start', async () => {
    const nothingThere = await freePort();
    const lonely = await createHub(
      hubTestConfig({ FLOTILLA_KEY_PREFIX: testPrefix('no-redis'), REDIS_URL: `redis://127.0.0.1:${nothingThere}` }),
      { logDestination: logs },
    );
    try {
      const lonelyUrl = await lonely.listen();
      expect(await statusOf(`${lonelyUrl}/livez`)).toBe(200);
      expect(await statusOf(`${lonelyUrl}/readyz`)).toBe(503);
    } finally {
      await lonely.close();
    }
  });
});

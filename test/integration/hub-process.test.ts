import { afterAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { freePort } from './support/free-port.ts';
import { HubProcess } from './support/hub-process.ts';
import { pollUntil, statusOf } from './support/poll.ts';
import { deleteKeysWithPrefix, testPrefix } from './support/test-prefix.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('the hub as a process (built output, as npm start runs it)', () => {
  const prefix = testPrefix('process');

  afterAll(async () => {
    const redis = new Redis(REDIS_URL);
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
  });

  it('refuses a bad variable with exit code 78 and one clear line on stderr', async () => {
    const hub = new HubProcess({ PORT: 'abc' });
    expect(await hub.exited).toEqual({ code: 78, signal: null });
    expect(hub.stderr).toBe('flotilla: invalid configuration: PORT must be an integer between 1 and 65535 (got "abc")\n');
    expect(hub.stdout).toEqual([]);
  });

  it('refuses to start without an OpenID Provider (FLOTILLA_OIDC_ISSUER is required)', async () => {
    // HubProcess passes the run's test provider unless told otherwise; empty counts as unset.
    const hub = new HubProcess({ FLOTILLA_OIDC_ISSUER: '' });
    expect(await hub.exited).toEqual({ code: 78, signal: null });
    expect(hub.stderr).toMatch(/^flotilla: invalid configuration: FLOTILLA_OIDC_ISSUER is required: it must be the issuer URL of the OpenID Provider[^\n]*\n$/);
    expect(hub.stdout).toEqual([]);
  });

  it('names every bad variable, one line each, without a stack trace or a secret', async () => {
    const hub = new HubProcess({ LOG_LEVEL: 'loud', REDIS_URL: 'http://:hunter2@redis:6379', SHUTDOWN_TIMEOUT_MS: '30s' });
    expect(await hub.exited).toEqual({ code: 78, signal: null });
    expect(hub.stderr.split('\n')).toEqual([
      'flotilla: invalid configuration: REDIS_URL must be a redis:// or rediss:// URL with a host, e.g. redis://:password@redis:6379/0 (got "http://:***@redis:6379")',
      'flotilla: invalid configuration: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace (got "loud")',
      'flotilla: invalid configuration: SHUTDOWN_TIMEOUT_MS must be an integer number of milliseconds between 0 and 600000 (got "30s")',
      '',
    ]);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('shuts down on %s and exits 0 within the bound', async (signal) => {
    const port = await freePort();
    const hub = new HubProcess({
      PORT: String(port),
      HOST: '127.0.0.1',
      REDIS_URL,
      FLOTILLA_KEY_PREFIX: prefix,
      SHUTDOWN_TIMEOUT_MS: '3000',
    });
    try {
      await hub.waitForLog((line) => line.msg === 'Flotilla hub listening');
      await pollUntil('/readyz 200', async () => (await statusOf(`http://127.0.0.1:${port}/readyz`)) === 200);

      const started = Date.now();
      hub.kill(signal);
      const exit = await hub.exited;
      const took = Date.now() - started;

      expect(exit).toEqual({ code: 0, signal: null });
      expect(took).toBeLessThan(3_000);
      expect(hub.stderr).toBe('');
      const lines = hub.stdout.map((raw) => JSON.parse(raw) as Record<string, unknown>);
      expect(lines.map((line) => line.msg)).toEqual(
        expect.arrayContaining(['shutting down: readiness now reports 503', 'shutdown complete']),
      );
      expect(await statusOf(`http://127.0.0.1:${port}/livez`)).toBe(0);
    } finally {
      hub.kill('SIGKILL');
    }
  });
});

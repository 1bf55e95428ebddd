import { beforeAll, describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseConfig, type Config } from '../../../../libs/config/src/index.ts';
import { ShutdownCoordinator } from './shutdown-coordinator.ts';

function config(shutdownTimeoutMs: number): Config {
  const parsed = parseConfig({ SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs), FLOTILLA_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`, FLOTILLA_OIDC_ISSUER: 'https://login.example.com' });
  if (!parsed.ok) throw new Error('bad test config');
  return parsed.config;
}

/** A release that notes when it ran. */
function record(events: string[], event: string): () => Promise<void> {
  return () => {
    events.push(event);
    return Promise.resolve();
  };
}

describe('ShutdownCoordinator', () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  it('reports shutting down from the first lifecycle hook on', () => {
    const coordinator = new ShutdownCoordinator(config(1000));
    expect(coordinator.shuttingDown).toBe(false);
    coordinator.onModuleDestroy();
    expect(coordinator.shuttingDown).toBe(true);
  });

  it('drains in parallel, then releases resources last registered first', async () => {
    const coordinator = new ShutdownCoordinator(config(1000));
    const events: string[] = [];
    const drain = (name: string, ms: number) => ({
      name,
      drain: async () => {
        events.push(`${name} draining`);
        await sleep(ms);
        events.push(`${name} drained`);
      },
    });
    coordinator.registerDrain(drain('slow', 60));
    coordinator.registerDrain(drain('fast', 10));
    const unregister = coordinator.registerDrain(drain('gone', 10));
    unregister();
    coordinator.registerRelease({ name: 'redis', release: record(events, 'redis closed') });
    coordinator.registerRelease({ name: 'queue', release: record(events, 'queue closed') });

    await coordinator.onApplicationShutdown('SIGTERM');

    expect(events).toEqual(['slow draining', 'fast draining', 'fast drained', 'slow drained', 'queue closed', 'redis closed']);
  });

  it('aborts what outlives the bound and still releases everything', async () => {
    const coordinator = new ShutdownCoordinator(config(50));
    const events: string[] = [];
    let stop: () => void = () => undefined;
    coordinator.registerDrain({
      name: 'stubborn',
      drain: () => new Promise<void>((resolve) => (stop = resolve)),
      abort: () => {
        events.push('aborted');
        stop();
      },
    });
    coordinator.registerDrain({ name: 'broken', drain: () => Promise.reject(new Error('boom')) });
    coordinator.registerRelease({ name: 'redis', release: () => Promise.reject(new Error('already gone')) });
    coordinator.registerRelease({ name: 'other', release: record(events, 'other closed') });

    const started = Date.now();
    await coordinator.onApplicationShutdown();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(events).toEqual(['aborted', 'other closed']);
  });
});

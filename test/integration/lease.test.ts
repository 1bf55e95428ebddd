import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { LeaderElector, RedisLease, type DemotionReason, type HeldLease } from '../../libs/lease/src/index.ts';
import { pollUntil } from './support/poll.ts';
import { RedisServerProcess } from './support/redis-server-process.ts';
import { deleteKeysWithPrefix, testPrefix } from './support/test-prefix.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

interface Candidate {
  elector: LeaderElector;
  elected: HeldLease[];
  demoted: DemotionReason[];
  signals: AbortSignal[];
}

function candidate(redis: Redis, prefix: string, holder: string, ttlMs: number): Candidate {
  const c: Candidate = { elected: [], demoted: [], signals: [], elector: undefined as unknown as LeaderElector };
  c.elector = new LeaderElector(new RedisLease(redis, { prefix, name: 'prober', holder, ttlMs }), {
    onElected: (lease, signal) => {
      c.elected.push(lease);
      c.signals.push(signal);
    },
    onDemoted: (_lease, reason) => c.demoted.push(reason),
  });
  return c;
}

describe('Redis lease with fencing tokens', () => {
  const prefix = testPrefix('lease');
  let redis: Redis;

  beforeAll(() => {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
  });

  afterAll(async () => {
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
  });

  it('has one holder at a time, and every new holder a larger token', async () => {
    const a = new RedisLease(redis, { prefix, name: 'basic', holder: 'hub-a', ttlMs: 5_000 });
    const b = new RedisLease(redis, { prefix, name: 'basic', holder: 'hub-b', ttlMs: 5_000 });
    const first = await a.tryAcquire();
    expect(first).toMatchObject({ holder: 'hub-a', key: `${prefix}:lease:basic` });
    expect(await b.tryAcquire()).toBeUndefined();
    expect(await a.tryAcquire()).toBeUndefined();
    expect(await redis.get(`${prefix}:lease:basic`)).toBe(first?.value);
    expect(await b.holder()).toMatchObject({ holder: 'hub-a', token: first?.token });

    expect(await b.release(first as HeldLease)).toBe(true); // releasing needs the value, not the holder object
    const second = await b.tryAcquire();
    expect(second?.token).toBe((first?.token ?? 0) + 1);
    expect(await a.renew(first as HeldLease)).toBe(false);
    expect(await a.release(first as HeldLease)).toBe(false);
    expect(await b.renew(second as HeldLease)).toBe(true);
    expect(await redis.pttl(`${prefix}:lease:basic`)).toBeGreaterThan(4_000);
  });

  it('expires without renewal, and the next holder is fenced ahead', async () => {
    const a = new RedisLease(redis, { prefix, name: 'expiry', holder: 'hub-a', ttlMs: 200 });
    const b = new RedisLease(redis, { prefix, name: 'expiry', holder: 'hub-b', ttlMs: 200 });
    const first = (await a.tryAcquire()) as HeldLease;
    await new Promise((resolve) => setTimeout(resolve, 300));
    const second = (await b.tryAcquire()) as HeldLease;
    expect(second.token).toBeGreaterThan(first.token);
    expect(await a.renew(first)).toBe(false);
  });

  it('elects exactly one of three, and another takes over at once when the leader stops', async () => {
    const candidates = ['hub-1', 'hub-2', 'hub-3'].map((holder) => candidate(redis, prefix, holder, 1_500));
    for (const c of candidates) c.elector.start();
    try {
      await pollUntil('a leader', () => Promise.resolve(candidates.some((c) => c.elected.length > 0)), 5_000, 20);
      await new Promise((resolve) => setTimeout(resolve, 1_600)); // renewals and takeover attempts go on
      const leaders = candidates.filter((c) => c.elector.leadership !== undefined);
      expect(leaders).toHaveLength(1);
      expect(candidates.flatMap((c) => c.elected)).toHaveLength(1);

      const leader = leaders[0] as Candidate;
      const stoppedAt = Date.now();
      await leader.elector.stop();
      expect(leader.demoted).toEqual(['stopped']);
      expect(leader.signals[0]?.aborted).toBe(true);
      const others = candidates.filter((c) => c !== leader);
      await pollUntil('a new leader', () => Promise.resolve(others.some((c) => c.elector.leadership !== undefined)), 5_000, 20);
      // Released on stop: taken within one interval (TTL / 3), not after the TTL.
      expect(Date.now() - stoppedAt).toBeLessThan(1_500);
      const next = others.find((c) => c.elector.leadership !== undefined) as Candidate;
      expect(next.elected[0]?.token).toBeGreaterThan(leader.elected[0]?.token ?? Infinity);
    } finally {
      await Promise.all(candidates.map((c) => c.elector.stop()));
    }
  });

  it('steps down before the lease can expire when Redis stops answering', async () => {
    const server = await RedisServerProcess.start();
    // No reconnection: once the server is gone every command fails at once.
    const own = new Redis(server.url, { maxRetriesPerRequest: 1, retryStrategy: () => null });
    own.on('error', () => undefined);
    const leader = candidate(own, prefix, 'hub-cut-off', 1_500);
    try {
      leader.elector.start();
      await pollUntil('leadership', () => Promise.resolve(leader.elector.leadership !== undefined), 5_000, 20);
      const electedAt = Date.now();
      await server.kill();
      await pollUntil('demotion', () => Promise.resolve(leader.demoted.length > 0), 5_000, 20);
      expect(leader.demoted).toEqual(['unconfirmed']);
      // Demoted before the TTL since the last renewal ran out: no moment with two leaders.
      expect(Date.now() - electedAt).toBeLessThan(1_500 + 500 + 100);
    } finally {
      await leader.elector.stop();
      own.disconnect();
      await server.stop();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import {
  AlreadyExistsError,
  NotFoundError,
  StaleWriteError,
  Store,
  type StoreOp,
} from '../../libs/store/src/index.ts';
import { deleteKeysWithPrefix, testPrefix } from './support/test-prefix.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('Store against the real Redis', () => {
  const prefix = testPrefix('store');
  let redis: Redis;
  let store: Store;
  let now = new Date('2026-11-28T10:00:00.000Z');

  beforeAll(() => {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
    store = new Store(redis, { prefix, clock: () => now });
  });

  afterAll(async () => {
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
  });

  it('creates at version 1, reads back, and refuses a second create', async () => {
    const key = { kind: 'cluster', id: 'c-create' };
    const created = await store.create(key, { zone: 'a' });
    expect(created).toEqual({ key, version: 1, updatedAt: now.toISOString(), data: { zone: 'a' } });
    expect(await store.get(key)).toEqual(created);
    expect(await redis.hget(`${prefix}:cluster:c-create`, 'version')).toBe('1');
    await expect(store.create(key, { zone: 'b' })).rejects.toThrow(AlreadyExistsError);
    expect((await store.get(key)).data).toEqual({ zone: 'a' });
  });

  it('bumps the version on put and refuses a stale write without changing the record', async () => {
    const key = { kind: 'cluster', id: 'c-stale' };
    await store.create(key, { n: 1 });
    now = new Date('2026-11-28T10:00:01.000Z');
    const second = await store.put(key, { n: 2 }, 1);
    expect(second).toMatchObject({ version: 2, updatedAt: '2026-11-28T10:00:01.000Z' });

    const stale = store.put(key, { n: 'lost update' }, 1);
    await expect(stale).rejects.toThrow(StaleWriteError);
    await expect(stale).rejects.toMatchObject({ key, expectedVersion: 1, actualVersion: 2 });
    expect(await store.get(key)).toEqual(second);
  });

  it('lets exactly one of 20 concurrent writers with the same expected version win', async () => {
    const key = { kind: 'workload', id: 'w-race' };
    await store.create(key, { writer: -1 });
    // Separate connections so the writes really race on the server, not in one socket's queue.
    const connections = Array.from({ length: 20 }, () => new Redis(REDIS_URL, { maxRetriesPerRequest: 2 }));
    try {
      const stores = connections.map((connection) => new Store(connection, { prefix }));
      const outcomes = await Promise.allSettled(stores.map((writer, i) => writer.put(key, { writer: i }, 1)));
      const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(refused).toHaveLength(19);
      for (const outcome of refused) {
        expect(outcome.reason).toBeInstanceOf(StaleWriteError);
        expect(outcome.reason).toMatchObject({ expectedVersion: 1, actualVersion: 2 });
      }
      const winner = won[0]?.status === 'fulfilled' ? won[0].value : undefined;
      expect(await store.get(key)).toEqual({ ...winner, updatedAt: expect.any(String) });
    } finally {
      await Promise.all(connections.map((connection) => connection.quit()));
    }
  });

  it('applies a multi-key transaction with one stale op not at all', async () => {
    const a = { kind: 'workload', id: 'tx-a' };
    const b = { kind: 'placement', id: 'tx-b' };
    const c = { kind: 'workload', id: 'tx-c' };
    await store.create(a, 'a1');
    await store.create(b, 'b1');
    await store.put(b, 'b2', 1);
    const before = await redis.dump(`${prefix}:workload:tx-a`);

    const ops: StoreOp[] = [
      { type: 'put', key: a, data: 'a2', expectedVersion: 1 },
      { type: 'put', key: b, data: 'b3', expectedVersion: 1 },
      { type: 'create', key: c, data: 'c1' },
    ];
    await expect(store.transact(ops)).rejects.toMatchObject({
      name: 'StaleWriteError',
      key: b,
      expectedVersion: 1,
      actualVersion: 2,
    });
    expect(await redis.dump(`${prefix}:workload:tx-a`)).toEqual(before);
    expect((await store.get(b)).version).toBe(2);
    expect(await store.find(c)).toBeUndefined();
    expect((await store.list('workload')).map((record) => record.key.id)).not.toContain('tx-c');
  });

  it('applies a multi-key transaction of creates, puts and deletes together', async () => {
    const a = { kind: 'cluster', id: 'tx2-a' };
    const b = { kind: 'cluster', id: 'tx2-b' };
    const c = { kind: 'cluster', id: 'tx2-c' };
    await store.create(a, 'a1');
    await store.create(b, 'b1');
    const results = await store.transact([
      { type: 'put', key: a, data: 'a2', expectedVersion: 1 },
      { type: 'delete', key: b, expectedVersion: 1 },
      { type: 'create', key: c, data: 'c1' },
    ]);
    expect(results.map((result) => result.type)).toEqual(['put', 'delete', 'create']);
    expect(await store.get(a)).toMatchObject({ version: 2, data: 'a2' });
    expect(await store.find(b)).toBeUndefined();
    expect(await store.get(c)).toMatchObject({ version: 1, data: 'c1' });
  });

  it('deletes only at the expected version and keeps the kind index in step', async () => {
    const key = { kind: 'secret-ref', id: 'd1' };
    await store.create(key, { n: 1 });
    await store.put(key, { n: 2 }, 1);
    await expect(store.delete(key, 1)).rejects.toThrow(StaleWriteError);
    expect((await store.list('secret-ref')).map((record) => record.key.id)).toEqual(['d1']);
    await store.delete(key, 2);
    await expect(store.get(key)).rejects.toThrow(NotFoundError);
    await expect(store.delete(key, 2)).rejects.toThrow(NotFoundError);
    await expect(store.put(key, { n: 3 }, 2)).rejects.toThrow(NotFoundError);
    expect(await store.list('secret-ref')).toEqual([]);
    expect(await redis.exists(`${prefix}:index:secret-ref`)).toBe(0);
  });

  it('lists a kind ordered by id, with nothing from other kinds', async () => {
    for (const id of ['m-3', 'm-1', 'm-2']) await store.create({ kind: 'member', id }, { id });
    await store.create({ kind: 'other', id: 'm-0' }, {});
    const listed = await store.list<{ id: string }>('member');
    expect(listed.map((record) => record.data.id)).toEqual(['m-1', 'm-2', 'm-3']);
    expect(listed.every((record) => record.version === 1)).toBe(true);
  });

  it('keeps every key under its prefix', async () => {
    const keys = await redis.keys(`${prefix}:*`);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((key) => /^test-store-[0-9a-f]{8}:(index:)?[a-z-]+:[A-Za-z0-9._-]+$/.test(key))).toBe(true);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { FencedWriteError, Store } from '../../libs/store/src/index.ts';
import { deleteKeysWithPrefix, testPrefix } from './support/test-prefix.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('Store guarded writes (fencing) against the real Redis', () => {
  const prefix = testPrefix('guard');
  let redis: Redis;
  let store: Store;
  const lease = () => `${prefix}:lease:prober`;
  const key = { kind: 'cluster-status', id: 'c1' };

  beforeAll(() => {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
    store = new Store(redis, { prefix });
  });

  afterAll(async () => {
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
  });

  it('writes while the guard key holds the value, and refuses everything once it does not', async () => {
    await redis.set(lease(), 'holder-1/1');
    const [created] = await store.transact([{ type: 'create', key, data: { n: 1 } }], { guard: { key: lease(), value: 'holder-1/1' } });
    expect(created).toMatchObject({ type: 'create', record: { version: 1 } });

    await redis.set(lease(), 'holder-2/2');
    const fenced = store.transact([{ type: 'put', key, data: { n: 'old leader' }, expectedVersion: 1 }], { guard: { key: lease(), value: 'holder-1/1' } });
    await expect(fenced).rejects.toThrow(FencedWriteError);
    expect((await store.get(key)).data).toEqual({ n: 1 });

    await redis.del(lease());
    await expect(
      store.transact([{ type: 'delete', key, expectedVersion: 1 }], { guard: { key: lease(), value: 'holder-1/1' } }),
    ).rejects.toThrow(FencedWriteError);
    expect(await store.find(key)).toBeDefined();
  });

  it('checks the guard before the versions, and both must pass', async () => {
    await redis.set(lease(), 'holder-3/3');
    const other = { kind: 'cluster-status', id: 'c2' };
    await store.create(other, { n: 1 });
    await expect(
      store.transact([{ type: 'put', key: other, data: { n: 2 }, expectedVersion: 5 }], { guard: { key: lease(), value: 'holder-3/3' } }),
    ).rejects.toMatchObject({ name: 'StaleWriteError' });
    const [written] = await store.transact([{ type: 'put', key: other, data: { n: 2 }, expectedVersion: 1 }], {
      guard: { key: lease(), value: 'holder-3/3' },
    });
    expect(written).toMatchObject({ record: { version: 2, data: { n: 2 } } });
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { FleetSnapshots } from '../../apps/hub/src/workloads/fleet-snapshots.ts';
import { CLUSTER_KIND, CLUSTER_STATUS_KIND, type ClusterRecord, type ClusterStatus } from '../../libs/clusters/src/index.ts';
import { Store } from '../../libs/store/src/index.ts';
import { deleteKeysWithPrefix, testPrefix } from './support/test-prefix.ts';

describe('FleetSnapshots (real Redis)', () => {
  const prefix = testPrefix('fleet-snapshots');
  let redis: Redis;
  let store: Store;

  const record = (name: string): ClusterRecord => ({
    spec: { name, server: `https://${name}.example:6443`, labels: { 'topology.kubernetes.io/zone': name }, taints: [], cordoned: false },
    credentials: { keyId: 'k', nonce: '', ciphertext: '', tag: '' } as unknown as ClusterRecord['credentials'],
    credentialType: 'token',
    createdAt: new Date().toISOString(),
    credentialsRotatedAt: new Date().toISOString(),
  });
  const ready = (): ClusterStatus => {
    const now = new Date().toISOString();
    return {
      conditions: [{ type: 'Ready', status: 'True', reason: 'Probed', message: 'ok', lastTransitionTime: now }] as unknown as ClusterStatus['conditions'],
      observedAt: now,
      consecutiveSuccesses: 1,
      consecutiveFailures: 0,
      fencingToken: 1,
    };
  };

  beforeAll(() => {
    redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    store = new Store(redis, { prefix });
  });

  afterAll(async () => {
    await deleteKeysWithPrefix(redis, prefix);
    redis.disconnect();
  });

  it('sees the first status of a newly registered cluster at once, not after the statuses cache expires', async () => {
    const snapshots = new FleetSnapshots(store, 60_000);
    await store.create({ kind: CLUSTER_KIND, id: 'old' }, record('old'));
    await store.create({ kind: CLUSTER_STATUS_KIND, id: 'old' }, ready());
    expect((await snapshots.current()).clusters.map((c) => [c.name, c.ready])).toEqual([['old', 'True']]);

    // Registered and probed within the cache's lifetime (200 ms).
    await store.create({ kind: CLUSTER_KIND, id: 'new' }, record('new'));
    const unprobed = await snapshots.current();
    expect(unprobed.clusters.find((c) => c.name === 'new')?.ready).not.toBe('True');
    await store.create({ kind: CLUSTER_STATUS_KIND, id: 'new' }, ready());
    expect((await snapshots.current()).clusters.find((c) => c.name === 'new')?.ready).toBe('True');
  });
});

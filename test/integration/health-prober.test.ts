import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import type { ProbeTarget } from '../../apps/hub/src/health-probe/cluster-targets.ts';
import { HealthProber, type ProberLogger } from '../../apps/hub/src/health-probe/health-prober.ts';
import type { ClusterProbeResult } from '../../apps/hub/src/health-probe/probe-cluster.ts';
import { ProberMetrics } from '../../apps/hub/src/health-probe/prober-metrics.ts';
import { CLUSTER_STATUS_KIND, type ClusterStatus } from '../../libs/clusters/src/index.ts';
import type { ProbePolicy, ReadyTransition } from '../../libs/health/src/index.ts';
import { RedisLease, type HeldLease } from '../../libs/lease/src/index.ts';
import { Store } from '../../libs/store/src/index.ts';
import { pollUntil } from './support/poll.ts';
import { deleteKeysWithPrefix, testPrefix } from './support/test-prefix.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const POLICY: ProbePolicy = { periodMs: 100, timeoutMs: 100, jitterRatio: 0, failureThreshold: 2, successThreshold: 2, staleAfterMs: 1_000, inventoryEvery: 10 };
const quiet: ProberLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };
const endpoint = { server: 'https://127.0.0.1:1', caPem: undefined, credentials: { type: 'token' as const, token: 't' } };

/** A probe that answers at once with whatever `health` says for the cluster; no network. */
function scriptedProbe(health: Map<string, boolean>) {
  return (probed: { endpoint: { server: string } }, _options: unknown, _signal: AbortSignal): Promise<ClusterProbeResult> => {
    const ok = health.get(probed.endpoint.server) ?? true;
    return Promise.resolve({
      outcome: ok ? { kind: 'success', message: '/readyz: ok' } : { kind: 'failure', reason: 'Unreachable', message: 'connection refused' },
      finishedAt: new Date(),
      inventoryComplete: false,
      problems: [],
      attempts: 1,
    });
  };
}

describe('HealthProber on the real Redis (scripted probes)', () => {
  const prefix = testPrefix('prober');
  let redis: Redis;
  let store: Store;

  beforeAll(() => {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
    store = new Store(redis, { prefix });
  });

  afterAll(async () => {
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
  });

  function prober(targets: () => ProbeTarget[], health: Map<string, boolean>, transitions: ReadyTransition[] = []) {
    const registry = new Registry();
    const metrics = new ProberMetrics(registry);
    const instance = new HealthProber({
      store,
      targets: { list: () => Promise.resolve(targets()) },
      policy: POLICY,
      concurrency: 4,
      metrics,
      logger: quiet,
      onTransition: (_target, transition) => {
        transitions.push(transition);
        return Promise.resolve();
      },
      probe: scriptedProbe(health),
    });
    return { instance, registry, metrics };
  }

  const statusOf = async (name: string) => (await store.find<ClusterStatus>({ kind: CLUSTER_STATUS_KIND, id: name }))?.data;

  it('writes statuses under its lease, and an old leader that kept running is fenced out', async () => {
    const health = new Map<string, boolean>();
    const targets = (): ProbeTarget[] => [{ name: 'c1', zone: 'a', endpoint: { ...endpoint, server: 'https://c1' } }];
    const leaseA = new RedisLease(redis, { prefix, name: 'fenced', holder: 'hub-a', ttlMs: 60_000 });
    const leaseB = new RedisLease(redis, { prefix, name: 'fenced', holder: 'hub-b', ttlMs: 60_000 });
    const heldA = (await leaseA.tryAcquire()) as HeldLease;
    const old = prober(targets, health);
    const stopOld = new AbortController();
    const oldRun = old.instance.lead(heldA, stopOld.signal);
    await pollUntil('a status from the first leader', async () => (await statusOf('c1'))?.fencingToken === heldA.token, 5_000, 20);

    // The lease passes to hub-b (hub-a paused past its TTL), but hub-a's prober never noticed.
    await redis.del(leaseA.key);
    const heldB = (await leaseB.tryAcquire()) as HeldLease;
    const next = prober(targets, health);
    const stopNext = new AbortController();
    const nextRun = next.instance.lead(heldB, stopNext.signal);
    try {
      // hub-a's next write is refused and its prober ends by itself; hub-b's writes carry its token.
      await oldRun;
      await pollUntil('a status from the new leader', async () => (await statusOf('c1'))?.fencingToken === heldB.token, 5_000, 20);
      const writesBefore = old.instance.counts.writes;
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(old.instance.counts.writes).toBe(writesBefore);
      expect((await statusOf('c1'))?.fencingToken).toBe(heldB.token);
      expect(heldB.token).toBeGreaterThan(heldA.token);
    } finally {
      stopOld.abort();
      stopNext.abort();
      await nextRun;
    }
  });

  it('moves Ready with the thresholds, emits transitions, and forgets a deregistered cluster', async () => {
    const health = new Map<string, boolean>([['https://c2', true]]);
    let listed: ProbeTarget[] = [{ name: 'c2', zone: 'b', endpoint: { ...endpoint, server: 'https://c2' } }];
    const transitions: ReadyTransition[] = [];
    const lease = new RedisLease(redis, { prefix, name: 'moves', holder: 'hub-a', ttlMs: 60_000 });
    const held = (await lease.tryAcquire()) as HeldLease;
    const { instance, registry } = prober(() => listed, health, transitions);
    const stop = new AbortController();
    const run = instance.lead(held, stop.signal);
    try {
      await pollUntil('Ready', async () => (await statusOf('c2'))?.conditions[0]?.status === 'True', 5_000, 20);
      health.set('https://c2', false);
      await pollUntil('not Ready', async () => (await statusOf('c2'))?.conditions[0]?.status === 'False', 5_000, 20);
      expect((await statusOf('c2'))?.consecutiveFailures).toBeGreaterThanOrEqual(2);
      expect(transitions.map((t) => `${t.from}->${t.to}`)).toEqual(['Unknown->True', 'True->False']);
      expect(await registry.metrics()).toContain('flotilla_cluster_ready{cluster="c2",zone="b"} 0');

      listed = [];
      await pollUntil('status removed', async () => (await statusOf('c2')) === undefined, 5_000, 20);
      await pollUntil('series removed', async () => !(await registry.metrics()).includes('cluster="c2"'), 5_000, 20);
    } finally {
      stop.abort();
      await run;
    }
  });

  it('shows Unknown/CredentialsUnavailable for a cluster whose credentials cannot be opened', async () => {
    const lease = new RedisLease(redis, { prefix, name: 'unknown', holder: 'hub-a', ttlMs: 60_000 });
    const held = (await lease.tryAcquire()) as HeldLease;
    const { instance } = prober(() => [{ name: 'c3', zone: 'c', unavailable: 'cannot decrypt the credentials of cluster "c3" (sealed with key "old")' }], new Map());
    const stop = new AbortController();
    const run = instance.lead(held, stop.signal);
    try {
      await pollUntil('Unknown', async () => (await statusOf('c3'))?.conditions[0]?.status === 'Unknown', 5_000, 20);
      expect((await statusOf('c3'))?.conditions[0]).toMatchObject({ reason: 'CredentialsUnavailable', message: expect.stringContaining('key "old"') as unknown });
    } finally {
      stop.abort();
      await run;
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AppsV1Api } from '@kubernetes/client-node';
import { Redis } from 'ioredis';
import { createHub, type Hub } from '../../apps/hub/src/create-hub.ts';
import { hubTestConfig } from '../integration/support/hub-config.ts';
import { LogLines } from '../integration/support/log-lines.ts';
import { pollUntil } from '../integration/support/poll.ts';
import { deleteKeysWithPrefix, testPrefix } from '../integration/support/test-prefix.ts';
import { Fleet } from './fleet.ts';
import type { MemberCluster } from './member-cluster.ts';

const FLEET_START_MS = 300_000;
const NS = 'failover';

interface View {
  placement?: { decision: { clusters: { name: string; replicas: number }[] } };
  status: { phase: string; summary: string };
}

const deployment = (name: string, replicas: number): Record<string, unknown> => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27', resources: { requests: { cpu: '100m', memory: '64Mi' } } }] } },
  },
});

describe('automatic failover on a real local fleet (three zones)', () => {
  const prefix = testPrefix('fleet-failover');
  const logs = new LogLines();
  let fleet: Fleet;
  let hub: Hub;
  let url: string;
  const members: Record<string, MemberCluster> = {};

  async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${url}${path}`, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
    const text = await response.text();
    return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
  }
  const view = async (name: string): Promise<View> => (await api('GET', `/api/v1/namespaces/${NS}/workloads/${name}`)).body as unknown as View;
  const placedOn = async (name: string): Promise<string[]> => ((await view(name)).placement?.decision.clusters ?? []).map((c) => c.name);
  const events = async (kind: string, name: string): Promise<{ reason: string; message: string; actor: string }[]> =>
    (await api('GET', `/api/v1/events?kind=${kind}&name=${name}`)).body.items as { reason: string; message: string; actor: string }[];

  beforeAll(async () => {
    fleet = await Fleet.start();
    for (const zone of ['a', 'b', 'c']) members[zone] = await fleet.addCluster({ name: `fo-${zone}`, zone, nodes: 1 });
    hub = await createHub(
      hubTestConfig({
        FLOTILLA_KEY_PREFIX: prefix,
        FLOTILLA_PROBE_PERIOD_MS: '500',
        FLOTILLA_PROBE_INVENTORY_EVERY: '1',
        FLOTILLA_RESYNC_PERIOD_MS: '2000',
        FLOTILLA_RETRY_BASE_MS: '100',
        FLOTILLA_CLEANUP_RETRY_MAX_MS: '1000',
        FLOTILLA_MEMBER_REQUEST_TIMEOUT_MS: '2000',
        FLOTILLA_FAILOVER_STABILIZATION_MS: '5000',
      }),
      { logDestination: logs },
    );
    url = await hub.listen();
    for (const zone of ['a', 'b', 'c']) {
      const m = members[zone] as MemberCluster;
      expect((await api('POST', '/api/v1/clusters', { name: m.name, server: m.server, caBundle: m.caPem, credentials: { type: 'token', token: m.token }, zone })).status).toBe(201);
    }
    await pollUntil(
      'three Ready clusters with capacity',
      async () => {
        const items = (await api('GET', '/api/v1/clusters')).body.items as { status: { ready: { status: string }; capacity?: unknown; apiGroups?: unknown } }[];
        return items.length === 3 && items.every((c) => c.status.ready.status === 'True' && c.status.capacity !== undefined && c.status.apiGroups !== undefined);
      },
      60_000,
    );
    for (const [name, priority] of [['critical-app', 'critical'], ['normal-app', 'normal']] as const) {
      const created = await api('POST', '/api/v1/workloads', {
        name,
        namespace: NS,
        tenant: 'team-a',
        manifests: [deployment(name, 3)],
        placement: { replicaScheduling: { type: 'Divided', divisionPreference: 'AvailableCapacity' } },
        priority,
        failover: { tolerationSeconds: 0, purgeMode: 'Immediate' },
      });
      expect(created.status).toBe(201);
    }
    await pollUntil('both Available in 3 clusters', async () => (await view('critical-app')).status.summary === 'Available 3/3 in 3 clusters' && (await view('normal-app')).status.summary === 'Available 3/3 in 3 clusters', 90_000, 250);
  }, FLEET_START_MS);

  afterAll(async () => {
    if (hub) {
      await hub.close();
      const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
      await deleteKeysWithPrefix(redis, prefix);
      redis.disconnect();
    }
    await fleet?.stop();
  }, 60_000);

  it('suspends failover when the hub is cut off from two of three clusters, and evicts nothing', async () => {
    const before = { critical: await placedOn('critical-app'), normal: await placedOn('normal-app') };
    const b = members.b as MemberCluster;
    const c = members.c as MemberCluster;
    await b.network.partition();
    await c.network.partition();
    try {
      await pollUntil('failover suspended', async () => (await events('Fleet', 'fleet')).some((e) => e.reason === 'FailoverSuspended'), 30_000, 250);
      // Well past every toleration (0 s): still nothing moved.
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      expect(await placedOn('critical-app')).toEqual(before.critical);
      expect(await placedOn('normal-app')).toEqual(before.normal);
      expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/^flotilla_failover_suspended 1$/m);
    } finally {
      await b.network.heal();
      await c.network.heal();
    }
    await pollUntil('failover resumed', async () => (await events('Fleet', 'fleet')).some((e) => e.reason === 'FailoverResumed'), 60_000, 250);
    expect(await placedOn('critical-app')).toEqual(before.critical);
  }, 120_000);

  it('fails workloads over from a killed cluster, and back once it is Ready and stable again', async () => {
    const a = members.a as MemberCluster;
    await a.kill();
    await pollUntil(
      'both failed over off fo-a and Available on the others',
      async () => {
        const [critical, normal] = [await view('critical-app'), await view('normal-app')];
        return [critical, normal].every((v) => !(v.placement?.decision.clusters ?? []).some((c) => c.name === 'fo-a') && v.status.phase === 'Available');
      },
      60_000,
      250,
    );
    const replicas = ((await view('critical-app')).placement?.decision.clusters ?? []).reduce((sum, c) => sum + c.replicas, 0);
    expect(replicas).toBe(3);
    const critical = await events('Workload', `${NS}/critical-app`);
    expect(critical.find((e) => e.reason === 'FailedOver')).toMatchObject({ actor: 'system:failover' });
    const history = (await api('GET', `/api/v1/namespaces/${NS}/workloads/critical-app/history`)).body.items as { reason: string }[];
    expect(history[0]?.reason).toBe('FailedOver');

    await a.start();
    await pollUntil('critical-app back on fo-a', async () => (await placedOn('critical-app')).includes('fo-a'), 90_000, 250);
    await pollUntil('critical-app Available in 3 clusters', async () => (await view('critical-app')).status.summary === 'Available 3/3 in 3 clusters', 60_000, 250);
    expect((await events('Workload', `${NS}/critical-app`)).some((e) => e.reason === 'FailedBack')).toBe(true);
    expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/^flotilla_failover_duration_seconds_count\{stateful="false"\} [1-9]/m);
  }, 240_000);

  it('fails over from a hung cluster (SIGSTOP), and completes a failover begun by a hub that then stopped', async () => {
    const b = members.b as MemberCluster;
    await pollUntil('everything back in 3 clusters', async () => (await view('normal-app')).status.summary === 'Available 3/3 in 3 clusters' && (await view('critical-app')).status.summary === 'Available 3/3 in 3 clusters', 90_000, 250);
    b.hang();
    try {
      // The first hub notices and starts; a second hub on the same Redis takes over the lease when it stops.
      await pollUntil('a failover off fo-b begun', async () => (await events('Workload', `${NS}/critical-app`)).some((e) => e.reason === 'FailedOver' && e.message.includes('fo-b')), 60_000, 100);
      await hub.close();
      hub = await createHub(hubTestConfig({ FLOTILLA_KEY_PREFIX: prefix, FLOTILLA_PROBE_PERIOD_MS: '500', FLOTILLA_PROBE_INVENTORY_EVERY: '1', FLOTILLA_RESYNC_PERIOD_MS: '2000', FLOTILLA_RETRY_BASE_MS: '100', FLOTILLA_CLEANUP_RETRY_MAX_MS: '1000', FLOTILLA_MEMBER_REQUEST_TIMEOUT_MS: '2000', FLOTILLA_FAILOVER_STABILIZATION_MS: '5000' }), { logDestination: logs });
      url = await hub.listen();
      await pollUntil(
        'both off fo-b and Available',
        async () => {
          const [critical, normal] = [await view('critical-app'), await view('normal-app')];
          return [critical, normal].every((v) => !(v.placement?.decision.clusters ?? []).some((c) => c.name === 'fo-b') && v.status.phase === 'Available');
        },
        60_000,
        250,
      );
      for (const name of ['critical-app', 'normal-app']) {
        const replicas = ((await view(name)).placement?.decision.clusters ?? []).reduce((sum, c) => sum + c.replicas, 0);
        expect(replicas).toBe(3);
        // Failed over once, not twice, across the two hubs.
        const history = (await api('GET', `/api/v1/namespaces/${NS}/workloads/${name}/history`)).body.items as { reason: string; summary: string }[];
        expect(history.filter((h) => h.reason === 'FailedOver' && h.summary.startsWith('failed over from fo-b'))).toHaveLength(1);
      }
    } finally {
      b.resume();
    }
  }, 240_000);

  it('never starts a second copy of a stateful workload until the operator forces it (no fence confirmed)', async () => {
    const created = await api('POST', '/api/v1/workloads', {
      name: 'db',
      namespace: NS,
      tenant: 'team-a',
      manifests: [
        {
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          metadata: { name: 'db' },
          spec: { replicas: 1, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'postgres:18', resources: { requests: { cpu: '100m' } } }] } } },
        },
      ],
      placement: { replicaScheduling: { type: 'Divided', divisionPreference: 'Aggregated' } },
      priority: 'critical',
      failover: { tolerationSeconds: 0, purgeMode: 'Immediate', failback: 'Never' },
    });
    expect(created.status).toBe(201);
    expect((created.body.spec as { failover: { stateful: boolean } }).failover.stateful).toBe(true);
    await pollUntil('db Available', async () => (await view('db')).status.phase === 'Available', 90_000, 250);
    const [home] = await placedOn('db');
    const victim = Object.values(members).find((m) => m.name === home) as MemberCluster;
    const others = Object.values(members).filter((m) => m.name !== home);
    const copiesOn = async (m: MemberCluster): Promise<boolean> => {
      try {
        await m.kubeConfig('token', 'direct').makeApiClient(AppsV1Api).readNamespacedStatefulSet({ namespace: NS, name: 'db' });
        return true;
      } catch {
        return false;
      }
    };
    await victim.kill();
    try {
      await pollUntil(`${home} not Ready`, async () => ((await api('GET', `/api/v1/clusters/${home}`)).body.status as { ready: { status: string } }).ready.status !== 'True', 30_000, 100);
      // Well past its toleration (0 s): the old copy may still be running, so no second one.
      for (let i = 0; i < 10; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(await placedOn('db')).toEqual([home]);
        for (const other of others) expect(await copiesOn(other)).toBe(false);
      }
      expect((await api('POST', `/api/v1/namespaces/${NS}/workloads/db/failover/force`)).status).toBe(200);
      await pollUntil('db failed over after the force', async () => !(await placedOn('db')).includes(home as string) && (await view('db')).status.phase === 'Available', 60_000, 250);
      const running = await Promise.all(others.map(copiesOn));
      expect(running.filter(Boolean)).toHaveLength(1);
    } finally {
      await victim.start();
    }
    // Purge Immediate: the old copy goes as soon as its member answers; never two copies left.
    await pollUntil(`old copy on ${home} removed`, async () => !(await copiesOn(victim)), 90_000, 250);
  }, 300_000);
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AppsV1Api } from '@kubernetes/client-node';
import { createHub, type Hub } from '../../apps/hub/src/create-hub.ts';
import { hubTestConfig } from '../integration/support/hub-config.ts';
import { LogLines } from '../integration/support/log-lines.ts';
import { pollUntil } from '../integration/support/poll.ts';
import { testPrefix } from '../integration/support/test-prefix.ts';
import { Fleet } from './fleet.ts';
import { closeHub, FAST_FAILOVER_ENV, HubApi, workloadDeployment } from './hub-on-fleet.ts';
import type { MemberCluster } from './member-cluster.ts';

const FLEET_START_MS = 300_000;
const NS = 'failover';

describe('automatic failover on a real local fleet (three zones)', () => {
  const prefix = testPrefix('fleet-failover');
  const logs = new LogLines();
  let fleet: Fleet;
  let hub: Hub | undefined;
  let hubApi: HubApi;
  const members: Record<string, MemberCluster> = {};
  const api = (method: string, path: string, body?: unknown): ReturnType<HubApi['call']> => hubApi.call(method, path, body);
  const view = (name: string): ReturnType<HubApi['view']> => hubApi.view(NS, name);
  const placedOn = async (name: string): Promise<string[]> => Object.keys(await hubApi.placement(NS, name));
  const events = (kind: string, name: string): ReturnType<HubApi['events']> => hubApi.events(kind, name);
  const url = (): string => hubApi.url;
  /** Waits until both apps run 3/3 on all three clusters; says where they are and what the failover controller holds when not. */
  const allInThreeClusters = async (timeoutMs: number): Promise<void> => {
    let seen = '';
    await pollUntil(
      'both apps Available 3/3 in 3 clusters',
      async () => {
        const views = await Promise.all(['critical-app', 'normal-app'].map(view));
        seen = JSON.stringify(views.map((v) => ({ summary: v.status.summary, placement: v.placement?.decision })));
        return views.every((v) => v.status.summary === 'Available 3/3 in 3 clusters');
      },
      timeoutMs,
      250,
    ).catch(async (error: unknown) => {
      const failover = (await api('GET', '/api/v1/failover')).body;
      const history = (await api('GET', `/api/v1/namespaces/${NS}/workloads/critical-app/history`)).body;
      throw new Error(`${String(error)}: ${seen}; failover: ${JSON.stringify({ clusters: failover.clusters, workloads: failover.workloads }).slice(0, 3000)}; critical-app history: ${JSON.stringify(history).slice(0, 2000)}`);
    });
  };

  beforeAll(async () => {
    fleet = await Fleet.start();
    for (const zone of ['a', 'b', 'c']) members[zone] = await fleet.addCluster({ name: `fo-${zone}`, zone, nodes: 1 });
    hub = await createHub(hubTestConfig({ FLOTILLA_KEY_PREFIX: prefix, ...FAST_FAILOVER_ENV }), { logDestination: logs });
    hubApi = new HubApi(await hub.listen());
    await hubApi.registerAndWaitReady(Object.values(members));
    for (const [name, priority] of [['critical-app', 'critical'], ['normal-app', 'normal']] as const) {
      const created = await api('POST', '/api/v1/workloads', {
        name,
        namespace: NS,
        tenant: 'team-a',
        manifests: [workloadDeployment(name, 3)],
        placement: { replicaScheduling: { type: 'Divided', divisionPreference: 'AvailableCapacity' } },
        priority,
        failover: { tolerationSeconds: 0, purgeMode: 'Immediate' },
      });
      expect(created.status).toBe(201);
    }
    await allInThreeClusters(90_000);
  }, FLEET_START_MS);

  afterAll(async () => {
    logs.keep('failover');
    await closeHub(hub, prefix);
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
      expect(await (await fetch(`${url()}/metrics`)).text()).toMatch(/^flotilla_failover_suspended 1$/m);
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
    expect(await (await fetch(`${url()}/metrics`)).text()).toMatch(/^flotilla_failover_duration_seconds_count\{stateful="false"\} [1-9]/m);
  }, 240_000);

  it('fails over from a hung cluster (SIGSTOP), and completes a failover begun by a hub that then stopped', async () => {
    const b = members.b as MemberCluster;
    await allInThreeClusters(90_000);
    b.hang();
    try {
      // The first hub notices and starts; a second hub on the same Redis takes over the lease when it stops.
      await pollUntil('a failover off fo-b begun', async () => (await events('Workload', `${NS}/critical-app`)).some((e) => e.reason === 'FailedOver' && e.message.includes('fo-b')), 60_000, 100);
      await hub?.close();
      hub = await createHub(hubTestConfig({ FLOTILLA_KEY_PREFIX: prefix, ...FAST_FAILOVER_ENV }), { logDestination: logs });
      hubApi.url = await hub.listen();
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
    const db = (image: string): Record<string, unknown> => ({
      name: 'db',
      namespace: NS,
      tenant: 'team-a',
      manifests: [
        {
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          metadata: { name: 'db' },
          spec: { replicas: 1, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image, resources: { requests: { cpu: '100m' } } }] } } },
        },
      ],
      placement: { replicaScheduling: { type: 'Divided', divisionPreference: 'Aggregated' } },
      priority: 'critical',
      failover: { tolerationSeconds: 0, purgeMode: 'Immediate', failback: 'Never' },
    });
    const created = await api('POST', '/api/v1/workloads', db('postgres:18'));
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
      // An update during the outage is placed, but leaving the failed cluster stays the failover controller's call.
      const updated = await api('PUT', `/api/v1/namespaces/${NS}/workloads/db`, db('postgres:18.1'));
      expect(updated.status).toBe(200);
      await pollUntil('generation 2 placed', async () => ((await api('GET', `/api/v1/namespaces/${NS}/workloads/db`)).body.placement as { generation: number }).generation === 2, 30_000, 250);
      for (let i = 0; i < 4; i += 1) {
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
  it('drains a cluster: everything moves off it, each old copy removed only once its replacement is Available; uncordon brings them back', async () => {
    // The stateful db of the last test would wait for a fence: out of this drain's way.
    expect((await api('DELETE', `/api/v1/namespaces/${NS}/workloads/db`)).status).toBe(202);
    await pollUntil('db deleted', async () => (await api('GET', `/api/v1/namespaces/${NS}/workloads/db`)).status === 404, 60_000, 250);
    await allInThreeClusters(120_000);
    const c = members.c as MemberCluster;
    const deploymentOn = async (m: MemberCluster, name: string): Promise<boolean> => {
      try {
        await m.kubeConfig('token', 'direct').makeApiClient(AppsV1Api).readNamespacedDeployment({ namespace: NS, name });
        return true;
      } catch {
        return false;
      }
    };
    const started = await api('POST', '/api/v1/clusters/fo-c/drain');
    expect(started.status).toBe(202);
    await pollUntil('the drain done', async () => (await api('GET', '/api/v1/clusters/fo-c/drain')).body.done === true, 60_000, 250);
    for (const name of ['critical-app', 'normal-app']) {
      expect(await placedOn(name)).not.toContain('fo-c');
      expect((await view(name)).status.phase).toBe('Available');
      const history = (await api('GET', `/api/v1/namespaces/${NS}/workloads/${name}/history`)).body.items as { reason: string }[];
      expect(history[0]?.reason).toBe('Drained');
      // Purge mode Immediate, but a drain keeps the copy until the replacement serves.
      const purge = (await events('Workload', `${NS}/${name}`)).find((e) => e.reason === 'Purging' && e.message.includes('fo-c'));
      expect(purge?.message).toContain('(ReplacementAvailable)');
      await pollUntil(`${name} removed from fo-c`, async () => !(await deploymentOn(c, name)), 30_000, 250);
    }
    expect((await api('GET', '/api/v1/clusters/fo-c')).body.spec).toMatchObject({ cordoned: true });

    expect((await api('POST', '/api/v1/clusters/fo-c/uncordon')).status).toBe(200);
    await pollUntil('the drain ended', async () => (await api('GET', '/api/v1/clusters/fo-c/drain')).status === 404, 10_000, 250);
    await pollUntil('both back on fo-c', async () => (await view('critical-app')).status.summary === 'Available 3/3 in 3 clusters' && (await view('normal-app')).status.summary === 'Available 3/3 in 3 clusters', 90_000, 250);
  }, 240_000);

  it('does not drag workloads back and forth with a cluster that flaps for two minutes', async () => {
    await allInThreeClusters(120_000);
    const b = members.b as MemberCluster;
    const moves = async (name: string): Promise<{ reason: string; summary: string }[]> =>
      ((await api('GET', `/api/v1/namespaces/${NS}/workloads/${name}/history`)).body.items as { reason: string; summary: string }[]).filter((h) => ['FailedOver', 'FailedBack'].includes(h.reason));
    const before = { critical: (await moves('critical-app')).length, normal: (await moves('normal-app')).length };
    const ends = Date.now() + 120_000;
    let cycles = 0;
    try {
      // Down 5 s (detected, past the correlation grace), up 3 s, for two minutes.
      while (Date.now() < ends) {
        await b.network.partition();
        await new Promise((resolve) => setTimeout(resolve, 5_000));
        await b.network.heal();
        await new Promise((resolve) => setTimeout(resolve, 3_000));
        cycles += 1;
      }
    } finally {
      await b.network.heal();
    }
    expect(cycles).toBeGreaterThanOrEqual(14);
    for (const [name, count] of [['critical-app', before.critical], ['normal-app', before.normal]] as const) {
      const during = (await moves(name)).slice(0, (await moves(name)).length - count);
      // At most one move off fo-b, and none back while it flaps: no oscillation.
      expect(during.filter((h) => h.reason === 'FailedOver').length).toBeLessThanOrEqual(1);
      expect(during.filter((h) => h.reason === 'FailedBack')).toEqual([]);
    }
    const health = ((await api('GET', '/api/v1/failover')).body.clusters as Record<string, { transitions: number[] }>)['fo-b'];
    expect(health?.transitions.length).toBeGreaterThanOrEqual(4);
  }, 300_000);
});

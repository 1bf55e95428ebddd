import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHub, type Hub } from '../../apps/hub/src/create-hub.ts';
import { hubTestConfig } from '../integration/support/hub-config.ts';
import { LogLines } from '../integration/support/log-lines.ts';
import { pollUntil } from '../integration/support/poll.ts';
import { testPrefix } from '../integration/support/test-prefix.ts';
import { Fleet } from './fleet.ts';
import { closeHub, FAST_FAILOVER_ENV, HubApi, workloadDeployment } from './hub-on-fleet.ts';
import type { MemberCluster } from './member-cluster.ts';

const FLEET_START_MS = 300_000;
const NS = 'failover-capacity';

/**
 * Three clusters of one 2-CPU node each, filled to the last CPU: critical (3 replicas), normal
 * (3) and low (6), one, one and two replicas per cluster. Kill one: the two survivors cannot
 * hold everything, so the low-priority workload gives room to the others.
 */
describe('failover when the survivors cannot hold everything (real local fleet, three full clusters)', () => {
  const prefix = testPrefix('fleet-failover-capacity');
  const logs = new LogLines();
  let fleet: Fleet;
  let hub: Hub | undefined;
  let hubApi: HubApi;
  const members: Record<string, MemberCluster> = {};
  const api = (method: string, path: string, body?: unknown): ReturnType<HubApi['call']> => hubApi.call(method, path, body);
  const view = (name: string): ReturnType<HubApi['view']> => hubApi.view(NS, name);
  const placed = (name: string): Promise<Record<string, number>> => hubApi.placement(NS, name);
  const events = (name: string): ReturnType<HubApi['events']> => hubApi.events('Workload', `${NS}/${name}`);

  beforeAll(async () => {
    fleet = await Fleet.start();
    for (const zone of ['a', 'b', 'c']) members[zone] = await fleet.addCluster({ name: `cap-${zone}`, zone, nodes: 1, nodeCapacity: { cpu: '2', memory: '8Gi', pods: '110' } });
    hub = await createHub(
      hubTestConfig({
        FLOTILLA_KEY_PREFIX: prefix,
        ...FAST_FAILOVER_ENV,
        // One failover every 3 s: the order in which they start (priority first) shows on the fleet.
        FLOTILLA_FAILOVER_EVICTION_BURST: '1',
        FLOTILLA_FAILOVER_EVICTION_INTERVAL_MS: '3000',
      }),
      { logDestination: logs },
    );
    hubApi = new HubApi(await hub.listen());
    await hubApi.registerAndWaitReady(Object.values(members));
    // One at a time, each Available before the next, so that each sees the room the last one took.
    for (const [name, priority, replicas] of [['crit', 'critical', 3], ['norm', 'normal', 3], ['low', 'low', 6]] as const) {
      const created = await api('POST', '/api/v1/workloads', {
        name,
        namespace: NS,
        tenant: 'team-a',
        manifests: [workloadDeployment(name, replicas, '500m')],
        placement: { replicaScheduling: { type: 'Divided', divisionPreference: 'AvailableCapacity' } },
        priority,
        failover: { tolerationSeconds: 0, purgeMode: 'Immediate' },
      });
      expect(created.status).toBe(201);
      await pollUntil(`${name} Available in 3 clusters`, async () => (await view(name)).status.summary === `Available ${replicas}/${replicas} in 3 clusters`, 90_000, 250);
    }
    expect(await placed('low')).toEqual({ 'cap-a': 2, 'cap-b': 2, 'cap-c': 2 });
  }, FLEET_START_MS);

  afterAll(async () => {
    await closeHub(hub, prefix);
    await fleet?.stop();
  }, 60_000);

  it('kills a cluster: critical first, then normal, Available on the survivors; low preempted with a reason; all restored when it is back', async () => {
    const a = members.a as MemberCluster;
    const t0 = Date.now();
    await a.kill();
    const availableAt: Record<string, number> = {};
    await pollUntil(
      'crit and norm off cap-a and Available',
      async () => {
        for (const name of ['crit', 'norm']) {
          if (availableAt[name] !== undefined) continue;
          const v = await view(name);
          const off = !(v.placement?.decision.clusters ?? []).some((c) => c.name === 'cap-a');
          if (off && v.status.phase === 'Available') availableAt[name] = Date.now() - t0;
        }
        return availableAt.crit !== undefined && availableAt.norm !== undefined;
      },
      60_000,
      100,
    );
    expect(availableAt.crit).toBeLessThanOrEqual(availableAt.norm as number);
    for (const name of ['crit', 'norm']) {
      const replicas = Object.values(await placed(name)).reduce((n, r) => n + r, 0);
      expect(replicas).toBe(3);
    }
    // Failed over in priority order, one every 3 s (the eviction rate limit).
    const failedOverAt = async (name: string): Promise<number> => Date.parse((await events(name)).find((e) => e.reason === 'FailedOver')?.time ?? 'x');
    expect(await failedOverAt('crit')).toBeLessThanOrEqual(await failedOverAt('norm'));

    // low gave two replicas on the survivors, and says for whom.
    const low = await placed('low');
    expect((low['cap-b'] ?? 0) + (low['cap-c'] ?? 0)).toBe(2);
    const preempted = (await events('low')).filter((e) => e.reason === 'Preempted');
    expect(preempted.length).toBeGreaterThanOrEqual(1);
    expect(preempted.map((e) => e.message).join('\n')).toMatch(/to make room for failover-capacity\/crit/);
    expect(preempted.every((e) => e.actor === 'system:failover')).toBe(true);
    const state = (await api('GET', '/api/v1/failover')).body.workloads as Record<string, { preempted: { reason: string; replicas: number }[] }>;
    expect(state[`${NS}/low`]?.preempted.reduce((n, p) => n + p.replicas, 0)).toBe(2);
    // Its own replicas on cap-a have nowhere to go: it waits, and says so, rather than drop them.
    await pollUntil('low says why its failover waits', async () => (await events('low')).some((e) => e.reason === 'FailoverWaiting' && e.message.includes('cap-a')), 10_000, 250);
    expect((await placed('low'))['cap-a']).toBe(2);

    // cap-a back: crit and norm fail back, and low gets its room back.
    await a.start();
    await pollUntil(
      'everything back in full on 3 clusters',
      async () =>
        (await view('crit')).status.summary === 'Available 3/3 in 3 clusters' &&
        (await view('norm')).status.summary === 'Available 3/3 in 3 clusters' &&
        (await view('low')).status.summary === 'Available 6/6 in 3 clusters',
      150_000,
      500,
    );
    expect((await events('low')).some((e) => e.reason === 'Restored')).toBe(true);
    expect((await events('crit')).some((e) => e.reason === 'FailedBack')).toBe(true);
  }, 300_000);
});

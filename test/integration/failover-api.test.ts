import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { createHub, type Hub } from '../../apps/hub/src/create-hub.ts';
import { CA_PEM } from '../../libs/clusters/src/test-pki.fixture.ts';
import { authHeader } from '../oidc/test-tokens.ts';
import { hubTestConfig } from './support/hub-config.ts';
import { LogLines } from './support/log-lines.ts';
import { pollUntil } from './support/poll.ts';
import { deleteKeysWithPrefix, testPrefix } from './support/test-prefix.ts';

/** Who the events of the operator's actions name: the caller, here the admin test client (the `sub` of its token). */
const ACTOR = 'test-admin';

describe('failover operator API (in process, real Redis)', () => {
  const prefix = testPrefix('failover-api');
  let hub: Hub;
  let url: string;

  async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const auth = await authHeader();
    const response = await fetch(`${url}${path}`, { method, ...(body === undefined ? { headers: auth } : { headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify(body) }) });
    const text = await response.text();
    return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
  }

  beforeAll(async () => {
    hub = await createHub(hubTestConfig({ FLOTILLA_KEY_PREFIX: prefix }), { logDestination: new LogLines() });
    url = await hub.listen();
    expect((await api('POST', '/api/v1/clusters', { name: 'dc-1', zone: 'a', server: 'https://10.255.255.2:6443', caBundle: CA_PEM, credentials: { type: 'token', token: 'not-a-real-token-0123' } })).status).toBe(201);
    const created = await api('POST', '/api/v1/workloads', {
      name: 'db',
      namespace: 'data',
      tenant: 'team-a',
      manifests: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' }, spec: { replicas: 1, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'postgres:18' }] } } } }],
      failover: { purgeMode: 'Never' },
    });
    expect(created.status).toBe(201);
  });

  afterAll(async () => {
    if (hub) {
      await hub.close();
      const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
      await deleteKeysWithPrefix(redis, prefix);
      redis.disconnect();
    }
  });

  it('shows the controller state; one lost cluster does not suspend failover', async () => {
    await pollUntil('a first failover round', async () => (await api('GET', '/api/v1/failover')).body.guard !== undefined);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const view = await api('GET', '/api/v1/failover');
    expect(view.body.guard).toMatchObject({ suspended: false });
    // dc-1 (an unroutable address) is lost, alone: one cluster never trips the partition guard.
  });

  it('fences and unfences a cluster', async () => {
    expect((await api('POST', '/api/v1/clusters/nowhere/fence')).status).toBe(404);
    const fenced = await api('POST', '/api/v1/clusters/dc-1/fence');
    expect(fenced.status).toBe(200);
    expect(fenced.body).toMatchObject({ cluster: 'dc-1', since: expect.any(Number) as unknown });
    expect(((await api('GET', '/api/v1/failover')).body.fences as { cluster: string }[]).map((f) => f.cluster)).toEqual(['dc-1']);
    expect((await api('DELETE', '/api/v1/clusters/dc-1/fence')).status).toBe(204);
    expect((await api('DELETE', '/api/v1/clusters/dc-1/fence')).status).toBe(404);
    const events = (await api('GET', '/api/v1/events?kind=Cluster&name=dc-1')).body.items as { reason: string; actor: string }[];
    // Each recorded once, as done by the caller.
    expect(events.filter((e) => ['Fenced', 'Unfenced'].includes(e.reason)).map((e) => [e.reason, e.actor])).toEqual([['Unfenced', ACTOR], ['Fenced', ACTOR]]);
  });

  it('drains a cluster: cordons it, shows progress, and ends with uncordon or DELETE', async () => {
    expect((await api('POST', '/api/v1/clusters/nowhere/drain')).status).toBe(404);
    expect((await api('GET', '/api/v1/clusters/dc-1/drain')).status).toBe(404);
    const drained = await api('POST', '/api/v1/clusters/dc-1/drain');
    expect(drained.status).toBe(202);
    // Nothing is placed on dc-1 (it never answered): nothing to move.
    expect(drained.body).toEqual({ cluster: 'dc-1', since: expect.any(Number) as unknown, remaining: [], pinned: [], done: true });
    expect(((await api('GET', '/api/v1/clusters/dc-1')).body.spec as { cordoned: boolean }).cordoned).toBe(true);
    const again = await api('POST', '/api/v1/clusters/dc-1/drain');
    expect(again.body.since).toBe(drained.body.since);
    expect(((await api('GET', '/api/v1/failover')).body.drains as { cluster: string }[]).map((d) => d.cluster)).toEqual(['dc-1']);

    // DELETE stops the drain and leaves the cordon.
    expect((await api('DELETE', '/api/v1/clusters/dc-1/drain')).status).toBe(204);
    expect((await api('DELETE', '/api/v1/clusters/dc-1/drain')).status).toBe(404);
    expect(((await api('GET', '/api/v1/clusters/dc-1')).body.spec as { cordoned: boolean }).cordoned).toBe(true);

    // Uncordon ends a drain: the controller drops it within a round.
    expect((await api('POST', '/api/v1/clusters/dc-1/drain')).status).toBe(202);
    expect((await api('POST', '/api/v1/clusters/dc-1/uncordon')).status).toBe(200);
    await pollUntil('the drain ended by uncordon', async () => (await api('GET', '/api/v1/clusters/dc-1/drain')).status === 404);
    const events = (await api('GET', '/api/v1/events?kind=Cluster&name=dc-1')).body.items as { reason: string; actor: string }[];
    expect(events.map((e) => e.reason).filter((r) => r.startsWith('Drain'))).toEqual(['DrainEnded', 'DrainStarted', 'DrainStopped', 'DrainStarted']);
  });

  it('forces a stateful failover and confirms a purge, naming bad input', async () => {
    expect((await api('POST', '/api/v1/namespaces/data/workloads/nope/failover/force')).status).toBe(404);
    expect((await api('POST', '/api/v1/namespaces/data/workloads/db/failover/force')).body).toMatchObject({ workload: 'data.db', forced: true, purgeConfirmed: [] });
    const missing = await api('POST', '/api/v1/namespaces/data/workloads/db/failover/confirm-purge', {});
    expect(missing.status).toBe(400);
    expect((missing.body.invalidParams as { name: string }[])[0]?.name).toBe('cluster');
    expect((await api('POST', '/api/v1/namespaces/data/workloads/db/failover/confirm-purge', { cluster: 'ghost' })).status).toBe(400);
    const confirmed = await api('POST', '/api/v1/namespaces/data/workloads/db/failover/confirm-purge', { cluster: 'dc-1' });
    expect(confirmed.body).toMatchObject({ forced: true, purgeConfirmed: ['dc-1'] });
    const events = (await api('GET', '/api/v1/events?kind=Workload&name=data/db')).body.items as { reason: string; actor: string }[];
    expect(events.filter((e) => ['FailoverForced', 'PurgeConfirmed'].includes(e.reason)).map((e) => [e.reason, e.actor])).toEqual([['PurgeConfirmed', ACTOR], ['FailoverForced', ACTOR]]);
  });
});

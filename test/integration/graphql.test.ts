import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createHub, type Hub } from '../../apps/hub/src/create-hub.ts';
import { placementKey, workloadId } from '../../apps/hub/src/workloads/workload-keys.ts';
import type { AuditRecord } from '../../libs/audit/src/index.ts';
import { CA_PEM } from '../../libs/clusters/src/test-pki.fixture.ts';
import { Store } from '../../libs/store/src/index.ts';
import type { PlacementRecord } from '../../libs/workloads/src/index.ts';
import type { TestCaller } from '../oidc/test-idp.ts';
import { authHeader } from '../oidc/test-tokens.ts';
import { hubTestConfig } from './support/hub-config.ts';
import { LogLines } from './support/log-lines.ts';
import { pollUntil } from './support/poll.ts';
import { GraphqlSubscription } from './support/graphql-subscription.ts';
import { deleteKeysWithPrefix, testPrefix } from './support/test-prefix.ts';

interface GraphqlError {
  message: string;
  extensions: { code: string; type?: string; status?: number; invalidParams?: { name: string; reason: string }[]; cost?: number; maxCost?: number };
}

interface Answer {
  status: number;
  data: Record<string, unknown> | null;
  errors: GraphqlError[];
}

// GraphQL on the real hub: real Redis, real tokens from the test OpenID Provider. `operator` and
// `viewer` are members of team-a, `operatorB` of team-b.
describe('GraphQL at /graphql (real OpenID Provider, in-process hub)', () => {
  const prefix = testPrefix('graphql');
  const run = randomBytes(3).toString('hex');
  const nsA = `ga-${run}`;
  const nsB = `gb-${run}`;
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  let hub: Hub;
  let url: string;
  let store: Store;

  async function gql(caller: TestCaller | 'anonymous', query: string, variables: Record<string, unknown> = {}, method: 'GET' | 'POST' = 'POST'): Promise<Answer> {
    const auth = caller === 'anonymous' ? {} : await authHeader(caller);
    const response =
      method === 'POST'
        ? await fetch(`${url}/graphql`, { method, headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) })
        : await fetch(`${url}/graphql?${new URLSearchParams({ query, variables: JSON.stringify(variables) }).toString()}`, { headers: auth });
    const body = (await response.json()) as { data?: Record<string, unknown> | null; errors?: GraphqlError[] };
    return { status: response.status, data: body.data ?? null, errors: body.errors ?? [] };
  }

  async function rest(method: string, path: string, body: unknown): Promise<number> {
    const response = await fetch(`${url}${path}`, { method, headers: { ...(await authHeader('admin')), 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await response.arrayBuffer();
    return response.status;
  }

  const workload = (namespace: string, name: string, tenant: string): Record<string, unknown> => ({
    name,
    namespace,
    tenant,
    manifests: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { mode: 'a' } }],
  });

  const CREATE = `mutation Create($w: JSON!) { createWorkload(workload: $w) { namespace name tenant generation version status { phase } } }`;

  beforeAll(async () => {
    // Another replica holds the prober and failover leases for the whole file: this hub only
    // serves the API, so what it reads from Redis is what the requests make it read.
    for (const name of ['prober', 'failover']) await redis.set(`${prefix}:lease:${name}`, JSON.stringify({ holder: 'another-replica', token: 1 }), 'PX', 600_000);
    hub = await createHub(hubTestConfig({ FLOTILLA_KEY_PREFIX: prefix, FLOTILLA_RESYNC_PERIOD_MS: '86400000', FLOTILLA_GRAPHQL_MAX_DEPTH: '6' }), { logDestination: new LogLines() });
    url = await hub.listen();
    store = hub.app.get(Store);
    for (const [name, zone] of [['gq-a', 'a'], ['gq-b', 'b'], ['gq-c', 'c']] as const) {
      expect(await rest('POST', '/api/v1/clusters', { name, zone, server: 'https://10.255.255.1:6443', caBundle: CA_PEM, credentials: { type: 'token', token: 'not-a-real-token-0123' } })).toBe(201);
    }
  });

  afterAll(async () => {
    await hub?.close();
    await deleteKeysWithPrefix(redis, prefix);
    redis.disconnect();
  });

  it('refuses an anonymous caller with 401 before reading the query', async () => {
    const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ clusters { name } }' }) });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const get = await fetch(`${url}/graphql?query=${encodeURIComponent('{ clusters { name } }')}`);
    expect(get.status).toBe(401);
  });

  it('creates a workload as operator, audits the mutation, and reads it back with its clusters, events and history', async () => {
    const created = await gql('operator', CREATE, { w: workload(nsA, 'web', 'team-a') });
    expect(created.errors).toEqual([]);
    expect(created.data?.createWorkload).toMatchObject({ namespace: nsA, name: 'web', tenant: 'team-a', generation: 1 });

    const audit = await gql('admin', `{ audit(action: "graphql createWorkload", first: 5) { actor action kind name outcome } }`);
    expect(audit.errors).toEqual([]);
    expect((audit.data?.audit as AuditRecord[])[0]).toEqual({ actor: 'test-operator', action: 'graphql createWorkload', kind: 'Workload', name: `${nsA}/web`, outcome: 'Succeeded' });

    await pollUntil('a placement decision', async () => ((await gql('viewer', `{ workload(namespace: "${nsA}", name: "web") { placement { generation } } }`)).data?.workload as { placement: unknown } | undefined)?.placement != null);
    const read = await gql('viewer', `{ workload(namespace: "${nsA}", name: "web") { name placement { summary diagnosis { cluster code } } status { phase } events(first: 5) { reason actor } history { reason by } } }`);
    expect(read.errors).toEqual([]);
    const view = read.data?.workload as { placement: { summary: string; diagnosis: { cluster: string; code: string }[] }; status: { phase: string }; events: { reason: string; actor: string }[]; history: { reason: string; by: string }[] };
    expect(view.placement.summary).toMatch(/^0\/3 clusters fit/);
    expect(view.placement.diagnosis.map((d) => d.cluster).sort()).toEqual(['gq-a', 'gq-b', 'gq-c']);
    expect(view.status.phase).toBe('Unschedulable');
    expect(view.events.map((e) => e.reason)).toContain('Created');
    expect(view.history[0]).toEqual({ reason: 'Created', by: 'test-operator' });
  });

  it('lists clusters and events to a viewer, and the audit trail only to an admin', async () => {
    const clusters = await gql('viewer', `{ clusters { name zone cordoned ready { status reason } } }`, {}, 'GET');
    expect(clusters.status).toBe(200);
    expect(clusters.data?.clusters).toEqual(['a', 'b', 'c'].map((zone) => ({ name: `gq-${zone}`, zone, cordoned: false, ready: { status: 'Unknown', reason: 'NotProbed' } })));
    const events = await gql('viewer', `{ events(kind: "Cluster", name: "gq-a") { reason kind name } }`);
    expect(events.data?.events).toEqual([{ reason: 'Registered', kind: 'Cluster', name: 'gq-a' }]);
    const audit = await gql('viewer', `{ audit { seq } }`);
    expect(audit.errors).toEqual([expect.objectContaining({ message: 'this needs role admin; yours is viewer', extensions: expect.objectContaining({ code: 'FORBIDDEN', status: 403 }) as unknown })]);
  });

  it('refuses mutations to a viewer, audited as denied, and lets an operator cordon', async () => {
    const refused = await gql('viewer', `mutation { cordonCluster(name: "gq-b") { cordoned } }`);
    expect(refused.errors.map((e) => [e.message, e.extensions.code])).toEqual([['this needs role operator; yours is viewer', 'FORBIDDEN']]);
    const cordoned = await gql('operator', `mutation { cordonCluster(name: "gq-b") { name cordoned } }`);
    expect(cordoned.data?.cordonCluster).toEqual({ name: 'gq-b', cordoned: true });
    const audit = await gql('admin', `{ audit(kind: "Cluster", name: "gq-b", first: 10) { actor action outcome status } }`);
    const graphqlRecords = (audit.data?.audit as { action: string }[]).filter((r) => r.action.startsWith('graphql'));
    expect(graphqlRecords).toEqual([
      { actor: 'test-operator', action: 'graphql cordonCluster', outcome: 'Succeeded', status: 200 },
      { actor: 'test-viewer', action: 'graphql cordonCluster', outcome: 'Denied', status: 403 },
    ]);
    // A retry of a failed job is for admins, as on REST.
    const retry = await gql('operator', `mutation { retryJob(queue: "placement", id: "none") { id } }`);
    expect(retry.errors.map((e) => e.extensions.code)).toEqual(['FORBIDDEN']);
    const missing = await gql('admin', `mutation { retryJob(queue: "placement", id: "none") { id } }`);
    expect(missing.errors.map((e) => [e.message, e.extensions.code])).toEqual([['no job none in queue placement', 'NOT_FOUND']]);
  });

  it('answers invalid input with the invalid fields, as problem+json does', async () => {
    const invalid = await gql('operator', CREATE, { w: { name: 'Not_A_Name', namespace: nsA, tenant: 'team-a', manifests: [] } });
    expect(invalid.data).toBeNull();
    const [error] = invalid.errors;
    expect(error?.extensions.code).toBe('VALIDATION');
    expect(error?.extensions.type).toMatch(/\/validation$/);
    expect(error?.extensions.invalidParams?.map((p) => p.name)).toEqual(expect.arrayContaining(['name']));
    const first = await gql('viewer', `{ clusters(first: 0) { name } }`);
    expect(first.errors[0]?.extensions.invalidParams).toEqual([{ name: 'first', reason: 'must be an integer between 1 and 1000' }]);
  });

  it("keeps another tenant's workloads invisible: not listed, and NOT_FOUND exactly as a missing one", async () => {
    expect((await gql('operatorB', CREATE, { w: workload(nsB, 'shop', 'team-b') })).errors).toEqual([]);
    const listed = await gql('operatorB', `{ workloads { namespace name } }`);
    expect(listed.data?.workloads).toEqual([{ namespace: nsB, name: 'shop' }]);
    const theirs = await gql('operatorB', `{ workload(namespace: "${nsA}", name: "web") { name } }`);
    const missing = await gql('operatorB', `{ workload(namespace: "${nsA}", name: "nothing") { name } }`);
    expect(theirs.errors.map((e) => e.extensions.code)).toEqual(['NOT_FOUND']);
    expect(theirs.errors[0]?.message).toBe(missing.errors[0]?.message.replace('nothing', 'web'));
    const update = await gql('operatorB', `mutation($w: JSON!) { updateWorkload(namespace: "${nsA}", name: "web", workload: $w) { name } }`, { w: workload(nsA, 'web', 'team-a') });
    expect(update.errors.map((e) => e.extensions.code)).toEqual(['NOT_FOUND']);
    const events = await gql('operatorB', `{ events(first: 1000) { kind name } }`);
    expect((events.data?.events as { name: string }[]).filter((e) => e.name.startsWith(nsA))).toEqual([]);
    // Team-a still sees its own, and an admin both.
    expect((await gql('viewer', `{ workloads { name } }`)).data?.workloads).toEqual([{ name: 'web' }]);
    expect(((await gql('admin', `{ workloads(first: 1000) { namespace } }`)).data?.workloads as { namespace: string }[]).map((w) => w.namespace).filter((n) => n.endsWith(run))).toEqual([nsA, nsB]);
  });

  it('refuses a query nested deeper than the limit, naming the limit', async () => {
    const deep = await gql('admin', `query Deep { workloads(first: 1) { clusters { cluster { workloads(first: 1) { clusters { cluster { name } } } } } } }`);
    expect(deep.status).toBe(400);
    expect(deep.data).toBeNull();
    expect(deep.errors).toEqual([expect.objectContaining({ message: 'Deep query depth (7) exceeds the query depth limit of 6 (FLOTILLA_GRAPHQL_MAX_DEPTH)', extensions: { code: 'QUERY_TOO_DEEP' } })]);
  });

  it('refuses a query whose estimated cost is above the limit, before reading anything', async () => {
    const costly = await gql('admin', `query Costly($n: Int) { workloads(first: $n) { clusters { cluster { workloads(first: 1000) { name } } } } }`, { n: 1000 });
    expect(costly.status).toBe(400);
    expect(costly.errors).toHaveLength(1);
    expect(costly.errors[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', maxCost: 20000 });
    expect(costly.errors[0]?.message).toMatch(/^operation Costly is estimated to cost \d+, above the limit of 20000 \(FLOTILLA_GRAPHQL_MAX_COST\)/);
    // The same shape asking for little is served.
    const modest = await gql('admin', `query Modest($n: Int) { workloads(first: $n) { clusters { cluster { workloads(first: 5) { name } } } } }`, { n: 10 });
    expect(modest.errors).toEqual([]);
  });

  it("sends workload changes over a websocket to the workload's tenant only, and refuses an anonymous websocket", async () => {
    const query = 'subscription { workloadStatus { event { reason name actor } workload { name tenant status { phase } } } }';
    await expect(GraphqlSubscription.open(url, {}, query)).rejects.toThrow();
    const teamA = await GraphqlSubscription.open(url, await authHeader('viewer'), query);
    const teamB = await GraphqlSubscription.open(url, await authHeader('operatorB'), query);
    const names = (sub: GraphqlSubscription): string[] => sub.messages.map((m) => String((m.data?.workloadStatus as { event: { name: string } } | undefined)?.event.name));
    try {
      // The server subscribes after the socket's subscribe message: create until each sees one of its own.
      let n = 0;
      await pollUntil('team-a subscribed', async () => {
        await gql('operator', CREATE, { w: workload(nsA, `ping-${(n += 1)}`, 'team-a') });
        return teamA.messages.length > 0;
      });
      await pollUntil('team-b subscribed', async () => {
        await gql('operatorB', CREATE, { w: workload(nsB, `ping-${(n += 1)}`, 'team-b') });
        return teamB.messages.length > 0;
      });

      expect((await gql('operator', CREATE, { w: workload(nsA, 'secret', 'team-a') })).errors).toEqual([]);
      const seen = await teamA.next('the Created event of secret', (m) => names(teamA).includes(`${nsA}/secret`) && m === teamA.messages[names(teamA).indexOf(`${nsA}/secret`)], 10_000);
      expect(seen.data?.workloadStatus).toEqual({ event: { reason: 'Created', name: `${nsA}/secret`, actor: 'test-operator' }, workload: { name: 'secret', tenant: 'team-a', status: { phase: expect.any(String) as unknown } } });
      // Team-b's own later change reaches it; nothing of team-a's came before it (events arrive in stream order).
      expect((await gql('operatorB', CREATE, { w: workload(nsB, 'after', 'team-b') })).errors).toEqual([]);
      await teamB.next('the Created event of after', () => names(teamB).includes(`${nsB}/after`), 10_000);
      expect(names(teamB).filter((name) => !name.startsWith(`${nsB}/`))).toEqual([]);
      expect(names(teamA).filter((name) => !name.startsWith(`${nsA}/`))).toEqual([]);
    } finally {
      teamA.close();
      teamB.close();
    }
  });

  it('sends what operators and the failover controller do to failoverEvents subscribers', async () => {
    const sub = await GraphqlSubscription.open(url, await authHeader('viewer'), 'subscription { failoverEvents { reason kind name actor } }');
    const reasons = (): string[] => sub.messages.map((m) => String((m.data?.failoverEvents as { reason: string } | undefined)?.reason));
    try {
      // The server subscribes after the socket's subscribe message: drain and stop until the subscriber sees one.
      await pollUntil('a drain event', async () => {
        expect((await gql('operator', 'mutation { drainCluster(name: "gq-c") { cluster } }')).errors).toEqual([]);
        expect((await gql('operator', 'mutation { stopDrain(name: "gq-c") }')).errors).toEqual([]);
        return reasons().includes('DrainStarted') || reasons().includes('DrainStopped');
      });
      const seen = await sub.next('DrainStopped', (m) => (m.data?.failoverEvents as { reason: string } | undefined)?.reason === 'DrainStopped', 10_000);
      expect(seen.data?.failoverEvents).toEqual({ reason: 'DrainStopped', kind: 'Cluster', name: 'gq-c', actor: 'test-operator' });
      // Workload events are not failover events.
      expect(reasons().filter((reason) => !['DrainStarted', 'DrainStopped', 'DrainEnded'].includes(reason))).toEqual([]);
    } finally {
      sub.close();
      await rest('POST', '/api/v1/clusters/gq-c/uncordon', {});
    }
  });

  it('applies the cost limit to a subscription too', async () => {
    const sub = await GraphqlSubscription.open(url, await authHeader('admin'), 'subscription { workloadStatus { workload { clusters { cluster { workloads(first: 1000) { name uid tenant } } } } } }');
    try {
      const refused = await sub.next('a refusal', (m) => m.errors !== undefined, 10_000);
      expect(refused.errors?.[0]?.message).toMatch(/above the limit of 20000 \(FLOTILLA_GRAPHQL_MAX_COST\)/);
    } finally {
      sub.close();
    }
  });

  it('reads a list of workloads with their clusters in a fixed number of store reads, however many workloads', async () => {
    // Two namespaces of team-a: 2 workloads in one, 6 in the other, each placed on all three clusters.
    const small = `gs-${run}`;
    const large = `gl-${run}`;
    const ids: string[] = [];
    for (const [namespace, count] of [[small, 2], [large, 6]] as const) {
      for (let i = 0; i < count; i += 1) {
        expect((await gql('operator', CREATE, { w: workload(namespace, `w${i}`, 'team-a') })).errors).toEqual([]);
        ids.push(workloadId(namespace, `w${i}`));
      }
    }
    // The placement worker found no Ready cluster; put each on the three clusters as a decision would.
    await pollUntil('placements of every workload', async () => (await Promise.all(ids.map((id) => store.find(placementKey(id))))).every((p) => p !== undefined));
    for (const [n, id] of ids.entries()) {
      const stored = await store.get<PlacementRecord>(placementKey(id));
      // Replicas differ per workload, so no two placed-cluster entries are alike (nothing a cache could fold).
      const clusters = ['gq-a', 'gq-b', 'gq-c'].map((name) => ({ name, replicas: n + 1 }));
      await store.put(placementKey(id), { ...stored.data, decision: { ...stored.data.decision, clusters, diagnosis: {}, summary: '3/3 clusters fit' } }, stored.version);
    }

    const monitor = await redis.monitor();
    const seen: string[][] = [];
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (source !== 'lua') seen.push(args);
    });
    let marks = 0;
    /** Store reads of this hub (records and indexes under the prefix; not leases, queues, events or audit) during `query`. */
    async function storeReads(namespace: string): Promise<{ reads: number; workloads: number; clusters: number }> {
      const start = `${prefix}:mark:${(marks += 1)}`;
      const end = `${prefix}:mark:${(marks += 1)}`;
      await redis.get(start);
      const answer = await gql('operator', `{ workloads(namespace: "${namespace}") { name clusters { name cluster { name zone ready { status } } } } }`, {}, 'GET');
      expect(answer.errors).toEqual([]);
      await redis.get(end);
      await pollUntil('the end mark in MONITOR', () => Promise.resolve(seen.some((args) => args[1] === end)), 5_000, 20);
      const from = seen.findIndex((args) => args[1] === start);
      const to = seen.findIndex((args) => args[1] === end);
      const reads = seen.slice(from + 1, to).filter((args) => args.some((a) => a.startsWith(`${prefix}:`) && !/^[^:]+:(lease|bull|events|audit|mark)(:|$)/.test(a)));
      const items = answer.data?.workloads as { clusters: { cluster: { name: string } | null }[] }[];
      return { reads: reads.length, workloads: items.length, clusters: items.flatMap((w) => w.clusters).filter((c) => c.cluster !== null).length };
    }
    try {
      const two = await storeReads(small);
      const six = await storeReads(large);
      expect([two.workloads, two.clusters, six.workloads, six.clusters]).toEqual([2, 6, 6, 18]);
      // workloads, placements, member statuses, namespace claims; clusters and their statuses: once each.
      expect(six.reads).toBe(two.reads);
      expect(two.reads).toBeLessThanOrEqual(6);
    } finally {
      monitor.disconnect();
    }
  });
});

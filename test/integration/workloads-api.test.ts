import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { parse, stringify } from 'yaml';
import { createHub, type Hub } from '../../apps/hub/src/create-hub.ts';
import { WorkloadQueues } from '../../apps/hub/src/workloads/workload-queues.ts';
import { WorkloadsService } from '../../apps/hub/src/workloads/workloads.service.ts';
import { CA_PEM } from '../../libs/clusters/src/test-pki.fixture.ts';
import { Store } from '../../libs/store/src/index.ts';
import { authHeader } from '../oidc/test-tokens.ts';
import { hubTestConfig } from './support/hub-config.ts';
import { TEST_ENCRYPTION_KEYS } from './support/test-encryption-key.ts';
import { LogLines } from './support/log-lines.ts';
import { pollUntil } from './support/poll.ts';
import { deleteKeysWithPrefix, testPrefix } from './support/test-prefix.ts';

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}
interface InvalidParam {
  name: string;
  reason: string;
}

const deployment = (name: string, replicas = 3): Record<string, unknown> => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27', resources: { requests: { cpu: '100m', memory: '64Mi' } } }] } },
  },
});

const workload = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  name,
  namespace: 'shop',
  tenant: 'team-a',
  labels: { team: 'a' },
  manifests: [deployment(name), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${name}-config` }, data: { greeting: 'hi' } }],
  placement: { replicaScheduling: { type: 'Divided', divisionPreference: 'AvailableCapacity' } },
  priority: 'high',
  ...extra,
});

describe('workload API (in process, real Redis, no members)', () => {
  const prefix = testPrefix('workloads-api');
  const logs = new LogLines();
  let hub: Hub;
  let url: string;
  let store: Store;

  async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const yaml = headers['content-type']?.includes('yaml');
    const auth = await authHeader();
    const response = await fetch(`${url}${path}`, {
      method,
      headers: body === undefined ? { ...auth, ...headers } : { 'content-type': 'application/json', ...auth, ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : yaml ? stringify(body) : JSON.stringify(body) }),
    });
    const text = await response.text();
    const parsed = text === '' ? {} : (JSON.parse(text) as unknown);
    return { status: response.status, headers: response.headers, body: (Array.isArray(parsed) ? { items: parsed } : parsed) as Record<string, unknown> };
  }

  const storedIds = async (kind: string): Promise<string[]> => (await store.list(kind)).map((r) => r.key.id);

  beforeAll(async () => {
    hub = await createHub(hubTestConfig({ FLOTILLA_KEY_PREFIX: prefix, FLOTILLA_RESYNC_PERIOD_MS: '1000' }), { logDestination: logs });
    url = await hub.listen();
    store = hub.app.get(Store);
    // A registered cluster the prober has never reached: placement must leave it out as not Ready.
    const registered = await api('POST', '/api/v1/clusters', { name: 'far-away', zone: 'z1', server: 'https://10.255.255.1:6443', caBundle: CA_PEM, credentials: { type: 'token', token: 'not-a-real-token-0123' } });
    expect(registered.status).toBe(201);
  });

  afterAll(async () => {
    if (hub) {
      // Close first: workers still running would write keys again after the cleanup.
      await hub.close();
      const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
      await deleteKeysWithPrefix(redis, prefix);
      redis.disconnect();
    }
  });

  it('creates a workload, answers at once with generation 1, and stores a placement with a diagnosis', async () => {
    const created = await api('POST', '/api/v1/workloads', workload('web'));
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/api/v1/namespaces/shop/workloads/web');
    const metadata = created.body.metadata as Record<string, unknown>;
    expect(metadata).toMatchObject({ namespace: 'shop', name: 'web', generation: 1 });
    expect(created.headers.get('etag')).toBe(`"${String(metadata.version)}"`);
    expect(created.body.priorityClass).toBe('high');

    await pollUntil('a placement decision', async () => (await api('GET', '/api/v1/namespaces/shop/workloads/web')).body.placement !== undefined);
    const got = await api('GET', '/api/v1/namespaces/shop/workloads/web');
    const placement = got.body.placement as { generation: number; decision: { clusters: unknown[]; diagnosis: Record<string, { code: string }>; summary: string } };
    expect(placement.generation).toBe(1);
    expect(placement.decision.clusters).toEqual([]);
    expect(placement.decision.diagnosis['far-away']?.code).toBe('NotReady');
    expect(placement.decision.summary).toMatch(/^0\/1 clusters fit/);
    const status = got.body.status as { phase: string; summary: string };
    expect(status.phase).toBe('Unschedulable');
    expect(status.summary).toContain('0/1 clusters fit');

    const history = await api('GET', '/api/v1/namespaces/shop/workloads/web/history');
    expect((history.body.items as { generation: number; reason: string }[])[0]).toMatchObject({ generation: 1, reason: 'Created' });
    const events = await api('GET', '/api/v1/events?kind=Workload&name=shop/web');
    expect((events.body.items as { reason: string }[]).map((e) => e.reason)).toEqual(expect.arrayContaining(['Created', 'Unschedulable']));
  });

  it('accepts multi-document YAML: a Workload document and its manifests', async () => {
    const docs = [
      { apiVersion: 'flotilla.dev/v1', kind: 'Workload', metadata: { name: 'api', namespace: 'shop' }, spec: { tenant: 'team-a', placement: { replicaScheduling: { type: 'Duplicated' } } } },
      deployment('api', 2),
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api' }, spec: { selector: { app: 'api' }, ports: [{ port: 80 }] } },
    ];
    const created = await api('POST', '/api/v1/workloads', docs.map((d) => stringify(d)).join('---\n'), { 'content-type': 'application/yaml' });
    expect(created.status).toBe(201);
    expect(((created.body.spec as { manifests: { kind: string }[] }).manifests).map((m) => m.kind)).toEqual(['Deployment', 'Service']);
  });

  it.each([
    ['a missing tenant', { tenant: undefined }, 'tenant'],
    ['a bad name', { name: 'Web_1' }, 'name'],
    ['no manifests', { manifests: [] }, 'manifests'],
    ['a manifest without kind', { manifests: [{ apiVersion: 'v1', metadata: { name: 'x' } }] }, 'manifests[0].kind'],
    ['a manifest in another namespace', { manifests: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'other' } }] }, 'manifests[0].metadata.namespace'],
    ['a Namespace manifest', { manifests: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }] }, 'manifests[0].kind'],
    ['an unknown division', { placement: { replicaScheduling: { type: 'Divided', divisionPreference: 'Random' } } }, 'placement.replicaScheduling.divisionPreference'],
    ['a spread with max below min', { placement: { replicaScheduling: { type: 'Duplicated' }, spread: [{ by: 'zone', min: 3, max: 2 }] } }, 'placement.spread[0].max'],
    ['an unknown priority class', { priority: 'urgent' }, 'priority'],
    ['a bad purge mode', { failover: { purgeMode: 'Sometimes' } }, 'failover.purgeMode'],
    ['an override without a change', { overrides: [{ target: { zones: ['c'] } }] }, 'overrides[0]'],
    ['a JSON patch op that does not exist', { overrides: [{ target: {}, jsonPatch: [{ operations: [{ op: 'merge', path: '/spec' }] }] }] }, 'overrides[0].jsonPatch[0].operations[0].op'],
    ['a missing override set', { overrideSets: ['nope'] }, 'overrideSets[0]'],
    ['an unknown field', { colour: 'blue' }, 'colour'],
  ])('refuses %s with the field named, storing nothing', async (_what, change, field) => {
    const before = await storedIds('workload');
    const answer = await api('POST', '/api/v1/workloads', { ...workload('bad'), ...change });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect((answer.body.invalidParams as InvalidParam[]).map((p) => p.name)).toContain(field);
    expect(await storedIds('workload')).toEqual(before);
  });

  it('refuses a body that is not valid YAML without quoting it', async () => {
    const answer = await api('POST', '/api/v1/workloads', 'name: [unclosed\nsecret: hunter2', { 'content-type': 'application/yaml' });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).not.toContain('hunter2');
  });

  it('keeps a namespace to its tenant', async () => {
    const answer = await api('POST', '/api/v1/workloads', { ...workload('intruder'), tenant: 'team-b' });
    expect(answer.status).toBe(409);
    expect(answer.body.detail).toContain('belongs to another tenant');
    expect(await storedIds('workload')).not.toContain('shop.intruder');
  });

  it('lets concurrent first creates in a new namespace of one tenant all succeed', async () => {
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => api('POST', '/api/v1/workloads', { ...workload(`burst-${i}`), namespace: 'burst', labels: {} })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 8 }, () => 201));
  });

  it('refuses a duplicate name with 409', async () => {
    expect((await api('POST', '/api/v1/workloads', workload('web'))).status).toBe(409);
  });

  it('updates with optimistic concurrency: a stale version gets 409, an unchanged spec keeps its generation', async () => {
    const current = await api('GET', '/api/v1/namespaces/shop/workloads/web');
    const etag = current.headers.get('etag') as string;
    const same = await api('PUT', '/api/v1/namespaces/shop/workloads/web', workload('web'), { 'if-match': etag });
    expect(same.status).toBe(200);
    expect((same.body.metadata as { generation: number }).generation).toBe(1);

    const changed = await api('PUT', '/api/v1/namespaces/shop/workloads/web', workload('web', { priority: 'critical' }), { 'if-match': etag });
    expect(changed.status).toBe(200);
    expect((changed.body.metadata as { generation: number }).generation).toBe(2);

    const stale = await api('PUT', '/api/v1/namespaces/shop/workloads/web', workload('web', { priority: 'low' }), { 'if-match': etag });
    expect(stale.status).toBe(409);
    expect((await api('GET', '/api/v1/namespaces/shop/workloads/web')).body.spec).toMatchObject({ priority: 1000 });

    const renamed = await api('PUT', '/api/v1/namespaces/shop/workloads/web', { ...workload('web'), tenant: 'team-b' });
    expect(renamed.status).toBe(400);
    expect((renamed.body.invalidParams as InvalidParam[]).map((p) => p.name)).toEqual(['tenant']);
  });

  it('lists with namespace, tenant and label selector filters', async () => {
    const all = await api('GET', '/api/v1/workloads?namespace=shop');
    expect((all.body.items as { metadata: { name: string } }[]).map((w) => w.metadata.name)).toEqual(['api', 'web']);
    const labelled = await api('GET', '/api/v1/workloads?labelSelector=team%3Da');
    expect((labelled.body.items as { metadata: { name: string } }[]).map((w) => w.metadata.name)).toEqual(['web']);
    expect(((await api('GET', '/api/v1/workloads?tenant=team-b')).body.items as unknown[]).length).toBe(0);
    expect((await api('GET', '/api/v1/workloads?labelSelector=%3D%3D')).status).toBe(400);
  });

  it('pages through a list with limit and continue, each workload once, in namespace/name order', async () => {
    const names = ['p-e', 'p-a', 'p-d', 'p-c', 'p-b'];
    for (const name of names) expect((await api('POST', '/api/v1/workloads', workload(name, { namespace: 'paged' }))).status).toBe(201);
    const seen: string[] = [];
    let next: string | undefined;
    const remaining: number[] = [];
    do {
      const page = await api('GET', `/api/v1/namespaces/paged/workloads?limit=2${next === undefined ? '' : `&continue=${encodeURIComponent(next)}`}`);
      expect(page.status).toBe(200);
      seen.push(...(page.body.items as { metadata: { name: string } }[]).map((w) => w.metadata.name));
      const metadata = page.body.metadata as { continue?: string; remainingItemCount?: number };
      next = metadata.continue;
      if (metadata.remainingItemCount !== undefined) remaining.push(metadata.remainingItemCount);
    } while (next !== undefined);
    expect(seen).toEqual([...names].sort());
    expect(remaining).toEqual([3, 1]);

    // The same token on /api/v1/workloads with the same filter continues; with other filters it is refused.
    const first = (await api('GET', '/api/v1/workloads?namespace=paged&limit=2')).body.metadata as { continue: string };
    const again = await api('GET', `/api/v1/workloads?namespace=paged&limit=2&continue=${encodeURIComponent(first.continue)}`);
    expect((again.body.items as { metadata: { name: string } }[]).map((w) => w.metadata.name)).toEqual(['p-c', 'p-d']);
    const other = await api('GET', `/api/v1/workloads?namespace=shop&continue=${encodeURIComponent(first.continue)}`);
    expect(other.status).toBe(400);
    expect(other.body.invalidParams).toEqual([{ name: 'query.continue', reason: expect.stringMatching(/other filters/) as unknown }]);
    for (const bad of ['limit=0', 'limit=5000', 'limit=x', 'continue=garbage']) {
      const refused = await api('GET', `/api/v1/workloads?${bad}`);
      expect([bad, refused.status]).toEqual([bad, 400]);
    }
  });

  it('answers in YAML when asked first, and keeps problem details JSON', async () => {
    const path = '/api/v1/namespaces/shop/workloads/web';
    const json = await api('GET', path);
    const response = await fetch(`${url}${path}`, { headers: { ...(await authHeader()), accept: 'application/yaml' } });
    expect(response.headers.get('content-type')).toBe('application/yaml; charset=utf-8');
    expect(response.headers.get('vary')).toContain('accept');
    expect(parse(await response.text())).toEqual(json.body);
    const missing = await fetch(`${url}/api/v1/namespaces/shop/workloads/nope`, { headers: { ...(await authHeader()), accept: 'application/yaml' } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
  });

  it('seals Secret values at rest and never returns them', async () => {
    const password = Buffer.from('correct horse battery staple').toString('base64');
    const withSecret = (value: string): Record<string, unknown> =>
      workload('vault', { manifests: [deployment('vault'), { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, data: { password: value }, stringData: { token: 'tok-5ecret-77' } }] });
    const created = await api('POST', '/api/v1/workloads', withSecret(password));
    expect(created.status).toBe(201);
    const shown = JSON.stringify(created.body) + JSON.stringify((await api('GET', '/api/v1/namespaces/shop/workloads/vault')).body) + JSON.stringify((await api('GET', '/api/v1/workloads')).body);
    expect(shown).not.toContain(password);
    expect(shown).not.toContain('tok-5ecret-77');
    expect((created.body.spec as { manifests: { data?: unknown }[] }).manifests[1]?.data).toEqual({ password: '(sealed)' });

    // Nothing in Redis holds the value in clear.
    const raw = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    try {
      const keys = await raw.keys(`${prefix}:*`);
      const dump = (await Promise.all(keys.map(async (key) => ((await raw.type(key)) === 'hash' ? JSON.stringify(await raw.hgetall(key)) : '')))).join('');
      expect(dump).toContain('vault');
      expect(dump).not.toContain(password);
      expect(dump).not.toContain('tok-5ecret-77');
    } finally {
      raw.disconnect();
    }

    // Sent back as read, "(sealed)" keeps the stored value: no change, no new generation.
    const etag = created.headers.get('etag') as string;
    const same = await api('PUT', '/api/v1/namespaces/shop/workloads/vault', withSecret('(sealed)'), { 'if-match': etag });
    expect(same.status).toBe(200);
    expect((same.body.metadata as { generation: number }).generation).toBe(1);
    const changed = await api('PUT', '/api/v1/namespaces/shop/workloads/vault', withSecret(Buffer.from('new').toString('base64')));
    expect((changed.body.metadata as { generation: number }).generation).toBe(2);

    // Key rotation: a hub with a new active key (old one kept) re-seals on request.
    expect((created.body.metadata as { secretsKeyId?: string }).secretsKeyId).toBe('test');
    const rotated = await createHub(
      hubTestConfig({ FLOTILLA_KEY_PREFIX: prefix, FLOTILLA_ENCRYPTION_KEYS: `new:${randomBytes(32).toString('base64')},${TEST_ENCRYPTION_KEYS}` }),
      { logDestination: logs },
    );
    try {
      const rotatedUrl = await rotated.listen();
      const resealed = await fetch(`${rotatedUrl}/api/v1/namespaces/shop/workloads/vault/secrets/reseal`, { method: 'POST', headers: await authHeader() });
      expect(resealed.status).toBe(200);
      const body = (await resealed.json()) as { metadata: { secretsKeyId: string; generation: number } };
      expect(body.metadata).toMatchObject({ secretsKeyId: 'new', generation: 2 });
    } finally {
      await rotated.close();
    }

    const orphan = await api('POST', '/api/v1/workloads', { ...withSecret('(sealed)'), name: 'vault-2' });
    expect(orphan.status).toBe(400);
    expect((orphan.body.invalidParams as InvalidParam[]).map((p) => p.name)).toEqual(['manifests[1].data.password']);
  });

  it('manages override sets: referenced by workloads, not deletable while in use', async () => {
    const set = { name: 'prod', rules: [{ target: { zones: ['c'] }, images: [{ image: 'nginx:1.28' }] }] };
    expect((await api('POST', '/api/v1/override-sets', set)).status).toBe(201);
    expect((await api('POST', '/api/v1/override-sets', { name: 'bad', rules: [{ target: {}, replicas: -1 }] })).status).toBe(400);
    const created = await api('POST', '/api/v1/workloads', workload('shop-prod', { overrideSets: ['prod'] }));
    expect(created.status).toBe(201);
    const inUse = await api('DELETE', '/api/v1/override-sets/prod');
    expect(inUse.status).toBe(409);
    expect(inUse.body.detail).toContain('shop/shop-prod');
  });

  it('shows the queues, their depth in the metrics, and failed jobs', async () => {
    const queues = await api('GET', '/api/v1/queues');
    expect((queues.body.items as { name: string }[]).map((q) => q.name)).toEqual(['placement', 'apply', 'cleanup']);
    expect((await api('GET', '/api/v1/queues/placement/jobs?state=completed')).status).toBe(200);
    expect((await api('GET', '/api/v1/queues/nope/jobs')).status).toBe(404);
    expect(((await api('GET', '/api/v1/queues/apply/jobs?state=sideways')).body.invalidParams as InvalidParam[])[0]?.name).toBe('state');
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/flotilla_queue_jobs\{queue="placement",state="completed"\} \d+/);
    expect(metrics).toContain('flotilla_placement_duration_seconds_bucket');
  });

  it('pages queue jobs with continue: a job shown and then removed, or a new one ahead, neither skips nor repeats', async () => {
    // Delayed an hour: the workers leave them alone while the test pages. Newest (latest due) first.
    const cleanup = hub.app.get(WorkloadQueues).queue('cleanup');
    const added = [];
    for (let i = 0; i < 7; i += 1) added.push(await cleanup.add('paging-test', { n: i }, { jobId: `paging-${i}`, delay: 3_600_000 + i * 60_000 }));
    const expected = added.map((job) => String(job.id)).reverse();
    const page = async (query: string): Promise<{ ids: string[]; next?: string }> => {
      const answer = await api('GET', `/api/v1/queues/cleanup/jobs?state=delayed&limit=3${query}`);
      expect(answer.status).toBe(200);
      const metadata = answer.body.metadata as { continue?: string };
      return { ids: (answer.body.items as { id: string }[]).map((job) => job.id), ...(metadata.continue === undefined ? {} : { next: metadata.continue }) };
    };
    const first = await page('');
    expect(first.ids).toEqual(expected.slice(0, 3));
    await (await cleanup.getJob(expected[0]!))?.remove();
    await cleanup.add('paging-test', { n: 99 }, { jobId: 'paging-new', delay: 7_200_000 });
    const second = await page(`&continue=${first.next}`);
    expect(second.ids).toEqual(expected.slice(3, 6));
    const third = await page(`&continue=${second.next}`);
    expect(third).toEqual({ ids: expected.slice(6) });

    const otherState = await api('GET', `/api/v1/queues/cleanup/jobs?state=failed&continue=${first.next}`);
    expect(otherState.status).toBe(400);
    expect((otherState.body.invalidParams as InvalidParam[])[0]?.name).toBe('query.continue');
    expect((await api('GET', '/api/v1/queues/cleanup/jobs?state=delayed&continue=bm90LWEtdG9rZW4')).status).toBe(400);
    for (const id of [...expected, 'paging-new']) await (await cleanup.getJob(id))?.remove();
  });

  it('deletes: 202 at once, then gone once no member holds a copy', async () => {
    const answer = await api('DELETE', '/api/v1/namespaces/shop/workloads/api');
    expect(answer.status).toBe(202);
    expect((answer.body.metadata as { deletionRequestedAt?: string }).deletionRequestedAt).toBeDefined();
    await pollUntil('the workload to be gone', async () => (await api('GET', '/api/v1/namespaces/shop/workloads/api')).status === 404);
    expect(await storedIds('placement')).not.toContain('shop.api');
    expect((await api('DELETE', '/api/v1/namespaces/shop/workloads/api')).status).toBe(404);
  });
});

describe('placement queue order (in process, real Redis)', () => {
  const prefix = testPrefix('workloads-priority');
  let hub: Hub;
  let url: string;

  beforeAll(async () => {
    hub = await createHub(hubTestConfig({ FLOTILLA_KEY_PREFIX: prefix, FLOTILLA_PLACEMENT_CONCURRENCY: '1' }), { logDestination: new LogLines() });
    url = await hub.listen();
  });

  afterAll(async () => {
    if (hub) {
      await hub.close();
      const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
      await deleteKeysWithPrefix(redis, prefix);
      redis.disconnect();
    }
  });

  it('places higher priorities first, and deduplicates a generation by job id', async () => {
    const placement = hub.app.get(WorkloadQueues).queue('placement');
    await placement.pause();
    const post = async (name: string, priority: string | number): Promise<number> =>
      (await fetch(`${url}/api/v1/workloads`, { method: 'POST', headers: { 'content-type': 'application/json', ...(await authHeader()) }, body: JSON.stringify(workload(name, { priority })) })).status;
    expect(await post('low-1', 'low')).toBe(201);
    expect(await post('normal-1', 'normal')).toBe(201);
    expect(await post('critical-1', 'critical')).toBe(201);
    expect(await post('custom-1', 700)).toBe(201);
    // A second job for the same workload and generation is the same job.
    await hub.app.get(WorkloadsService).enqueuePlacement('shop.low-1', { uid: 'x', spec: { priority: -500 } as never, generation: 1, createdAt: '' }, 'Retried');
    const placeJobs = async (...states: ('prioritized' | 'waiting' | 'completed')[]) => (await placement.getJobs(states, 0, 100)).filter((j) => j.name === 'place');
    expect(await placeJobs('prioritized', 'waiting')).toHaveLength(4);
    await placement.resume();
    await pollUntil('four placements', async () => (await placeJobs('completed')).length === 4);
    // One job at a time, each ending with its event: the event stream (ids strictly increasing) is the order they ran in.
    const events = (await (await fetch(`${url}/api/v1/events?kind=Workload`, { headers: await authHeader() })).json()) as { items: { reason: string; object: { name: string } }[] };
    const order = events.items.filter((e) => e.reason === 'Unschedulable').map((e) => e.object.name).reverse();
    expect(order).toEqual(['shop/critical-1', 'shop/custom-1', 'shop/normal-1', 'shop/low-1']);
  });
});

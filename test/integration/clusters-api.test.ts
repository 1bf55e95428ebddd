import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis as IORedis, type Redis } from 'ioredis';
import { stringify } from 'yaml';
import { ClusterAccessReader } from '../../apps/hub/src/clusters/cluster-access-reader.ts';
import { createHub, type Hub } from '../../apps/hub/src/create-hub.ts';
import { REDIS } from '../../apps/hub/src/redis/redis.token.ts';
import type { ClusterStatus } from '../../libs/clusters/src/index.ts';
import { RedisLease } from '../../libs/lease/src/index.ts';
import { CA_PEM, CLIENT_CERT_PEM, CLIENT_KEY_PEM, OTHER_KEY_PEM } from '../../libs/clusters/src/test-pki.fixture.ts';
import { Store } from '../../libs/store/src/index.ts';
import { authHeader } from '../oidc/test-tokens.ts';
import { freePort } from './support/free-port.ts';
import { hubTestConfig } from './support/hub-config.ts';
import { LogLines } from './support/log-lines.ts';
import { deleteKeysWithPrefix, testPrefix } from './support/test-prefix.ts';

// Secrets that must never come back: not in a response, not in a log line, not in Redis.
const TOKEN = 'sup3r-s3cret-cluster-token-7f1c2e';
const TOKEN_2 = 'r0tated-s3cret-cluster-token-9a8b';
const KEY_LINE = CLIENT_KEY_PEM.split('\n')[1] as string;
const SECRETS = [TOKEN, TOKEN_2, KEY_LINE, Buffer.from(TOKEN).toString('base64')];
const b64 = (text: string): string => Buffer.from(text).toString('base64');

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

interface InvalidParamBody {
  name: string;
  reason: string;
}

function tokenBody(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, server: 'https://10.0.0.1:6443', caBundle: CA_PEM, credentials: { type: 'token', token: TOKEN }, ...extra };
}

function kubeconfig(user: Record<string, unknown>, context = 'from-kubeconfig'): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { server: 'https://10.0.0.2:6443', 'certificate-authority-data': b64(CA_PEM) } }],
    users: [{ name: 'u', user }],
    contexts: [{ name: context, context: { cluster: 'c', user: 'u' } }],
    'current-context': context,
  };
}

describe('cluster registry API (in process, real Redis)', () => {
  const prefix = testPrefix('clusters-api');
  const logs = new LogLines();
  const responses: string[] = [];
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
    responses.push(text, JSON.stringify([...response.headers]));
    return { status: response.status, headers: response.headers, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
  }

  async function storedClusterNames(): Promise<string[]> {
    return (await store.list('cluster')).map((record) => record.key.id);
  }

  beforeAll(async () => {
    // These tests write cluster-status records themselves, so the hub's prober must not: the
    // test holds the prober's lease (docs/health.md) for the whole file, and the hub never leads.
    const redis = new IORedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    const held = await new RedisLease(redis, { prefix, name: 'prober', holder: 'clusters-api-test', ttlMs: 600_000 }).tryAcquire();
    await redis.quit();
    if (!held) throw new Error('could not hold the prober lease');
    hub = await createHub(hubTestConfig({ FLOTILLA_KEY_PREFIX: prefix }), { logDestination: logs });
    url = await hub.listen();
    store = hub.app.get(Store);
  });

  afterAll(async () => {
    if (!hub) return;
    await deleteKeysWithPrefix(hub.app.get<Redis>(REDIS), prefix);
    await hub.close();
  });

  describe('registration', () => {
    it('registers with a token, answers 201 with the cluster and never the token', async () => {
      const answer = await api('POST', '/api/v1/clusters', tokenBody('reg-token', { zone: 'a', region: 'eu', labels: { tier: 'gold' } }));
      expect(answer.status).toBe(201);
      expect(answer.headers.get('location')).toBe('/api/v1/clusters/reg-token');
      expect(answer.headers.get('etag')).toBe('"1"');
      expect(answer.body).toMatchObject({
        name: 'reg-token',
        spec: {
          server: 'https://10.0.0.1:6443',
          caBundle: CA_PEM,
          zone: 'a',
          region: 'eu',
          labels: { tier: 'gold', 'topology.kubernetes.io/zone': 'a', 'topology.kubernetes.io/region': 'eu' },
          taints: [],
          cordoned: false,
        },
        credentialType: 'token',
        metadata: { version: '1' },
        status: { ready: { type: 'Ready', status: 'Unknown', reason: 'NotProbed' } },
      });
      expect(JSON.stringify(answer.body)).not.toContain(TOKEN);
    });

    it('stores the credentials sealed: Redis holds no plaintext token', async () => {
      const redis = hub.app.get<Redis>(REDIS);
      const raw = JSON.stringify(await redis.hgetall(store.keys.record({ kind: 'cluster', id: 'reg-token' })));
      expect(raw).toContain('ciphertext');
      for (const secret of SECRETS) expect(raw).not.toContain(secret);
    });

    it('hands decrypted access to the hub side only, and it logs redacted', async () => {
      const access = await hub.app.get(ClusterAccessReader).access('reg-token');
      expect(access).toMatchObject({ name: 'reg-token', server: 'https://10.0.0.1:6443', caPem: CA_PEM, credentials: { type: 'token', token: TOKEN } });
      expect(JSON.stringify(access)).not.toContain(TOKEN);
      expect(JSON.stringify({ access })).toContain('[redacted token]');
    });

    it('registers with a client certificate', async () => {
      const answer = await api('POST', '/api/v1/clusters', {
        ...tokenBody('reg-cert'),
        credentials: { type: 'clientCertificate', certificatePem: CLIENT_CERT_PEM, keyPem: CLIENT_KEY_PEM },
      });
      expect(answer.status).toBe(201);
      expect(answer.body.credentialType).toBe('clientCertificate');
      expect(JSON.stringify(answer.body)).not.toContain(KEY_LINE);
    });

    it('registers from an uploaded kubeconfig in a YAML body, named after its context', async () => {
      const answer = await api('POST', '/api/v1/clusters', { kubeconfig: stringify(kubeconfig({ token: TOKEN })), zone: 'b' }, { 'content-type': 'application/yaml' });
      expect(answer.status).toBe(201);
      expect(answer.body).toMatchObject({ name: 'from-kubeconfig', spec: { server: 'https://10.0.0.2:6443', zone: 'b' }, credentialType: 'token' });
    });

    it('registers from a kubeconfig given as a nested YAML map with a chosen name', async () => {
      const body = `name: reg-yaml-map\nzone: c\nkubeconfig:\n${stringify(kubeconfig({ token: TOKEN }, 'ctx')).replace(/^/gm, '  ')}`;
      const answer = await api('POST', '/api/v1/clusters', body, { 'content-type': 'application/yaml' });
      expect(answer.status).toBe(201);
      expect(answer.body).toMatchObject({ name: 'reg-yaml-map', spec: { zone: 'c' } });
    });

    it('refuses a duplicate name with 409 and keeps the first registration', async () => {
      const answer = await api('POST', '/api/v1/clusters', tokenBody('reg-token', { server: 'https://10.9.9.9:6443' }));
      expect(answer.status).toBe(409);
      expect(answer.body).toMatchObject({ type: 'https://flotilla.dev/problems/already-exists', object: 'cluster/reg-token' });
      expect((await api('GET', '/api/v1/clusters/reg-token')).body).toMatchObject({ spec: { server: 'https://10.0.0.1:6443' } });
    });
  });

  describe('refusals: a clear problem naming the field, and nothing stored', () => {
    it.each<[string, unknown, string, RegExp]>([
      ['an exec plugin', { kubeconfig: stringify(kubeconfig({ exec: { command: 'aws', apiVersion: 'client.authentication.k8s.io/v1' } })) }, 'kubeconfig.users[0].user.exec', /exec/],
      ['an auth-provider', { kubeconfig: stringify(kubeconfig({ 'auth-provider': { name: 'oidc' } })) }, 'kubeconfig.users[0].user.auth-provider', /auth-provider/],
      ['a tokenFile', { kubeconfig: stringify(kubeconfig({ tokenFile: '/run/secrets/token' })) }, 'kubeconfig.users[0].user.tokenFile', /file reference/],
      ['a client-certificate path', { kubeconfig: stringify(kubeconfig({ 'client-certificate': '/a.crt', 'client-key': '/a.key' })) }, 'kubeconfig.users[0].user.client-certificate', /file reference/],
      ['an unknown context', { kubeconfig: stringify(kubeconfig({ token: TOKEN })), context: 'nope' }, 'context', /names no context/],
      ['plain http', tokenBody('refused-http', { server: 'http://10.0.0.1:8080' }), 'server', /https/],
      ['plain http on loopback while not allowed', tokenBody('refused-loopback', { server: 'http://127.0.0.1:8080' }), 'server', /FLOTILLA_ALLOW_INSECURE_HTTP/],
      ['a malformed CA', tokenBody('refused-ca', { caBundle: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' }), 'caBundle', /not a valid X.509/],
      [
        'a malformed client certificate',
        tokenBody('refused-cert', { credentials: { type: 'clientCertificate', certificatePem: 'garbage', keyPem: CLIENT_KEY_PEM } }),
        'credentials.certificatePem',
        /PEM certificate/,
      ],
      [
        'a key that does not match',
        tokenBody('refused-key', { credentials: { type: 'clientCertificate', certificatePem: CLIENT_CERT_PEM, keyPem: OTHER_KEY_PEM } }),
        'credentials.keyPem',
        /does not match/,
      ],
      ['a name that is not DNS-1123', tokenBody('Refused_Name'), 'name', /DNS-1123/],
      ['a non-object body', '"just a string"', 'body', /object/],
    ])('refuses %s', async (_what, body, field, reason) => {
      const before = await storedClusterNames();
      const answer = await api('POST', '/api/v1/clusters', body);
      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
      expect(answer.body).toMatchObject({ type: 'https://flotilla.dev/problems/validation', status: 400 });
      const params = answer.body.invalidParams as InvalidParamBody[];
      expect(params).toContainEqual({ name: field, reason: expect.stringMatching(reason) as unknown as string });
      expect(await storedClusterNames()).toEqual(before);
    });

    it('refuses malformed JSON without quoting it', async () => {
      const answer = await api('POST', '/api/v1/clusters', `{"name": "x", "credentials": {"type": "token", "token": ${TOKEN}}}`);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ type: 'https://flotilla.dev/problems/validation', invalidParams: [{ name: 'body', reason: expect.stringMatching(/^is not valid JSON/) as unknown }] });
    });

    it('refuses malformed YAML without quoting it', async () => {
      const answer = await api('POST', '/api/v1/clusters', `name: x\ncredentials:\n  token: ${TOKEN}\n bad: [\n`, { 'content-type': 'application/yaml' });
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ invalidParams: [{ name: 'body', reason: expect.stringMatching(/^is not valid YAML \([A-Z_]+ at line \d+, column \d+\)$/) as unknown }] });
    });

    it('refuses an unsupported media type', async () => {
      const answer = await api('POST', '/api/v1/clusters', '<cluster name="x"/>', { 'content-type': 'application/xml' });
      expect(answer.status).toBe(415);
      expect(answer.body.type).toBe('https://flotilla.dev/problems/unsupported-media-type');
    });
  });

  describe('reading and listing', () => {
    beforeAll(async () => {
      await api('POST', '/api/v1/clusters', tokenBody('list-a', { zone: 'a', labels: { tier: 'gold' } }));
      await api('POST', '/api/v1/clusters', tokenBody('list-b', { zone: 'b', labels: { tier: 'silver', gpu: 'true' } }));
      await api('POST', '/api/v1/clusters', tokenBody('list-c', { zone: 'c' }));
    });

    it.each([
      ['topology.kubernetes.io/zone in (a,b)', ['list-a', 'list-b']],
      ['tier=gold', ['list-a']],
      ['tier!=gold,topology.kubernetes.io/zone', ['list-b', 'list-c']],
      ['gpu', ['list-b']],
      ['!tier,topology.kubernetes.io/zone', ['list-c']],
      ['topology.kubernetes.io/zone notin (a)', ['list-b', 'list-c']],
    ])('lists by label selector %j', async (selector, names) => {
      const answer = await api('GET', `/api/v1/clusters?labelSelector=${encodeURIComponent(selector)}`);
      expect(answer.status).toBe(200);
      expect((answer.body.items as { name: string }[]).map((item) => item.name).filter((name) => name.startsWith('list-'))).toEqual(names);
    });

    it('pages a filtered list with limit and continue', async () => {
      const whole = ((await api('GET', '/api/v1/clusters?labelSelector=tier')).body.items as { name: string }[]).map((c) => c.name);
      expect(whole).toEqual(expect.arrayContaining(['list-a', 'list-b']));
      const walked: string[] = [];
      const remaining: number[] = [];
      let next: string | undefined;
      do {
        const page = await api('GET', `/api/v1/clusters?labelSelector=tier&limit=1${next === undefined ? '' : `&continue=${encodeURIComponent(next)}`}`);
        walked.push(...(page.body.items as { name: string }[]).map((c) => c.name));
        const metadata = page.body.metadata as { continue?: string; remainingItemCount?: number };
        next = metadata.continue;
        if (metadata.remainingItemCount !== undefined) remaining.push(metadata.remainingItemCount);
      } while (next !== undefined);
      expect(walked).toEqual(whole);
      expect(remaining).toEqual(whole.slice(1).map((_, i) => whole.length - 1 - i));
      const first = (await api('GET', '/api/v1/clusters?labelSelector=tier&limit=1')).body.metadata as { continue: string };
      const mixed = await api('GET', `/api/v1/clusters?limit=1&continue=${encodeURIComponent(first.continue)}`);
      expect(mixed.status).toBe(400);
      expect(mixed.body).toMatchObject({ invalidParams: [{ name: 'query.continue' }] });
    });

    it('refuses an invalid label selector naming the parameter', async () => {
      const answer = await api('GET', `/api/v1/clusters?labelSelector=${encodeURIComponent('zone in a')}`);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ invalidParams: [{ name: 'labelSelector', reason: expect.stringMatching(/expected "\("/) as unknown }] });
    });

    it('answers 404 for an unknown cluster', async () => {
      const answer = await api('GET', '/api/v1/clusters/no-such-cluster');
      expect(answer.status).toBe(404);
      expect(answer.body.type).toBe('https://flotilla.dev/problems/not-found');
    });

    it('shows the prober status, and a stale one as Unknown/StatusStale', async () => {
      const status: ClusterStatus = {
        conditions: [{ type: 'Ready', status: 'True', reason: 'ProbeSucceeded', message: 'readyz ok', lastTransitionTime: new Date().toISOString() }],
        observedAt: new Date().toISOString(),
        capacity: {
          allocatable: { cpuMillis: 8000, memoryBytes: 2 ** 34, pods: 110 },
          requested: { cpuMillis: 500, memoryBytes: 2 ** 28, pods: 3 },
          nodes: { total: 3, ready: 3 },
          observedAt: new Date().toISOString(),
        },
        consecutiveSuccesses: 3,
        consecutiveFailures: 0,
        fencingToken: 1,
      };
      const written = await store.create({ kind: 'cluster-status', id: 'list-a' }, status);
      const fresh = await api('GET', '/api/v1/clusters/list-a');
      expect(fresh.body).toMatchObject({ status: { ready: { status: 'True', reason: 'ProbeSucceeded' }, capacity: { nodes: { ready: 3 } } } });

      await store.put({ kind: 'cluster-status', id: 'list-a' }, { ...status, observedAt: new Date(Date.now() - 60_000).toISOString() }, written.version);
      const stale = await api('GET', '/api/v1/clusters/list-a');
      expect(stale.body).toMatchObject({ status: { ready: { status: 'Unknown', reason: 'StatusStale' } } });
      const listed = await api('GET', `/api/v1/clusters?labelSelector=${encodeURIComponent('tier=gold,topology.kubernetes.io/region!=eu')}`);
      expect(listed.body.items).toEqual([expect.objectContaining({ name: 'list-a', status: expect.objectContaining({ ready: expect.objectContaining({ reason: 'StatusStale' }) }) })]);
    });
  });

  describe('updates', () => {
    beforeAll(async () => {
      await api('POST', '/api/v1/clusters', tokenBody('upd', { zone: 'a', labels: { tier: 'gold', team: 'x' } }));
    });

    it('merges labels (null deletes), replaces taints, cordons, and bumps the version', async () => {
      const answer = await api('PATCH', '/api/v1/clusters/upd', { labels: { team: null, owner: 'ops' }, zone: 'b', taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }], cordoned: true });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('etag')).toBe('"2"');
      expect(answer.body).toMatchObject({
        spec: { zone: 'b', labels: { tier: 'gold', owner: 'ops', 'topology.kubernetes.io/zone': 'b' }, taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }], cordoned: true },
        metadata: { version: '2' },
      });
      expect((answer.body.spec as { labels: Record<string, string> }).labels.team).toBeUndefined();
    });

    it('takes YAML patches', async () => {
      const answer = await api('PATCH', '/api/v1/clusters/upd', 'cordoned: false\n', { 'content-type': 'application/yaml' });
      expect(answer.body).toMatchObject({ spec: { cordoned: false }, metadata: { version: '3' } });
    });

    it('answers 409 to a stale If-Match and changes nothing', async () => {
      const answer = await api('PATCH', '/api/v1/clusters/upd', { cordoned: true }, { 'if-match': '"2"' });
      expect(answer.status).toBe(409);
      expect(answer.body).toMatchObject({ type: 'https://flotilla.dev/problems/stale-write', expectedVersion: 2, actualVersion: 3 });
      expect((await api('GET', '/api/v1/clusters/upd')).body).toMatchObject({ spec: { cordoned: false }, metadata: { version: '3' } });
    });

    it('answers 409 to a stale metadata.version in the body', async () => {
      const answer = await api('PATCH', '/api/v1/clusters/upd', { cordoned: true, metadata: { version: '1' } });
      expect(answer.status).toBe(409);
    });

    it('applies with the current If-Match', async () => {
      const answer = await api('PATCH', '/api/v1/clusters/upd', { labels: { owner: 'sre' } }, { 'if-match': '"3"' });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ metadata: { version: '4' }, spec: { labels: { owner: 'sre' } } });
    });

    it('applies concurrent unversioned updates without losing one', async () => {
      const answers = await Promise.all(
        Array.from({ length: 6 }, (_, i) => api('PATCH', '/api/v1/clusters/upd', { labels: { [`parallel-${i}`]: 'yes' } })),
      );
      expect(answers.map((answer) => answer.status)).toEqual(Array(6).fill(200));
      const labels = ((await api('GET', '/api/v1/clusters/upd')).body.spec as { labels: Record<string, string> }).labels;
      for (let i = 0; i < 6; i += 1) expect(labels[`parallel-${i}`]).toBe('yes');
    });

    it.each<[string, unknown, Record<string, string>, string]>([
      ['the server', { server: 'https://x' }, {}, 'server'],
      ['a bad label', { labels: { 'no spaces': 'x' } }, {}, 'labels.no spaces'],
      ['a weak or bad If-Match', { cordoned: true }, { 'if-match': 'W/"3"' }, 'If-Match'],
    ])('refuses a change of %s', async (_what, body, headers, field) => {
      const answer = await api('PATCH', '/api/v1/clusters/upd', body, headers);
      expect(answer.status).toBe(400);
      expect((answer.body.invalidParams as InvalidParamBody[]).map((param) => param.name)).toContain(field);
    });

    it('answers 404 for an unknown cluster', async () => {
      expect((await api('PATCH', '/api/v1/clusters/nope', { cordoned: true })).status).toBe(404);
    });
  });

  describe('credential rotation', () => {
    it('replaces credentials in place, keeps the status, and bumps credentialsRotatedAt', async () => {
      const registered = await api('POST', '/api/v1/clusters', tokenBody('rot'));
      const status = await store.create({ kind: 'cluster-status', id: 'rot' }, {
        conditions: [{ type: 'Ready', status: 'False', reason: 'Unauthorized', message: 'HTTP 401', lastTransitionTime: new Date().toISOString() }],
        observedAt: new Date().toISOString(),
        consecutiveSuccesses: 0,
        consecutiveFailures: 3,
        fencingToken: 1,
      } satisfies ClusterStatus);
      await new Promise((resolve) => setTimeout(resolve, 5));

      const answer = await api('PUT', '/api/v1/clusters/rot/credentials', { credentials: { type: 'token', token: TOKEN_2 } });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ credentialType: 'token', metadata: { version: '2' }, status: { ready: { reason: 'Unauthorized' } } });
      expect(Date.parse(answer.body.credentialsRotatedAt as string)).toBeGreaterThan(Date.parse(registered.body.credentialsRotatedAt as string));
      expect(await store.get({ kind: 'cluster-status', id: 'rot' })).toMatchObject({ version: status.version });
      const access = await hub.app.get(ClusterAccessReader).access('rot');
      expect(access.credentials).toEqual({ type: 'token', token: TOKEN_2 });
    });

    it('rotates to a client certificate from a kubeconfig for the same server', async () => {
      await api('POST', '/api/v1/clusters', tokenBody('rot-kc', { server: 'https://10.0.0.2:6443' }));
      const config = kubeconfig({ 'client-certificate-data': b64(CLIENT_CERT_PEM), 'client-key-data': b64(CLIENT_KEY_PEM) });
      const answer = await api('PUT', '/api/v1/clusters/rot-kc/credentials', { kubeconfig: stringify(config) });
      expect(answer.status).toBe(200);
      expect(answer.body.credentialType).toBe('clientCertificate');
    });

    it('refuses a kubeconfig for another server and bad credentials, changing nothing', async () => {
      const before = await store.get({ kind: 'cluster', id: 'rot' });
      const other = await api('PUT', '/api/v1/clusters/rot/credentials', { kubeconfig: stringify(kubeconfig({ token: TOKEN })) });
      expect(other.status).toBe(400);
      expect(other.body).toMatchObject({ invalidParams: [{ name: 'kubeconfig' }] });
      const bad = await api('PUT', '/api/v1/clusters/rot/credentials', { credentials: { type: 'token', token: 'has space' } });
      expect(bad.status).toBe(400);
      expect(await store.get({ kind: 'cluster', id: 'rot' })).toEqual(before);
    });
  });

  describe('deregistration', () => {
    it('removes the registration and its status, leaving the member alone by default', async () => {
      await api('POST', '/api/v1/clusters', tokenBody('dereg'));
      await store.create({ kind: 'cluster-status', id: 'dereg' }, { conditions: [], observedAt: new Date().toISOString(), consecutiveSuccesses: 0, consecutiveFailures: 0, fencingToken: 1 });
      const answer = await api('DELETE', '/api/v1/clusters/dereg');
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ name: 'dereg', purged: false, deleted: [] });
      expect(await store.find({ kind: 'cluster', id: 'dereg' })).toBeUndefined();
      expect(await store.find({ kind: 'cluster-status', id: 'dereg' })).toBeUndefined();
      expect((await api('DELETE', '/api/v1/clusters/dereg')).status).toBe(404);
    });

    it('keeps the registration when a purge cannot reach the member, with a 502 problem', async () => {
      const port = await freePort();
      await api('POST', '/api/v1/clusters', tokenBody('dereg-unreachable', { server: `https://127.0.0.1:${port}` }));
      const answer = await api('DELETE', '/api/v1/clusters/dereg-unreachable?purge=true');
      expect(answer.status).toBe(502);
      expect(answer.body).toMatchObject({
        type: 'https://flotilla.dev/problems/member-unreachable',
        cluster: 'dereg-unreachable',
        failures: expect.arrayContaining([{ operation: 'list ConfigMap', reason: 'connection refused' }]) as unknown,
      });
      expect(await store.find({ kind: 'cluster', id: 'dereg-unreachable' })).toBeDefined();
    });

    it('refuses a purge flag that is not true or false', async () => {
      const answer = await api('DELETE', '/api/v1/clusters/dereg-unreachable?purge=yes');
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ invalidParams: [{ name: 'purge' }] });
    });

    it('lets a name be registered again after deregistration, without the old status', async () => {
      await api('POST', '/api/v1/clusters', tokenBody('again'));
      await api('DELETE', '/api/v1/clusters/again');
      // A prober that wrote late, after the deregistration:
      await store.create({ kind: 'cluster-status', id: 'again' }, { conditions: [{ type: 'Ready', status: 'True', reason: 'ProbeSucceeded', message: '', lastTransitionTime: new Date().toISOString() }], observedAt: new Date().toISOString(), consecutiveSuccesses: 1, consecutiveFailures: 0, fencingToken: 1 });
      const answer = await api('POST', '/api/v1/clusters', tokenBody('again'));
      expect(answer.status).toBe(201);
      expect(answer.body).toMatchObject({ status: { ready: { reason: 'NotProbed' } } });
    });
  });

  describe('events', () => {
    it('records Registered, Updated, CredentialsRotated and Deregistered', async () => {
      await api('POST', '/api/v1/clusters', tokenBody('evt'));
      await api('PATCH', '/api/v1/clusters/evt', { cordoned: true });
      await api('PUT', '/api/v1/clusters/evt/credentials', { credentials: { type: 'token', token: TOKEN_2 } });
      await api('DELETE', '/api/v1/clusters/evt');
      const answer = await api('GET', '/api/v1/events?kind=Cluster&name=evt');
      const items = answer.body.items as { reason: string; message: string }[];
      expect(items.map((event) => event.reason)).toEqual(['Deregistered', 'CredentialsRotated', 'Updated', 'Registered']);
      expect(items[2]?.message).toBe('cluster evt updated: cordoned');
    });
  });

  describe('cordon and uncordon actions', () => {
    it('cordons and uncordons with one POST each, recorded as updates', async () => {
      await api('POST', '/api/v1/clusters', tokenBody('act'));
      const cordoned = await api('POST', '/api/v1/clusters/act/cordon');
      expect(cordoned.status).toBe(200);
      expect(cordoned.body).toMatchObject({ spec: { cordoned: true }, metadata: { version: '2' } });
      expect(cordoned.headers.get('etag')).toBe('"2"');
      const again = await api('POST', '/api/v1/clusters/act/cordon');
      expect(again.body).toMatchObject({ spec: { cordoned: true } });
      const uncordoned = await api('POST', '/api/v1/clusters/act/uncordon');
      expect(uncordoned.body).toMatchObject({ spec: { cordoned: false } });
      expect((await api('POST', '/api/v1/clusters/nobody/cordon')).status).toBe(404);
      const events = (await api('GET', '/api/v1/events?kind=Cluster&name=act')).body.items as { message: string }[];
      expect(events.map((e) => e.message)).toEqual(expect.arrayContaining(['cluster act updated: cordoned', 'cluster act updated: uncordoned']));
    });
  });

  it('never let a secret into a response or a log line', () => {
    expect(logs.raw.length).toBeGreaterThan(0);
    const everything = [...responses, ...logs.raw].join('\n');
    for (const secret of SECRETS) expect(everything).not.toContain(secret);
  });
});

describe('encryption key rotation', () => {
  const prefix = testPrefix('clusters-keys');
  const oldKey = `old:${Buffer.alloc(32, 1).toString('base64')}`;
  const newKey = `new:${Buffer.alloc(32, 2).toString('base64')}`;
  let first: Hub | undefined;
  let second: Hub | undefined;

  afterAll(async () => {
    const hub = second ?? first;
    if (hub) await deleteKeysWithPrefix(hub.app.get<Redis>(REDIS), prefix);
    await first?.close();
    await second?.close();
  });

  it('opens credentials sealed with an older key, and re-seals them with the new one on rotation', async () => {
    first = await createHub(hubTestConfig({ FLOTILLA_KEY_PREFIX: prefix, FLOTILLA_ENCRYPTION_KEYS: oldKey }));
    const firstUrl = await first.listen();
    const registered = await fetch(`${firstUrl}/api/v1/clusters`, { method: 'POST', headers: { 'content-type': 'application/json', ...(await authHeader()) }, body: JSON.stringify(tokenBody('keys')) });
    expect(registered.status).toBe(201);
    await first.close();
    first = undefined;

    second = await createHub(hubTestConfig({ FLOTILLA_KEY_PREFIX: prefix, FLOTILLA_ENCRYPTION_KEYS: `${newKey},${oldKey}` }));
    const url = await second.listen();
    const store = second.app.get(Store);
    expect((await store.get<{ credentials: { keyId: string } }>({ kind: 'cluster', id: 'keys' })).data.credentials.keyId).toBe('old');
    expect((await second.app.get(ClusterAccessReader).access('keys')).credentials).toEqual({ type: 'token', token: TOKEN });

    const rotated = await fetch(`${url}/api/v1/clusters/keys/credentials`, { method: 'PUT', headers: { 'content-type': 'application/json', ...(await authHeader()) }, body: JSON.stringify({ credentials: { type: 'token', token: TOKEN } }) });
    expect(rotated.status).toBe(200);
    expect((await store.get<{ credentials: { keyId: string } }>({ kind: 'cluster', id: 'keys' })).data.credentials.keyId).toBe('new');
  });

  it('re-seals credentials of an older key without resubmitting them, so the old key can leave the ring', async () => {
    const hub = second as Hub;
    const url = `http://127.0.0.1:${(hub.app.getHttpServer().address() as { port: number }).port}`;
    const created = await fetch(`${url}/api/v1/clusters`, { method: 'POST', headers: { 'content-type': 'application/json', ...(await authHeader()) }, body: JSON.stringify(tokenBody('keys-reseal')) });
    expect(((await created.json()) as { credentialsKeyId: string }).credentialsKeyId).toBe('new');
    // Pretend it was sealed with the old key, as a registration from before the rotation would be.
    const store = hub.app.get(Store);
    const old = await createHub(hubTestConfig({ FLOTILLA_KEY_PREFIX: `${prefix}-unused`, FLOTILLA_ENCRYPTION_KEYS: oldKey }));
    const sealedWithOld = old.app.get(ClusterAccessReader).seal('keys-reseal', { type: 'token', token: TOKEN });
    await old.close();
    const record = await store.get<Record<string, unknown>>({ kind: 'cluster', id: 'keys-reseal' });
    await store.put({ kind: 'cluster', id: 'keys-reseal' }, { ...record.data, credentials: sealedWithOld }, record.version);

    const listed = (await (await fetch(`${url}/api/v1/clusters`, { headers: await authHeader() })).json()) as { items: { name: string; credentialsKeyId: string }[] };
    expect(listed.items.filter((item) => item.credentialsKeyId !== 'new').map((item) => item.name)).toEqual(['keys-reseal']);

    const resealed = await fetch(`${url}/api/v1/clusters/keys-reseal/credentials/reseal`, { method: 'POST', headers: await authHeader() });
    expect(resealed.status).toBe(200);
    expect(await resealed.json()).toMatchObject({ credentialsKeyId: 'new', credentialType: 'token' });
    expect((await hub.app.get(ClusterAccessReader).access('keys-reseal')).credentials).toEqual({ type: 'token', token: TOKEN });
    const again = await fetch(`${url}/api/v1/clusters/keys-reseal/credentials/reseal`, { method: 'POST', headers: await authHeader() });
    expect(((await again.json()) as { metadata: { version: string } }).metadata.version).toBe(String(record.version + 2));
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { CoreV1Api, KubeConfig, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { createHub, type Hub } from '../../apps/hub/src/create-hub.ts';
import { hubTestConfig } from '../integration/support/hub-config.ts';
import { LogLines } from '../integration/support/log-lines.ts';
import { rawGet } from '../integration/support/raw-request.ts';
import { testPrefix } from '../integration/support/test-prefix.ts';
import { testToken } from '../oidc/test-tokens.ts';
import { closeHub } from './hub-on-fleet.ts';
import { sharedFleet, sharedKubeConfig, type SharedCluster } from './shared-fleet.ts';

// The member proxy against a real kube-apiserver of the shared fleet: the member's RBAC decides
// for the impersonated caller. The test operator (client test-operator) is `oidc:test-operator`
// there, in groups `oidc:flotilla-operator` and `oidc:flotilla-tenant-team-a`; the test viewer
// is in `oidc:flotilla-viewer`.

const CLUSTER = 'proxy-member';
type Caller = 'admin' | 'operator' | 'viewer';

describe('member proxy on a real member cluster', () => {
  const prefix = testPrefix('fleet-proxy');
  const logs = new LogLines();
  const suffix = randomBytes(3).toString('hex');
  const allowed = `proxy-a-${suffix}`;
  const other = `proxy-b-${suffix}`;
  let shared: SharedCluster;
  let admin: KubeConfig;
  let hub: Hub;
  let url: string;

  async function proxy(caller: Caller, method: string, path: string, body?: unknown): Promise<{ status: number; type: string; body: Record<string, unknown> }> {
    const response = await fetch(`${url}/api/v1/clusters/${CLUSTER}/proxy${path}`, {
      method,
      headers: { authorization: `Bearer ${await testToken(caller)}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, type: response.headers.get('content-type') ?? '', body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
  }

  const configMap = (name: string): Record<string, unknown> => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { through: 'the hub' } });

  beforeAll(async () => {
    shared = sharedFleet()[0] as SharedCluster;
    admin = sharedKubeConfig(shared);
    const core = admin.makeApiClient(CoreV1Api);
    const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
    for (const namespace of [allowed, other]) await core.createNamespace({ body: { metadata: { name: namespace } } });
    // The operator may read pods and config maps and create config maps in `allowed`, nothing in `other`.
    await rbac.createNamespacedRole({ namespace: allowed, body: { metadata: { name: 'proxy-operator' }, rules: [{ apiGroups: [''], resources: ['pods', 'configmaps'], verbs: ['get', 'list', 'watch'] }, { apiGroups: [''], resources: ['configmaps'], verbs: ['create'] }] } });
    await rbac.createNamespacedRoleBinding({ namespace: allowed, body: { metadata: { name: 'proxy-operator' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'proxy-operator' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'oidc:test-operator' }] } });
    // Every Flotilla viewer may read config maps in `allowed`, through its group.
    await rbac.createNamespacedRole({ namespace: allowed, body: { metadata: { name: 'proxy-viewers' }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }] } });
    await rbac.createNamespacedRoleBinding({ namespace: allowed, body: { metadata: { name: 'proxy-viewers' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'proxy-viewers' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'oidc:flotilla-viewer' }] } });

    hub = await createHub(hubTestConfig({ FLOTILLA_KEY_PREFIX: prefix }), { logDestination: logs });
    url = await hub.listen();
    const registered = await fetch(`${url}/api/v1/clusters`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await testToken('admin')}` },
      body: JSON.stringify({ name: CLUSTER, server: shared.server, caBundle: shared.caPem, credentials: { type: 'token', token: shared.token }, zone: shared.zone }),
    });
    expect(registered.status).toBe(201);
  }, 60_000);

  afterAll(async () => {
    await closeHub(hub, prefix);
    const core = admin.makeApiClient(CoreV1Api);
    for (const namespace of [allowed, other]) await core.deleteNamespace({ name: namespace }).catch(() => undefined);
  }, 60_000);

  it('reaches the member as the impersonated caller, not with the caller\'s token nor as the hub (SelfSubjectReview)', async () => {
    const review = await proxy('operator', 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
    expect(review.status).toBe(201);
    const userInfo = (review.body.status as { userInfo: { username: string; groups: string[] } }).userInfo;
    expect(userInfo.username).toBe('oidc:test-operator');
    expect([...userInfo.groups].sort()).toEqual(['oidc:flotilla-operator', 'oidc:flotilla-tenant-team-a', 'system:authenticated']);
  });

  it('allows what the member\'s RBAC grants that user', async () => {
    const list = await proxy('operator', 'GET', `/api/v1/namespaces/${allowed}/configmaps`);
    expect(list.status).toBe(200);
    expect(list.body.kind).toBe('ConfigMapList');
    expect((await proxy('operator', 'GET', `/api/v1/namespaces/${allowed}/pods`)).status).toBe(200);
    const created = await proxy('operator', 'POST', `/api/v1/namespaces/${allowed}/configmaps`, configMap('made-through-hub'));
    expect(created.status).toBe(201);
    const onMember = await admin.makeApiClient(CoreV1Api).readNamespacedConfigMap({ namespace: allowed, name: 'made-through-hub' });
    expect(onMember.data).toEqual({ through: 'the hub' });
  });

  it('passes on the member\'s 403 for what its RBAC denies that user, as the member\'s Status', async () => {
    const secrets = await proxy('operator', 'GET', `/api/v1/namespaces/${allowed}/secrets`);
    expect(secrets.status).toBe(403);
    expect(secrets.type).toContain('application/json');
    expect(secrets.body).toMatchObject({ kind: 'Status', reason: 'Forbidden', message: expect.stringContaining('User "oidc:test-operator" cannot list resource "secrets"') });

    const elsewhere = await proxy('operator', 'POST', `/api/v1/namespaces/${other}/configmaps`, configMap('not-allowed'));
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.body).toMatchObject({ kind: 'Status', reason: 'Forbidden', message: expect.stringContaining('cannot create resource "configmaps"') });
    await expect(admin.makeApiClient(CoreV1Api).readNamespacedConfigMap({ namespace: other, name: 'not-allowed' })).rejects.toMatchObject({ code: 404 });
  });

  it('impersonates the caller\'s groups: a viewer reads what its group is granted and nothing else', async () => {
    expect((await proxy('viewer', 'GET', `/api/v1/namespaces/${allowed}/configmaps`)).status).toBe(200);
    const pods = await proxy('viewer', 'GET', `/api/v1/namespaces/${allowed}/pods`);
    expect(pods.status).toBe(403);
    expect(pods.body.message).toContain('User "oidc:test-viewer" cannot list resource "pods"');
  });

  it('refuses a viewer any change at the hub, before the member is asked', async () => {
    const refused = await proxy('viewer', 'POST', `/api/v1/namespaces/${allowed}/configmaps`, configMap('by-viewer'));
    expect(refused.status).toBe(403);
    expect(refused.type).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ type: 'https://flotilla.dev/problems/forbidden' });
  });

  it('answers 404 for a cluster the hub does not know, and refuses a path leaving the member API', async () => {
    const unknown = await fetch(`${url}/api/v1/clusters/not-registered/proxy/api/v1/namespaces`, { headers: { authorization: `Bearer ${await testToken('admin')}` } });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ detail: 'cluster "not-registered" is not registered' });
    const escaped = await rawGet(url, `/api/v1/clusters/${CLUSTER}/proxy/api/%2e%2e/%2e%2e/api/v1/clusters`, { authorization: `Bearer ${await testToken('admin')}` });
    expect(escaped.status).toBe(400);
  });

  it('serves @kubernetes/client-node pointed at the hub as a plain kubeconfig, watches included', async () => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      // The test hub serves plain http on loopback, which the client takes only with skipTLSVerify.
      clusters: [{ name: 'via-hub', server: `${url}/api/v1/clusters/${CLUSTER}/proxy`, skipTLSVerify: true }],
      users: [{ name: 'operator', token: await testToken('operator') }],
      contexts: [{ name: 'via-hub', cluster: 'via-hub', user: 'operator' }],
      currentContext: 'via-hub',
    });
    const core = kc.makeApiClient(CoreV1Api);
    const list = await core.listNamespacedConfigMap({ namespace: allowed });
    expect(list.items.map((c) => c.metadata?.name)).toContain('made-through-hub');
    await expect(core.listNamespacedSecret({ namespace: allowed })).rejects.toMatchObject({ code: 403 });

    // A watch streams through the hub: an object created afterwards arrives as an event.
    const abort = new AbortController();
    const response = await fetch(`${url}/api/v1/clusters/${CLUSTER}/proxy/api/v1/namespaces/${allowed}/configmaps?watch=true&resourceVersion=${list.metadata?.resourceVersion ?? '0'}`, {
      headers: { authorization: `Bearer ${await testToken('operator')}` },
      signal: abort.signal,
    });
    expect(response.status).toBe(200);
    await core.createNamespacedConfigMap({ namespace: allowed, body: { metadata: { name: 'watched' }, data: { a: '1' } } });
    const reader = response.body!.getReader();
    let received = '';
    while (!received.includes('"name":"watched"')) {
      const chunk = await reader.read();
      if (chunk.done) break;
      received += Buffer.from(chunk.value).toString('utf8');
    }
    abort.abort();
    expect(received).toContain('"type":"ADDED"');
    expect(received).toContain('"name":"watched"');
  });

  it('never logs the member\'s token or a caller\'s', async () => {
    const text = logs.raw.join('\n');
    expect(text).not.toContain(shared.token);
    for (const caller of ['admin', 'operator', 'viewer'] as const) expect(text).not.toContain(await testToken(caller));
  });
});

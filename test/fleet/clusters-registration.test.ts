import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AppsV1Api, CoreV1Api, type KubeConfig, VersionApi } from '@kubernetes/client-node';
import type { Redis } from 'ioredis';
import { stringify } from 'yaml';
import { ClusterAccessReader } from '../../apps/hub/src/clusters/cluster-access-reader.ts';
import { memberKubeConfig } from '../../apps/hub/src/clusters/member-kube-config.ts';
import { createHub, type Hub } from '../../apps/hub/src/create-hub.ts';
import { REDIS } from '../../apps/hub/src/redis/redis.token.ts';
import { MemberClients } from '../../apps/hub/src/workloads/member-clients.ts';
import { Store } from '../../libs/store/src/index.ts';
import { hubTestConfig } from '../integration/support/hub-config.ts';
import { freePort } from '../integration/support/free-port.ts';
import { LogLines } from '../integration/support/log-lines.ts';
import { pollUntil } from '../integration/support/poll.ts';
import { deleteKeysWithPrefix, testPrefix } from '../integration/support/test-prefix.ts';
import { authHeader } from '../oidc/test-tokens.ts';
import { Fleet } from './fleet.ts';
import type { MemberCluster } from './member-cluster.ts';
import { sharedFleet, type SharedCluster } from './shared-fleet.ts';

// Real control planes on a 2-core machine: starting one takes a while.
const CLUSTER_START_MS = 240_000;
const MANAGED = { 'app.kubernetes.io/managed-by': 'flotilla' };

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** The member's own version endpoint, reached with what the hub decrypts: proof that the stored credentials work. */
async function gitVersionThroughHub(hub: Hub, name: string): Promise<string> {
  const access = await hub.app.get(ClusterAccessReader).access(name);
  const version = await memberKubeConfig(access).makeApiClient(VersionApi).getCode();
  return version.gitVersion;
}

async function configMapExists(kc: KubeConfig, namespace: string, name: string): Promise<boolean> {
  try {
    const found = await kc.makeApiClient(CoreV1Api).readNamespacedConfigMap({ namespace, name });
    return found.metadata?.deletionTimestamp === undefined;
  } catch (error) {
    if ((error as { code?: number }).code === 404) return false;
    throw error;
  }
}

describe('cluster registration against real member clusters', () => {
  const prefix = testPrefix('fleet-clusters');
  const logs = new LogLines();
  const responses: string[] = [];
  let hub: Hub;
  let url: string;
  let shared: SharedCluster;
  let fleet: Fleet;
  let own: MemberCluster;

  async function api(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Answer> {
    const auth = await authHeader();
    const response = await fetch(`${url}${path}`, {
      method,
      ...(body === undefined
        ? { headers: auth }
        : { headers: { 'content-type': contentType, ...auth }, body: typeof body === 'string' ? body : contentType.includes('yaml') ? stringify(body) : JSON.stringify(body) }),
    });
    const text = await response.text();
    responses.push(text);
    return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
  }

  beforeAll(async () => {
    shared = sharedFleet()[0] as SharedCluster;
    hub = await createHub(hubTestConfig({ FLOTILLA_KEY_PREFIX: prefix }), { logDestination: logs });
    url = await hub.listen();
    // A cluster of this test's own: the purge deletes across all its namespaces, and the cut breaks it.
    fleet = await Fleet.start();
    own = await fleet.addCluster({ name: 'reg-a', zone: 'a', nodes: 1 });
  }, CLUSTER_START_MS);

  afterAll(async () => {
    if (hub) {
      await deleteKeysWithPrefix(hub.app.get<Redis>(REDIS), prefix);
      await hub.close();
    }
    await fleet?.stop();
  }, 60_000);

  it('registers a member with a bearer token, and the sealed token reaches it', async () => {
    const answer = await api('POST', '/api/v1/clusters', {
      name: 'shared-token',
      server: shared.server,
      caBundle: shared.caPem,
      credentials: { type: 'token', token: shared.token },
      zone: shared.zone,
      region: shared.region,
    });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ name: 'shared-token', credentialType: 'token', spec: { zone: shared.zone } });
    expect(await gitVersionThroughHub(hub, 'shared-token')).toMatch(/^v1\.\d+\.\d+/);
  });

  it('registers a member with a client certificate', async () => {
    const answer = await api('POST', '/api/v1/clusters', {
      name: 'own-certificate',
      server: own.server,
      caBundle: own.caPem,
      credentials: { type: 'clientCertificate', certificatePem: own.clientCertificate.certPem, keyPem: own.clientCertificate.keyPem },
      zone: 'a',
    });
    expect(answer.status).toBe(201);
    expect(answer.body.credentialType).toBe('clientCertificate');
    expect(await gitVersionThroughHub(hub, 'own-certificate')).toMatch(/^v1\.\d+\.\d+/);
  });

  it('registers a member from its uploaded kubeconfig, in a YAML body', async () => {
    const answer = await api('POST', '/api/v1/clusters', { name: 'shared-kubeconfig', kubeconfig: shared.kubeconfig, zone: shared.zone }, 'application/yaml');
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ name: 'shared-kubeconfig', spec: { server: shared.server, caBundle: expect.stringContaining('BEGIN CERTIFICATE') as unknown } });
    expect(await gitVersionThroughHub(hub, 'shared-kubeconfig')).toMatch(/^v1\.\d+\.\d+/);
  });

  it('registers from a certificate kubeconfig and rotates to the token in place', async () => {
    const registered = await api('POST', '/api/v1/clusters', { name: 'own-rotate', kubeconfig: own.kubeconfig('certificate') });
    expect(registered.body.credentialType).toBe('clientCertificate');
    const rotated = await api('PUT', '/api/v1/clusters/own-rotate/credentials', { kubeconfig: own.kubeconfig('token') });
    expect(rotated.status).toBe(200);
    expect(rotated.body.credentialType).toBe('token');
    expect(await gitVersionThroughHub(hub, 'own-rotate')).toMatch(/^v1\.\d+\.\d+/);
  });

  it('deregisters with purge=true: deletes only what carries the hub label', async () => {
    const kc = own.kubeConfig('certificate');
    const core = kc.makeApiClient(CoreV1Api);
    const apps = kc.makeApiClient(AppsV1Api);
    const ns = 'purge-test';
    await core.createNamespace({ body: { metadata: { name: ns, labels: MANAGED } } });
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'hub-owned', labels: MANAGED }, data: { a: '1' } } });
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'not-ours' }, data: { a: '1' } } });
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'helm-owned', labels: { 'app.kubernetes.io/managed-by': 'Helm' } }, data: { a: '1' } } });
    await core.createNamespacedSecret({ namespace: 'default', body: { metadata: { name: 'hub-secret', labels: MANAGED }, stringData: { k: 'v' } } });
    await apps.createNamespacedDeployment({
      namespace: ns,
      body: {
        metadata: { name: 'hub-web', labels: MANAGED },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'hub-web' } },
          template: { metadata: { labels: { app: 'hub-web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.29' }] } },
        },
      },
    });
    await api('POST', '/api/v1/clusters', {
      name: 'own-purge',
      server: own.server,
      caBundle: own.caPem,
      credentials: { type: 'clientCertificate', certificatePem: own.clientCertificate.certPem, keyPem: own.clientCertificate.keyPem },
    });

    const answer = await api('DELETE', '/api/v1/clusters/own-purge?purge=true');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      name: 'own-purge',
      purged: true,
      deleted: [
        { kind: 'ConfigMap', namespace: ns, name: 'hub-owned' },
        { kind: 'Deployment', namespace: ns, name: 'hub-web' },
        { kind: 'Secret', namespace: 'default', name: 'hub-secret' },
      ],
    });
    expect(await configMapExists(kc, ns, 'hub-owned')).toBe(false);
    expect(await configMapExists(kc, ns, 'not-ours')).toBe(true);
    expect(await configMapExists(kc, ns, 'helm-owned')).toBe(true);
    // The labelled namespace itself is never deleted: it holds objects that are not the hub's.
    expect((await core.readNamespace({ name: ns })).status?.phase).toBe('Active');
    expect((await api('GET', '/api/v1/clusters/own-purge')).status).toBe(404);
    // The other registrations of the same cluster are untouched.
    expect((await api('GET', '/api/v1/clusters/own-certificate')).status).toBe(200);
  });

  it('keeps the registration and deletes nothing when the member is cut off, then purges after it heals', async () => {
    const kc = own.kubeConfig('certificate', 'direct');
    await kc.makeApiClient(CoreV1Api).createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'survives-cut', labels: MANAGED } } });
    await api('POST', '/api/v1/clusters', { name: 'own-cut', kubeconfig: own.kubeconfig('token') });

    await own.network.cut();
    try {
      const answer = await api('DELETE', '/api/v1/clusters/own-cut?purge=true');
      expect(answer.status).toBe(502);
      expect(answer.body).toMatchObject({ type: 'https://flotilla.dev/problems/member-unreachable', cluster: 'own-cut' });
      expect((answer.body.failures as unknown[]).length).toBeGreaterThan(0);
      expect((await api('GET', '/api/v1/clusters/own-cut')).status).toBe(200);
      expect(await hub.app.get(Store).find({ kind: 'cluster', id: 'own-cut' })).toBeDefined();
    } finally {
      await own.network.heal();
    }
    // Through the direct port (never cut): the labelled object is still there.
    expect(await configMapExists(kc, 'default', 'survives-cut')).toBe(true);

    const retried = await api('DELETE', '/api/v1/clusters/own-cut?purge=true');
    expect(retried.status).toBe(200);
    expect(retried.body.deleted).toContainEqual({ kind: 'ConfigMap', namespace: 'default', name: 'survives-cut' });
  });

  it('keeps the registration when the member is killed', async () => {
    await api('POST', '/api/v1/clusters', { name: 'own-killed', kubeconfig: own.kubeconfig('token') });
    await own.kill();
    const answer = await api('DELETE', '/api/v1/clusters/own-killed?purge=true');
    expect(answer.status).toBe(502);
    expect((await api('GET', '/api/v1/clusters/own-killed')).status).toBe(200);
  });

  it('probes and applies to the new server of a cluster deregistered and registered again under the same name', async () => {
    const registration = (server: string): Record<string, unknown> => ({ name: 'again', server, caBundle: shared.caPem, credentials: { type: 'token', token: shared.token }, zone: shared.zone });
    const ready = async (): Promise<string | undefined> => ((await api('GET', '/api/v1/clusters/again')).body.status as { ready?: { status?: string } } | undefined)?.ready?.status;
    // First at a port nothing listens on: probed not Ready, and a member client made for it.
    const nowhere = `https://127.0.0.1:${await freePort()}`;
    expect((await api('POST', '/api/v1/clusters', registration(nowhere))).status).toBe(201);
    await pollUntil('the first registration probed not Ready', async () => (await ready()) === 'False', 15_000, 200);
    await expect((await hub.app.get(MemberClients).get('again')).client.ensureNamespace('reg-again')).rejects.toThrow();
    // Then, same name, the real server: version 1 again, so only the registration time tells the two apart.
    expect((await api('DELETE', '/api/v1/clusters/again')).status).toBe(200);
    expect((await api('POST', '/api/v1/clusters', registration(shared.server))).status).toBe(201);
    await pollUntil('the second registration probed Ready', async () => (await ready()) === 'True', 15_000, 200);
    await (await hub.app.get(MemberClients).get('again')).client.ensureNamespace('reg-again');
    expect((await api('DELETE', '/api/v1/clusters/again')).status).toBe(200);
  });

  it('never put a credential into a response or a log line', () => {
    const secrets = [shared.token, own.token, own.clientCertificate.keyPem.split('\n')[1] as string];
    const everything = [...responses, ...logs.raw].join('\n');
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AppsV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { createHub, type Hub } from '../../apps/hub/src/create-hub.ts';
import { hubTestConfig } from '../integration/support/hub-config.ts';
import { LogLines } from '../integration/support/log-lines.ts';
import { pollUntil } from '../integration/support/poll.ts';
import { testPrefix } from '../integration/support/test-prefix.ts';
import type { TestCaller } from '../oidc/test-idp.ts';
import { authHeader } from '../oidc/test-tokens.ts';
import { Fleet } from './fleet.ts';
import { closeHub, FAST_FAILOVER_ENV, workloadDeployment } from './hub-on-fleet.ts';
import type { MemberCluster } from './member-cluster.ts';
import { type SharedCluster, sharedFleet, sharedKubeConfig } from './shared-fleet.ts';

const CLUSTER_START_MS = 240_000;
const STEP_MS = 60_000;

interface FleetItem {
  cluster: string;
  zone?: string;
  object: { kind: string; metadata: { namespace: string; name: string; labels?: Record<string, string>; managedFields?: unknown } };
}
interface FleetPage {
  items: FleetItem[];
  metadata: { continue?: string; remainingItemCount?: number };
  errors: { cluster: string; reason: string; message: string; since?: string }[];
}

describe('cross-cluster reads on the real fleet: watch caches, live reads, a hung member', () => {
  const prefix = testPrefix('fleet-reads');
  const ns = `reads-${prefix.slice(-6).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`;
  const logs = new LogLines();
  let fleet: Fleet;
  let hung: MemberCluster;
  let shared: SharedCluster;
  let hub: Hub;
  let url: string;

  async function call(path: string, caller: TestCaller = 'admin'): Promise<{ status: number; body: FleetPage & Record<string, unknown> }> {
    const response = await fetch(`${url}${path}`, { headers: await authHeader(caller) });
    return { status: response.status, body: (await response.json()) as FleetPage & Record<string, unknown> };
  }

  const list = async (params: string, caller: TestCaller = 'admin'): Promise<FleetPage> => {
    const answer = await call(`/api/v1/fleet/objects?${params}`, caller);
    expect(answer.status).toBe(200);
    return answer.body;
  };
  const names = (page: FleetPage): string[] => page.items.map((item) => `${item.cluster}:${item.object.metadata.name}`);
  const payments = `apiVersion=apps/v1&kind=Deployment&namespace=${ns}&labelSelector=team%3Dpayments`;

  const kubeConfigs = (): [string, KubeConfig][] => [
    [shared.name, sharedKubeConfig(shared)],
    [hung.name, hung.kubeConfig('token', 'direct')],
  ];

  async function deployment(kc: KubeConfig, name: string, team: string): Promise<void> {
    const body = workloadDeployment(name, 1) as { metadata: Record<string, unknown> };
    body.metadata = { name, labels: { team } };
    await kc.makeApiClient(AppsV1Api).createNamespacedDeployment({ namespace: ns, body: body });
  }

  beforeAll(async () => {
    shared = sharedFleet()[0] as SharedCluster;
    fleet = await Fleet.start();
    hung = await fleet.addCluster({ name: 'reads-c', zone: 'c', nodes: 1 });
    hub = await createHub(hubTestConfig({ ...FAST_FAILOVER_ENV, FLOTILLA_KEY_PREFIX: prefix, FLOTILLA_FLEET_CACHE_KINDS: 'apps/v1/Deployment' }), { logDestination: logs });
    url = await hub.listen();
    const auth = await authHeader('admin');
    for (const member of [
      { name: shared.name, server: shared.server, caBundle: shared.caPem, token: shared.token, zone: shared.zone },
      { name: hung.name, server: hung.server, caBundle: hung.caPem, token: hung.token, zone: hung.zone },
    ]) {
      const response = await fetch(`${url}/api/v1/clusters`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth },
        body: JSON.stringify({ name: member.name, server: member.server, caBundle: member.caBundle, credentials: { type: 'token', token: member.token }, zone: member.zone }),
      });
      expect(response.status).toBe(201);
    }
    for (const [, kc] of kubeConfigs()) await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: ns } } });
    const [[, a], [, c]] = kubeConfigs() as [[string, KubeConfig], [string, KubeConfig]];
    await Promise.all([deployment(a, 'pay-1', 'payments'), deployment(a, 'pay-2', 'payments'), deployment(a, 'search-1', 'search'), deployment(c, 'pay-1', 'payments'), deployment(c, 'pay-3', 'payments')]);
    for (const [, kc] of kubeConfigs())
      await kc.makeApiClient(CoreV1Api).createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'settings', labels: { team: 'payments' } }, data: { colour: 'blue' } } });
  }, CLUSTER_START_MS);

  afterAll(async () => {
    hung?.resume();
    logs.keep('fleet-reads');
    await sharedKubeConfig(shared)
      .makeApiClient(CoreV1Api)
      .deleteNamespace({ name: ns })
      .catch(() => undefined);
    await closeHub(hub, prefix);
    await fleet?.stop();
  }, 60_000);

  it('lists Deployments labelled team=payments in every cluster from the watch caches, each tagged with its cluster', async () => {
    await pollUntil('both caches synced', async () => ((await call('/api/v1/fleet/caches')).body.items as unknown as { state: string }[]).filter((c) => c.state === 'Synced').length === 2, STEP_MS, 200);
    const page = await list(payments);
    // Ordered by namespace, name, then cluster.
    expect(names(page)).toEqual([`${hung.name}:pay-1`, `${shared.name}:pay-1`, `${shared.name}:pay-2`, `${hung.name}:pay-3`]);
    expect(page.errors).toEqual([]);
    expect(page.items[1]).toMatchObject({ cluster: shared.name, zone: shared.zone, object: { kind: 'Deployment', metadata: { namespace: ns, labels: { team: 'payments' } } } });
    // Kept without managedFields.
    expect(page.items.every((item) => item.object.metadata.managedFields === undefined)).toBe(true);
    const caches = (await call('/api/v1/fleet/caches')).body.items as unknown as { cluster: string; kind: string; state: string; objects: number; bytes: number }[];
    expect(caches.map((c) => [c.cluster, c.kind, c.state])).toEqual([
      [hung.name, 'apps/v1/Deployment', 'Synced'],
      [shared.name, 'apps/v1/Deployment', 'Synced'],
    ]);
    expect(caches.every((c) => c.objects >= 2 && c.bytes > 0)).toBe(true);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`flotilla_fleet_cache_objects\\{cluster="${hung.name}",kind="apps/v1/Deployment"\\} [1-9]`));
    expect(metrics).toMatch(/flotilla_fleet_cache_budget_bytes\{use="used"\} [1-9]/);
    expect(metrics).toContain(`flotilla_fleet_cache_lag_seconds{cluster="${shared.name}",kind="apps/v1/Deployment"} 0`);
  });

  it('pages over the merged list with limit and continue, and filters by name and cluster', async () => {
    const all = names(await list(payments));
    const seen: string[] = [];
    let token: string | undefined;
    const remaining: (number | undefined)[] = [];
    do {
      const page = await list(`${payments}&limit=1${token ? `&continue=${token}` : ''}`);
      seen.push(...names(page));
      remaining.push(page.metadata.remainingItemCount);
      token = page.metadata.continue;
    } while (token);
    expect(seen).toEqual(all);
    expect(remaining).toEqual([3, 2, 1, undefined]);
    expect(names(await list(`${payments}&name=pay-1`))).toEqual([`${hung.name}:pay-1`, `${shared.name}:pay-1`]);
    expect(names(await list(`${payments}&cluster=${hung.name}`))).toEqual([`${hung.name}:pay-1`, `${hung.name}:pay-3`]);
    const other = await call(`/api/v1/fleet/objects?${payments}&name=pay-1&limit=1&continue=${(await list(`${payments}&limit=1`)).metadata.continue}`);
    expect(other.status).toBe(400);
    expect(other.body.invalidParams).toEqual([expect.objectContaining({ name: 'query.continue' })]);
  });

  it('follows changes on the members through the watch', async () => {
    const apps = sharedKubeConfig(shared).makeApiClient(AppsV1Api);
    await apps.patchNamespacedDeployment({ namespace: ns, name: 'search-1', body: [{ op: 'replace', path: '/metadata/labels/team', value: 'payments' }] });
    await apps.deleteNamespacedDeployment({ namespace: ns, name: 'pay-2' });
    await pollUntil('label change and deletion seen', async () => names(await list(payments)).join(',') === [`${hung.name}:pay-1`, `${shared.name}:pay-1`, `${hung.name}:pay-3`, `${shared.name}:search-1`].join(','), STEP_MS, 100);
  });

  it('reads kinds without a cache live from every member', async () => {
    const page = await list(`apiVersion=v1&kind=ConfigMap&namespace=${ns}&labelSelector=team%3Dpayments`);
    expect(names(page)).toEqual([`${hung.name}:settings`, `${shared.name}:settings`]);
    expect(page.errors).toEqual([]);
    expect(page.items.every((item) => item.object.metadata.managedFields === undefined)).toBe(true);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/flotilla_fleet_reads_total\{source="live",outcome="ok"\} [1-9]/);
  });

  it('refuses bad queries naming the parameter, and Secrets altogether', async () => {
    const missing = await call('/api/v1/fleet/objects?apiVersion=apps/v1&labelSelector=a%20in');
    expect(missing.status).toBe(400);
    expect((missing.body.invalidParams as { name: string }[]).map((p) => p.name)).toEqual(['query.kind', 'query.labelSelector']);
    const secrets = await call('/api/v1/fleet/objects?apiVersion=v1&kind=Secret');
    expect(secrets.status).toBe(400);
    expect(secrets.body.invalidParams).toEqual([expect.objectContaining({ name: 'query.kind', reason: expect.stringContaining('proxy') })]);
  });

  it('shows a tenant only the namespaces its workloads claim', async () => {
    expect((await list(payments, 'viewer')).items).toEqual([]);
    // team-a claims the namespace by placing a workload in it.
    const created = await fetch(`${url}/api/v1/workloads`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await authHeader('operator')) },
      body: JSON.stringify({ name: 'claim', namespace: ns, tenant: 'team-a', manifests: [workloadDeployment('claim', 1)] }),
    });
    expect(created.status).toBe(201);
    expect(names(await list(payments, 'viewer'))).toEqual(names(await list(payments)));
    expect((await list(payments, 'operatorB')).items).toEqual([]);
    expect((await list(`apiVersion=v1&kind=ConfigMap&namespace=${ns}`, 'operatorB')).items).toEqual([]);
  });

  it('answers without a hung member: live reads leave it out with a Timeout entry, cached reads serve it marked Stale', async () => {
    hung.hang();
    try {
      const started = performance.now();
      const live = await list(`apiVersion=v1&kind=ConfigMap&namespace=${ns}&labelSelector=team%3Dpayments`);
      const elapsed = performance.now() - started;
      process.stderr.write(`fleet-reads: live read with ${hung.name} hung answered in ${elapsed.toFixed(0)} ms\n`);
      expect(names(live)).toEqual([`${shared.name}:settings`]);
      expect(live.errors).toEqual([{ cluster: hung.name, reason: 'Timeout', message: 'no answer within 800 ms' }]);

      await pollUntil(
        `${hung.name} not Ready`,
        async () => ((await call(`/api/v1/clusters/${hung.name}`)).body.status as { ready: { status: string } }).ready.status !== 'True',
        STEP_MS,
        200,
      );
      const cached = await list(payments);
      expect(names(cached)).toContain(`${hung.name}:pay-3`);
      expect(cached.errors).toEqual([{ cluster: hung.name, reason: 'Stale', message: expect.stringContaining('not Ready'), since: expect.any(String) }]);
    } finally {
      hung.resume();
    }
  });
  it('lists again after a broken connection, with the member client of now (the hub rebuilds it when the cluster is changed)', async () => {
    const cacheState = async (): Promise<string | undefined> =>
      ((await call('/api/v1/fleet/caches')).body.items as unknown as { cluster: string; state: string }[]).find((c) => c.cluster === hung.name)?.state;
    await pollUntil(`${hung.name} back to Ready`, async () => ((await call(`/api/v1/clusters/${hung.name}`)).body.status as { ready: { status: string } }).ready.status === 'True', STEP_MS, 200);
    // A change of the registration makes the hub build a new client for the member and close the old one's connections.
    const auth = await authHeader('admin');
    const patched = await fetch(`${url}/api/v1/clusters/${hung.name}`, { method: 'PATCH', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify({ labels: { rebuilt: 'yes' } }) });
    expect(patched.status).toBe(200);
    expect((await list(`apiVersion=v1&kind=ConfigMap&namespace=${ns}&cluster=${hung.name}`)).errors).toEqual([]);
    // The watch breaks: the cache lists again once the link is back.
    await hung.network.cut();
    try {
      await pollUntil(`${hung.name} cache failing`, async () => (await cacheState()) === 'Failing', STEP_MS, 100);
    } finally {
      await hung.network.heal();
    }
    await deployment(hung.kubeConfig('token', 'direct'), 'pay-4', 'payments');
    await pollUntil(`${hung.name} cache synced again, with pay-4`, async () => (await cacheState()) === 'Synced' && names(await list(payments)).includes(`${hung.name}:pay-4`), STEP_MS, 200);
  });
});

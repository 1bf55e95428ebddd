import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AppsV1Api, CoreV1Api, type KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { Redis } from 'ioredis';
import { createHub, type Hub } from '../../apps/hub/src/create-hub.ts';
import { WorkloadQueues } from '../../apps/hub/src/workloads/workload-queues.ts';
import { hubTestConfig } from '../integration/support/hub-config.ts';
import { LogLines } from '../integration/support/log-lines.ts';
import { pollUntil } from '../integration/support/poll.ts';
import { deleteKeysWithPrefix, testPrefix } from '../integration/support/test-prefix.ts';
import { authHeader } from '../oidc/test-tokens.ts';
import { Fleet } from './fleet.ts';
import { workloadDeployment } from './hub-on-fleet.ts';
import type { MemberCluster } from './member-cluster.ts';

// Three real control planes on a 2-core machine: starting them takes a while.
const FLEET_START_MS = 300_000;
const STEP_MS = 90_000;
const NS = 'shop';
const UID_LABEL = 'flotilla.dev/workload-uid';

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}
interface View {
  metadata: { uid: string; generation: number; version: string };
  placement?: { generation: number; decision: { clusters: { name: string; replicas: number }[]; diagnosis: Record<string, { code: string; reasons: string[] }>; summary: string } };
  status: { phase: string; summary: string; clusters: { cluster: string; conditions: { type: string; status: string }[]; lastError?: { permanent: boolean; reason: string } }[] };
}

function webWorkload(replicas: number, withConfigMap = true): Record<string, unknown> {
  return {
    name: 'web',
    namespace: NS,
    tenant: 'team-a',
    manifests: [
      workloadDeployment('web', replicas),
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } },
      ...(withConfigMap ? [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config' }, data: { greeting: 'hello' } }] : []),
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'web-db' }, stringData: { password: 'p4ss-for-members-only' } },
    ],
    placement: { replicaScheduling: { type: 'Divided', divisionPreference: 'AvailableCapacity' }, spread: [{ by: 'zone', min: 3 }] },
    overrides: [{ target: { zones: ['c'] }, images: [{ container: 'web', image: 'nginx:1.28' }] }],
    priority: 'high',
  };
}

describe('workloads on a real local fleet (three zones)', () => {
  const prefix = testPrefix('fleet-workloads');
  const logs = new LogLines();
  let fleet: Fleet;
  let hub: Hub;
  let url: string;
  const members: Record<string, MemberCluster> = {};

  async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const auth = await authHeader();
    const response = await fetch(`${url}${path}`, {
      method,
      headers: body === undefined ? { ...auth, ...headers } : { 'content-type': 'application/json', ...auth, ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
  }

  const view = async (name: string): Promise<View> => (await api('GET', `/api/v1/namespaces/${NS}/workloads/${name}`)).body as unknown as View;
  const kc = (zone: string): KubeConfig => (members[zone] as MemberCluster).kubeConfig('token', 'direct');
  const apps = (zone: string): AppsV1Api => kc(zone).makeApiClient(AppsV1Api);
  const core = (zone: string): CoreV1Api => kc(zone).makeApiClient(CoreV1Api);

  async function deploymentOn(zone: string, name: string): Promise<{ replicas: number; image: string; labels: Record<string, string> } | undefined> {
    try {
      const d = await apps(zone).readNamespacedDeployment({ namespace: NS, name });
      if (d.metadata?.deletionTimestamp) return undefined;
      return { replicas: d.spec?.replicas ?? 0, image: d.spec?.template.spec?.containers[0]?.image ?? '', labels: d.metadata?.labels ?? {} };
    } catch (error) {
      if ((error as { code?: number }).code === 404) return undefined;
      throw error;
    }
  }

  async function configMapOn(zone: string, name: string): Promise<boolean> {
    try {
      const c = await core(zone).readNamespacedConfigMap({ namespace: NS, name });
      return c.metadata?.deletionTimestamp === undefined;
    } catch (error) {
      if ((error as { code?: number }).code === 404) return false;
      throw error;
    }
  }

  const available = (summary: string) => async (): Promise<boolean> => (await view('web')).status.summary === summary;

  beforeAll(async () => {
    fleet = await Fleet.start();
    // Different room per zone, so that "divided by available capacity" is visibly uneven.
    members.a = await fleet.addCluster({ name: 'wl-a', zone: 'a', nodes: 2 });
    members.b = await fleet.addCluster({ name: 'wl-b', zone: 'b', nodes: 1 });
    members.c = await fleet.addCluster({ name: 'wl-c', zone: 'c', nodes: 1, nodeCapacity: { cpu: '4', memory: '16Gi', pods: '110' } });
    hub = await createHub(
      hubTestConfig({
        FLOTILLA_KEY_PREFIX: prefix,
        FLOTILLA_PROBE_PERIOD_MS: '500',
        FLOTILLA_PROBE_INVENTORY_EVERY: '1',
        FLOTILLA_RESYNC_PERIOD_MS: '1000',
        FLOTILLA_RETRY_BASE_MS: '100',
        FLOTILLA_CLEANUP_RETRY_MAX_MS: '1000',
        FLOTILLA_MEMBER_REQUEST_TIMEOUT_MS: '2000',
      }),
      { logDestination: logs },
    );
    url = await hub.listen();
    for (const zone of ['a', 'b', 'c']) {
      const m = members[zone] as MemberCluster;
      const registered = await api('POST', '/api/v1/clusters', { name: m.name, server: m.server, caBundle: m.caPem, credentials: { type: 'token', token: m.token }, zone });
      expect(registered.status).toBe(201);
    }
    await pollUntil(
      'three Ready clusters with capacity',
      async () => {
        const items = (await api('GET', '/api/v1/clusters')).body.items as { status: { ready: { status: string }; capacity?: unknown; apiGroups?: unknown } }[];
        return items.length === 3 && items.every((c) => c.status.ready.status === 'True' && c.status.capacity !== undefined && c.status.apiGroups !== undefined);
      },
      60_000,
    );
  }, FLEET_START_MS);

  afterAll(async () => {
    logs.keep('workloads');
    if (hub) {
      await hub.close();
      const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
      await deleteKeysWithPrefix(redis, prefix);
      redis.disconnect();
    }
    await fleet?.stop();
  }, 60_000);

  it('divides 6 replicas by free capacity over three zones and becomes Available everywhere, with zone c on its own image', async () => {
    const created = await api('POST', '/api/v1/workloads', webWorkload(6));
    expect(created.status).toBe(201);
    await pollUntil('web Available 6/6 in 3 clusters', available('Available 6/6 in 3 clusters'), STEP_MS, 250);
    const got = await view('web');
    const placed = Object.fromEntries((got.placement?.decision.clusters ?? []).map((c) => [c.name, c.replicas]));
    expect(Object.values(placed).reduce((a, b) => a + b, 0)).toBe(6);
    // a has two nodes of 8 CPU, b one of 8, c one of 4: more room, more replicas.
    expect(placed['wl-a']).toBeGreaterThan(placed['wl-c'] ?? 0);
    for (const zone of ['a', 'b', 'c']) {
      const d = await deploymentOn(zone, 'web');
      expect(d?.replicas).toBe(placed[`wl-${zone}`]);
      expect(d?.image).toBe(zone === 'c' ? 'nginx:1.28' : 'nginx:1.27');
      expect(d?.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'flotilla', [UID_LABEL]: got.metadata.uid });
      expect(await configMapOn(zone, 'web-config')).toBe(true);
      // Sealed at rest in the hub, in clear where it is used.
      const secret = await core(zone).readNamespacedSecret({ namespace: NS, name: 'web-db' });
      expect(Buffer.from(secret.data?.password ?? '', 'base64').toString()).toBe('p4ss-for-members-only');
      const svc = await core(zone).readNamespacedService({ namespace: NS, name: 'web' });
      expect(svc.metadata?.managedFields?.some((f) => f.manager === 'flotilla' && f.operation === 'Apply')).toBe(true);
    }
  }, STEP_MS + 10_000);

  it('scales to 9', async () => {
    const updated = await api('PUT', `/api/v1/namespaces/${NS}/workloads/web`, webWorkload(9));
    expect(updated.status).toBe(200);
    await pollUntil('web Available 9/9 in 3 clusters', available('Available 9/9 in 3 clusters'), STEP_MS, 250);
    const replicas = await Promise.all(['a', 'b', 'c'].map(async (zone) => (await deploymentOn(zone, 'web'))?.replicas ?? 0));
    expect(replicas.reduce((a, b) => a + b, 0)).toBe(9);
    const history = (await api('GET', `/api/v1/namespaces/${NS}/workloads/web/history`)).body.items as { generation: number; reason: string; summary: string }[];
    // Newest first; generation 1 may have two entries when its first decision came before the
    // prober knew every cluster's capacity and the resync placed it again.
    expect(history[0]?.generation).toBe(2);
    expect(history.map((h) => h.generation)).toContain(1);
  }, STEP_MS + 10_000);

  it('prunes the ConfigMap removed from the workload on every member, and nothing the hub does not own', async () => {
    await core('a').createNamespacedConfigMap({ namespace: NS, body: { metadata: { name: 'hand-made' }, data: { mine: 'yes' } } });
    const updated = await api('PUT', `/api/v1/namespaces/${NS}/workloads/web`, webWorkload(9, false));
    expect(updated.status).toBe(200);
    await pollUntil(
      'web-config gone from every member',
      async () => (await Promise.all(['a', 'b', 'c'].map((zone) => configMapOn(zone, 'web-config')))).every((present) => !present),
      STEP_MS,
      250,
    );
    expect(await configMapOn('a', 'hand-made')).toBe(true);
    expect(await deploymentOn('b', 'web')).toBeDefined();
  }, STEP_MS + 10_000);

  it('puts a hub-owned field changed by hand back within the resync period, and records it', async () => {
    const before = (await deploymentOn('b', 'web'))?.replicas;
    await apps('b').patchNamespacedDeployment(
      { namespace: NS, name: 'web', body: { spec: { replicas: 17 } }, fieldManager: 'kubectl-edit' },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await pollUntil('replicas on wl-b put back', async () => (await deploymentOn('b', 'web'))?.replicas === before, 30_000, 250);
    // The event is recorded once the repair has landed on the member, so it may trail what the member shows.
    let events: { reason: string; message: string }[] = [];
    await pollUntil('the DriftRepaired event', async () => {
      events = (await api('GET', `/api/v1/events?kind=Workload&name=${NS}/web`)).body.items as { reason: string; message: string }[];
      return events.some((e) => e.reason === 'DriftRepaired');
    }, 10_000, 250);
    expect(events.find((e) => e.reason === 'DriftRepaired')?.message).toContain('wl-b');
  }, 40_000);

  it('puts a workload back on a member whose namespace was deleted by hand (or that was rebuilt)', async () => {
    const ns = `${NS}-wiped`;
    const created = await api('POST', '/api/v1/workloads', { name: 'phoenix', namespace: ns, tenant: 'team-a', manifests: [workloadDeployment('phoenix', 1)], placement: { replicaScheduling: { type: 'Duplicated' } } });
    expect(created.status).toBe(201);
    const summary = async (): Promise<string> => ((await api('GET', `/api/v1/namespaces/${ns}/workloads/phoenix`)).body as unknown as View).status.summary;
    await pollUntil('phoenix Available in 3 clusters', async () => (await summary()) === 'Available 3/3 in 3 clusters', STEP_MS, 250);
    const wiped = (await core('a').readNamespace({ name: ns })).metadata?.uid;
    await core('a').deleteNamespace({ name: ns });
    // Gone, or already made again by the hub's resync (it runs every second here, and may
    // recreate the namespace between two polls): a namespace of another uid.
    await pollUntil(`namespace ${ns} gone from wl-a`, async () => {
      try {
        return (await core('a').readNamespace({ name: ns })).metadata?.uid !== wiped;
      } catch (error) {
        return (error as { code?: number }).code === 404;
      }
      // The member's namespace controller deletes its contents first: slow when the machine is busy.
    }, 150_000, 250);
    // Only the resync notices: nothing about the workload changed at the hub.
    await pollUntil('phoenix back on wl-a', async () => {
      try {
        return (await apps('a').readNamespacedDeployment({ namespace: ns, name: 'phoenix' })).metadata?.deletionTimestamp === undefined;
      } catch {
        return false;
      }
    }, 30_000, 250);
    await pollUntil('phoenix Available in 3 clusters again', async () => (await summary()) === 'Available 3/3 in 3 clusters', STEP_MS, 250);
    expect((await api('DELETE', `/api/v1/namespaces/${ns}/workloads/phoenix`)).status).toBe(202);
  }, STEP_MS * 3 + 180_000);

  it('gives a cordoned cluster nothing, and the diagnosis says so', async () => {
    expect((await api('PATCH', '/api/v1/clusters/wl-b', { cordoned: true })).status).toBe(200);
    const created = await api('POST', '/api/v1/workloads', {
      name: 'cache',
      namespace: NS,
      tenant: 'team-a',
      manifests: [workloadDeployment('cache', 1)],
      placement: { replicaScheduling: { type: 'Duplicated' } },
    });
    expect(created.status).toBe(201);
    await pollUntil('cache Available in 2 clusters', async () => (await view('cache')).status.summary === 'Available 2/2 in 2 clusters', STEP_MS, 250);
    const got = await view('cache');
    expect(got.placement?.decision.diagnosis['wl-b']?.code).toBe('Cordoned');
    expect(await deploymentOn('b', 'cache')).toBeUndefined();
    expect((await api('PATCH', '/api/v1/clusters/wl-b', { cordoned: false })).status).toBe(200);
  }, STEP_MS + 10_000);

  it('removes the copy from a cluster the workload no longer goes to, and only there', async () => {
    const before = (await view('cache')).placement?.decision.clusters.map((c) => c.name);
    expect(before).toEqual(['wl-a', 'wl-c']);
    const updated = await api('PUT', `/api/v1/namespaces/${NS}/workloads/cache`, {
      name: 'cache',
      namespace: NS,
      tenant: 'team-a',
      manifests: [workloadDeployment('cache', 1)],
      placement: { replicaScheduling: { type: 'Duplicated' }, clusterAffinity: { excludeNames: ['wl-c', 'wl-b'] } },
    });
    expect(updated.status).toBe(200);
    await pollUntil('cache gone from wl-c', async () => (await deploymentOn('c', 'cache')) === undefined, STEP_MS, 250);
    expect(await deploymentOn('a', 'cache')).toBeDefined();
    expect((await view('cache')).placement?.decision.diagnosis['wl-c']?.code).toBe('AffinityMismatch');
  }, STEP_MS + 10_000);

  it('leaves out a cluster that does not serve a kind, with a diagnosis, without an API error', async () => {
    const created = await api('POST', '/api/v1/workloads', {
      name: 'widgets',
      namespace: NS,
      tenant: 'team-a',
      manifests: [{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 1 } }],
      placement: { replicaScheduling: { type: 'Duplicated' } },
    });
    expect(created.status).toBe(201);
    await pollUntil('widgets decided', async () => (await view('widgets')).placement !== undefined, 30_000, 100);
    const got = await view('widgets');
    expect(got.status.phase).toBe('Unschedulable');
    expect(Object.values(got.placement?.decision.diagnosis ?? {}).map((d) => d.code)).toEqual(['KindNotServed', 'KindNotServed', 'KindNotServed']);
    expect(got.status.summary).toContain('0/3 clusters fit');
  }, 40_000);

  it('records what a member refuses as a permanent failure, not retried, with its reason', async () => {
    const created = await api('POST', '/api/v1/workloads', {
      name: 'broken',
      namespace: NS,
      tenant: 'team-a',
      manifests: [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'broken' }, spec: { ports: [{ port: 99999 }] } }],
      placement: { replicaScheduling: { type: 'Duplicated' }, clusterAffinity: { names: ['wl-a'] } },
    });
    expect(created.status).toBe(201);
    await pollUntil('broken Degraded', async () => (await view('broken')).status.phase === 'Degraded', STEP_MS, 250);
    const member = (await view('broken')).status.clusters.find((c) => c.cluster === 'wl-a');
    expect(member?.lastError).toMatchObject({ permanent: true });
    expect(member?.lastError?.reason).toMatch(/^HTTP 422/);
    const failed = (await api('GET', '/api/v1/queues/apply/jobs?state=failed')).body.items as { id: string; attemptsMade: number; failedReason: string }[];
    const job = failed.find((j) => j.id.startsWith(`${NS}.broken.`));
    expect(job?.attemptsMade).toBe(1);
    // A failed job can be retried by hand; the member refuses again, and it is failed again.
    const retried = await api('POST', `/api/v1/queues/apply/jobs/${job?.id ?? ''}/retry`);
    expect(retried.status).toBe(202);
    await pollUntil(
      'the retried job failed again',
      async () => ((await api('GET', '/api/v1/queues/apply/jobs?state=failed')).body.items as { id: string; attemptsMade: number }[]).some((j) => j.id === job?.id && j.attemptsMade >= 1),
      30_000,
      250,
    );
    expect((await api('POST', '/api/v1/queues/apply/jobs/no-such-job/retry')).status).toBe(404);
  }, STEP_MS + 10_000);

  it('retries a transient failure with backoff until the member answers again', async () => {
    const apply = hub.app.get(WorkloadQueues).queue('apply');
    const a = members.a as MemberCluster;
    await apply.pause();
    try {
      const created = await api('POST', '/api/v1/workloads', {
        name: 'patient',
        namespace: NS,
        tenant: 'team-a',
        manifests: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'patient' }, data: { wait: 'for it' } }],
        placement: { replicaScheduling: { type: 'Duplicated' }, clusterAffinity: { names: ['wl-a'] } },
      });
      expect(created.status).toBe(201);
      await pollUntil('patient placed', async () => ((await view('patient')).placement?.decision.clusters.length ?? 0) === 1, 30_000, 100);
      await a.network.cut();
      await apply.resume();
      await pollUntil(
        'a transient apply failure on wl-a',
        async () => /flotilla_apply_failures_total\{cluster="wl-a",permanent="false"\} [1-9]/.test(await (await fetch(`${url}/metrics`)).text()),
        30_000,
        100,
      );
      const during = (await view('patient')).status.clusters.find((c) => c.cluster === 'wl-a');
      expect(during?.lastError?.permanent).toBe(false);
    } finally {
      await apply.resume();
      await a.network.heal();
    }
    await pollUntil('patient Available after the heal', async () => (await view('patient')).status.phase === 'Available', 60_000, 250);
    expect((await view('patient')).status.clusters.find((c) => c.cluster === 'wl-a')?.lastError).toBeUndefined();
    expect(await core('a').readNamespacedConfigMap({ namespace: NS, name: 'patient' })).toBeDefined();
  }, 120_000);

  it('deletes while one member is hung: cleanup pending there, completed after it resumes', async () => {
    const uid = (await view('web')).metadata.uid;
    (members.c as MemberCluster).hang();
    try {
      expect((await api('DELETE', `/api/v1/namespaces/${NS}/workloads/web`)).status).toBe(202);
      await pollUntil('web gone from the API', async () => (await api('GET', `/api/v1/namespaces/${NS}/workloads/web`)).status === 404, 30_000, 250);
      const pending = (await api('GET', '/api/v1/cleanups')).body.items as { cluster: string; uid: string }[];
      expect(pending).toEqual([expect.objectContaining({ cluster: 'wl-c', uid })]);
      expect(await deploymentOn('a', 'web')).toBeUndefined();
      expect(await deploymentOn('b', 'web')).toBeUndefined();
    } finally {
      (members.c as MemberCluster).resume();
    }
    await pollUntil('pending cleanup done', async () => ((await api('GET', '/api/v1/cleanups')).body.items as unknown[]).length === 0, 60_000, 250);
    expect(await deploymentOn('c', 'web')).toBeUndefined();
    const events = (await api('GET', `/api/v1/events?kind=Workload&name=${NS}/web`)).body.items as { reason: string }[];
    expect(events.map((e) => e.reason)).toEqual(expect.arrayContaining(['Deleted', 'CleanupCompleted']));
  }, 120_000);
});

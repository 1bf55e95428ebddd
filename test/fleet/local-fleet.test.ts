import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AppsV1Api, CoreV1Api, VersionApi, type V1Deployment } from '@kubernetes/client-node';
import { Fleet } from './fleet.ts';
import { type MemberCluster } from './member-cluster.ts';
import { testDeployment } from './test-deployment.ts';

// Real control planes on a 2-core machine: starting two takes a while.
const CLUSTER_START_MS = 240_000;

async function eventually<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms${last instanceof Error ? `: ${last.message}` : ''}`);
}

/** Resolves to 'answered' or the failure kind, never waiting more than `timeoutMs`. */
async function probeApi(cluster: MemberCluster, timeoutMs = 3_000): Promise<'answered' | 'refused' | 'timeout' | 'error'> {
  const api = cluster.kubeConfig().makeApiClient(VersionApi);
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref());
  const call = api.getCode().then(
    () => 'answered' as const,
    (error: unknown) => (String(error).includes('ECONNREFUSED') ? ('refused' as const) : ('error' as const)),
  );
  return Promise.race([call, timeout]);
}

function available(d: V1Deployment): boolean {
  return d.status?.conditions?.some((c) => c.type === 'Available' && c.status === 'True') === true && d.status.availableReplicas === d.spec?.replicas;
}

describe('local fleet of real member clusters', () => {
  let fleet: Fleet;
  let a: MemberCluster;
  let b: MemberCluster;

  beforeAll(async () => {
    fleet = await Fleet.start();
    a = await fleet.addCluster({ name: 'member-a', zone: 'a', nodes: 2 });
    b = await fleet.addCluster({ name: 'member-b', zone: 'b', nodes: 1, nodeCapacity: { cpu: '4', memory: '8Gi', pods: '20' } });
  }, CLUSTER_START_MS);

  afterAll(async () => {
    await fleet?.stop();
  }, 60_000);

  it('labels fake nodes with the zone and the chosen capacity', async () => {
    const nodes = await b.kubeConfig('certificate').makeApiClient(CoreV1Api).listNode();
    expect(nodes.items).toHaveLength(1);
    const node = nodes.items[0];
    expect(node?.metadata?.labels?.['topology.kubernetes.io/zone']).toBe('b');
    expect(node?.status?.allocatable).toMatchObject({ cpu: '4', memory: '8Gi', pods: '20' });
    expect(node?.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
  });

  it('runs a Deployment to Available in each cluster', async () => {
    for (const [cluster, replicas] of [[a, 3], [b, 2]] as const) {
      const apps = cluster.kubeConfig().makeApiClient(AppsV1Api);
      await apps.createNamespacedDeployment({ namespace: 'default', body: testDeployment('web', replicas) });
      const ready = await eventually(`web Available in ${cluster.name}`, 90_000, async () => {
        const d = await apps.readNamespacedDeployment({ name: 'web', namespace: 'default' });
        return available(d) ? d : undefined;
      });
      expect(ready.status?.availableReplicas).toBe(replicas);
      const pods = await cluster.kubeConfig().makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'default', labelSelector: 'app=web' });
      expect(pods.items.filter((p) => p.status?.phase === 'Running' && p.spec?.nodeName)).toHaveLength(replicas);
    }
  }, 200_000);

  it('delays, partitions and heals the link between the hub and a cluster', async () => {
    const core = a.kubeConfig().makeApiClient(VersionApi);
    const t0 = performance.now();
    await core.getCode();
    const fast = performance.now() - t0;

    await a.network.delay(400);
    const t1 = performance.now();
    await core.getCode();
    expect(performance.now() - t1).toBeGreaterThanOrEqual(400);
    await a.network.heal();

    await a.network.partition();
    expect(await probeApi(a, 2_000)).toBe('timeout');
    // The direct link (the control plane's own components) is unaffected.
    expect(await a.kubeConfig('token', 'direct').makeApiClient(VersionApi).getCode()).toHaveProperty('gitVersion');
    await a.network.heal();
    await eventually('cluster a answers after heal', 10_000, async () => ((await probeApi(a)) === 'answered' ? true : undefined));

    await a.network.cut();
    expect(await probeApi(a)).not.toBe('answered');
    await a.network.heal();
    await eventually('cluster a answers after cut is healed', 10_000, async () => ((await probeApi(a)) === 'answered' ? true : undefined));
    expect(fast).toBeLessThan(400);
  }, 60_000);

  it('hangs a cluster with SIGSTOP and resumes it with SIGCONT', async () => {
    b.hang();
    expect(await probeApi(b, 2_000)).toBe('timeout');
    b.resume();
    await eventually('cluster b answers after SIGCONT', 15_000, async () => ((await probeApi(b)) === 'answered' ? true : undefined));
  }, 60_000);

  it('kills a cluster: its API stops answering while the other keeps serving', async () => {
    const pids = Object.values(b.pids());
    expect(pids).toHaveLength(5);
    await b.kill();
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
    expect(await probeApi(b)).not.toBe('answered');
    expect(await probeApi(a)).toBe('answered');
  }, 60_000);

  it('starts a killed cluster again with its state intact', async () => {
    await b.start();
    const d = await b.kubeConfig().makeApiClient(AppsV1Api).readNamespacedDeployment({ name: 'web', namespace: 'default' });
    expect(d.spec?.replicas).toBe(2);
  }, CLUSTER_START_MS);
});

import { Redis } from 'ioredis';
import type { Hub } from '../../apps/hub/src/create-hub.ts';
import { pollUntil } from '../integration/support/poll.ts';
import { authHeader } from '../oidc/test-tokens.ts';
import { deleteKeysWithPrefix } from '../integration/support/test-prefix.ts';
import type { MemberCluster } from './member-cluster.ts';

/** Hub settings for tests that break member clusters: fast probes, resyncs, retries and failover windows. */
export const FAST_FAILOVER_ENV: Readonly<Record<string, string>> = {
  FLOTILLA_PROBE_PERIOD_MS: '500',
  FLOTILLA_PROBE_INVENTORY_EVERY: '1',
  FLOTILLA_RESYNC_PERIOD_MS: '2000',
  FLOTILLA_RETRY_BASE_MS: '100',
  FLOTILLA_CLEANUP_RETRY_MAX_MS: '1000',
  FLOTILLA_MEMBER_REQUEST_TIMEOUT_MS: '2000',
  FLOTILLA_FAILOVER_STABILIZATION_MS: '5000',
};

/** A Deployment manifest for a workload (no namespace: the workload's), each replica asking for `cpu` and 64Mi. */
export function workloadDeployment(name: string, replicas: number, cpu = '100m'): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27', resources: { requests: { cpu, memory: '64Mi' } } }] } },
    },
  };
}

export interface WorkloadView {
  placement?: { decision: { clusters: { name: string; replicas: number }[] } };
  status: { phase: string; summary: string };
}

export interface HubEvent {
  reason: string;
  message: string;
  actor: string;
  time: string;
}

/**
 * The hub's REST API as the fleet tests use it, as the admin test caller (of the run's shared
 * provider unless `auth` says otherwise). `url` may change (a test that restarts the hub).
 */
export class HubApi {
  constructor(
    public url: string,
    private readonly auth: () => Promise<{ authorization: string }> = () => authHeader(),
  ) {}

  /** One request as the admin test caller. */
  async call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const auth = await this.auth();
    const response = await fetch(`${this.url}${path}`, { method, ...(body === undefined ? { headers: auth } : { headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify(body) }) });
    const text = await response.text();
    return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
  }

  async view(namespace: string, name: string): Promise<WorkloadView> {
    return (await this.call('GET', `/api/v1/namespaces/${namespace}/workloads/${name}`)).body as unknown as WorkloadView;
  }

  /** The workload's placement: cluster name to replicas. */
  async placement(namespace: string, name: string): Promise<Record<string, number>> {
    return Object.fromEntries(((await this.view(namespace, name)).placement?.decision.clusters ?? []).map((c) => [c.name, c.replicas]));
  }

  /** Newest first. */
  async events(kind: string, name: string): Promise<HubEvent[]> {
    return (await this.call('GET', `/api/v1/events?kind=${kind}&name=${name}`)).body.items as HubEvent[];
  }

  /** Registers each member in its zone (token credentials) and waits until all are Ready with capacity and API groups read. */
  async registerAndWaitReady(members: readonly MemberCluster[], timeoutMs = 60_000): Promise<void> {
    for (const m of members) {
      const answer = await this.call('POST', '/api/v1/clusters', { name: m.name, server: m.server, caBundle: m.caPem, credentials: { type: 'token', token: m.token }, zone: m.zone });
      if (answer.status !== 201) throw new Error(`registering ${m.name}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
    }
    await pollUntil(
      `${members.length} Ready clusters with capacity`,
      async () => {
        const items = (await this.call('GET', '/api/v1/clusters')).body.items as { status: { ready: { status: string }; capacity?: unknown; apiGroups?: unknown } }[];
        return items.length === members.length && items.every((c) => c.status.ready.status === 'True' && c.status.capacity !== undefined && c.status.apiGroups !== undefined);
      },
      timeoutMs,
    );
  }
}

/** Closes the hub and deletes its key prefix from Redis. */
export async function closeHub(hub: Hub | undefined, prefix: string): Promise<void> {
  if (!hub) return;
  await hub.close();
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  try {
    await deleteKeysWithPrefix(redis, prefix);
  } finally {
    redis.disconnect();
  }
}

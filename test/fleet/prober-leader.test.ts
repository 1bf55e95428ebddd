import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { CLUSTER_STATUS_KIND, type ClusterStatus } from '../../libs/clusters/src/index.ts';
import { Store } from '../../libs/store/src/index.ts';
import { freePort } from '../integration/support/free-port.ts';
import { buildHub } from '../integration/global-setup.ts';
import { HubProcess } from '../integration/support/hub-process.ts';
import { pollUntil } from '../integration/support/poll.ts';
import { deleteKeysWithPrefix, testPrefix } from '../integration/support/test-prefix.ts';
import { authHeader } from '../oidc/test-tokens.ts';
import { sharedFleet, type SharedCluster } from './shared-fleet.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const LEASE_MS = 3_000;

function report(line: string): void {
  process.stderr.write(`flotilla prober leader: ${line}\n`);
}

interface RunningHub {
  process: HubProcess;
  url: string;
}

/** The value of a series without labels, or of the sum of a labelled series filtered by `match`. */
function sample(text: string, name: string, match = ''): number {
  return text
    .split('\n')
    .filter((line) => (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) && line.includes(match))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

describe('two hub processes on one Redis: one prober, and takeover when it dies', () => {
  const prefix = testPrefix('leader');
  let redis: Redis;
  let store: Store;
  let shared: SharedCluster;
  const hubs: RunningHub[] = [];
  /** The hub that took over, still running after the first test. */
  let survivor: RunningHub | undefined;

  async function startHub(): Promise<RunningHub> {
    const port = await freePort();
    const process = new HubProcess({ PORT: String(port), HOST: '127.0.0.1', REDIS_URL, FLOTILLA_KEY_PREFIX: prefix, LOG_LEVEL: 'info', FLOTILLA_LEADER_LEASE_MS: String(LEASE_MS) });
    await process.waitForLog((line) => line.msg === 'Flotilla hub listening', 30_000);
    return { process, url: `http://127.0.0.1:${port}` };
  }

  const metrics = async (hub: RunningHub): Promise<string> => (await fetch(`${hub.url}/metrics`)).text();
  const status = async (): Promise<ClusterStatus | undefined> => (await store.find<ClusterStatus>({ kind: CLUSTER_STATUS_KIND, id: 'leader-shared' }))?.data;

  beforeAll(async () => {
    buildHub();
    shared = sharedFleet()[0] as SharedCluster;
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
    store = new Store(redis, { prefix });
    hubs.push(await startHub(), await startHub());
  }, 120_000);

  afterAll(async () => {
    for (const hub of hubs) hub.process.kill('SIGKILL');
    await Promise.all(hubs.map((hub) => hub.process.exited));
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
  }, 30_000);

  it('probes from exactly one hub, and the other takes over within seconds of a kill -9', async () => {
    const registered = await fetch(`${hubs[0]?.url}/api/v1/clusters`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await authHeader()) },
      body: JSON.stringify({ name: 'leader-shared', server: shared.server, caBundle: shared.caPem, credentials: { type: 'token', token: shared.token }, zone: shared.zone }),
    });
    expect(registered.status).toBe(201);
    await pollUntil('Ready', async () => (await status())?.conditions[0]?.status === 'True', 20_000, 50);

    // Let both run side by side for a while, then compare what each did.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const [first, second] = await Promise.all(hubs.map(metrics));
    const leaders = [first, second].map((text) => sample(text ?? '', 'flotilla_prober_leader'));
    expect(leaders.sort()).toEqual([0, 1]);
    const leaderIndex = sample(first ?? '', 'flotilla_prober_leader') === 1 ? 0 : 1;
    const leader = hubs[leaderIndex] as RunningHub;
    const follower = hubs[1 - leaderIndex] as RunningHub;
    const leaderText = leaderIndex === 0 ? first : second;
    const followerText = leaderIndex === 0 ? second : first;
    const probesByLeader = sample(leaderText ?? '', 'flotilla_cluster_probes_total', 'cluster="leader-shared"');
    expect(probesByLeader).toBeGreaterThanOrEqual(3);
    expect(sample(followerText ?? '', 'flotilla_cluster_probes_total', 'cluster="leader-shared"')).toBe(0);
    expect(followerText).not.toContain('flotilla_cluster_ready{');
    const lease = JSON.parse((await redis.get(`${prefix}:lease:prober`)) ?? '{}') as { holder: string; token: number };
    const before = (await status()) as ClusterStatus;
    expect(before.fencingToken).toBe(lease.token);
    report(`leader probed ${probesByLeader} times in the first seconds, the follower 0 times; lease token ${lease.token}`);

    const killedAt = Date.now();
    leader.process.kill('SIGKILL');
    await leader.process.exited;
    await pollUntil('the follower to lead', async () => sample(await metrics(follower), 'flotilla_prober_leader') === 1, 15_000, 50);
    const tookOverAfter = Date.now() - killedAt;
    survivor = follower;
    const written = await (async () => {
      for (;;) {
        const current = await status();
        if (current !== undefined && current.fencingToken > lease.token) return current;
        if (Date.now() - killedAt > 20_000) throw new Error('no status written by the new leader');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const firstWriteAfter = Date.parse(written.observedAt) - killedAt;
    report(`kill -9 of the leader: the follower took the lease after ${tookOverAfter} ms and wrote the first status after ${firstWriteAfter} ms (lease TTL ${LEASE_MS} ms)`);
    // The lease expires at most one TTL after the last renewal; the follower tries every TTL/3.
    expect(tookOverAfter).toBeLessThanOrEqual(LEASE_MS + LEASE_MS / 3 + 1_500);
    expect(written.conditions[0]?.status).toBe('True');

    // Status keeps updating under the new leader.
    const observed = written.observedAt;
    await pollUntil('fresh status', async () => ((await status())?.observedAt ?? '') > observed, 5_000, 50);
    expect(sample(await metrics(follower), 'flotilla_cluster_probes_total', 'cluster="leader-shared"')).toBeGreaterThan(0);
  }, 90_000);

  it('releases the lease on SIGTERM, so nobody has to wait for it to expire', async () => {
    const hub = survivor;
    if (hub === undefined) throw new Error('the takeover test did not leave a leader');
    expect(await redis.exists(`${prefix}:lease:prober`)).toBe(1);
    hub.process.kill('SIGTERM');
    expect(await hub.process.exited).toEqual({ code: 0, signal: null });
    expect(await redis.exists(`${prefix}:lease:prober`)).toBe(0);
  }, 30_000);
});

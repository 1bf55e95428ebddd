// Measures cross-cluster reads from the watch caches on the real local fleet: three member
// clusters (zones a, b, c) holding OBJECTS ConfigMaps together (a third each, label
// bench=fleet-reads, about 300 bytes of data each), and an in-process hub caching v1/ConfigMap
// (FLOTILLA_FLEET_CACHE_KINDS=v1/ConfigMap).
//   first page: GET /api/v1/fleet/objects?apiVersion=v1&kind=ConfigMap&labelSelector=bench%3Dfleet-reads
//               (limit 500): the hub selects, merges and orders all OBJECTS, then answers 500.
//   all pages:  the same list paged with limit=1000 until no continue: every object once.
//   live:       the same first page with the caches off (a second hub, FLOTILLA_FLEET_CACHE_KINDS=-),
//               for the ratio: the members read on every request.
//   memory:     the process heap (after a forced GC) with the caches filled, minus the same after
//               stopping them, per 1,000 objects; and the caches' own estimate (flotilla_fleet_cache_bytes).
//   catch-up:   1,000 ConfigMaps of one cluster changed (a label), 50 requests in flight; the time
//               from the last change acknowledged by the member until the cache holds all 1,000
//               changes (read from the hub's FleetCaches, in process, every 5 ms).
//   npm run bench:fleet-reads [-- OBJECTS REQUESTS]
// OBJECTS defaults to 10000, REQUESTS (timed requests per kind) to 300. Goal: p99 of a list of
// 10,000 cached objects under 100 ms. Prints a markdown report; docs/fleet-reads.md's numbers come from it.
import { cpus, loadavg, totalmem } from 'node:os';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { Redis } from 'ioredis';
import { hubTestConfig } from '../test/integration/support/hub-config.ts';
import { pollUntil } from '../test/integration/support/poll.ts';
import { deleteKeysWithPrefix } from '../test/integration/support/test-prefix.ts';
import { Fleet } from '../test/fleet/fleet.ts';
import type { MemberCluster } from '../test/fleet/member-cluster.ts';
import { HUB_AUDIENCE, startTestIdp } from '../test/oidc/test-idp.ts';
import { testToken } from '../test/oidc/test-tokens.ts';
import { buildHub, quantile } from './support.ts';

const [objects = 10_000, requests = 300] = process.argv.slice(2).map(Number);
const NS = 'bench-reads';
const LABEL = 'bench=fleet-reads';
const CHANGES = 1000;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `bench-fleet-reads-${process.pid}`;
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const gc = (globalThis as { gc?: () => void }).gc;

log('building the hub (tsc)');
const dist = buildHub();
const { createHub } = (await import(dist('apps/hub/src/create-hub.js'))) as typeof import('../apps/hub/src/create-hub.ts');
const { FleetCaches } = (await import(dist('apps/hub/src/fleet/fleet-caches.js'))) as typeof import('../apps/hub/src/fleet/fleet-caches.ts');
type Hub = import('../apps/hub/src/create-hub.ts').Hub;

const idp = await startTestIdp();
const authHeader = async (): Promise<{ authorization: string }> => ({ authorization: `Bearer ${await testToken('admin', idp.issuer)}` });
const fleet = await Fleet.start();
const hubs: Hub[] = [];
const redis = new Redis(redisUrl);

async function cleanup(): Promise<void> {
  for (const hub of hubs) await hub.close().catch(() => undefined);
  await deleteKeysWithPrefix(redis, prefix);
  redis.disconnect();
  await fleet.stop();
  await idp.close();
}

/** Runs `work` over `items` with at most `parallel` in flight. */
async function inParallel<T>(items: readonly T[], parallel: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

async function startHub(name: string, cacheKinds: string): Promise<string> {
  const config = hubTestConfig({
    REDIS_URL: redisUrl,
    LOG_LEVEL: 'warn',
    FLOTILLA_KEY_PREFIX: prefix,
    FLOTILLA_OIDC_ISSUER: idp.issuer,
    FLOTILLA_OIDC_AUDIENCE: HUB_AUDIENCE,
    FLOTILLA_FLEET_CACHE_KINDS: cacheKinds,
    FLOTILLA_FLEET_READ_TIMEOUT_MS: '30000',
  });
  const hub = await createHub(config, { logDestination: { write: () => undefined } });
  hubs.push(hub);
  log(`hub ${name} up`);
  return hub.listen();
}

/** Times `count` sequential GETs of `path`; returns the durations in ms and the last body. */
async function timeGets(url: string, path: string, count: number): Promise<{ ms: number[]; body: { items: unknown[]; metadata: { continue?: string }; errors: unknown[] } }> {
  const ms: number[] = [];
  let body: { items: unknown[]; metadata: { continue?: string }; errors: unknown[] } = { items: [], metadata: {}, errors: [] };
  for (let i = 0; i < count; i++) {
    const headers = await authHeader();
    const t0 = performance.now();
    const response = await fetch(`${url}${path}`, { headers });
    body = (await response.json()) as typeof body;
    ms.push(performance.now() - t0);
    if (response.status !== 200) throw new Error(`${path}: HTTP ${response.status} ${JSON.stringify(body)}`);
  }
  return { ms, body };
}

const row = (what: string, ms: number[]): string => `| ${what} | ${ms.length} | ${quantile(ms, 0.5).toFixed(1)} ms | ${quantile(ms, 0.99).toFixed(1)} ms |`;

try {
  const members: MemberCluster[] = [];
  for (const zone of ['a', 'b', 'c']) members.push(await fleet.addCluster({ name: `reads-${zone}`, zone, nodes: 1 }));
  const kc = (member: MemberCluster): KubeConfig => member.kubeConfig('token', 'direct');
  const perCluster = Math.ceil(objects / members.length);
  const t0 = performance.now();
  for (const member of members) {
    const core = kc(member).makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: NS } } });
    const names = Array.from({ length: Math.min(perCluster, objects - members.indexOf(member) * perCluster) }, (_, i) => `cm-${String(i).padStart(5, '0')}`);
    await inParallel(names, 50, async (name) => {
      await core.createNamespacedConfigMap({ namespace: NS, body: { metadata: { name, labels: { bench: 'fleet-reads', app: name } }, data: { payload: 'x'.repeat(300) } } });
    });
  }
  log(`${objects} ConfigMaps created in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const url = await startHub('cached', 'v1/ConfigMap');
  const settledHeap = async (): Promise<number> => {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    gc?.();
    return process.memoryUsage().heapUsed;
  };
  const hub = hubs[0] as Hub;
  const auth = await authHeader();
  for (const member of members) {
    const response = await fetch(`${url}/api/v1/clusters`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify({ name: member.name, server: member.server, caBundle: member.caPem, credentials: { type: 'token', token: member.token }, zone: member.zone }),
    });
    if (response.status !== 201) throw new Error(`register ${member.name}: HTTP ${response.status}`);
  }
  const caches = hub.app.get(FleetCaches);
  const filled = performance.now();
  await pollUntil('caches filled', () => Promise.resolve(caches.all().reduce((sum, cache) => sum + (cache.state === 'Synced' ? cache.size : 0), 0) >= objects), 300_000, 50);
  log(`caches filled in ${((performance.now() - filled) / 1000).toFixed(1)} s (registration included)`);
  const estimated = caches.budget.usedBytes;

  const list = `/api/v1/fleet/objects?apiVersion=v1&kind=ConfigMap&labelSelector=${encodeURIComponent(LABEL)}`;
  await timeGets(url, `${list}&limit=500`, 20); // warm-up
  const first = await timeGets(url, `${list}&limit=500`, requests);
  if (first.body.items.length !== 500 || first.body.errors.length !== 0) throw new Error(`unexpected first page: ${first.body.items.length} items, errors ${JSON.stringify(first.body.errors)}`);
  const filtered = await timeGets(url, `/api/v1/fleet/objects?apiVersion=v1&kind=ConfigMap&labelSelector=${encodeURIComponent('app in (cm-00001,cm-00002)')}`, requests);
  const pages: number[] = [];
  const full: number[] = [];
  for (let run = 0; run < 20; run++) {
    let token: string | undefined;
    let seen = 0;
    const start = performance.now();
    do {
      const page = await timeGets(url, `${list}&limit=1000${token ? `&continue=${token}` : ''}`, 1);
      pages.push(...page.ms);
      seen += page.body.items.length;
      token = page.body.metadata.continue;
    } while (token);
    full.push(performance.now() - start);
    if (seen !== objects) throw new Error(`paged ${seen} objects, expected ${objects}`);
  }

  // Catch-up: change 1,000 objects of cluster a, then wait for the cache to hold every change.
  const victim = members[0] as MemberCluster;
  const core = kc(victim).makeApiClient(CoreV1Api);
  const changed = Array.from({ length: CHANGES }, (_, i) => `cm-${String(i).padStart(5, '0')}`);
  const cache = caches.all().find((c) => c.cluster === victim.name);
  if (!cache) throw new Error('no cache of cluster a');
  const burstStart = performance.now();
  await inParallel(changed, 50, async (name) => {
    await core.patchNamespacedConfigMap({ namespace: NS, name, body: [{ op: 'add', path: '/metadata/labels/round', value: 'two' }] });
  });
  const burstEnd = performance.now();
  const caughtUp = (): boolean => {
    let done = 0;
    for (const { object } of cache.values()) if (object.metadata?.labels?.round === 'two') done += 1;
    return done >= CHANGES;
  };
  while (!caughtUp()) await new Promise((resolve) => setTimeout(resolve, 5));
  const catchUpMs = performance.now() - burstEnd;

  // Memory: the heap with the caches filled against the same hub right after its caches stopped
  // (back to back: the fleet's own log buffers in this process grow meanwhile, and a heap read
  // before the clusters were registered still held the creation's garbage).
  const heapFilled = await settledHeap();
  for (const c of caches.all()) c.stop();
  const heapStopped = await settledHeap();

  // The same first page with the caches off: every member read on every request.
  const liveUrl = await startHub('live', '-');
  await pollUntil('live hub sees the clusters', async () => {
    const page = await timeGets(liveUrl, `${list}&limit=500`, 1);
    return page.body.errors.length === 0 && page.body.items.length === 500;
  }, 60_000, 500);
  const live = await timeGets(liveUrl, `${list}&limit=500`, Math.max(10, Math.round(requests / 10)));

  const perThousand = (bytes: number): string => `${((bytes / objects) * 1000 / 1024 / 1024).toFixed(2)} MiB`;
  console.log(`## Cross-cluster reads (bench/fleet-reads.ts)

Machine: ${cpus().length} cores, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}; load average at the end ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ')}. Three member clusters on loopback, ${objects} ConfigMaps (${perCluster} per cluster, ~300 bytes of data each), cached.

| request | requests | p50 | p99 |
|---|---|---|---|
${row(`first page (500) of ${objects} cached objects, merged and ordered`, first.ms)}
${row('label selector matching 6 of them (cache)', filtered.ms)}
${row(`one page of 1000 while paging through all ${objects}`, pages)}
${row(`all ${objects} (${Math.ceil(objects / 1000)} pages)`, full)}
${row(`first page (500), caches off: read live from 3 members`, live.ms)}

Cached against live, first page at p50: ${(quantile(live.ms, 0.5) / quantile(first.ms, 0.5)).toFixed(1)}x faster from the cache.

Memory: ${perThousand(heapFilled - heapStopped)} of heap per 1,000 cached objects (freed when the caches stopped)${gc ? '' : ' (no --expose-gc: rough)'}; the caches' own estimate ${perThousand(estimated)} per 1,000 (${(estimated / 1024 / 1024).toFixed(1)} MiB for ${objects}).

Catch-up: ${CHANGES} changes to cluster a took ${(burstEnd - burstStart).toFixed(0)} ms to make (50 in flight); the cache held all of them ${catchUpMs.toFixed(0)} ms after the last was acknowledged.
`);
} finally {
  await cleanup();
}

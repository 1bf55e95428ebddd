// Measures the workload pipeline end to end on the real local fleet: three member clusters
// (zones a, b, c, one KWOK node each) and an in-process hub. Each workload is a Deployment of 2
// replicas (Divided by AvailableCapacity, so on 1 or 2 clusters) and a ConfigMap. For each, from
// the API's 201 Created to
//   (a) applied: every cluster of its placement reports appliedGeneration 1, and
//   (b) Available: status.phase === 'Available',
// as seen by polling the hub's GET /api/v1/namespaces/{ns}/workloads/{name} every 20 ms for the
// workloads in flight (so times are rounded up to the next poll: ~20 ms plus a GET).
//   npm run bench:workloads [-- SEQUENTIAL_WORKLOADS BURST_SIZE]
// First SEQUENTIAL_WORKLOADS (default 60) one at a time (the next created 250 ms after the
// previous one is Available), then BURST_SIZE (default 10, 0 to skip) created at once. Prints a
// markdown report; docs/benchmarks-workloads.md's numbers come from it. Goal: p99 < 500 ms to applied.
import { cpus, totalmem } from 'node:os';
import { Redis } from 'ioredis';
import { TEST_ENCRYPTION_KEYS } from '../test/integration/support/test-encryption-key.ts';
import { deleteKeysWithPrefix } from '../test/integration/support/test-prefix.ts';
import { Fleet } from '../test/fleet/fleet.ts';
import type { MemberCluster } from '../test/fleet/member-cluster.ts';
import { HUB_AUDIENCE, startTestIdp } from '../test/oidc/test-idp.ts';
import { testToken } from '../test/oidc/test-tokens.ts';
import { buildHub, quantile } from './support.ts';

const [sequential = 60, burst = 10] = process.argv.slice(2).map(Number);
const NS = 'bench-e2e';
const POLL_MS = 20;
const TIMEOUT_MS = 60_000;
const GOAL_APPLIED_P99_MS = 500;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `bench-e2e-${process.pid}`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));


// Node's type stripping cannot load the hub's decorated sources: use the build.
process.stderr.write('building the hub (tsc)\n');
const dist = buildHub();
const { createHub } = (await import(dist('apps/hub/src/create-hub.js'))) as typeof import('../apps/hub/src/create-hub.ts');
const { parseConfig } = (await import(dist('libs/config/src/index.js'))) as typeof import('../libs/config/src/index.ts');
type Hub = import('../apps/hub/src/create-hub.ts').Hub;

interface View {
  metadata: { generation: number; createdAt: string };
  placement?: { generation: number; decidedAt: string; decision: { clusters: { name: string; replicas: number }[] } };
  status: { phase: string; summary: string; clusters: { cluster: string; appliedGeneration?: number; observedAt?: string }[] };
}
interface Tracked {
  name: string;
  createdAt: number;
  /** POST sent to 201 received. */
  apiMs: number;
  appliedMs?: number;
  availableMs?: number;
  clusters: number;
  lastSummary: string;
  /** Hub clock: workload stored to placement stored, and placement stored to the last placed member's status written. */
  placeMs?: number;
  applyMs?: number;
}

const workload = (name: string): Record<string, unknown> => ({
  name,
  namespace: NS,
  tenant: 'bench',
  manifests: [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27', resources: { requests: { cpu: '100m', memory: '64Mi' } } }] } },
      },
    },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${name}-config` }, data: { greeting: 'hello' } },
  ],
  placement: { replicaScheduling: { type: 'Divided', divisionPreference: 'AvailableCapacity' } },
});

const errors: string[] = [];
// The hub trusts an OpenID Provider of the bench's own, and every API call carries an admin token.
const idp = await startTestIdp();
const authHeader = async (): Promise<{ authorization: string }> => ({ authorization: `Bearer ${await testToken('admin', idp.issuer)}` });
const fleet = await Fleet.start();
let hub: Hub | undefined;
const redis = new Redis(redisUrl);
try {
  const members: MemberCluster[] = [];
  for (const zone of ['a', 'b', 'c']) {
    const t0 = performance.now();
    members.push(await fleet.addCluster({ name: `e2e-${zone}`, zone, nodes: 1 }));
    process.stderr.write(`cluster e2e-${zone} up in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  const parsed = parseConfig({
    HOST: '127.0.0.1',
    REDIS_URL: redisUrl,
    LOG_LEVEL: 'warn',
    FLOTILLA_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS,
    FLOTILLA_KEY_PREFIX: prefix,
    FLOTILLA_OIDC_ISSUER: idp.issuer,
    FLOTILLA_OIDC_AUDIENCE: HUB_AUDIENCE,
    FLOTILLA_PROBE_PERIOD_MS: '500',
    FLOTILLA_PROBE_INVENTORY_EVERY: '1',
    FLOTILLA_RESYNC_PERIOD_MS: '2000',
  });
  if (!parsed.ok) throw new Error(parsed.issues.map((issue) => `${issue.variable} ${issue.message}`).join('\n'));
  const config = { ...parsed.config, port: 0 };
  hub = await createHub(config, { logDestination: { write: (line: string) => void errors.push(line) } });
  const url = await hub.listen();

  async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown; at: number }> {
    const auth = await authHeader();
    const response = await fetch(`${url}${path}`, {
      method,
      ...(body === undefined ? { headers: auth } : { headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify(body) }),
    });
    const at = performance.now();
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown), at };
  }

  for (const m of members) {
    const zone = m.name.slice(-1);
    const answer = await api('POST', '/api/v1/clusters', { name: m.name, server: m.server, caBundle: m.caPem, credentials: { type: 'token', token: m.token }, zone });
    if (answer.status !== 201) throw new Error(`registering ${m.name}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
  }
  const readySince = performance.now();
  for (;;) {
    const items = ((await api('GET', '/api/v1/clusters')).body as { items: { status: { ready: { status: string }; capacity?: unknown; apiGroups?: unknown } }[] }).items;
    if (items.length === 3 && items.every((c) => c.status.ready.status === 'True' && c.status.capacity !== undefined && c.status.apiGroups !== undefined)) break;
    if (performance.now() - readySince > 120_000) throw new Error(`clusters not Ready with capacity within 120 s: ${JSON.stringify(items)}`);
    await sleep(250);
  }
  process.stderr.write(`3 clusters Ready with capacity after ${((performance.now() - readySince) / 1000).toFixed(1)} s\n`);

  /** Polls every in-flight workload every POLL_MS until each is applied and Available (or times out). */
  async function track(items: Tracked[]): Promise<void> {
    const inFlight = new Set(items);
    while (inFlight.size > 0) {
      const started = performance.now();
      await Promise.all(
        [...inFlight].map(async (t) => {
          const answer = await api('GET', `/api/v1/namespaces/${NS}/workloads/${t.name}`);
          if (answer.status !== 200) throw new Error(`GET ${t.name}: HTTP ${answer.status}`);
          const view = answer.body as View;
          const seen = answer.at - t.createdAt;
          t.lastSummary = view.status.summary;
          const placed = view.placement?.generation === 1 ? view.placement.decision.clusters : undefined;
          if (t.appliedMs === undefined && placed !== undefined && placed.length > 0) {
            const applied = placed.every((p) => view.status.clusters.some((c) => c.cluster === p.name && (c.appliedGeneration ?? 0) >= 1));
            if (applied) {
              t.appliedMs = seen;
              t.clusters = placed.length;
              const decided = Date.parse(view.placement?.decidedAt ?? '');
              const written = Math.max(...view.status.clusters.filter((c) => placed.some((p) => p.name === c.cluster)).map((c) => Date.parse(c.observedAt ?? '')));
              t.placeMs = decided - Date.parse(view.metadata.createdAt);
              t.applyMs = written - decided;
            }
          }
          if (t.availableMs === undefined && view.status.phase === 'Available') t.availableMs = seen;
          if (t.appliedMs !== undefined && t.availableMs !== undefined) inFlight.delete(t);
          else if (seen > TIMEOUT_MS) {
            process.stderr.write(`${t.name}: not applied and Available within ${TIMEOUT_MS} ms (last: ${t.lastSummary})\n`);
            inFlight.delete(t);
          }
        }),
      );
      await sleep(Math.max(0, POLL_MS - (performance.now() - started)));
    }
  }

  async function create(name: string): Promise<Tracked> {
    await authHeader(); // a token fetched now (when the cached one runs out) is not timed as the POST
    const sent = performance.now();
    const answer = await api('POST', '/api/v1/workloads', workload(name));
    if (answer.status !== 201) throw new Error(`creating ${name}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
    return { name, createdAt: answer.at, apiMs: answer.at - sent, clusters: 0, lastSummary: '' };
  }

  const sequentialRun: Tracked[] = [];
  for (let i = 0; i < sequential; i++) {
    const t = await create(`seq-${String(i).padStart(3, '0')}`);
    sequentialRun.push(t);
    await track([t]);
    if ((i + 1) % 10 === 0) process.stderr.write(`${i + 1}/${sequential} sequential workloads done\n`);
    await sleep(250);
  }
  const burstRun: Tracked[] = [];
  if (burst > 0) {
    await sleep(2_000);
    burstRun.push(...(await Promise.all(Array.from({ length: burst }, (_, i) => create(`burst-${String(i).padStart(3, '0')}`)))));
    await track(burstRun);
  }

  const f0 = (n: number): string => (Number.isFinite(n) ? n.toFixed(0) : 'n/a');
  const stats = (label: string, run: Tracked[]): string[] => {
    const applied = run.flatMap((t) => (t.appliedMs === undefined ? [] : [t.appliedMs]));
    const available = run.flatMap((t) => (t.availableMs === undefined ? [] : [t.availableMs]));
    const api201 = run.map((t) => t.apiMs);
    const place = run.flatMap((t) => (t.placeMs === undefined ? [] : [t.placeMs]));
    const apply = run.flatMap((t) => (t.applyMs === undefined ? [] : [t.applyMs]));
    const row = (what: string, v: number[]): string => `| ${label} | ${what} | ${v.length}/${run.length} | ${f0(quantile(v, 0.5))} | ${f0(quantile(v, 0.99))} | ${f0(quantile(v, 1))} |`;
    return [
      row('POST to 201', api201),
      row('201 to applied on every placed cluster', applied),
      row('  of which: stored to placement stored (hub clock)', place),
      row('  of which: placement stored to last member status written (hub clock)', apply),
      row('201 to Available', available),
    ];
  };
  const allApplied = [...sequentialRun, ...burstRun];
  const seqApplied = sequentialRun.flatMap((t) => (t.appliedMs === undefined ? [] : [t.appliedMs]));
  const seqP99 = quantile(seqApplied, 0.99);
  const clusterCounts = allApplied.reduce<Record<number, number>>((acc, t) => ({ ...acc, [t.clusters]: (acc[t.clusters] ?? 0) + 1 }), {});
  const lines = [
    `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; Kubernetes ${fleet.binaries.kubernetesVersion}; ${new Date().toISOString().slice(0, 10)}`,
    `3 member clusters (zones a/b/c, 1 KWOK node each); hub in process: probe period 500 ms with inventory every probe, resync 2000 ms, placement concurrency ${config.placementConcurrency}, apply concurrency ${config.applyConcurrency}`,
    `Workload: Deployment 2 replicas (100m CPU, 64Mi) Divided/AvailableCapacity + ConfigMap; placed on ${Object.entries(clusterCounts).map(([n, c]) => `${n} cluster(s): ${c}`).join(', ')}`,
    `Times from the 201 Created, observed by polling GET every ${POLL_MS} ms (rounded up to the poll that saw it)`,
    '',
    '| run | interval | count | p50 ms | p99 ms | max ms |',
    '| --- | --- | --- | --- | --- | --- |',
    ...stats(`${sequential} one at a time`, sequentialRun),
    ...(burst > 0 ? stats(`${burst} at once`, burstRun) : []),
    '',
    `Goal p99 < ${GOAL_APPLIED_P99_MS} ms from 201 to applied (one at a time): ${f0(seqP99)} ms, ${seqP99 < GOAL_APPLIED_P99_MS ? 'met' : 'NOT met'}`,
    ...(errors.length > 0 ? ['', `hub warn/error log lines: ${errors.length}; first: ${errors.slice(0, 3).map((e) => e.slice(0, 300)).join(' | ')}`] : []),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  for (const t of allApplied) process.stderr.write(`${t.name}: applied ${f0(t.appliedMs ?? Number.NaN)} ms (place ${f0(t.placeMs ?? Number.NaN)}, apply ${f0(t.applyMs ?? Number.NaN)}), Available ${f0(t.availableMs ?? Number.NaN)} ms, ${t.clusters} clusters\n`);
} finally {
  if (hub) await hub.close();
  await deleteKeysWithPrefix(redis, prefix);
  redis.disconnect();
  try {
    await fleet.stop();
  } finally {
    await idp.close();
  }
}

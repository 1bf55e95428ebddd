// Measures sustained placement decisions per second through the hub's BullMQ `placement` queue:
// each decision reads the workload, the fleet snapshot and the previous placement, runs the
// engine, stores the placement record, enqueues one apply job per selected cluster, appends
// history and records an event. In process, against the machine's Redis, with 10 synthetic
// member clusters that are never reached (the `apply` and `cleanup` queues stay paused, so apply
// jobs are enqueued but not run).
//   npm run bench:placement-queue [-- WORKLOADS_PER_ROUND ROUNDS]
// Each round: pause `placement`, create the workloads through the REST API, resume `placement`
// and time until every place job completed (BullMQ QueueEvents). Prints a markdown report with
// the median round; docs/benchmarks-workloads.md's numbers come from it. Goal: 500 decisions/s.
import { cpus, totalmem } from 'node:os';
import { Job, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import type { ClusterStatus } from '../libs/clusters/src/index.ts';
import { CA_PEM } from '../libs/clusters/src/test-pki.fixture.ts';
import type { PlacementRecord } from '../libs/workloads/src/index.ts';
import { TEST_ENCRYPTION_KEYS } from '../test/integration/support/test-encryption-key.ts';
import { deleteKeysWithPrefix } from '../test/integration/support/test-prefix.ts';
import { HUB_AUDIENCE, startTestIdp } from '../test/oidc/test-idp.ts';
import { testToken } from '../test/oidc/test-tokens.ts';
import { buildHub, quantile } from './support.ts';

const [workloadsPerRound = 2000, rounds = 3] = process.argv.slice(2).map(Number);
const CLUSTERS = 10;
const NS = 'bench';
const GOAL_PER_SECOND = 500;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `bench-pq-${process.pid}`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));


// Node's type stripping cannot load the hub's decorated sources: use the build.
process.stderr.write('building the hub (tsc)\n');
const dist = buildHub();
const { createHub } = (await import(dist('apps/hub/src/create-hub.js'))) as typeof import('../apps/hub/src/create-hub.ts');
const { parseConfig } = (await import(dist('libs/config/src/index.js'))) as typeof import('../libs/config/src/index.ts');
const { Store } = (await import(dist('libs/store/src/index.js'))) as typeof import('../libs/store/src/index.ts');
const { WorkloadQueues } = (await import(dist('apps/hub/src/workloads/workload-queues.js'))) as typeof import('../apps/hub/src/workloads/workload-queues.ts');

// The hub trusts an OpenID Provider of the bench's own, and every API call carries an admin token.
const idp = await startTestIdp();
const authHeader = async (): Promise<{ authorization: string }> => ({ authorization: `Bearer ${await testToken('admin', idp.issuer)}` });

const parsed = parseConfig({
  HOST: '127.0.0.1',
  REDIS_URL: redisUrl,
  LOG_LEVEL: 'error',
  FLOTILLA_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS,
  FLOTILLA_KEY_PREFIX: prefix,
  FLOTILLA_OIDC_ISSUER: idp.issuer,
  FLOTILLA_OIDC_AUDIENCE: HUB_AUDIENCE,
  // One probe per cluster at start (they fail: nothing listens there); the bench writes the statuses.
  FLOTILLA_PROBE_PERIOD_MS: '3600000',
  FLOTILLA_STATUS_STALE_AFTER_MS: '4000000',
  // No resync during the rounds: it would enqueue sync jobs and place again on its own.
  FLOTILLA_RESYNC_PERIOD_MS: '3600000',
});
if (!parsed.ok) throw new Error(parsed.issues.map((issue) => `${issue.variable} ${issue.message}`).join('\n'));
const config = { ...parsed.config, port: 0 };
const errors: string[] = [];
const hub = await createHub(config, { logDestination: { write: (line: string) => void errors.push(line) } });
const redis = new Redis(redisUrl);
const bullConnection = { url: redisUrl, maxRetriesPerRequest: null };
const queueEvents = new QueueEvents('placement', { connection: bullConnection, prefix: `${prefix}:bull` });

try {
  const url = await hub.listen();
  const store = hub.app.get(Store);
  const queues = hub.app.get(WorkloadQueues);
  const placementQueue = queues.queue('placement');
  const applyQueue = queues.queue('apply');
  await Promise.all([applyQueue.pause(), queues.queue('cleanup').pause()]);
  await queueEvents.waitUntilReady();

  async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const auth = await authHeader();
    const response = await fetch(`${url}${path}`, {
      method,
      ...(body === undefined ? { headers: auth } : { headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
  }

  // Ten synthetic clusters in three zones, probed once (and failed); then Ready with room.
  const names = Array.from({ length: CLUSTERS }, (_, i) => `pq-${String(i + 1).padStart(2, '0')}`);
  for (const [i, name] of names.entries()) {
    const zone = 'abc'[i % 3] as string;
    const answer = await api('POST', '/api/v1/clusters', { name, zone, server: `https://10.255.0.${i + 1}:6443`, caBundle: CA_PEM, credentials: { type: 'token', token: 'bench-token-0123456789' } });
    if (answer.status !== 201) throw new Error(`registering ${name}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
  }
  // The prober lists the registered clusters once per FLOTILLA_PROBE_PERIOD_MS and schedules a
  // new cluster's first probe at a random point within one period: with the hour set here, a
  // cluster registered after the hub started is not probed during the bench. So the bench writes
  // the statuses itself (over a first probe result where there is one).
  await sleep(2_000);
  const probedFirst = (await store.list('cluster-status')).length;
  const GiB = 2 ** 30;
  for (const [i, name] of names.entries()) {
    const current = await store.find<ClusterStatus>({ kind: 'cluster-status', id: name });
    const now = new Date().toISOString();
    const status: ClusterStatus = {
      fencingToken: current?.data.fencingToken ?? 0,
      conditions: [{ type: 'Ready', status: 'True', reason: 'ProbeSucceeded', message: 'bench', lastTransitionTime: now }],
      observedAt: now,
      capacity: {
        allocatable: { cpuMillis: 64_000, memoryBytes: 256 * GiB, pods: 1100 },
        requested: { cpuMillis: 4_000 * (i % 4), memoryBytes: 8 * GiB * (i % 3), pods: 20 * i },
        nodes: { total: 8, ready: 8 },
        observedAt: now,
      },
      kubernetesVersion: { gitVersion: 'v1.34.0', observedAt: now },
      apiGroups: { groups: ['apps', 'batch', 'networking.k8s.io', 'policy'], observedAt: now },
      consecutiveSuccesses: 2,
      consecutiveFailures: 0,
    };
    if (current) await store.put({ kind: 'cluster-status', id: name }, status, current.version);
    else await store.create({ kind: 'cluster-status', id: name }, status);
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
          replicas: 3,
          selector: { matchLabels: { app: name } },
          template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27', resources: { requests: { cpu: '100m', memory: '64Mi' } } }] } },
        },
      },
    ],
    placement: { replicaScheduling: { type: 'Divided', divisionPreference: 'AvailableCapacity' } },
  });

  interface Round {
    perSecond: number;
    wallMs: number;
    p50: number;
    p99: number;
    max: number;
    applyJobs: number;
    expectedApplyJobs: number;
    clustersPerDecision: number;
    createMs: number;
  }
  const results: Round[] = [];
  for (let round = 1; round <= rounds; round++) {
    const tag = `r${round}-`;
    await placementQueue.pause();
    const t0 = performance.now();
    // The first workload alone: it claims the namespace for the tenant. Concurrent first creates
    // in an unclaimed namespace race on the claim and all but one get 409 (see the docs page).
    const create = async (i: number): Promise<void> => {
      const answer = await api('POST', '/api/v1/workloads', workload(`${tag}w${String(i).padStart(5, '0')}`));
      if (answer.status !== 201) throw new Error(`creating a workload: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
    };
    await create(0);
    let next = 1;
    // 16 requests in flight: creating is not what is measured, only has to be done before resuming.
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let i = next++; i < workloadsPerRound; i = next++) await create(i);
      }),
    );
    const createMs = performance.now() - t0;
    const counts = await placementQueue.getJobCounts('wait', 'prioritized');
    process.stderr.write(`round ${round}: ${workloadsPerRound} workloads created in ${(createMs / 1000).toFixed(1)} s; placement queue ${JSON.stringify(counts)}\n`);

    let completed = 0;
    let failed = 0;
    const done = new Promise<void>((resolve) => {
      const onCompleted = ({ jobId }: { jobId: string }): void => {
        if (!jobId.includes(tag)) return;
        completed += 1;
        if (completed + failed >= workloadsPerRound) finish();
      };
      const onFailed = ({ jobId, failedReason }: { jobId: string; failedReason: string }): void => {
        if (!jobId.includes(tag)) return;
        failed += 1;
        process.stderr.write(`place job ${jobId} failed: ${failedReason}\n`);
        if (completed + failed >= workloadsPerRound) finish();
      };
      const finish = (): void => {
        queueEvents.off('completed', onCompleted);
        queueEvents.off('failed', onFailed);
        resolve();
      };
      queueEvents.on('completed', onCompleted);
      queueEvents.on('failed', onFailed);
    });
    const started = performance.now();
    await placementQueue.resume();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`round ${round}: ${completed} of ${workloadsPerRound} placed after 600 s`)), 600_000);
    });
    await Promise.race([done, timeout]).finally(() => clearTimeout(timer));
    const wallMs = performance.now() - started;
    if (failed > 0) throw new Error(`round ${round}: ${failed} place jobs failed`);

    // Per-job time in the processor (finishedOn - processedOn), from the kept completed jobs.
    const jobs = (await placementQueue.getJobs(['completed'], 0, -1)).filter((job: Job) => job.name === 'place' && String(job.id).includes(tag));
    const latencies = jobs.map((job: Job) => (job.finishedOn ?? Number.NaN) - (job.processedOn ?? Number.NaN));
    const placements = (await store.list<PlacementRecord>('placement')).filter((p) => p.key.id.includes(tag));
    const expectedApplyJobs = placements.reduce((sum, p) => sum + p.data.decision.clusters.length, 0);
    const applyCounts = await applyQueue.getJobCounts('wait', 'prioritized', 'delayed', 'active');
    const applyJobs = Object.values(applyCounts).reduce((a, b) => a + b, 0);
    if (placements.length !== workloadsPerRound) throw new Error(`round ${round}: ${placements.length} placement records, expected ${workloadsPerRound}`);
    results.push({
      perSecond: workloadsPerRound / (wallMs / 1000),
      wallMs,
      p50: quantile(latencies, 0.5),
      p99: quantile(latencies, 0.99),
      max: quantile(latencies, 1),
      applyJobs,
      expectedApplyJobs,
      clustersPerDecision: expectedApplyJobs / placements.length,
      createMs,
    });
    process.stderr.write(
      `round ${round}: ${(workloadsPerRound / (wallMs / 1000)).toFixed(0)} decisions/s (${(wallMs / 1000).toFixed(2)} s); job p50 ${quantile(latencies, 0.5)} ms p99 ${quantile(latencies, 0.99)} ms (${latencies.length} jobs); apply queue ${applyJobs} jobs waiting, expected ${expectedApplyJobs}\n`,
    );
    // Next round from empty queues: drop the waiting apply jobs and the completed place jobs.
    await applyQueue.drain(true);
    await placementQueue.clean(0, 100_000, 'completed');
  }

  const byRate = [...results].sort((a, b) => a.perSecond - b.perSecond);
  const median = byRate[Math.floor(byRate.length / 2)] as Round;
  const f0 = (n: number): string => n.toFixed(0);
  const lines = [
    `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; ${new Date().toISOString().slice(0, 10)}`,
    `${CLUSTERS} synthetic clusters (zones a/b/c; ${probedFirst} of them probed by the hub before the bench wrote their status), ${workloadsPerRound} workloads per round (Deployment, 3 replicas, Divided/AvailableCapacity), FLOTILLA_PLACEMENT_CONCURRENCY ${config.placementConcurrency}, ${rounds} rounds`,
    '',
    '| round | decisions/s | all placed in | job p50 ms | job p99 ms | job max ms | clusters per decision | apply jobs waiting / expected |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...results.map(
      (r, i) =>
        `| ${i + 1}${r === median ? ' (median)' : ''} | ${f0(r.perSecond)} | ${(r.wallMs / 1000).toFixed(2)} s | ${f0(r.p50)} | ${f0(r.p99)} | ${f0(r.max)} | ${r.clustersPerDecision.toFixed(2)} | ${r.applyJobs} / ${r.expectedApplyJobs} |`,
    ),
    '',
    `Median round: ${f0(median.perSecond)} decisions/s, per-job p50 ${f0(median.p50)} ms, p99 ${f0(median.p99)} ms; goal ${GOAL_PER_SECOND}/s ${median.perSecond >= GOAL_PER_SECOND ? 'met' : 'NOT met'}`,
    `Apply jobs enqueued as expected (N x clusters per decision) in every round: ${results.every((r) => r.applyJobs === r.expectedApplyJobs) ? 'yes' : 'NO'}`,
    ...(errors.length > 0 ? ['', `hub error log lines: ${errors.length}, first: ${errors[0]?.slice(0, 300) ?? ''}`] : []),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await queueEvents.close();
  await hub.close();
  await deleteKeysWithPrefix(redis, prefix);
  redis.disconnect();
  await idp.close();
}

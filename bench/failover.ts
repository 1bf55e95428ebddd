// Measures automatic failover on the real local fleet: three member clusters (zones a, b, c, two
// KWOK nodes of ample capacity each) and an in-process hub with the default prober settings.
// 100 workloads (10 critical, 90 normal), each a Deployment of 3 replicas (100m CPU, 64Mi)
// Divided by AvailableCapacity, failover { tolerationSeconds: 0, purgeMode: 'Immediate' }. Each
// run kills one cluster (SIGKILL to every component; a, b, c, a, b, ...) and, from the kill,
// polls every 50 ms until
//   detection: GET /api/v1/clusters shows the killed cluster's status.ready.status !== 'True',
//   critical:  every critical workload's placement excludes the killed cluster and its
//              status.phase is 'Available' (GET /api/v1/workloads?namespace=..., one list),
//   all:       the same for all 100.
// Then it starts the cluster again and waits until it is Ready and every workload is back on it
// (failback) and Available, so each run starts from the same placement.
//   npm run bench:failover [-- RUNS]
// RUNS defaults to 5. Prints a markdown report; docs/failover.md's numbers come from it.
// Goals (toleration 0): detection <= 5 s, critical Available elsewhere <= 15 s, all <= 30 s.
import { cpus, loadavg, totalmem } from 'node:os';
import { Redis } from 'ioredis';
import { hubTestConfig } from '../test/integration/support/hub-config.ts';
import { pollUntil } from '../test/integration/support/poll.ts';
import { deleteKeysWithPrefix } from '../test/integration/support/test-prefix.ts';
import { Fleet } from '../test/fleet/fleet.ts';
import type { MemberCluster } from '../test/fleet/member-cluster.ts';
import { HUB_AUDIENCE, startTestIdp } from '../test/oidc/test-idp.ts';
import { testToken } from '../test/oidc/test-tokens.ts';
import { buildHub, quantile } from './support.ts';

const [runs = 5] = process.argv.slice(2).map(Number);
const NS = 'bench-failover';
const WORKLOADS = 100;
const CRITICAL = 10;
const POLL_MS = 50;
const RUN_TIMEOUT_MS = 120_000;
const RECOVERY_TIMEOUT_MS = 300_000;
const GOALS = { detection: 5_000, critical: 15_000, all: 30_000 } as const;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `bench-failover-${process.pid}`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const log = (line: string): void => void process.stderr.write(`${line}\n`);


// Node's type stripping cannot load the hub's decorated sources: use the build.
log('building the hub (tsc)');
const dist = buildHub();
const { createHub } = (await import(dist('apps/hub/src/create-hub.js'))) as typeof import('../apps/hub/src/create-hub.ts');
type Hub = import('../apps/hub/src/create-hub.ts').Hub;

interface View {
  metadata: { name: string };
  placement?: { decision: { clusters: { name: string; replicas: number }[] } };
  status: { phase: string; summary: string };
}
interface ClusterItem {
  name: string;
  status: { ready: { status: string }; capacity?: unknown; apiGroups?: unknown };
}
interface Run {
  victim: string;
  /** From t0 (just before kill()), ms; undefined if not seen within RUN_TIMEOUT_MS. */
  detection?: number;
  criticalPlaced?: number;
  critical?: number;
  allPlaced?: number;
  all?: number;
  /** Durations of the workload list GET during the run, ms. */
  listMs: number[];
  /** Workloads placed on the victim before the kill. */
  displaced: number;
  /** Back: start() (the member's own control plane up, nodes Ready), then hub sees Ready, then every workload back on it and Available. */
  startMs?: number;
  readyMs?: number;
  failbackMs?: number;
  recovered: boolean;
}

const isCritical = (name: string): boolean => name.startsWith('crit-');
const names = Array.from({ length: WORKLOADS }, (_, i) => (i < CRITICAL ? `crit-${String(i).padStart(3, '0')}` : `norm-${String(i).padStart(3, '0')}`));

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
  priority: isCritical(name) ? 'critical' : 'normal',
  failover: { tolerationSeconds: 0, purgeMode: 'Immediate' },
});

const errors: string[] = [];
const loadAtStart = loadavg();
// The hub trusts an OpenID Provider of the bench's own, and every API call carries an admin token.
const idp = await startTestIdp();
const authHeader = async (): Promise<{ authorization: string }> => ({ authorization: `Bearer ${await testToken('admin', idp.issuer)}` });
const fleet = await Fleet.start();
let hub: Hub | undefined;
const redis = new Redis(redisUrl);

let cleaning: Promise<void> | undefined;
/** Closes the hub, deletes the prefix's keys, stops the fleet: once, on success, failure or a signal. */
const cleanup = (): Promise<void> =>
  (cleaning ??= (async () => {
    try {
      if (hub) await hub.close();
    } finally {
      try {
        await deleteKeysWithPrefix(redis, prefix);
      } finally {
        redis.disconnect();
        try {
          await fleet.stop();
        } finally {
          await idp.close();
        }
      }
    }
  })());
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}

try {
  const members: MemberCluster[] = [];
  for (const zone of ['a', 'b', 'c']) {
    const t0 = performance.now();
    members.push(await fleet.addCluster({ name: `fo-${zone}`, zone, nodes: 2, nodeCapacity: { cpu: '32', memory: '128Gi', pods: '300' } }));
    log(`cluster fo-${zone} up in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const config = hubTestConfig({
    REDIS_URL: redisUrl,
    LOG_LEVEL: 'warn',
    FLOTILLA_KEY_PREFIX: prefix,
    FLOTILLA_OIDC_ISSUER: idp.issuer,
    FLOTILLA_OIDC_AUDIENCE: HUB_AUDIENCE,
    // Prober defaults (period 1000 ms, timeout 1000 ms, 2 failures to not Ready), but capacity read on every probe.
    FLOTILLA_PROBE_INVENTORY_EVERY: '1',
    FLOTILLA_RESYNC_PERIOD_MS: '2000',
    // Healthy again after 5 s Ready (default 2 min), so a run can follow the last one's failback soon.
    FLOTILLA_FAILOVER_STABILIZATION_MS: '5000',
  });
  hub = await createHub(config, { logDestination: { write: (line: string) => void errors.push(line) } });
  const url = await hub.listen();

  async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown; sent: number; at: number }> {
    // The token first (cached, fetched again every few minutes): not part of the timed request.
    const auth = await authHeader();
    const sent = performance.now();
    const response = await fetch(`${url}${path}`, {
      method,
      ...(body === undefined ? { headers: auth } : { headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const at = performance.now();
    return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown), sent, at };
  }
  const listClusters = async (): Promise<{ items: ClusterItem[]; at: number }> => {
    const answer = await api('GET', '/api/v1/clusters');
    return { items: (answer.body as { items: ClusterItem[] }).items, at: answer.at };
  };
  const listWorkloads = async (): Promise<{ items: View[]; at: number; ms: number }> => {
    const answer = await api('GET', `/api/v1/workloads?namespace=${NS}`);
    if (answer.status !== 200) throw new Error(`GET workloads: HTTP ${answer.status}`);
    return { items: (answer.body as { items: View[] }).items, at: answer.at, ms: answer.at - answer.sent };
  };
  const placedOn = (v: View): string[] => (v.placement?.decision.clusters ?? []).filter((c) => c.replicas > 0).map((c) => c.name);

  for (const m of members) {
    const answer = await api('POST', '/api/v1/clusters', { name: m.name, server: m.server, caBundle: m.caPem, credentials: { type: 'token', token: m.token }, zone: m.zone });
    if (answer.status !== 201) throw new Error(`registering ${m.name}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
  }
  const readyWait = await pollUntil(
    'three Ready clusters with capacity',
    async () => {
      const { items } = await listClusters();
      return items.length === 3 && items.every((c) => c.status.ready.status === 'True' && c.status.capacity !== undefined && c.status.apiGroups !== undefined);
    },
    120_000,
    250,
  );
  log(`3 clusters Ready with capacity after ${(readyWait / 1000).toFixed(1)} s`);

  const createStarted = performance.now();
  for (let i = 0; i < names.length; i += 10) {
    await Promise.all(
      names.slice(i, i + 10).map(async (name) => {
        const answer = await api('POST', '/api/v1/workloads', workload(name));
        if (answer.status !== 201) throw new Error(`creating ${name}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
      }),
    );
  }
  let lastSummaries = '';
  const settled = await pollUntil(
    `${WORKLOADS} workloads Available in 3 clusters`,
    async () => {
      const { items } = await listWorkloads();
      lastSummaries = [...new Set(items.map((v) => v.status.summary))].join('; ');
      return items.length === WORKLOADS && items.every((v) => v.status.phase === 'Available' && placedOn(v).length === 3);
    },
    240_000,
    500,
  ).catch(async (error: unknown) => {
    // What moved the workloads meanwhile: the fleet's and the failover controller's events, and the hub's warnings.
    const events = (await (await fetch(`${url}/api/v1/events?limit=30`, { headers: await authHeader() })).json()) as { items: { reason: string; message: string }[] };
    const reasons = events.items.map((e) => `${e.reason}: ${e.message.slice(0, 160)}`).join('\n  ');
    // One workload short of three clusters: its decision's diagnosis and its placement history.
    const short = (await listWorkloads()).items.find((v) => placedOn(v).length !== 3);
    const detail = short ? JSON.stringify({ placement: short.placement, history: (await api('GET', `/api/v1/namespaces/${NS}/workloads/${short.metadata.name}/history`)).body }).slice(0, 3000) : 'none';
    throw new Error(`${String(error)} (summaries seen: ${lastSummaries})\nlast events:\n  ${reasons}\nhub warnings: ${errors.slice(0, 5).map((e) => e.slice(0, 300)).join(' | ')}\na workload short of 3 clusters: ${detail}`);
  });
  log(`${WORKLOADS} workloads created and Available in 3 clusters ${((performance.now() - createStarted) / 1000).toFixed(1)} s after the first POST`);

  const results: Run[] = [];
  for (let r = 0; r < runs; r++) {
    const victim = members[r % members.length] as MemberCluster;
    const before = (await listWorkloads()).items;
    const onVictim = new Set(before.filter((v) => placedOn(v).includes(victim.name)).map((v) => v.metadata.name));
    const run: Run = { victim: victim.name, listMs: [], displaced: onVictim.size, recovered: false };
    results.push(run);
    log(`run ${r + 1}/${runs}: killing ${victim.name} (${onVictim.size} workloads placed on it)`);

    const t0 = performance.now();
    await victim.kill();
    const moved = (v: View): boolean => {
      const placed = placedOn(v);
      return placed.length > 0 && !placed.includes(victim.name);
    };
    while (run.all === undefined || run.detection === undefined) {
      const started = performance.now();
      if (started - t0 > RUN_TIMEOUT_MS) {
        log(`run ${r + 1}: not everything seen within ${RUN_TIMEOUT_MS / 1000} s`);
        break;
      }
      const [clusters, list] = await Promise.all([listClusters(), listWorkloads()]);
      run.listMs.push(list.ms);
      if (run.detection === undefined && clusters.items.some((c) => c.name === victim.name && c.status.ready.status !== 'True')) run.detection = clusters.at - t0;
      const critical = list.items.filter((v) => isCritical(v.metadata.name));
      const at = list.at - t0;
      if (list.items.length !== WORKLOADS) throw new Error(`listed ${list.items.length} workloads, expected ${WORKLOADS}`);
      if (run.criticalPlaced === undefined && critical.every(moved)) run.criticalPlaced = at;
      if (run.critical === undefined && critical.every((v) => moved(v) && v.status.phase === 'Available')) run.critical = at;
      if (run.allPlaced === undefined && list.items.every(moved)) run.allPlaced = at;
      if (run.all === undefined && list.items.every((v) => moved(v) && v.status.phase === 'Available')) run.all = at;
      await sleep(Math.max(0, POLL_MS - (performance.now() - started)));
    }
    const after = (await listWorkloads()).items;
    const short = after.filter((v) => (v.placement?.decision.clusters ?? []).reduce((sum, c) => sum + c.replicas, 0) !== 3);
    if (short.length > 0) log(`run ${r + 1}: ${short.length} workloads without 3 replicas placed, e.g. ${short[0]?.metadata.name}: ${short[0]?.status.summary}`);
    const s = (n: number | undefined): string => (n === undefined ? 'not seen' : `${(n / 1000).toFixed(2)} s`);
    log(`run ${r + 1}: detection ${s(run.detection)}, critical ${s(run.critical)}, all ${s(run.all)}`);

    // Back to the starting point: the cluster up again, Ready, and every workload failed back.
    const r0 = performance.now();
    await victim.start();
    run.startMs = performance.now() - r0;
    try {
      const r1 = performance.now();
      await pollUntil(`${victim.name} Ready again`, async () => (await listClusters()).items.some((c) => c.name === victim.name && c.status.ready.status === 'True'), 60_000, 100);
      run.readyMs = performance.now() - r1;
      const r2 = performance.now();
      let pending = '';
      await pollUntil(
        'every workload failed back and Available',
        async () => {
          const { items } = await listWorkloads();
          const notBack = items.filter((v) => (onVictim.has(v.metadata.name) && !placedOn(v).includes(victim.name)) || v.status.phase !== 'Available');
          pending = `${notBack.length} not back or not Available, e.g. ${notBack[0]?.metadata.name ?? ''} ${notBack[0]?.status.summary ?? ''}`;
          return notBack.length === 0;
        },
        RECOVERY_TIMEOUT_MS,
        500,
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}: ${pending}`);
      });
      run.failbackMs = performance.now() - r2;
      run.recovered = true;
      log(`run ${r + 1}: ${victim.name} started in ${s(run.startMs)}, Ready on the hub ${s(run.readyMs)} later, every workload back ${s(run.failbackMs)} after that`);
    } catch (error) {
      log(`run ${r + 1}: recovery incomplete (${String(error)}); the next run starts from a different placement`);
    }
  }

  const sec = (n: number | undefined): string => (n === undefined || !Number.isFinite(n) ? 'not seen' : (n / 1000).toFixed(2));
  const ms = (n: number): string => (Number.isFinite(n) ? n.toFixed(0) : 'n/a');
  const of = (pick: (run: Run) => number | undefined): number[] => results.map((run) => pick(run) ?? Number.POSITIVE_INFINITY);
  const summary = (label: string, pick: (run: Run) => number | undefined, goal: number): string => {
    const values = of(pick);
    const worst = quantile(values, 1);
    return `| ${label} | ${sec(quantile(values, 0.5))} | ${sec(worst)} | <= ${goal / 1000} | ${worst <= goal ? 'met' : '**NOT met**'} |`;
  };
  const allList = results.flatMap((run) => run.listMs);
  const loadAtEnd = loadavg();
  const lines = [
    `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB; load average ${loadAtStart[0]?.toFixed(1)} at the start, ${loadAtEnd[0]?.toFixed(1)} at the end; Node ${process.version}; Kubernetes ${fleet.binaries.kubernetesVersion}; ${new Date().toISOString().slice(0, 10)}`,
    `3 member clusters (zones a/b/c, 2 KWOK nodes of 32 CPU each); hub in process: probe period ${config.probePeriodMs} ms, timeout ${config.probeTimeoutMs} ms, failure threshold ${config.probeFailureThreshold}, inventory every probe, resync ${config.resyncPeriodMs} ms, failover stabilization ${config.failoverStabilizationMs} ms, placement concurrency ${config.placementConcurrency}, apply concurrency ${config.applyConcurrency}, member request timeout ${config.memberRequestTimeoutMs} ms`,
    `${WORKLOADS} workloads (${CRITICAL} critical, ${WORKLOADS - CRITICAL} normal): Deployment 3 replicas (100m CPU, 64Mi), Divided/AvailableCapacity, toleration 0 s, purge Immediate; all Available in 3 clusters ${(settled / 1000).toFixed(1)} s after the last POST`,
    `Times in seconds from just before kill(), seen by polling GET /api/v1/clusters and GET /api/v1/workloads?namespace=${NS} every ${POLL_MS} ms (rounded up to the poll that saw it). "placed": every placement excludes the killed cluster; "Available": and status.phase is Available.`,
    '',
    '| run | killed | workloads on it | detection | critical placed | critical Available | all placed | all Available | list GET p50 / max ms | back: start() / Ready on hub / failback done |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...results.map(
      (run, i) =>
        `| ${i + 1} | ${run.victim} | ${run.displaced} | ${sec(run.detection)} | ${sec(run.criticalPlaced)} | ${sec(run.critical)} | ${sec(run.allPlaced)} | ${sec(run.all)} | ${ms(quantile(run.listMs, 0.5))} / ${ms(quantile(run.listMs, 1))} | ${sec(run.startMs)} / ${sec(run.readyMs)} / ${run.recovered ? sec(run.failbackMs) : 'incomplete'} |`,
    ),
    '',
    `| interval (s from the kill, ${results.length} runs) | p50 | worst | goal | |`,
    '| --- | --- | --- | --- | --- |',
    summary('detection (hub shows the cluster not Ready)', (run) => run.detection, GOALS.detection),
    summary(`every critical workload Available elsewhere (${CRITICAL})`, (run) => run.critical, GOALS.critical),
    summary(`all workloads Available elsewhere (${WORKLOADS})`, (run) => run.all, GOALS.all),
    '',
    `Workload list GET (${WORKLOADS} views) during the runs: p50 ${ms(quantile(allList, 0.5))} ms, p99 ${ms(quantile(allList, 0.99))} ms, max ${ms(quantile(allList, 1))} ms over ${allList.length} calls`,
    ...(errors.length > 0 ? ['', `hub warn/error log lines: ${errors.length}; first: ${errors.slice(0, 3).map((e) => e.slice(0, 300)).join(' | ')}`] : []),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const messages = new Map<string, number>();
  for (const line of errors) {
    const msg = /"msg":"([^"]*)"/.exec(line)?.[1] ?? line.slice(0, 120);
    messages.set(msg, (messages.get(msg) ?? 0) + 1);
  }
  for (const [msg, count] of [...messages].sort((a, b) => b[1] - a[1]).slice(0, 15)) log(`hub log ×${count}: ${msg}`);
} finally {
  await cleanup();
}

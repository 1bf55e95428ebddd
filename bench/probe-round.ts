// Measures what one probe round costs the prober per member cluster, on the local fleet:
// CPU time of the hub process and Redis commands, for probes that only ask /readyz and for
// probes that also read the inventory (version, API groups, nodes, pods).
//   npm run bench:probe [-- CLUSTERS SECONDS_PER_PHASE PODS_PER_CLUSTER REGISTRATIONS_PER_CLUSTER]
// REGISTRATIONS_PER_CLUSTER > 1 registers each member cluster several times (under different
// names), to see the per-cluster cost of a larger fleet without starting more control planes.
// Runs the built prober (dist/, built first) against its own redis-server, so that INFO
// commandstats counts the prober's commands only. Prints a markdown report; docs/health.md's
// numbers come from it.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { AppsV1Api } from '@kubernetes/client-node';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import type { ClusterRecord } from '../libs/clusters/src/index.ts';
import { Fleet } from '../test/fleet/fleet.ts';
import { freePort } from '../test/fleet/ports.ts';

const [clusterCount = 3, phaseSeconds = 60, podsPerCluster = 20, registrations = 1] = process.argv.slice(2).map(Number);
const root = new URL('..', import.meta.url);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

// The bench runs on Node's type stripping, which cannot load the hub's decorated sources: use the build.
process.stderr.write('building the hub (tsc)\n');
execFileSync(process.execPath, [new URL('../node_modules/typescript/bin/tsc', import.meta.url).pathname, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
const dist = (path: string): string => new URL(`../dist/${path}`, import.meta.url).href;
const { Store } = (await import(dist('libs/store/src/index.js'))) as typeof import('../libs/store/src/index.ts');
const { SecretBox } = (await import(dist('libs/crypto/src/index.js'))) as typeof import('../libs/crypto/src/index.ts');
const { RedisLease } = (await import(dist('libs/lease/src/index.js'))) as typeof import('../libs/lease/src/index.ts');
const { ClusterAccessReader } = (await import(dist('apps/hub/src/clusters/cluster-access-reader.js'))) as typeof import('../apps/hub/src/clusters/cluster-access-reader.ts');
const { RegistryClusterTargets } = (await import(dist('apps/hub/src/health-probe/registry-cluster-targets.js'))) as typeof import('../apps/hub/src/health-probe/registry-cluster-targets.ts');
const { HealthProber } = (await import(dist('apps/hub/src/health-probe/health-prober.js'))) as typeof import('../apps/hub/src/health-probe/health-prober.ts');
const { ProberMetrics } = (await import(dist('apps/hub/src/health-probe/prober-metrics.js'))) as typeof import('../apps/hub/src/health-probe/prober-metrics.ts');
const { credentialsContext, ZONE_LABEL } = (await import(dist('libs/clusters/src/index.js'))) as typeof import('../libs/clusters/src/index.ts');

// A redis-server of the bench's own: INFO commandstats then counts the prober's commands only.
const redisPort = await freePort();
const redisDir = mkdtempSync(join(tmpdir(), 'flotilla-bench-redis-'));
const redisServer = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', redisDir], { stdio: 'ignore' });
const redis = new Redis(`redis://127.0.0.1:${redisPort}`, { maxRetriesPerRequest: 20, retryStrategy: (n) => (n > 50 ? null : 100) });
redis.on('error', () => undefined); // until redis-server listens
await redis.ping();

/**
 * Commands Redis ran, from INFO commandstats: `calls` is every command, those run inside Lua
 * scripts included; `scripts` is the EVALSHA/EVAL calls. The prober sends nothing but scripts
 * (and a rare HMGET after a conflict), so `scripts` is its round trips.
 */
async function redisCommands(): Promise<{ calls: number; scripts: number }> {
  const info = await redis.info('commandstats');
  let calls = 0;
  let scripts = 0;
  for (const match of info.matchAll(/^cmdstat_([a-z_|]+):calls=(\d+)/gm)) {
    const name = match[1] ?? '';
    // The bench's own INFO calls are not the prober's.
    if (name === 'info') continue;
    calls += Number(match[2]);
    if (name.startsWith('eval')) scripts += Number(match[2]);
  }
  return { calls, scripts };
}

const fleet = await Fleet.start();
try {
  const store = new Store(redis, { prefix: 'bench' });
  const box = new SecretBox(new Map([['k1', randomBytes(32)]]), 'k1');
  const now = new Date().toISOString();
  for (let i = 0; i < clusterCount; i++) {
    const zone = String.fromCharCode(97 + i);
    const member = await fleet.addCluster({ name: `probe-${zone}`, zone, nodes: 3 });
    if (podsPerCluster > 0) {
      await member.kubeConfig().makeApiClient(AppsV1Api).createNamespacedDeployment({
        namespace: 'default',
        body: {
          metadata: { name: 'load' },
          spec: {
            replicas: podsPerCluster,
            selector: { matchLabels: { app: 'load' } },
            template: { metadata: { labels: { app: 'load' } }, spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] } },
          },
        },
      });
    }
    for (let r = 0; r < registrations; r++) {
      const name = registrations === 1 ? member.name : `${member.name}-${r}`;
      const record: ClusterRecord = {
        spec: { name, server: member.server, caBundle: member.caPem, labels: { [ZONE_LABEL]: zone }, taints: [], cordoned: false },
        credentials: box.seal(JSON.stringify({ type: 'token', token: member.token }), credentialsContext(name)),
        credentialType: 'token',
        createdAt: now,
        credentialsRotatedAt: now,
      };
      await store.create({ kind: 'cluster', id: name }, record);
    }
  }
  process.stderr.write(`${clusterCount} clusters with ${podsPerCluster} pods each, registered ${registrations} time(s) each; settling 20 s\n`);
  await sleep(20_000);

  const periodMs = 1_000;
  const fmt = (n: number, digits = 2): string => n.toFixed(digits);
  async function phase(label: string, inventoryEvery: number): Promise<{ label: string; cpu: number[]; commands: number[]; trips: number[]; probes: number }> {
    const lease = new RedisLease(redis, { prefix: 'bench', name: 'prober', holder: `bench-${label.replace(/\W+/g, '-')}`, ttlMs: 600_000 });
    const held = await lease.tryAcquire();
    if (held === undefined) throw new Error('lease held');
    const prober = new HealthProber({
      store,
      targets: new RegistryClusterTargets(store, new ClusterAccessReader(store, box)),
      policy: { periodMs, timeoutMs: 1_000, jitterRatio: 0.1, failureThreshold: 2, successThreshold: 2, staleAfterMs: 3_000, inventoryEvery },
      concurrency: 16,
      metrics: new ProberMetrics(new Registry()),
      logger: { log: () => undefined, warn: (m: unknown) => process.stderr.write(`warn ${JSON.stringify(m)}\n`), error: (m: unknown) => process.stderr.write(`error ${JSON.stringify(m)}\n`) },
      onTransition: () => Promise.resolve(),
    });
    const stop = new AbortController();
    const running = prober.lead(held, stop.signal);
    await sleep(3 * periodMs); // warm-up: first probes, JIT
    const cpu: number[] = [];
    const commands: number[] = [];
    const trips: number[] = [];
    const probesBefore = prober.counts.probes;
    for (let s = 0; s < phaseSeconds; s++) {
      const usage = process.cpuUsage();
      const count = await redisCommands();
      const p0 = prober.counts.probes;
      await sleep(periodMs);
      const used = process.cpuUsage(usage);
      const probed = prober.counts.probes - p0;
      if (probed === 0) continue;
      // Per probe, i.e. per cluster per round.
      cpu.push(((used.user + used.system) / 1000 - idlePerWindow) / probed);
      const after = await redisCommands();
      commands.push((after.calls - count.calls) / probed);
      trips.push((after.scripts - count.scripts) / probed);
    }
    const probes = prober.counts.probes - probesBefore;
    stop.abort();
    await running;
    await lease.release(held);
    return { label, cpu, commands, trips, probes };
  }

  // What the process spends without probing (Node's own threads, timers, the bench's INFO
  // calls), per one-second window: subtracted from the phases, so the table shows the prober.
  const idle: number[] = [];
  for (let s = 0; s < phaseSeconds; s++) {
    const usage = process.cpuUsage();
    await redisCommands();
    await sleep(periodMs);
    await redisCommands();
    const used = process.cpuUsage(usage);
    idle.push((used.user + used.system) / 1000);
  }
  const idlePerWindow = quantile(idle, 0.5);
  const results = [await phase('/readyz only', 1_000_000), await phase('with inventory (every probe)', 1)];
  const lines = [
    `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; Kubernetes ${fleet.binaries.kubernetesVersion}`,
    `${clusterCount} member clusters (3 fake nodes, ${podsPerCluster} pods each)${registrations > 1 ? `, each registered ${registrations} times (${clusterCount * registrations} clusters probed)` : ''}, period ${periodMs} ms, ${phaseSeconds} one-second windows per phase; per probe = per cluster per round`,
    `hub CPU is the process's CPU time per window minus its median without probing (${fmt(idlePerWindow)} ms per second), divided by the probes in the window`,
    '',
    '| probe | hub CPU ms, median | p99 | Redis round trips, median | p99 | Redis commands run (in scripts too), median | p99 |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...results.map(
      (r) =>
        `| ${r.label} | ${fmt(quantile(r.cpu, 0.5))} | ${fmt(quantile(r.cpu, 0.99))} | ${fmt(quantile(r.trips, 0.5))} | ${fmt(quantile(r.trips, 0.99))} | ${fmt(quantile(r.commands, 0.5), 1)} | ${fmt(quantile(r.commands, 0.99), 1)} |`,
    ),
    '',
    `(all per cluster per round, i.e. per probe; ${results.map((r) => `${r.probes} probes ${r.label}`).join(', ')})`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await fleet.stop();
  redis.disconnect();
  redisServer.kill('SIGKILL');
  rmSync(redisDir, { recursive: true, force: true });
}

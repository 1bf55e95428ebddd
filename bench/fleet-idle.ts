// Measures the local fleet: how long a member cluster takes to start (cold, with new PKI and
// nodes, and warm after a kill) and how much memory an idle member cluster holds.
//   npm run bench:fleet [-- CLUSTERS SETTLE_SECONDS SAMPLE_SECONDS]
// Prints a markdown report; README's numbers come from it.
import { cpus, totalmem } from 'node:os';
import { Fleet } from '../test/fleet/fleet.ts';
import { type MemberCluster } from '../test/fleet/member-cluster.ts';

const [clusters = 3, settleSeconds = 30, sampleSeconds = 60] = process.argv.slice(2).map(Number);

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}
const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(0);
const sec = (ms: number): string => (ms / 1000).toFixed(1);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const fleet = await Fleet.start();
try {
  const coldStarts: number[] = [];
  const members: MemberCluster[] = [];
  for (let i = 0; i < clusters; i++) {
    const t0 = performance.now();
    members.push(await fleet.addCluster({ name: `bench-${i}`, zone: String.fromCharCode(97 + i), nodes: 3 }));
    coldStarts.push(performance.now() - t0);
  }

  process.stderr.write(`settling ${settleSeconds} s, then sampling memory for ${sampleSeconds} s\n`);
  await sleep(settleSeconds * 1000);
  const perComponent = new Map<string, number[]>();
  const perCluster: number[] = [];
  for (let t = 0; t < sampleSeconds; t += 5) {
    for (const member of members) {
      const memory = member.memory();
      let total = 0;
      for (const [component, bytes] of Object.entries(memory)) {
        perComponent.set(component, [...(perComponent.get(component) ?? []), bytes]);
        total += bytes;
      }
      perCluster.push(total);
    }
    await sleep(5_000);
  }

  const warmStarts: number[] = [];
  const target = members[0];
  for (let i = 0; target && i < 3; i++) {
    await target.kill();
    const t0 = performance.now();
    await target.start();
    warmStarts.push(performance.now() - t0);
  }

  const lines = [
    `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; Kubernetes ${fleet.binaries.kubernetesVersion}, etcd ${fleet.binaries.etcdVersion}, KWOK ${fleet.binaries.kwokVersion}`,
    `${clusters} member clusters, 3 fake nodes each, idle ${settleSeconds} s then sampled every 5 s for ${sampleSeconds} s`,
    '',
    '| what | median | p99 |',
    '| --- | --- | --- |',
    `| cold start of a member cluster (new PKI, etcd, control plane, nodes Ready) | ${sec(quantile(coldStarts, 0.5))} s | ${sec(quantile(coldStarts, 0.99))} s |`,
    `| restart after SIGKILL (same data) | ${sec(quantile(warmStarts, 0.5))} s | ${sec(quantile(warmStarts, 0.99))} s |`,
    `| idle resident memory of one member cluster | ${mib(quantile(perCluster, 0.5))} MiB | ${mib(quantile(perCluster, 0.99))} MiB |`,
    ...[...perComponent].map(([component, values]) => `| … of which ${component} | ${mib(quantile(values, 0.5))} MiB | ${mib(quantile(values, 0.99))} MiB |`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await fleet.stop();
}

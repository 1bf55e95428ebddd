// Measures the placement engine alone: decisions per second and p50/p99 latency of `place` on
// synthetic fleet snapshots of 10, 100 and 1,000 clusters over 3 to 10 zones. Pure CPU, no I/O.
//   npm run bench:placement [-- DECISIONS_PER_SIZE]
// Prints a markdown table; docs/placement.md's numbers come from it. Every size runs in the
// same process, with the Node flags of `npm run bench:placement` (none), GC left to itself:
// its pauses land in the latencies they interrupt, and the gc columns count them.
import { cpus, totalmem } from 'node:os';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import type { ClusterSnapshot } from '../libs/placement/src/fleet-snapshot.ts';
import { indexFleet } from '../libs/placement/src/indexed-fleet.ts';
import { place, type PlacementInput } from '../libs/placement/src/place.ts';
import type { PlacementPolicy } from '../libs/placement/src/placement-policy.ts';

const [decisions = 10_000] = process.argv.slice(2).map(Number);
const GiB = 2 ** 30;
const ZONE = 'topology.kubernetes.io/zone';
const REGION = 'topology.kubernetes.io/region';

// A small deterministic generator, so every run measures the same fleets.
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

/** A fleet with the mix a real one has: a few cordoned, tainted, not Ready or full clusters. */
function fleet(size: number, zones: number): ClusterSnapshot[] {
  const next = random(size);
  return Array.from({ length: size }, (_, i) => {
    const zone = i % zones;
    const roll = next();
    return {
      name: `cluster-${String(i).padStart(4, '0')}`,
      labels: { [ZONE]: `zone-${zone}`, [REGION]: `region-${zone % 3}`, 'flotilla.dev/provider': i % 4 === 0 ? 'onprem' : 'cloud', tier: i % 5 === 0 ? 'dev' : 'prod' },
      taints: roll < 0.05 ? [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' as const }] : [],
      cordoned: roll > 0.97,
      ready: roll > 0.94 && roll <= 0.97 ? ('Unknown' as const) : ('True' as const),
      served: ['apps', 'batch', 'networking.k8s.io'],
      free: { cpuMillis: Math.floor(next() * 64_000), memoryBytes: Math.floor(next() * 256) * GiB, pods: Math.floor(next() * 500) },
    };
  });
}

const policies: readonly PlacementPolicy[] = [
  {
    clusterAffinity: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['dev'] }] },
    spread: [{ by: 'zone', min: 3 }],
    replicaScheduling: { type: 'Divided', divisionPreference: 'AvailableCapacity' },
    maxReplicasPerCluster: 10,
  },
  {
    fallbackGroups: [{ matchLabels: { 'flotilla.dev/provider': 'onprem' } }, { matchLabels: { 'flotilla.dev/provider': 'cloud' } }],
    replicaScheduling: { type: 'Divided', divisionPreference: 'Aggregated' },
  },
  {
    replicaScheduling: { type: 'Divided', divisionPreference: 'Weighted', weights: [{ matchLabels: { [REGION]: 'region-0' }, weight: 3 }, { weight: 1 }] },
    tolerations: [{ key: 'dedicated', operator: 'Exists' }],
  },
  { clusterAffinity: { zones: ['zone-0', 'zone-1', 'zone-2'] }, spread: [{ by: 'region', max: 2 }], replicaScheduling: { type: 'Duplicated' } },
];

/** Nearest rank: the smallest latency at least a fraction `q` of the decisions did not exceed. */
function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

// Garbage collection pauses, as Node reports them (later, so each is kept with its start time).
const pauses: { readonly start: number; readonly duration: number }[] = [];
const gcObserver = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) pauses.push({ start: entry.startTime, duration: entry.duration });
});
gcObserver.observe({ entryTypes: ['gc'] });

const rows: string[] = [];
for (const [size, zones] of [
  [10, 3],
  [100, 6],
  [1000, 10],
] as const) {
  // Indexed once, as the hub does once per fleet change.
  const snapshot = indexFleet({ clusters: fleet(size, zones) });
  const fresh: PlacementInput[] = policies.map((policy, p) => ({
    snapshot,
    policy,
    workload: { replicas: 6 + p * 10, perReplica: { cpuMillis: 500, memoryBytes: GiB, pods: 1 }, kinds: ['apps/v1/Deployment', 'v1/Service'] },
  }));
  // Each workload both new and placed again where it runs (the hub re-places on every fleet change).
  const inputs: PlacementInput[] = [...fresh, ...fresh.map((input) => ({ ...input, previous: { clusters: place(input).clusters } }))];
  for (let i = 0; i < 1000; i += 1) place(inputs[i % inputs.length] as PlacementInput);
  const latencies = new Float64Array(decisions);
  let placed = 0;
  const started = performance.now();
  for (let i = 0; i < decisions; i += 1) {
    const input = inputs[i % inputs.length] as PlacementInput;
    const t0 = performance.now();
    const decision = place(input);
    latencies[i] = performance.now() - t0;
    if (decision.clusters.length > 0) placed += 1;
  }
  const elapsed = performance.now() - started;
  await new Promise((resolve) => setTimeout(resolve, 50));
  const during = pauses.filter((pause) => pause.start >= started && pause.start <= started + elapsed);
  pauses.length = 0;
  latencies.sort();
  const gcMs = during.reduce((sum, pause) => sum + pause.duration, 0);
  rows.push(
    `| ${size.toLocaleString('en')} | ${zones} | ${decisions} | ${Math.round((decisions / elapsed) * 1000).toLocaleString('en')} | ${quantile(latencies, 0.5).toFixed(3)} | ${quantile(latencies, 0.99).toFixed(3)} | ${during.length} | ${((gcMs / elapsed) * 100).toFixed(1)}% | ${placed}/${decisions} |`,
  );
}
gcObserver.disconnect();

process.stdout.write(
  [
    `Machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / GiB).toFixed(1)} GiB memory; Node ${process.version}; one decision at a time on one core.`,
    '',
    '| clusters | zones | decisions | decisions/s | p50 (ms) | p99 (ms) | gc pauses | gc time | placed |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
  ].join('\n'),
);

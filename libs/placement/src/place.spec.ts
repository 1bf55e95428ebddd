import { describe, expect, it } from '@jest/globals';
import type { ClusterSnapshot } from './fleet-snapshot.ts';
import { place, type PlacementInput } from './place.ts';
import type { PlacementPolicy } from './placement-policy.ts';
import type { WorkloadNeeds } from './workload-needs.ts';

const GiB = 2 ** 30;
const ZONE = 'topology.kubernetes.io/zone';
const REGION = 'topology.kubernetes.io/region';

function cluster(name: string, zone: string, overrides: Partial<ClusterSnapshot> = {}): ClusterSnapshot {
  return {
    name,
    labels: { [ZONE]: zone, [REGION]: zone.slice(0, -1) },
    taints: [],
    cordoned: false,
    ready: 'True',
    served: ['apps'],
    free: { cpuMillis: 10_000, memoryBytes: 40 * GiB, pods: 100 },
    ...overrides,
  };
}

const needs = (replicas: number, cpuMillis = 500): WorkloadNeeds => ({
  replicas,
  perReplica: { cpuMillis, memoryBytes: GiB, pods: 1 },
  kinds: ['apps/v1/Deployment', 'v1/ConfigMap'],
});
const divided = (divisionPreference: 'AvailableCapacity' | 'Aggregated'): PlacementPolicy => ({ replicaScheduling: { type: 'Divided', divisionPreference } });
const duplicated: PlacementPolicy = { replicaScheduling: { type: 'Duplicated' } };
const three = [cluster('a1', 'eu1a'), cluster('b1', 'eu1b'), cluster('c1', 'eu1c')];
const replicasOf = (input: PlacementInput): Record<string, number> => Object.fromEntries(place(input).clusters.map((c) => [c.name, c.replicas]));

describe('place: filters', () => {
  it.each<[string, ClusterSnapshot, PlacementPolicy, string, string]>([
    ['names', cluster('x', 'eu1a'), { ...duplicated, clusterAffinity: { names: ['a1'] } }, 'AffinityMismatch', 'outside cluster affinity: name not in [a1]'],
    ['exclusions', cluster('x', 'eu1a'), { ...duplicated, clusterAffinity: { excludeNames: ['x'] } }, 'AffinityMismatch', 'outside cluster affinity: excluded by name'],
    ['zones', cluster('x', 'eu1c'), { ...duplicated, clusterAffinity: { zones: ['eu1a', 'eu1b'] } }, 'AffinityMismatch', 'outside cluster affinity: zone eu1c not in [eu1a, eu1b]'],
    ['matchLabels', cluster('x', 'eu1a'), { ...duplicated, clusterAffinity: { matchLabels: { tier: 'prod' } } }, 'AffinityMismatch', 'outside cluster affinity: labels do not match the selector'],
    [
      'matchExpressions',
      cluster('x', 'eu1a', { labels: { [ZONE]: 'eu1a', gpu: 'yes' } }),
      { ...duplicated, clusterAffinity: { matchExpressions: [{ key: 'gpu', operator: 'DoesNotExist' }] } },
      'AffinityMismatch',
      'outside cluster affinity: labels do not match the selector',
    ],
    ['cordoned', cluster('x', 'eu1a', { cordoned: true }), duplicated, 'Cordoned', 'cluster is cordoned'],
    ['NoSchedule taint', cluster('x', 'eu1a', { taints: [{ key: 'gpu', value: 'only', effect: 'NoSchedule' }] }), duplicated, 'TaintNotTolerated', 'taint not tolerated: gpu=only:NoSchedule'],
    [
      'NoExecute taint, other toleration',
      cluster('x', 'eu1a', { taints: [{ key: 'maint', effect: 'NoExecute' }] }),
      { ...duplicated, tolerations: [{ key: 'maint', operator: 'Exists', effect: 'NoSchedule' }] },
      'TaintNotTolerated',
      'taint not tolerated: maint:NoExecute',
    ],
    ['Ready False', cluster('x', 'eu1a', { ready: 'False' }), duplicated, 'NotReady', 'Ready is False'],
    ['Ready Unknown', cluster('x', 'eu1a', { ready: 'Unknown' }), duplicated, 'NotReady', 'Ready is Unknown'],
    ['kind not served', cluster('x', 'eu1a', { served: ['batch'] }), duplicated, 'KindNotServed', 'does not serve apps/v1/Deployment'],
    ['kinds unknown', cluster('x', 'eu1a', { served: undefined }), duplicated, 'KindNotServed', 'served kinds not known yet (needs apps/v1/Deployment, v1/ConfigMap)'],
    ['CPU short', cluster('x', 'eu1a', { free: { cpuMillis: 200, memoryBytes: 40 * GiB, pods: 100 } }), divided('Aggregated'), 'InsufficientCapacity', 'needs 0.5 CPU per replica, 0.2 CPU free'],
    ['memory short', cluster('x', 'eu1a', { free: { cpuMillis: 9000, memoryBytes: GiB / 2, pods: 100 } }), divided('Aggregated'), 'InsufficientCapacity', 'needs 1 GiB memory per replica, 512 MiB memory free'],
    ['pods short', cluster('x', 'eu1a', { free: { cpuMillis: 9000, memoryBytes: 40 * GiB, pods: 0 } }), divided('Aggregated'), 'InsufficientCapacity', 'needs 1 pods per replica, 0 pods free'],
    ['Duplicated needs room for all', cluster('x', 'eu1a', { free: { cpuMillis: 1000, memoryBytes: 40 * GiB, pods: 100 } }), duplicated, 'InsufficientCapacity', 'needs 1.5 CPU for 3 replicas, 1 CPU free'],
    ['capacity unknown', cluster('x', 'eu1a', { free: undefined }), duplicated, 'InsufficientCapacity', 'capacity not known yet'],
  ])('%s', (_, only, policy, code, reason) => {
    const decision = place({ snapshot: { clusters: [only] }, policy, workload: needs(3) });
    expect(decision.clusters).toEqual([]);
    expect(decision.diagnosis['x']).toEqual({ code, reasons: [reason] });
    expect(decision.summary).toMatch(/^0\/1 clusters fit: 1 /);
  });

  it('tolerated taints and PreferNoSchedule let the workload in', () => {
    const tainted = cluster('x', 'eu1a', { taints: [{ key: 'gpu', value: 'only', effect: 'NoSchedule' }, { key: 'soft', effect: 'PreferNoSchedule' }] });
    const policy: PlacementPolicy = { ...duplicated, tolerations: [{ key: 'gpu', value: 'only' }] };
    expect(place({ snapshot: { clusters: [tainted] }, policy, workload: needs(2) }).clusters).toEqual([{ name: 'x', replicas: 2 }]);
  });

  it('collects every reason and renders the summary by count', () => {
    const clusters = [
      cluster('a1', 'eu1a', { cordoned: true }),
      cluster('b1', 'eu1b', { free: { cpuMillis: 200, memoryBytes: 40 * GiB, pods: 10 } }),
      cluster('c1', 'eu1c', { free: { cpuMillis: 100, memoryBytes: 40 * GiB, pods: 10 }, ready: 'Unknown' }),
    ];
    const decision = place({ snapshot: { clusters }, policy: divided('AvailableCapacity'), workload: needs(3) });
    expect(decision.summary).toBe('0/3 clusters fit: 2 short of CPU, 1 cordoned, 1 not Ready');
    expect(decision.diagnosis['c1']).toEqual({ code: 'NotReady', reasons: ['Ready is Unknown', 'needs 0.5 CPU per replica, 0.1 CPU free'] });
    expect(decision.unplacedReplicas).toBe(3);
  });
});

describe('place: replica scheduling', () => {
  it('Duplicated puts every replica on each cluster, capped by maxReplicasPerCluster', () => {
    expect(replicasOf({ snapshot: { clusters: three }, policy: duplicated, workload: needs(3) })).toEqual({ a1: 3, b1: 3, c1: 3 });
    expect(replicasOf({ snapshot: { clusters: three }, policy: { ...duplicated, maxReplicasPerCluster: 2 }, workload: needs(3) })).toEqual({ a1: 2, b1: 2, c1: 2 });
  });

  it.each<[string, number, { names?: string[]; matchLabels?: Record<string, string>; weight: number }[], Record<string, number>]>([
    ['even', 6, [{ names: ['a1'], weight: 1 }, { names: ['b1'], weight: 1 }, { names: ['c1'], weight: 1 }], { a1: 2, b1: 2, c1: 2 }],
    ['largest remainder', 10, [{ names: ['a1'], weight: 1 }, { names: ['b1'], weight: 2 }, { names: ['c1'], weight: 4 }], { a1: 1, b1: 3, c1: 6 }],
    ['remainder ties by name', 4, [{ names: ['a1', 'b1', 'c1'], weight: 1 }], { a1: 2, b1: 1, c1: 1 }],
    ['by label selector, first rule wins', 6, [{ matchLabels: { [ZONE]: 'eu1c' }, weight: 4 }, { weight: 1 }], { a1: 1, b1: 1, c1: 4 }],
    ['zero weight gets nothing', 3, [{ names: ['a1', 'b1'], weight: 1 }], { a1: 2, b1: 1 }],
  ])('Weighted: %s', (_, replicas, weights, expected) => {
    const policy: PlacementPolicy = { replicaScheduling: { type: 'Divided', divisionPreference: 'Weighted', weights } };
    const decision = place({ snapshot: { clusters: three }, policy, workload: needs(replicas) });
    expect(replicasOf({ snapshot: { clusters: three }, policy, workload: needs(replicas) })).toEqual(expected);
    if (!('c1' in expected)) expect(decision.diagnosis['c1']?.code).toBe('ZeroWeight');
  });

  it('AvailableCapacity divides in proportion to the replicas each cluster fits', () => {
    const clusters = [
      cluster('a1', 'eu1a', { free: { cpuMillis: 1000, memoryBytes: 40 * GiB, pods: 100 } }), // fits 2
      cluster('b1', 'eu1b', { free: { cpuMillis: 2000, memoryBytes: 40 * GiB, pods: 100 } }), // fits 4
      cluster('c1', 'eu1c', { free: { cpuMillis: 3000, memoryBytes: 40 * GiB, pods: 100 } }), // fits 6
    ];
    expect(replicasOf({ snapshot: { clusters }, policy: divided('AvailableCapacity'), workload: needs(6) })).toEqual({ a1: 1, b1: 2, c1: 3 });
    const full = place({ snapshot: { clusters }, policy: divided('AvailableCapacity'), workload: needs(14) });
    expect(full.clusters).toEqual([{ name: 'a1', replicas: 2 }, { name: 'b1', replicas: 4 }, { name: 'c1', replicas: 6 }]);
    expect(full.unplacedReplicas).toBe(2);
    expect(full.summary).toBe('12 replicas on 3/3 clusters; 2 more do not fit');
  });

  it('Aggregated packs onto the fewest clusters that fit, roomiest first', () => {
    const clusters = [
      cluster('a1', 'eu1a', { free: { cpuMillis: 2000, memoryBytes: 40 * GiB, pods: 100 } }), // fits 4
      cluster('b1', 'eu1b', { free: { cpuMillis: 3000, memoryBytes: 40 * GiB, pods: 100 } }), // fits 6
      cluster('c1', 'eu1c', { free: { cpuMillis: 1000, memoryBytes: 40 * GiB, pods: 100 } }), // fits 2
    ];
    const decision = place({ snapshot: { clusters }, policy: divided('Aggregated'), workload: needs(8) });
    expect(decision.clusters).toEqual([{ name: 'a1', replicas: 2 }, { name: 'b1', replicas: 6 }]);
    expect(decision.diagnosis['c1']).toEqual({ code: 'NotNeeded', reasons: ['the replicas fit on fewer clusters with more room'] });
    expect(decision.summary).toBe('8 replicas on 2/3 clusters; 1 left out: 1 not needed');
  });

  it('min and max replicas per cluster', () => {
    const policy: PlacementPolicy = { ...divided('AvailableCapacity'), minReplicasPerCluster: 2, maxReplicasPerCluster: 3 };
    const clusters = [
      cluster('a1', 'eu1a', { free: { cpuMillis: 500, memoryBytes: 40 * GiB, pods: 100 } }), // fits 1
      cluster('b1', 'eu1b'),
      cluster('c1', 'eu1c'),
    ];
    expect(replicasOf({ snapshot: { clusters }, policy, workload: needs(5) })).toEqual({ a1: 1, b1: 2, c1: 2 });
    expect(replicasOf({ snapshot: { clusters }, policy, workload: needs(9) })).toEqual({ a1: 1, b1: 3, c1: 3 });
  });
});

describe('place: spread and fallback groups', () => {
  const four = [cluster('a1', 'eu1a'), cluster('a2', 'eu1a'), cluster('b1', 'eu1b'), cluster('x1', 'us1a')];

  it('min zones: takes the best cluster of each new zone first', () => {
    const policy: PlacementPolicy = { ...divided('Aggregated'), spread: [{ by: 'zone', min: 3 }] };
    expect(replicasOf({ snapshot: { clusters: four }, policy, workload: needs(4) })).toEqual({ a1: 2, b1: 1, x1: 1 });
  });

  it('min zones that cannot be met: not placed, with a clear summary', () => {
    const policy: PlacementPolicy = { ...divided('Aggregated'), spread: [{ by: 'zone', min: 4 }] };
    const decision = place({ snapshot: { clusters: [...four, cluster('z9', 'eu1z', { cordoned: true })] }, policy, workload: needs(4) });
    expect(decision.clusters).toEqual([]);
    expect(decision.summary).toBe('0/5 clusters placed: spread needs at least 4 zones, the 4 fitting clusters span 3 (eu1a, eu1b, us1a); filtered out: 1 cordoned');
    expect(decision.diagnosis['a1']?.code).toBe('SpreadLimit');
  });

  it('more zones than replicas cannot be covered', () => {
    const policy: PlacementPolicy = { ...divided('AvailableCapacity'), spread: [{ by: 'zone', min: 3 }] };
    expect(place({ snapshot: { clusters: four }, policy, workload: needs(2) }).summary).toBe(
      '0/4 clusters placed: spread needs 3 clusters in distinct domains, but 2 replicas cannot cover them',
    );
  });

  it('max regions keeps to the best-ranked regions', () => {
    const policy: PlacementPolicy = { ...duplicated, spread: [{ by: 'region', max: 1 }] };
    const decision = place({ snapshot: { clusters: four }, policy, workload: needs(1) });
    expect(decision.clusters.map((c) => c.name)).toEqual(['a1', 'a2', 'b1']);
    expect(decision.diagnosis['x1']).toEqual({ code: 'SpreadLimit', reasons: ['spread allows at most 1 regions, all taken by better-ranked clusters'] });
  });

  const groups: PlacementPolicy = {
    ...divided('AvailableCapacity'),
    maxReplicasPerCluster: 4,
    fallbackGroups: [{ matchLabels: { [REGION]: 'eu1' } }, { matchLabels: { [REGION]: 'us1' } }],
  };
  it('fallback groups: the first group is filled before any overflow', () => {
    const decision = place({ snapshot: { clusters: four }, policy: groups, workload: needs(12) });
    expect(replicasOf({ snapshot: { clusters: four }, policy: groups, workload: needs(12) })).toEqual({ a1: 4, a2: 4, b1: 4 });
    expect(decision.diagnosis['x1']).toEqual({ code: 'NotNeeded', reasons: ['fallback group 2 not needed: earlier groups hold every replica'] });
  });
  it('fallback groups: overflow goes to the next group', () => {
    expect(replicasOf({ snapshot: { clusters: four }, policy: groups, workload: needs(14) })).toEqual({ a1: 4, a2: 4, b1: 4, x1: 2 });
  });
  it('fallback groups: Duplicated uses the first group with a cluster that fits', () => {
    const policy: PlacementPolicy = { ...groups, replicaScheduling: { type: 'Duplicated' } };
    const clusters = four.map((c) => (c.name.startsWith('x') ? c : { ...c, cordoned: true }));
    expect(replicasOf({ snapshot: { clusters }, policy, workload: needs(2) })).toEqual({ x1: 2 });
  });
  it('a cluster in no group is left out', () => {
    const policy: PlacementPolicy = { ...groups, fallbackGroups: [{ zones: ['eu1a'] }] };
    expect(place({ snapshot: { clusters: four }, policy, workload: needs(2) }).diagnosis['b1']).toEqual({ code: 'AffinityMismatch', reasons: ['in none of the 1 fallback groups'] });
  });
});

describe('place: determinism and stability', () => {
  const fleet = Array.from({ length: 40 }, (_, i) =>
    cluster(`c${String(i).padStart(2, '0')}`, `eu${i % 3}${'abcd'[i % 4] as string}`, {
      free: { cpuMillis: 1000 * (1 + (i % 5)), memoryBytes: 40 * GiB, pods: 100 },
      cordoned: i % 11 === 0,
    }),
  );
  function shuffled<T>(items: readonly T[], seed: number): T[] {
    const out = [...items];
    let s = seed;
    for (let i = out.length - 1; i > 0; i -= 1) {
      s = (s * 1103515245 + 12345) % 2 ** 31;
      const j = s % (i + 1);
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }

  it.each<[string, PlacementPolicy]>([
    ['Duplicated', { ...duplicated, spread: [{ by: 'zone', max: 4 }] }],
    ['AvailableCapacity', divided('AvailableCapacity')],
    ['Aggregated', { ...divided('Aggregated'), spread: [{ by: 'region', min: 2 }] }],
    ['Weighted', { replicaScheduling: { type: 'Divided', divisionPreference: 'Weighted', weights: [{ matchLabels: { [REGION]: 'eu1' }, weight: 2 }, { weight: 1 }] } }],
  ])('%s: shuffled input order gives the same decision', (_, policy) => {
    const expected = place({ snapshot: { clusters: fleet }, policy, workload: needs(17) });
    for (const seed of [1, 2, 3, 4, 5]) {
      expect(place({ snapshot: { clusters: shuffled(fleet, seed) }, policy, workload: needs(17) })).toEqual(expected);
    }
  });

  it('an unchanged workload keeps its clusters once its own replicas use the room', () => {
    const clusters = [cluster('a1', 'eu1a'), cluster('b1', 'eu1b'), cluster('c1', 'eu1c', { free: { cpuMillis: 11_000, memoryBytes: 40 * GiB, pods: 100 } })];
    const first = place({ snapshot: { clusters }, policy: divided('Aggregated'), workload: needs(4) });
    expect(first.clusters).toEqual([{ name: 'c1', replicas: 4 }]);
    // The prober now sees the workload's own 4 replicas on c1, which leaves less room there than on a1.
    const after = clusters.map((c) => (c.name === 'c1' ? { ...c, free: { cpuMillis: 9000, memoryBytes: 36 * GiB, pods: 96 } } : c));
    expect(place({ snapshot: { clusters: after }, policy: divided('Aggregated'), workload: needs(4), previous: first }).clusters).toEqual(first.clusters);
  });

  it('existing placements win ties', () => {
    const policy: PlacementPolicy = { ...duplicated, spread: [{ by: 'zone', max: 1 }] };
    expect(place({ snapshot: { clusters: three }, policy, workload: needs(1) }).clusters).toEqual([{ name: 'a1', replicas: 1 }]);
    const previous = { clusters: [{ name: 'b1', replicas: 1 }] };
    const afterOwn = three.map((c) => (c.name === 'b1' ? { ...c, free: { cpuMillis: 9500, memoryBytes: 39 * GiB, pods: 99 } } : c));
    expect(place({ snapshot: { clusters: afterOwn }, policy, workload: needs(1), previous }).clusters).toEqual([{ name: 'b1', replicas: 1 }]);
  });
});

import { describe, expect, it } from '@jest/globals';
import type { ClusterSnapshot } from './fleet-snapshot.ts';
import { clustersByName, indexFleet } from './indexed-fleet.ts';
import { place, type PlacementInput } from './place.ts';

const GiB = 2 ** 30;
const cluster = (name: string, zone: string, cpuMillis: number): ClusterSnapshot => ({
  name,
  labels: { 'topology.kubernetes.io/zone': zone, 'topology.kubernetes.io/region': zone.slice(0, -1) },
  taints: name.endsWith('7') ? [{ key: 'gpu', effect: 'NoSchedule' }] : [],
  cordoned: name.endsWith('3'),
  ready: 'True',
  served: ['apps'],
  free: { cpuMillis, memoryBytes: 64 * GiB, pods: 100 },
});
const fleet = (n: number): ClusterSnapshot[] => Array.from({ length: n }, (_, i) => cluster(`c${String((i * 37) % n).padStart(3, '0')}`, `eu1${'abc'[i % 3] as string}`, 500 + ((i * 7919) % 40) * 250));
const input = (clusters: readonly ClusterSnapshot[], replicas: number): PlacementInput => ({
  snapshot: { clusters },
  policy: { replicaScheduling: { type: 'Divided', divisionPreference: 'AvailableCapacity' }, spread: [{ by: 'zone', min: 2 }] },
  workload: { replicas, perReplica: { cpuMillis: 500, memoryBytes: GiB, pods: 1 }, kinds: ['apps/v1/Deployment'] },
});

describe('indexFleet', () => {
  it('sorts by name once, into a frozen list that place takes as it is', () => {
    const clusters = fleet(50);
    const indexed = indexFleet({ clusters });
    expect(indexed.clusters.map((c) => c.name)).toEqual(clusters.map((c) => c.name).sort());
    expect(Object.isFrozen(indexed.clusters)).toBe(true);
    expect(clustersByName(indexed)).toBe(indexed.clusters);
    expect(indexFleet(indexed)).toBe(indexed);
    expect(place({ ...input(clusters, 9), snapshot: indexed })).toEqual(place(input(clusters, 9)));
  });

  it('a renamed cluster is noticed: the list is sorted again', () => {
    const clusters = fleet(5).map((c) => ({ ...c }));
    const indexed = indexFleet({ clusters });
    (indexed.clusters[0] as { name: string }).name = 'zzz';
    expect(clustersByName(indexed).map((c) => c.name)).toEqual([...indexed.clusters.map((c) => c.name)].sort());
  });
});

describe('place: buffers kept between decisions', () => {
  it('a decision does not depend on the ones before it, nor change them', () => {
    const big = fleet(300);
    const small = fleet(7);
    const first = place(input(big, 40));
    const copy = JSON.parse(JSON.stringify(first)) as unknown;
    const smallAlone = JSON.stringify(place(input(small, 3)));
    place(input(big, 5));
    expect(JSON.stringify(place(input(small, 3)))).toBe(smallAlone);
    expect(place(input(big, 40))).toEqual(copy);
    expect(first).toEqual(copy);
  });
});

import { describe, expect, it } from '@jest/globals';
import type { ClusterSnapshot } from './fleet-snapshot.ts';
import { place } from './place.ts';
import { placeKeepingUnready } from './place-keeping-unready.ts';
import type { PlacementPolicy } from './placement-policy.ts';
import type { WorkloadNeeds } from './workload-needs.ts';

const cluster = (name: string, ready: ClusterSnapshot['ready'] = 'True'): ClusterSnapshot => ({
  name,
  labels: { 'topology.kubernetes.io/zone': `z-${name}` },
  taints: [],
  cordoned: false,
  ready,
  served: ['apps'],
  free: { cpuMillis: 10_000, memoryBytes: 2 ** 40, pods: 100 },
});
const needs = (replicas: number): WorkloadNeeds => ({ replicas, perReplica: { cpuMillis: 100, memoryBytes: 0, pods: 1 }, kinds: ['apps/v1/Deployment'] });
const divided: PlacementPolicy = { replicaScheduling: { type: 'Divided', divisionPreference: 'Aggregated' } };
const duplicated: PlacementPolicy = { replicaScheduling: { type: 'Duplicated' } };
const byName = (clusters: readonly { name: string; replicas: number }[]): Record<string, number> => Object.fromEntries(clusters.map((c) => [c.name, c.replicas]));

describe('placeKeepingUnready', () => {
  it('is place() when every previous cluster is Ready, or there is no previous placement', () => {
    const snapshot = { clusters: [cluster('a'), cluster('b')] };
    const input = { snapshot, policy: divided, workload: needs(4), previous: { clusters: [{ name: 'a', replicas: 4 }] } };
    expect(placeKeepingUnready(input)).toEqual(place(input));
    expect(placeKeepingUnready({ snapshot, policy: divided, workload: needs(4) })).toEqual(place({ snapshot, policy: divided, workload: needs(4) }));
  });

  it('Divided: keeps the replicas on a cluster that is not Ready and places only the rest', () => {
    const snapshot = { clusters: [cluster('a', 'False'), cluster('b'), cluster('c', 'Unknown')] };
    // Scaled from 4 to 6 during the outage of a and c.
    const decision = placeKeepingUnready({ snapshot, policy: divided, workload: needs(6), previous: { clusters: [{ name: 'a', replicas: 2 }, { name: 'b', replicas: 1 }, { name: 'c', replicas: 1 }] } });
    expect(byName(decision.clusters)).toEqual({ a: 2, b: 3, c: 1 });
    expect(decision.clusters.map((c) => c.name)).toEqual(['a', 'b', 'c']);
    expect(decision.diagnosis.a).toBeUndefined();
    expect(decision.summary).toContain('kept where not Ready: a=2, c=1 (moved only by failover)');
  });

  it('Divided: scaling down below the kept replicas places nothing more (the failover controller decides the rest)', () => {
    const snapshot = { clusters: [cluster('a', 'False'), cluster('b')] };
    const decision = placeKeepingUnready({ snapshot, policy: divided, workload: needs(1), previous: { clusters: [{ name: 'a', replicas: 3 }] } });
    expect(byName(decision.clusters)).toEqual({ a: 3 });
  });

  it('Duplicated: keeps the unready cluster and places on the Ready ones', () => {
    const snapshot = { clusters: [cluster('a', 'False'), cluster('b'), cluster('c')] };
    const decision = placeKeepingUnready({ snapshot, policy: duplicated, workload: needs(2), previous: { clusters: [{ name: 'a', replicas: 2 }, { name: 'b', replicas: 2 }] } });
    expect(byName(decision.clusters)).toEqual({ a: 2, b: 2, c: 2 });
  });

  it('keeps nothing on a cluster gone from the fleet (deregistered)', () => {
    const snapshot = { clusters: [cluster('b')] };
    const decision = placeKeepingUnready({ snapshot, policy: divided, workload: needs(2), previous: { clusters: [{ name: 'gone', replicas: 2 }] } });
    expect(byName(decision.clusters)).toEqual({ b: 2 });
  });
});

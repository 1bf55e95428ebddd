import { describe, expect, it } from '@jest/globals';
import type { ClusterSpec, ClusterStatus } from '../../clusters/src/cluster.ts';
import { clusterSnapshot } from './cluster-snapshot.ts';

const spec: ClusterSpec = { name: 'a1', server: 'https://a1:6443', labels: { 'topology.kubernetes.io/zone': 'eu1a' }, taints: [], cordoned: false };
const status: ClusterStatus = {
  conditions: [{ type: 'Ready', status: 'True', reason: 'ProbeSucceeded', message: '', lastTransitionTime: '2026-01-01T00:00:00Z' }],
  observedAt: '2026-01-01T00:00:00Z',
  capacity: {
    allocatable: { cpuMillis: 4000, memoryBytes: 8e9, pods: 110 },
    requested: { cpuMillis: 1500, memoryBytes: 2e9, pods: 10 },
    nodes: { total: 1, ready: 1 },
    observedAt: '2026-01-01T00:00:00Z',
  },
  apiGroups: { groups: ['apps', 'batch'], observedAt: '2026-01-01T00:00:00Z' },
  consecutiveSuccesses: 3,
  consecutiveFailures: 0,
  fencingToken: 1,
};

describe('clusterSnapshot', () => {
  it('takes free room as allocatable minus requested, and the served groups', () => {
    expect(clusterSnapshot(spec, status, new Date('2026-01-01T00:00:05Z'), 30_000)).toEqual({
      name: 'a1',
      labels: spec.labels,
      taints: [],
      cordoned: false,
      ready: 'True',
      served: ['apps', 'batch'],
      free: { cpuMillis: 2500, memoryBytes: 6e9, pods: 100 },
    });
  });

  it.each<[string, ClusterStatus | undefined, Date]>([
    ['stale status', status, new Date('2026-01-01T00:01:00Z')],
    ['never probed', undefined, new Date('2026-01-01T00:00:05Z')],
  ])('%s reads Unknown', (_, given, now) => {
    expect(clusterSnapshot(spec, given, now, 30_000).ready).toBe('Unknown');
  });

  it('leaves capacity and kinds absent before the prober has read them', () => {
    const snapshot = clusterSnapshot(spec, { ...status, capacity: undefined, apiGroups: undefined }, new Date('2026-01-01T00:00:05Z'), 30_000);
    expect(snapshot.free).toBeUndefined();
    expect(snapshot.served).toBeUndefined();
  });
});

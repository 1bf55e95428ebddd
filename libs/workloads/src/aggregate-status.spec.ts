import { describe, expect, it } from '@jest/globals';
import { aggregateStatus, type AggregateStatusInput, type WorkloadPhase } from './aggregate-status.ts';
import type { MemberWorkloadStatus, PlacementRecord } from './workload.ts';

const NOW = new Date('2030-01-01T00:10:00Z');
const FRESH = '2030-01-01T00:09:30Z';
const OLD = '2030-01-01T00:00:00Z';
const STALE_AFTER = 120_000;

const placement = (clusters: Record<string, number>, overrides: Partial<PlacementRecord> & { unplaced?: number; summary?: string } = {}): PlacementRecord => ({
  workload: 'ns/shop',
  generation: 4,
  decidedAt: OLD,
  decision: { clusters: Object.entries(clusters).map(([name, replicas]) => ({ name, replicas })), diagnosis: {}, unplacedReplicas: overrides.unplaced ?? 0, summary: overrides.summary ?? '3/3 clusters fit' },
  ...overrides,
});

const member = (cluster: string, available: number, overrides: Partial<MemberWorkloadStatus> = {}): MemberWorkloadStatus => ({
  cluster,
  appliedGeneration: 4,
  desiredReplicas: 2,
  readyReplicas: available,
  availableReplicas: available,
  conditions: [
    { type: 'Applied', status: 'True' },
    { type: 'Available', status: available >= 2 ? 'True' : 'False' },
  ],
  observedAt: FRESH,
  ...overrides,
});

const three = placement({ a: 2, b: 2, c: 2 });
const run = (input: Partial<AggregateStatusInput>) => aggregateStatus({ generation: 4, members: [], now: NOW, staleAfterMs: STALE_AFTER, ...input });

describe('aggregateStatus', () => {
  it.each<[string, Partial<AggregateStatusInput>, WorkloadPhase, string]>([
    ['not placed yet', {}, 'Pending', 'Pending: not placed yet'],
    ['placement behind', { placement: { ...three, generation: 3 } }, 'Pending', 'Pending: placement is for generation 3, not 4'],
    [
      'nothing placed',
      { placement: placement({}, { summary: '0/3 clusters fit: 1 cordoned, 2 short of CPU' }) },
      'Unschedulable',
      'Unschedulable: 0/3 clusters fit: 1 cordoned, 2 short of CPU',
    ],
    ['all available', { placement: three, members: [member('a', 2), member('b', 2), member('c', 2)] }, 'Available', 'Available 6/6 in 3 clusters'],
    ['one cluster short', { placement: three, members: [member('a', 2), member('b', 2), member('c', 0)] }, 'Progressing', 'Progressing 4/6 in 3 clusters'],
    [
      'one cluster on an older generation',
      { placement: three, members: [member('a', 2), member('b', 2), member('c', 2, { appliedGeneration: 3 })] },
      'Progressing',
      'Progressing 6/6 in 3 clusters',
    ],
    [
      'a permanent failure',
      { placement: three, members: [member('a', 2), member('b', 2), member('c', 0, { lastError: { reason: 'Forbidden', permanent: true, at: FRESH } })] },
      'Degraded',
      'Degraded 4/6 in 3 clusters: apply failed in c',
    ],
    [
      'a transient failure is still progress',
      { placement: three, members: [member('a', 2), member('b', 2), member('c', 0, { lastError: { reason: 'Timeout', permanent: false, at: FRESH } })] },
      'Progressing',
      'Progressing 4/6 in 3 clusters',
    ],
    ['a stale cluster', { placement: three, members: [member('a', 2), member('b', 2), member('c', 2, { observedAt: OLD })] }, 'Unknown', 'Unknown 4/6 in 3 clusters: no recent status from c'],
    ['a cluster that never reported', { placement: three, members: [member('a', 2), member('b', 2)] }, 'Unknown', 'Unknown 4/6 in 3 clusters: no recent status from c'],
    ['just placed, no reports yet', { placement: { ...three, decidedAt: FRESH } }, 'Progressing', 'Progressing 0/6 in 3 clusters'],
    [
      'replicas left unplaced',
      { placement: placement({ a: 2 }, { unplaced: 4, summary: '1/3 clusters fit: 2 short of CPU' }), members: [member('a', 2)] },
      'Available',
      'Available 2/2 in 1 cluster; 4 replicas not placed: 1/3 clusters fit: 2 short of CPU',
    ],
  ])('%s', (_name, input, phase, summary) => {
    const view = run(input);
    expect(view.phase).toBe(phase);
    expect(view.summary).toBe(summary);
  });

  it('reads a stale or missing cluster as Unknown, never a stale True', () => {
    const view = run({ placement: three, members: [member('a', 2), member('b', 2, { observedAt: OLD }), member('c', 2, { observedAt: 'garbage' })] });
    const [a, b, c] = view.clusters;
    expect(a?.stale).toBe(false);
    for (const entry of [b, c]) {
      expect(entry?.stale).toBe(true);
      expect(entry?.conditions.map((x) => `${x.type}=${x.status}/${x.reason ?? ''}`)).toEqual(['Applied=Unknown/Stale', 'Available=Unknown/Stale', 'Progressing=Unknown/Stale']);
    }
    expect(view.totals).toEqual({ desiredReplicas: 6, readyReplicas: 2, availableReplicas: 2 });
  });

  it('takes desired replicas from the member once it applied this generation (overrides), else from the placement', () => {
    const view = run({ placement: three, members: [member('a', 5, { desiredReplicas: 5 }), member('b', 1, { desiredReplicas: 9, appliedGeneration: 3 })] });
    expect(view.clusters.map((e) => [e.cluster, e.desiredReplicas])).toEqual([
      ['a', 5],
      ['b', 2],
      ['c', 2],
    ]);
    expect(view.totals.desiredReplicas).toBe(9);
  });

  it('ignores members of clusters that are not placed', () => {
    const view = run({ placement: placement({ a: 2 }), members: [member('a', 2), member('gone', 0, { observedAt: OLD })] });
    expect(view.clusters.map((e) => e.cluster)).toEqual(['a']);
    expect(view.phase).toBe('Available');
  });
});

import { describe, expect, it } from '@jest/globals';
import type { ClusterRecord, ClusterStatus } from '../../../../libs/clusters/src/index.ts';
import type { VersionedRecord } from '../../../../libs/store/src/index.ts';
import { observations } from './failover-inputs.ts';

const now = new Date('2026-11-28T06:00:00.000Z');
const cluster = (name: string, zone: string): VersionedRecord<ClusterRecord> =>
  ({
    key: { kind: 'cluster', id: name },
    version: 1,
    updatedAt: '2026-11-28T05:00:00.000Z',
    data: { spec: { name, labels: { 'topology.kubernetes.io/zone': zone } }, createdAt: '2026-11-28T05:59:59.000Z' },
  }) as unknown as VersionedRecord<ClusterRecord>;
const status = (ready: 'True' | 'False', at: string): ClusterStatus =>
  ({ observedAt: at, conditions: [{ type: 'Ready', status: ready, reason: 'R', message: '', lastTransitionTime: '2026-11-28T05:58:00.000Z' }] }) as unknown as ClusterStatus;

describe('observations', () => {
  it('observes probed clusters with their zone and transition time, and leaves out clusters never probed', () => {
    const seen = observations(
      [cluster('a', 'z1'), cluster('b', 'z2'), cluster('new', 'z3')],
      new Map([
        ['a', status('True', '2026-11-28T05:59:59.500Z')],
        ['b', status('False', '2026-11-28T05:59:59.500Z')],
      ]),
      now,
      3000,
    );
    expect(seen).toEqual([
      { cluster: 'a', zone: 'z1', ready: 'True', at: now.getTime(), since: Date.parse('2026-11-28T05:58:00.000Z') },
      { cluster: 'b', zone: 'z2', ready: 'False', at: now.getTime(), since: Date.parse('2026-11-28T05:58:00.000Z') },
    ]);
  });

  it('reads a stale status as Unknown, never as a stale Ready', () => {
    const [a] = observations([cluster('a', 'z1')], new Map([['a', status('True', '2026-11-28T05:50:00.000Z')]]), now, 3000);
    expect(a?.ready).toBe('Unknown');
  });
});

import { describe, expect, it } from '@jest/globals';
import { memberStatusFromObjects, type LiveObject } from './member-status.ts';

interface Shape {
  kind?: string;
  replicas?: number;
  generation?: number;
  observed?: number;
  available?: number;
  ready?: number;
  updated?: number;
  total?: number;
  conditions?: { type: string; status: string }[];
}

const obj = ({ kind = 'Deployment', replicas = 3, generation = 2, observed = 2, available = 3, ready = available, updated = replicas, total = replicas, conditions }: Shape = {}): LiveObject => ({
  apiVersion: 'apps/v1',
  kind,
  metadata: { name: 'web', generation },
  spec: { replicas },
  status: { observedGeneration: observed, availableReplicas: available, readyReplicas: ready, updatedReplicas: updated, replicas: total, ...(conditions ? { conditions } : {}) },
});
const configMap: LiveObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' } };

// null: never applied.
const statusOf = (objects: readonly LiveObject[], appliedGeneration: number | null = 2) =>
  memberStatusFromObjects({ cluster: 'a1', desiredReplicas: 3, ...(appliedGeneration === null ? {} : { appliedGeneration, appliedAt: 't0' }), objects, observedAt: 't1' });
const conditions = (objects: readonly LiveObject[], appliedGeneration: number | null): string[] =>
  statusOf(objects, appliedGeneration).conditions.map((c) => `${c.type}=${c.status}/${c.reason ?? ''}`);

describe('memberStatusFromObjects', () => {
  it.each<[string, readonly LiveObject[], number | null, string[]]>([
    ['all available', [obj(), configMap], 2, ['Applied=True/Applied', 'Available=True/ReplicasAvailable', 'Progressing=False/Complete']],
    ['never applied', [obj()], null, ['Applied=False/NotApplied', 'Available=False/NotApplied', 'Progressing=Unknown/NotApplied']],
    ['generation not observed yet', [obj({ observed: 1 })], 2, ['Applied=True/Applied', 'Available=False/GenerationNotObserved', 'Progressing=True/RollingOut']],
    ['short of replicas', [obj({ available: 2 })], 2, ['Applied=True/Applied', 'Available=False/ReplicasUnavailable', 'Progressing=True/RollingOut']],
    ['enough replicas, rollout not done', [obj({ updated: 1, total: 4 })], 2, ['Applied=True/Applied', 'Available=True/ReplicasAvailable', 'Progressing=True/RollingOut']],
    [
      'Deployment says Available=False',
      [obj({ conditions: [{ type: 'Available', status: 'False' }] })],
      2,
      ['Applied=True/Applied', 'Available=False/ReplicasUnavailable', 'Progressing=True/RollingOut'],
    ],
    [
      'Deployment gave up',
      [obj({ available: 1, conditions: [{ type: 'Progressing', status: 'False' }] })],
      2,
      ['Applied=True/Applied', 'Available=False/ProgressDeadlineExceeded', 'Progressing=False/ProgressDeadlineExceeded'],
    ],
    ['a StatefulSet counts', [obj(), obj({ kind: 'StatefulSet', available: 0 })], 2, ['Applied=True/Applied', 'Available=False/ReplicasUnavailable', 'Progressing=True/RollingOut']],
    ['a DaemonSet does not', [obj(), obj({ kind: 'DaemonSet', available: 0 })], 2, ['Applied=True/Applied', 'Available=True/ReplicasAvailable', 'Progressing=False/Complete']],
    ['no replica-carrying objects, applied', [configMap], 2, ['Applied=True/Applied', 'Available=True/ReplicasAvailable', 'Progressing=False/Complete']],
    ['no replica-carrying objects, not applied', [configMap], null, ['Applied=False/NotApplied', 'Available=False/NotApplied', 'Progressing=Unknown/NotApplied']],
    ['no objects listed, applied', [], 2, ['Applied=True/Applied', 'Available=True/ReplicasAvailable', 'Progressing=False/Complete']],
  ])('%s', (_name, objects, applied, expected) => {
    expect(conditions(objects, applied)).toEqual(expected);
  });

  it('sums ready and available over Deployments, StatefulSets and ReplicaSets only', () => {
    const status = statusOf([obj({ available: 2, ready: 3 }), obj({ kind: 'ReplicaSet', available: 1, ready: 1 }), obj({ kind: 'DaemonSet', available: 5 }), configMap]);
    expect(status).toMatchObject({ cluster: 'a1', desiredReplicas: 3, readyReplicas: 4, availableReplicas: 3, appliedGeneration: 2, appliedAt: 't0', observedAt: 't1' });
  });

  it('leaves applied fields out when never applied', () => {
    const status = statusOf([], null);
    expect('appliedGeneration' in status || 'appliedAt' in status).toBe(false);
  });
});

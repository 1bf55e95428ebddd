import { describe, expect, it } from '@jest/globals';
import type { LiveObject } from './member-status.ts';
import { planPrune, type ObjectRef } from './prune-plan.ts';

const OWNED = { 'app.kubernetes.io/managed-by': 'flotilla', 'flotilla.dev/workload-uid': 'w1' };

const live = (kind: string, name: string, labels: Record<string, string> | undefined, extra: { apiVersion?: string; uid?: string; namespace?: string } = {}): LiveObject => ({
  apiVersion: extra.apiVersion ?? (kind === 'ConfigMap' ? 'v1' : 'apps/v1'),
  kind,
  metadata: { name, namespace: extra.namespace ?? 'ns', uid: 'uid' in extra ? extra.uid : `uid-${name}`, ...(labels ? { labels } : {}) },
});
const desired = (kind: string, name: string, apiVersion = kind === 'ConfigMap' ? 'v1' : 'apps/v1', namespace = 'ns'): ObjectRef => ({ apiVersion, kind, namespace, name });

describe('planPrune', () => {
  it.each<[string, readonly ObjectRef[], readonly LiveObject[], readonly string[]]>([
    ['nothing listed deletes nothing', [desired('Deployment', 'web')], [], []],
    ['an owned object no longer desired', [desired('Deployment', 'web')], [live('Deployment', 'web', OWNED), live('ConfigMap', 'old', OWNED)], ['uid-old']],
    ['desired objects stay', [desired('Deployment', 'web'), desired('ConfigMap', 'cfg')], [live('Deployment', 'web', OWNED), live('ConfigMap', 'cfg', OWNED)], []],
    ['a version bump is the same object', [desired('Deployment', 'web', 'apps/v1')], [live('Deployment', 'web', OWNED, { apiVersion: 'apps/v1beta2' })], []],
    ['another group is another object', [desired('Deployment', 'web', 'apps/v1')], [live('Deployment', 'web', OWNED, { apiVersion: 'example.com/v1' })], ['uid-web']],
    ['another namespace is another object', [desired('ConfigMap', 'cfg')], [live('ConfigMap', 'cfg', OWNED, { namespace: 'other' })], ['uid-cfg']],
    ['an object of another workload is never pruned', [], [live('ConfigMap', 'theirs', { ...OWNED, 'flotilla.dev/workload-uid': 'w2' })], []],
    ['an unlabelled object is never pruned', [], [live('ConfigMap', 'manual', undefined)], []],
    ['one managed by someone else is never pruned', [], [live('ConfigMap', 'helm', { ...OWNED, 'app.kubernetes.io/managed-by': 'Helm' })], []],
    ['a workload uid label alone is not enough', [], [live('ConfigMap', 'half', { 'flotilla.dev/workload-uid': 'w1' })], []],
    ['an object without a uid is skipped', [], [live('ConfigMap', 'nouid', OWNED, { uid: undefined })], []],
    ['sorted by group, kind, namespace and name, listed once', [], [live('Deployment', 'b', OWNED), live('ConfigMap', 'z', OWNED), live('Deployment', 'a', OWNED), live('Deployment', 'a', OWNED)], ['uid-z', 'uid-a', 'uid-b']],
  ])('%s', (_name, desiredRefs, listed, uids) => {
    expect(planPrune({ workloadUid: 'w1', desired: desiredRefs, listed }).map((p) => p.uid)).toEqual(uids);
  });

  it('returns what a conditional delete needs', () => {
    expect(planPrune({ workloadUid: 'w1', desired: [], listed: [live('ConfigMap', 'old', OWNED)] })).toEqual([
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns', name: 'old', uid: 'uid-old' },
    ]);
  });
});

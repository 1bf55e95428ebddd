import { describe, expect, it } from '@jest/globals';
import type { PlacementPolicy } from '../../placement/src/index.ts';
import { InvalidParams } from '../../validation/src/index.ts';
import { parsePlacementPolicy } from './parse-placement-policy.ts';

function parse(value: unknown): { policy: PlacementPolicy | undefined; issues: { name: string; reason: string }[] } {
  const issues = new InvalidParams();
  const policy = parsePlacementPolicy(value, 'placement', issues);
  let params: { name: string; reason: string }[] = [];
  try {
    issues.throwIfAny('workload');
  } catch (error) {
    params = (error as { invalidParams: { name: string; reason: string }[] }).invalidParams.map(({ name, reason }) => ({ name, reason }));
  }
  return { policy, issues: params };
}

const duplicated = { replicaScheduling: { type: 'Duplicated' } };

describe('parsePlacementPolicy', () => {
  it.each<[string, PlacementPolicy]>([
    ['the smallest policy', { replicaScheduling: { type: 'Duplicated' } }],
    [
      'every field',
      {
        clusterAffinity: {
          matchLabels: { tier: 'gold' },
          matchExpressions: [
            { key: 'env', operator: 'In', values: ['prod', 'staging'] },
            { key: 'flotilla.dev/spot', operator: 'DoesNotExist' },
          ],
          zones: ['eu-1a', 'eu-1b'],
          names: ['east-1', 'west-2'],
          excludeNames: ['old-1'],
        },
        fallbackGroups: [{ matchLabels: { site: 'onprem' } }, { zones: ['cloud-a'] }],
        spread: [{ by: 'zone', min: 2, max: 3 }, { by: 'region' }],
        replicaScheduling: {
          type: 'Divided',
          divisionPreference: 'Weighted',
          weights: [{ names: ['east-1'], weight: 2 }, { matchLabels: { tier: 'gold' }, weight: 0 }],
        },
        minReplicasPerCluster: 1,
        maxReplicasPerCluster: 5,
        tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }, { operator: 'Exists' }, { key: 'spot', operator: 'Exists', effect: 'NoExecute' }],
      },
    ],
    ['AvailableCapacity', { replicaScheduling: { type: 'Divided', divisionPreference: 'AvailableCapacity' } }],
    ['Aggregated with equal min and max', { replicaScheduling: { type: 'Divided', divisionPreference: 'Aggregated' }, minReplicasPerCluster: 2, maxReplicasPerCluster: 2 }],
  ])('accepts %s as given', (_what, policy) => {
    expect(parse(policy)).toEqual({ policy, issues: [] });
  });

  it('accepts Exists and DoesNotExist with an empty values list, and drops it', () => {
    const { policy } = parse({ ...duplicated, clusterAffinity: { matchExpressions: [{ key: 'gpu', operator: 'Exists', values: [] }] } });
    expect(policy?.clusterAffinity).toEqual({ matchExpressions: [{ key: 'gpu', operator: 'Exists' }] });
  });

  it.each<[string, unknown, string, RegExp]>([
    ['not an object', 'everywhere', 'placement', /must be an object/],
    ['an unknown field', { ...duplicated, replicas: 3 }, 'placement.replicas', /not a known field/],
    ['no replicaScheduling', {}, 'placement.replicaScheduling', /is required/],
    ['an unknown scheduling type', { replicaScheduling: { type: 'Spread' } }, 'placement.replicaScheduling.type', /Duplicated, Divided/],
    ['Divided without preference', { replicaScheduling: { type: 'Divided' } }, 'placement.replicaScheduling.divisionPreference', /Weighted, AvailableCapacity, Aggregated/],
    ['an unknown preference', { replicaScheduling: { type: 'Divided', divisionPreference: 'Random' } }, 'placement.replicaScheduling.divisionPreference', /Weighted/],
    ['Weighted without weights', { replicaScheduling: { type: 'Divided', divisionPreference: 'Weighted' } }, 'placement.replicaScheduling.weights', /non-empty list/],
    ['Weighted with no weights', { replicaScheduling: { type: 'Divided', divisionPreference: 'Weighted', weights: [] } }, 'placement.replicaScheduling.weights', /non-empty list/],
    ['a negative weight', { replicaScheduling: { type: 'Divided', divisionPreference: 'Weighted', weights: [{ names: ['a'], weight: -1 }] } }, 'placement.replicaScheduling.weights[0].weight', /integer of at least 0/],
    ['a fractional weight', { replicaScheduling: { type: 'Divided', divisionPreference: 'Weighted', weights: [{ weight: 1.5 }] } }, 'placement.replicaScheduling.weights[0].weight', /integer/],
    ['a weight rule without weight', { replicaScheduling: { type: 'Divided', divisionPreference: 'Weighted', weights: [{ names: ['a'] }] } }, 'placement.replicaScheduling.weights[0].weight', /is required/],
    ['a bad name in a weight rule', { replicaScheduling: { type: 'Divided', divisionPreference: 'Weighted', weights: [{ names: ['A_b'], weight: 1 }] } }, 'placement.replicaScheduling.weights[0].names[0]', /DNS-1123/],
    ['weights with Duplicated', { replicaScheduling: { type: 'Duplicated', weights: [] } }, 'placement.replicaScheduling.weights', /only with type Divided/],
    ['a preference with Duplicated', { replicaScheduling: { type: 'Duplicated', divisionPreference: 'Weighted' } }, 'placement.replicaScheduling.divisionPreference', /only with type Divided/],
    ['weights with AvailableCapacity', { replicaScheduling: { type: 'Divided', divisionPreference: 'AvailableCapacity', weights: [{ weight: 1 }] } }, 'placement.replicaScheduling.weights', /only with divisionPreference Weighted/],
    ['a bad label key', { ...duplicated, clusterAffinity: { matchLabels: { 'a b': 'x' } } }, 'placement.clusterAffinity.matchLabels.a b', /key name/],
    ['a bad label value', { ...duplicated, clusterAffinity: { matchLabels: { tier: 'x y' } } }, 'placement.clusterAffinity.matchLabels.tier', /value must be/],
    ['an unknown affinity field', { ...duplicated, clusterAffinity: { regions: ['eu'] } }, 'placement.clusterAffinity.regions', /not a known field/],
    ['an unknown operator', { ...duplicated, clusterAffinity: { matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] } }, 'placement.clusterAffinity.matchExpressions[0].operator', /In, NotIn, Exists, DoesNotExist/],
    ['In without values', { ...duplicated, clusterAffinity: { matchExpressions: [{ key: 'a', operator: 'In' }] } }, 'placement.clusterAffinity.matchExpressions[0].values', /is required with In/],
    ['NotIn with empty values', { ...duplicated, clusterAffinity: { matchExpressions: [{ key: 'a', operator: 'NotIn', values: [] }] } }, 'placement.clusterAffinity.matchExpressions[0].values', /at least one value/],
    ['Exists with values', { ...duplicated, clusterAffinity: { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] } }, 'placement.clusterAffinity.matchExpressions[0].values', /left out with Exists/],
    ['DoesNotExist with values', { ...duplicated, clusterAffinity: { matchExpressions: [{ key: 'a', operator: 'DoesNotExist', values: ['x'] }] } }, 'placement.clusterAffinity.matchExpressions[0].values', /left out with DoesNotExist/],
    ['an expression without key', { ...duplicated, clusterAffinity: { matchExpressions: [{ operator: 'Exists' }] } }, 'placement.clusterAffinity.matchExpressions[0].key', /is required/],
    ['a bad expression value', { ...duplicated, clusterAffinity: { matchExpressions: [{ key: 'a', operator: 'In', values: ['ok', 'not ok'] }] } }, 'placement.clusterAffinity.matchExpressions[0].values[1]', /value must be/],
    ['an empty zone', { ...duplicated, clusterAffinity: { zones: [''] } }, 'placement.clusterAffinity.zones[0]', /must not be empty/],
    ['no zones', { ...duplicated, clusterAffinity: { zones: [] } }, 'placement.clusterAffinity.zones', /at least one zone/],
    ['a zone that is not a string', { ...duplicated, clusterAffinity: { zones: [3] } }, 'placement.clusterAffinity.zones[0]', /must be a string/],
    ['a cluster name that is not DNS-1123', { ...duplicated, clusterAffinity: { names: ['East_1'] } }, 'placement.clusterAffinity.names[0]', /DNS-1123 label/],
    ['no names', { ...duplicated, clusterAffinity: { names: [] } }, 'placement.clusterAffinity.names', /at least one cluster/],
    ['a bad excluded name', { ...duplicated, clusterAffinity: { excludeNames: ['ok', 'Not-OK'] } }, 'placement.clusterAffinity.excludeNames[1]', /DNS-1123 label/],
    ['names that are not a list', { ...duplicated, clusterAffinity: { names: 'east-1' } }, 'placement.clusterAffinity.names', /list of strings/],
    ['empty fallback groups', { ...duplicated, fallbackGroups: [] }, 'placement.fallbackGroups', /non-empty list/],
    ['a bad fallback group', { ...duplicated, fallbackGroups: [{ zones: ['a'] }, { names: ['X'] }] }, 'placement.fallbackGroups[1].names[0]', /DNS-1123/],
    ['a fallback group that is not an object', { ...duplicated, fallbackGroups: ['onprem'] }, 'placement.fallbackGroups[0]', /must be an object/],
    ['spread by host', { ...duplicated, spread: [{ by: 'host' }] }, 'placement.spread[0].by', /zone, region/],
    ['spread min 0', { ...duplicated, spread: [{ by: 'zone', min: 0 }] }, 'placement.spread[0].min', /integer of at least 1/],
    ['spread min fractional', { ...duplicated, spread: [{ by: 'zone', min: 1.5 }] }, 'placement.spread[0].min', /integer/],
    ['spread max below min', { ...duplicated, spread: [{ by: 'zone', min: 3, max: 2 }] }, 'placement.spread[0].max', /at least min/],
    ['a repeated spread topology', { ...duplicated, spread: [{ by: 'zone' }, { by: 'zone', min: 2 }] }, 'placement.spread[1].by', /repeats/],
    ['an unknown spread field', { ...duplicated, spread: [{ by: 'zone', maxSkew: 1 }] }, 'placement.spread[0].maxSkew', /not a known field/],
    ['a negative minReplicasPerCluster', { ...duplicated, minReplicasPerCluster: -1 }, 'placement.minReplicasPerCluster', /integer of at least 0/],
    ['a string maxReplicasPerCluster', { ...duplicated, maxReplicasPerCluster: '3' }, 'placement.maxReplicasPerCluster', /integer/],
    ['max below min per cluster', { ...duplicated, minReplicasPerCluster: 3, maxReplicasPerCluster: 2 }, 'placement.maxReplicasPerCluster', /at least minReplicasPerCluster/],
    ['an unknown toleration operator', { ...duplicated, tolerations: [{ key: 'a', operator: 'In' }] }, 'placement.tolerations[0].operator', /Equal, Exists/],
    ['an unknown taint effect', { ...duplicated, tolerations: [{ key: 'a', effect: 'NoWay' }] }, 'placement.tolerations[0].effect', /NoSchedule, PreferNoSchedule, NoExecute/],
    ['Exists with a value', { ...duplicated, tolerations: [{ key: 'a', operator: 'Exists', value: 'x' }] }, 'placement.tolerations[0].value', /left out with operator Exists/],
    ['Equal without key', { ...duplicated, tolerations: [{ operator: 'Equal', value: 'x' }] }, 'placement.tolerations[0].key', /required unless operator is Exists/],
    ['a bad toleration key', { ...duplicated, tolerations: [{ key: 'a b', operator: 'Exists' }] }, 'placement.tolerations[0].key', /key name/],
    ['a bad toleration value', { ...duplicated, tolerations: [{ key: 'a', value: 'x y' }] }, 'placement.tolerations[0].value', /value must be/],
  ])('refuses %s', (_what, value, name, reason) => {
    const { policy, issues } = parse(value);
    expect(policy).toBeUndefined();
    expect(issues).toContainEqual({ name, reason: expect.stringMatching(reason) as unknown as string });
  });

  it('names every bad field at once', () => {
    const { issues } = parse({ replicaScheduling: { type: 'Nope' }, spread: [{ by: 'zone', min: 0 }], tolerations: [{ key: 'a', effect: 'X' }], clusterAffinity: { names: ['A'] } });
    expect(issues.map((issue) => issue.name)).toEqual(
      expect.arrayContaining(['placement.replicaScheduling.type', 'placement.spread[0].min', 'placement.tolerations[0].effect', 'placement.clusterAffinity.names[0]']),
    );
  });

  it('never quotes a refused value', () => {
    const secret = 'S3cret Value With Spaces';
    const { issues } = parse({
      replicaScheduling: { type: secret, divisionPreference: secret },
      clusterAffinity: { matchLabels: { tier: secret }, zones: [secret], names: [secret], matchExpressions: [{ key: 'k', operator: secret }] },
      tolerations: [{ key: 'a', value: secret, effect: secret, operator: secret }],
      spread: [{ by: secret }],
    });
    expect(issues.length).toBeGreaterThan(5);
    expect(JSON.stringify(issues)).not.toContain(secret);
  });
});

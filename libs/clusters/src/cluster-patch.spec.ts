import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '../../errors/src/index.ts';
import type { ClusterSpec } from './cluster.ts';
import { applyClusterPatch, parseClusterPatch, parseVersion } from './cluster-patch.ts';

const spec: ClusterSpec = {
  name: 'east-1',
  server: 'https://10.0.0.1:6443',
  labels: { 'topology.kubernetes.io/zone': 'a', tier: 'gold', team: 'x' },
  taints: [{ key: 'spot', effect: 'PreferNoSchedule' }],
  cordoned: false,
};

describe('parseClusterPatch and applyClusterPatch', () => {
  it('merges labels, deleting those set to null, and maps zone onto its label', () => {
    const patch = parseClusterPatch({ labels: { tier: 'silver', team: null, new: 'yes' }, zone: 'b', region: null });
    expect(applyClusterPatch(spec, patch).labels).toEqual({ 'topology.kubernetes.io/zone': 'b', tier: 'silver', new: 'yes' });
  });

  it('replaces taints as a whole and sets cordoned', () => {
    const next = applyClusterPatch(spec, parseClusterPatch({ taints: [{ key: 'gpu', value: 'a100', effect: 'NoSchedule' }], cordoned: true }));
    expect(next).toMatchObject({ taints: [{ key: 'gpu', value: 'a100', effect: 'NoSchedule' }], cordoned: true });
    expect(applyClusterPatch(spec, parseClusterPatch({ taints: [] })).taints).toEqual([]);
  });

  it('leaves what the patch does not name', () => {
    expect(applyClusterPatch(spec, parseClusterPatch({}))).toEqual(spec);
  });

  it('reads metadata.version', () => {
    expect(parseClusterPatch({ metadata: { version: '7' } }).expectedVersion).toBe(7);
    expect(parseClusterPatch({ metadata: { version: 7 } }).expectedVersion).toBe(7);
  });

  it.each<[string, unknown, string]>([
    ['the name', { name: 'other' }, 'name'],
    ['the server', { server: 'https://x' }, 'server'],
    ['credentials', { credentials: { type: 'token', token: 'x' } }, 'credentials'],
    ['an unknown field', { replicas: 2 }, 'replicas'],
    ['a bad label', { labels: { 'a b': 'c' } }, 'labels.a b'],
    ['a bad key to delete', { labels: { 'a b': null } }, 'labels.a b'],
    ['an empty zone', { zone: '' }, 'zone'],
    ['a zone that contradicts labels', { zone: 'b', labels: { 'topology.kubernetes.io/zone': 'c' } }, 'zone'],
    ['taints that are not a list', { taints: 'gpu' }, 'taints'],
    ['a bad version', { metadata: { version: 'abc' } }, 'metadata.version'],
    ['cordoned as a string', { cordoned: 'true' }, 'cordoned'],
  ])('refuses a change of %s', (_what, body, name) => {
    try {
      parseClusterPatch(body);
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).invalidParams.map((param) => param.name)).toContain(name);
    }
  });
});

describe('parseVersion', () => {
  it.each<[unknown, number | undefined]>([
    ['1', 1],
    [42, 42],
    ['0', undefined],
    ['01', undefined],
    ['-1', undefined],
    [1.5, undefined],
    ['"3"', undefined],
    [null, undefined],
  ])('%j -> %j', (raw, expected) => {
    expect(parseVersion(raw)).toBe(expected);
  });
});

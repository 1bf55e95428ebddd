import { describe, expect, it } from '@jest/globals';
import type { FeasibleCluster } from './filters.ts';
import { rank } from './rank.ts';

const feasible = (name: string, group: number, fit: number): FeasibleCluster => ({
  cluster: { name, labels: {}, taints: [], cordoned: false, ready: 'True' },
  group,
  fit,
});

describe('rank', () => {
  const clusters = [feasible('a', 1, 9), feasible('b', 0, 2), feasible('c', 0, 5), feasible('d', 0, 5), feasible('e', 0, Number.POSITIVE_INFINITY), feasible('f', 0, 5)];
  const expected = ['e', 'd', 'c', 'f', 'b', 'a'];
  it.each<[string, readonly FeasibleCluster[]]>([
    ['packed keys', clusters],
    ['comparator (more groups than the packed key holds)', [...clusters, feasible('z', 64, 1)]],
  ])('group, then fit, then already there, then name: %s', (_, given) => {
    const names = rank(given, (name) => name === 'd').map((c) => c.cluster.name);
    expect(names.slice(0, expected.length)).toEqual(expected);
  });
});

import { describe, expect, it } from '@jest/globals';
import type { FeasibleCluster } from './filters.ts';
import type { SpreadConstraint } from './placement-policy.ts';
import { applySpread } from './spread.ts';

const ZONE = 'topology.kubernetes.io/zone';
const REGION = 'topology.kubernetes.io/region';
const feasible = (name: string, zone?: string): FeasibleCluster => ({
  cluster: { name, labels: zone === undefined ? {} : { [ZONE]: zone, [REGION]: zone.slice(0, -1) }, taints: [], cordoned: false, ready: 'True' },
  group: 0,
  fit: 1,
});
// Already ranked, best first.
const ranked = [feasible('a1', 'eu1a'), feasible('a2', 'eu1a'), feasible('b1', 'eu1b'), feasible('x'), feasible('c1', 'us1c'), feasible('d1', 'ap1d')];
const names = (clusters: readonly FeasibleCluster[]): string[] => clusters.map((c) => c.cluster.name);

describe('applySpread', () => {
  it('without constraints takes every cluster', () => {
    const result = applySpread(ranked, []);
    expect(result.ok && names(result.selected)).toEqual(names(ranked));
  });

  it('min zones: the best cluster of each new zone is required; a cluster without the label is left out', () => {
    const result = applySpread(ranked, [{ by: 'zone', min: 3 }]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(names(result.selected)).toEqual(['a1', 'a2', 'b1', 'c1', 'd1']);
    expect([...result.required].sort()).toEqual(['a1', 'b1', 'c1']);
    expect(result.excluded).toEqual([{ name: 'x', reason: 'no zone label, and the policy spreads by zone' }]);
  });

  it('max regions keeps to the best-ranked regions', () => {
    const constraints: SpreadConstraint[] = [{ by: 'region', max: 2 }];
    const result = applySpread(ranked, constraints);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(names(result.selected)).toEqual(['a1', 'a2', 'b1', 'c1']);
    expect(result.excluded).toEqual([
      { name: 'x', reason: 'no region label, and the policy spreads by region' },
      { name: 'd1', reason: 'spread allows at most 2 regions, all taken by better-ranked clusters' },
    ]);
  });

  it('a min the clusters cannot meet', () => {
    expect(applySpread(ranked, [{ by: 'zone', min: 5 }])).toEqual({
      ok: false,
      reason: 'spread needs at least 5 zones, the 5 fitting clusters span 4 (ap1d, eu1a, eu1b, us1c)',
    });
  });
});

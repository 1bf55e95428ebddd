import { REGION_LABEL, ZONE_LABEL } from '../../clusters/src/cluster.ts';
import type { FeasibleCluster } from './filters.ts';
import type { ClusterSnapshot } from './fleet-snapshot.ts';
import type { SpreadConstraint } from './placement-policy.ts';

/** The outcome of applying spread constraints to the ranked feasible clusters. */
export type SpreadSelection =
  | {
      readonly ok: true;
      /** Allowed clusters, in rank order. */
      readonly selected: readonly FeasibleCluster[];
      /** Names of the clusters a `min` needs: each must get at least one replica. */
      readonly required: ReadonlySet<string>;
      /** Feasible clusters left out, with why. */
      readonly excluded: readonly { readonly name: string; readonly reason: string }[];
    }
  | { readonly ok: false; readonly reason: string };

/**
 * {@link applySpread} on cluster indices. The caller owns the buffers: `selected` (the first
 * `selectedCount` entries are the allowed clusters in rank order) and `required` (1 at the
 * index of each cluster a `min` needs; the caller clears the entries listed in
 * `requiredList`). Left-out clusters are listed in `excluded` and `excludedReasons`.
 */
export interface SpreadResult {
  ok: boolean;
  /** Why nothing can be placed, when not ok. */
  reason: string;
  selectedCount: number;
  readonly requiredList: number[];
  readonly excluded: number[];
  readonly excludedReasons: string[];
}

function domainOf(constraint: SpreadConstraint, cluster: ClusterSnapshot): string | undefined {
  return cluster.labels[constraint.by === 'zone' ? ZONE_LABEL : REGION_LABEL];
}

/**
 * Keeps the ranked clusters within every constraint's `max` domains, after first taking the
 * best-ranked cluster of each new domain until every `min` is met. A cluster without the
 * domain's label is left out when a constraint names that domain. Works on indices into
 * `clusters`: `ranked` holds `count` of them, best first.
 */
export function spreadIndices(
  clusters: readonly ClusterSnapshot[],
  ranked: Int32Array,
  count: number,
  constraints: readonly SpreadConstraint[],
  selected: Int32Array,
  required: Uint8Array,
  result: SpreadResult,
): void {
  result.ok = true;
  if (constraints.length === 0) {
    selected.set(ranked.subarray(0, count));
    result.selectedCount = count;
    return;
  }
  // The clusters with every label, in rank order, are gathered in `selected` first.
  let labelled = 0;
  for (let k = 0; k < count; k += 1) {
    const index = ranked[k] as number;
    const cluster = clusters[index] as ClusterSnapshot;
    let without: SpreadConstraint | undefined;
    for (const constraint of constraints) {
      if (domainOf(constraint, cluster) === undefined) {
        without = constraint;
        break;
      }
    }
    if (without === undefined) {
      selected[labelled] = index;
      labelled += 1;
    } else {
      result.excluded.push(index);
      result.excludedReasons.push(`no ${without.by} label, and the policy spreads by ${without.by}`);
    }
  }
  const domains = constraints.map(() => new Set<string>());
  const within = (c: number, cluster: ClusterSnapshot): boolean => {
    const constraint = constraints[c] as SpreadConstraint;
    const seen = domains[c] as Set<string>;
    return constraint.max === undefined || seen.size < constraint.max || seen.has(domainOf(constraint, cluster) as string);
  };
  const fits = (cluster: ClusterSnapshot): boolean => {
    for (let c = 0; c < constraints.length; c += 1) if (!within(c, cluster)) return false;
    return true;
  };
  const take = (cluster: ClusterSnapshot): void => {
    for (let c = 0; c < constraints.length; c += 1) (domains[c] as Set<string>).add(domainOf(constraints[c] as SpreadConstraint, cluster) as string);
  };

  for (let c = 0; c < constraints.length; c += 1) {
    const constraint = constraints[c] as SpreadConstraint;
    const seen = domains[c] as Set<string>;
    for (let k = 0; k < labelled; k += 1) {
      if (seen.size >= (constraint.min ?? 1)) break;
      const index = selected[k] as number;
      const cluster = clusters[index] as ClusterSnapshot;
      if (required[index] === 1 || seen.has(domainOf(constraint, cluster) as string) || !fits(cluster)) continue;
      take(cluster);
      required[index] = 1;
      result.requiredList.push(index);
    }
  }
  for (let c = 0; c < constraints.length; c += 1) {
    const constraint = constraints[c] as SpreadConstraint;
    const min = constraint.min ?? 1;
    if ((domains[c] as Set<string>).size < min) {
      const spanned = new Set<string>();
      for (let k = 0; k < labelled; k += 1) spanned.add(domainOf(constraint, clusters[selected[k] as number] as ClusterSnapshot) as string);
      const all = [...spanned].sort();
      result.ok = false;
      result.reason = `spread needs at least ${min} ${constraint.by}s, the ${labelled} fitting clusters span ${all.length}${all.length > 0 ? ` (${all.join(', ')})` : ''}`;
      return;
    }
  }
  // Without a max, every labelled cluster is taken: the domains need no more bookkeeping.
  if (constraints.every((constraint) => constraint.max === undefined)) {
    result.selectedCount = labelled;
    return;
  }
  // Compacts `selected` in place: the kept entries never overtake the one being read.
  let kept = 0;
  for (let k = 0; k < labelled; k += 1) {
    const index = selected[k] as number;
    const cluster = clusters[index] as ClusterSnapshot;
    if (required[index] === 1) {
      selected[kept] = index;
      kept += 1;
    } else if (fits(cluster)) {
      take(cluster);
      selected[kept] = index;
      kept += 1;
    } else {
      let c = 0;
      while (within(c, cluster)) c += 1;
      const full = constraints[c] as SpreadConstraint;
      result.excluded.push(index);
      result.excludedReasons.push(`spread allows at most ${full.max} ${full.by}s, all taken by better-ranked clusters`);
    }
  }
  result.selectedCount = kept;
}

/**
 * Keeps the ranked clusters within every constraint's `max` domains, after first taking the
 * best-ranked cluster of each new domain until every `min` is met. A cluster without the
 * domain's label is left out when a constraint names that domain.
 */
export function applySpread(ranked: readonly FeasibleCluster[], constraints: readonly SpreadConstraint[]): SpreadSelection {
  const n = ranked.length;
  const clusters = ranked.map((entry) => entry.cluster);
  const selected = new Int32Array(n);
  const required = new Uint8Array(n);
  const result: SpreadResult = { ok: true, reason: '', selectedCount: 0, requiredList: [], excluded: [], excludedReasons: [] };
  spreadIndices(clusters, Int32Array.from({ length: n }, (_, k) => k), n, constraints, selected, required, result);
  if (!result.ok) return { ok: false, reason: result.reason };
  return {
    ok: true,
    selected: Array.from(selected.subarray(0, result.selectedCount), (k) => ranked[k] as FeasibleCluster),
    required: new Set(result.requiredList.map((k) => (clusters[k] as ClusterSnapshot).name)),
    excluded: result.excluded.map((k, e) => ({ name: (clusters[k] as ClusterSnapshot).name, reason: result.excludedReasons[e] as string })),
  };
}

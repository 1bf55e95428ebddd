import { REGION_LABEL, ZONE_LABEL } from '../../clusters/src/cluster.ts';
import type { FeasibleCluster } from './filters.ts';
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

function domainOf(constraint: SpreadConstraint, cluster: FeasibleCluster): string | undefined {
  return cluster.cluster.labels[constraint.by === 'zone' ? ZONE_LABEL : REGION_LABEL];
}

/**
 * Keeps the ranked clusters within every constraint's `max` domains, after first taking the
 * best-ranked cluster of each new domain until every `min` is met. A cluster without the
 * domain's label is left out when a constraint names that domain.
 */
export function applySpread(ranked: readonly FeasibleCluster[], constraints: readonly SpreadConstraint[]): SpreadSelection {
  if (constraints.length === 0) return { ok: true, selected: ranked, required: new Set(), excluded: [] };
  const excluded: { name: string; reason: string }[] = [];
  const labelled = ranked.filter((cluster) => {
    const without = constraints.find((constraint) => domainOf(constraint, cluster) === undefined);
    if (without !== undefined) excluded.push({ name: cluster.cluster.name, reason: `no ${without.by} label, and the policy spreads by ${without.by}` });
    return without === undefined;
  });
  const domains = constraints.map(() => new Set<string>());
  const within = (constraint: SpreadConstraint, c: number, cluster: FeasibleCluster): boolean => {
    const seen = domains[c] as Set<string>;
    return constraint.max === undefined || seen.has(domainOf(constraint, cluster) as string) || seen.size < constraint.max;
  };
  const fits = (cluster: FeasibleCluster): boolean => constraints.every((constraint, c) => within(constraint, c, cluster));
  const take = (cluster: FeasibleCluster): void => constraints.forEach((constraint, c) => (domains[c] as Set<string>).add(domainOf(constraint, cluster) as string));

  const required = new Set<string>();
  constraints.forEach((constraint, c) => {
    const seen = domains[c] as Set<string>;
    for (const cluster of labelled) {
      if (seen.size >= (constraint.min ?? 1)) break;
      if (required.has(cluster.cluster.name) || seen.has(domainOf(constraint, cluster) as string) || !fits(cluster)) continue;
      take(cluster);
      required.add(cluster.cluster.name);
    }
  });
  for (let c = 0; c < constraints.length; c += 1) {
    const constraint = constraints[c] as SpreadConstraint;
    const min = constraint.min ?? 1;
    if ((domains[c] as Set<string>).size < min) {
      const all = [...new Set(labelled.map((cluster) => domainOf(constraint, cluster) as string))].sort();
      return {
        ok: false,
        reason: `spread needs at least ${min} ${constraint.by}s, the ${labelled.length} fitting clusters span ${all.length}${all.length > 0 ? ` (${all.join(', ')})` : ''}`,
      };
    }
  }
  const selected: FeasibleCluster[] = [];
  for (const cluster of labelled) {
    if (required.has(cluster.cluster.name)) {
      selected.push(cluster);
    } else if (fits(cluster)) {
      take(cluster);
      selected.push(cluster);
    } else {
      const full = constraints.find((constraint, c) => !within(constraint, c, cluster)) as SpreadConstraint;
      excluded.push({ name: cluster.cluster.name, reason: `spread allows at most ${full.max} ${full.by}s, all taken by better-ranked clusters` });
    }
  }
  return { ok: true, selected, required, excluded };
}

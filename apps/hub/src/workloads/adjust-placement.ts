import type { FailoverPlaceJob } from './workload-jobs.ts';

/** One cluster of a stored placement raised to `atLeast` or lowered to `atMost` replicas; the others as they are; sorted by name. */
export function adjustPlacement(clusters: readonly { name: string; replicas: number }[], adjust: NonNullable<FailoverPlaceJob['adjust']>): { name: string; replicas: number }[] {
  const current = clusters.find((c) => c.name === adjust.cluster)?.replicas ?? 0;
  let replicas = current;
  if (adjust.atMost !== undefined) replicas = Math.min(replicas, adjust.atMost);
  if (adjust.atLeast !== undefined) replicas = Math.max(replicas, adjust.atLeast);
  const others = clusters.filter((c) => c.name !== adjust.cluster).map((c) => ({ name: c.name, replicas: c.replicas }));
  const next = replicas > 0 ? [...others, { name: adjust.cluster, replicas }] : others;
  return next.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

import type { FeasibleCluster } from './filters.ts';

const FIT_LIMIT = 2 ** 31 - 1;
const INDEX_LIMIT = 2 ** 15;
const GROUP_LIMIT = 2 ** 6;
// The key buffer is kept between decisions: it never escapes, and a decision is synchronous.
let keyBuffer = new Float64Array(1024);

const fitKey = (fit: number): number => FIT_LIMIT - Math.min(fit, FIT_LIMIT);

/**
 * {@link rank} on indices, allocating nothing: `feasible` holds the first `count` feasible
 * clusters' indices in name order, `group` and `fit` are read at those indices, and
 * `alreadyThere(index)` says whether the workload runs there. Writes the indices best first to
 * `out`.
 */
export function rankIndices(
  feasible: Int32Array,
  count: number,
  group: Int32Array,
  fit: Float64Array,
  alreadyThere: (index: number) => boolean,
  out: Int32Array,
): void {
  let packable = count < INDEX_LIMIT;
  for (let k = 0; k < count && packable; k += 1) packable = (group[feasible[k] as number] as number) < GROUP_LIMIT;
  if (packable) {
    if (keyBuffer.length < count) keyBuffer = new Float64Array(Math.max(count, keyBuffer.length * 2));
    const keys = keyBuffer.subarray(0, count);
    for (let k = 0; k < count; k += 1) {
      const i = feasible[k] as number;
      keys[k] = (((group[i] as number) * 2 ** 31 + fitKey(fit[i] as number)) * 2 + (alreadyThere(i) ? 0 : 1)) * INDEX_LIMIT + k;
    }
    keys.sort();
    for (let k = 0; k < count; k += 1) out[k] = feasible[(keys[k] as number) % INDEX_LIMIT] as number;
    return;
  }
  const before = Array.from({ length: count }, (_, k) => (alreadyThere(feasible[k] as number) ? 0 : 1));
  const order = Array.from({ length: count }, (_, k) => k).sort((a, b) => {
    const i = feasible[a] as number;
    const j = feasible[b] as number;
    return (group[i] as number) - (group[j] as number) || fitKey(fit[i] as number) - fitKey(fit[j] as number) || (before[a] as number) - (before[b] as number) || a - b;
  });
  for (let k = 0; k < count; k += 1) out[k] = feasible[order[k] as number] as number;
}

/**
 * Orders the feasible clusters (given in name order) best first: earlier fallback group, then
 * more room for replicas, then where the workload already runs, then name. Fits above 2^31
 * rank as equal, which no real cluster reaches.
 *
 * Ranking is the largest cost of a decision on a big fleet, so when the sizes allow it every
 * key is packed into one exact number (6 bits of group, 31 of fit, 1 of "already there", 15
 * of name order: 53 bits) and sorted natively; otherwise the same order comes from a comparator.
 */
export function rank(feasible: readonly FeasibleCluster[], alreadyThere: (name: string) => boolean): FeasibleCluster[] {
  const n = feasible.length;
  const indices = Int32Array.from({ length: n }, (_, k) => k);
  const group = Int32Array.from(feasible, (cluster) => cluster.group);
  const fit = Float64Array.from(feasible, (cluster) => cluster.fit);
  const out = new Int32Array(n);
  rankIndices(indices, n, group, fit, (k) => alreadyThere((feasible[k] as FeasibleCluster).cluster.name), out);
  return Array.from(out, (k) => feasible[k] as FeasibleCluster);
}

/**
 * "2 cordoned, 1 short of CPU": counts by label, largest first, ties by label, so the same
 * failures always read the same.
 */
export function countLabels(labels: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  return countLabelCounts(counts);
}

/** {@link countLabels} from counts already made: label to how many clusters it counts. */
export function countLabelCounts(counts: ReadonlyMap<string, number>): string {
  return [...counts]
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .map(([label, count]) => `${count} ${label}`)
    .join(', ');
}

/**
 * Splits `total` in proportion to integer `weights`, no share above its `caps` entry: the
 * largest remainder method, where shares that reach their cap are fixed and the rest is split
 * again among the others. Leftover units go to the largest remainders, ties to the earlier
 * entry (callers pass entries sorted by name). Returns one share per entry, in order; their sum
 * is `total` unless the caps hold less.
 */
export function largestRemainder(total: number, weights: readonly number[], caps: readonly number[]): number[] {
  const shares = weights.map(() => 0);
  let active = weights.map((_, i) => i).filter((i) => (weights[i] as number) > 0 && (caps[i] as number) > 0);
  let remaining = total;
  while (remaining > 0 && active.length > 0) {
    const sum = active.reduce((acc, i) => acc + (weights[i] as number), 0);
    const capped = active.filter((i) => (remaining * (weights[i] as number)) / sum >= (caps[i] as number));
    if (capped.length > 0) {
      for (const i of capped) {
        shares[i] = caps[i] as number;
        remaining -= caps[i] as number;
      }
      active = active.filter((i) => !capped.includes(i));
      continue;
    }
    // Integer arithmetic keeps remainders exact, so equal remainders really tie.
    const floors = active.map((i) => Math.floor((remaining * (weights[i] as number)) / sum));
    const remainders = active.map((i, k) => remaining * (weights[i] as number) - (floors[k] as number) * sum);
    let left = remaining - floors.reduce((acc, n) => acc + n, 0);
    const order = active.map((_, k) => k).sort((a, b) => (remainders[b] as number) - (remainders[a] as number) || a - b);
    active.forEach((i, k) => (shares[i] = floors[k] as number));
    for (const k of order) {
      if (left === 0) break;
      const i = active[k] as number;
      shares[i] = (shares[i] as number) + 1;
      left -= 1;
    }
    remaining = 0;
  }
  return shares;
}

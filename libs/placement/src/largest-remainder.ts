// Buffers kept between calls (a call is synchronous and they never escape).
let activeBuffer = new Int32Array(1024);
let remainderBuffer = new Float64Array(1024);

/**
 * {@link largestRemainder} into `shares` (its first `count` entries), reading the first `count`
 * entries of `weights` and `caps`; allocates nothing once its buffers are large enough.
 */
export function largestRemainderInto(total: number, count: number, weights: ArrayLike<number>, caps: ArrayLike<number>, shares: Float64Array): void {
  if (activeBuffer.length < count) {
    activeBuffer = new Int32Array(Math.max(count, activeBuffer.length * 2));
    remainderBuffer = new Float64Array(activeBuffer.length);
  }
  // The entries still sharing, in order; compacted in place when some reach their cap.
  const active = activeBuffer;
  const remainders = remainderBuffer;
  let m = 0;
  for (let i = 0; i < count; i += 1) {
    shares[i] = 0;
    if ((weights[i] as number) > 0 && (caps[i] as number) > 0) {
      active[m] = i;
      m += 1;
    }
  }
  let remaining = total;
  while (remaining > 0 && m > 0) {
    let sum = 0;
    for (let k = 0; k < m; k += 1) sum += weights[active[k] as number] as number;
    // Shares that reach their cap are fixed (all tested against the same `remaining`).
    let kept = 0;
    let fixed = 0;
    for (let k = 0; k < m; k += 1) {
      const i = active[k] as number;
      if ((remaining * (weights[i] as number)) / sum >= (caps[i] as number)) {
        shares[i] = caps[i] as number;
        fixed += caps[i] as number;
      } else {
        active[kept] = i;
        kept += 1;
      }
    }
    if (kept < m) {
      remaining -= fixed;
      m = kept;
      continue;
    }
    // Integer arithmetic keeps remainders exact, so equal remainders really tie.
    let left = remaining;
    for (let k = 0; k < m; k += 1) {
      const i = active[k] as number;
      const floor = Math.floor((remaining * (weights[i] as number)) / sum);
      shares[i] = floor;
      remainders[k] = remaining * (weights[i] as number) - floor * sum;
      left -= floor;
    }
    giveLeftovers(shares, active, remainders, m, left);
    remaining = 0;
  }
}

/** Selection beats sorting while only a few leftovers are handed out (the usual case: fewer replicas than clusters). */
const SELECT_LIMIT = 16;
const topBuffer = new Int32Array(SELECT_LIMIT);

/**
 * One more unit each to the `left` entries (of the first `m` of `active`) with the largest
 * remainders, ties to the earlier entry: the first `left` in the order "remainder descending,
 * then position".
 */
function giveLeftovers(shares: Float64Array, active: Int32Array, remainders: Float64Array, m: number, left: number): void {
  if (left <= 0 || m === 0) return;
  if (left <= SELECT_LIMIT) {
    // One pass keeping the best `left` so far, in that order: an entry only gets in ahead of
    // those with a smaller remainder (earlier entries win ties, and they came first).
    let kept = 0;
    for (let k = 0; k < m; k += 1) {
      const r = remainders[k] as number;
      if (kept === left && !(r > (remainders[topBuffer[kept - 1] as number] as number))) continue;
      let at = kept === left ? kept - 1 : kept;
      while (at > 0 && r > (remainders[topBuffer[at - 1] as number] as number)) {
        topBuffer[at] = topBuffer[at - 1] as number;
        at -= 1;
      }
      topBuffer[at] = k;
      if (kept < left) kept += 1;
    }
    for (let t = 0; t < kept; t += 1) {
      const i = active[topBuffer[t] as number] as number;
      shares[i] = (shares[i] as number) + 1;
    }
    return;
  }
  const order = Array.from({ length: m }, (_, k) => k).sort((a, b) => (remainders[b] as number) - (remainders[a] as number) || a - b);
  for (let g = 0; g < left && g < m; g += 1) {
    const i = active[order[g] as number] as number;
    shares[i] = (shares[i] as number) + 1;
  }
}

/**
 * Splits `total` in proportion to integer `weights`, no share above its `caps` entry: the
 * largest remainder method, where shares that reach their cap are fixed and the rest is split
 * again among the others. Leftover units go to the largest remainders, ties to the earlier
 * entry (callers pass entries sorted by name). Returns one share per entry, in order; their sum
 * is `total` unless the caps hold less.
 */
export function largestRemainder(total: number, weights: readonly number[], caps: readonly number[]): number[] {
  const shares = new Float64Array(weights.length);
  largestRemainderInto(total, weights.length, weights, caps, shares);
  return Array.from(shares);
}

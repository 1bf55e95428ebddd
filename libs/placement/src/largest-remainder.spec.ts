import { describe, expect, it } from '@jest/globals';
import { largestRemainder } from './largest-remainder.ts';

const INF = Number.POSITIVE_INFINITY;

describe('largestRemainder', () => {
  it.each<[string, number, number[], number[], number[]]>([
    ['even split', 6, [1, 1, 1], [INF, INF, INF], [2, 2, 2]],
    ['remainders to the largest', 7, [1, 2, 4], [INF, INF, INF], [1, 2, 4]],
    ['uneven: 10 by 1:2:4', 10, [1, 2, 4], [INF, INF, INF], [1, 3, 6]],
    ['ties go to the earlier entry', 5, [1, 1, 1], [INF, INF, INF], [2, 2, 1]],
    ['zero weight gets nothing', 3, [0, 1, 1], [INF, INF, INF], [0, 2, 1]],
    ['a capped share is fixed and the rest split again', 9, [1, 1, 1], [1, INF, INF], [1, 4, 4]],
    ['caps that hold less than the total', 9, [1, 1], [2, 3], [2, 3]],
    ['nothing to split', 0, [1, 1], [INF, INF], [0, 0]],
  ])('%s', (_, total, weights, caps, expected) => {
    expect(largestRemainder(total, weights, caps)).toEqual(expected);
  });

  it.each<[string, number, number, number[]]>([
    // 25 equal weights: 1 each, then the leftovers to the earliest entries.
    ['a few leftovers (picked one by one)', 40, 25, [...Array<number>(15).fill(2), ...Array<number>(10).fill(1)]],
    ['many leftovers (picked by sorting)', 45, 25, [...Array<number>(20).fill(2), ...Array<number>(5).fill(1)]],
  ])('%s', (_, total, n, expected) => {
    expect(largestRemainder(total, Array<number>(n).fill(1), Array<number>(n).fill(INF))).toEqual(expected);
  });

  /** The method as first written (sort every remainder), to check the faster one against. */
  function reference(total: number, weights: readonly number[], caps: readonly number[]): number[] {
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

  it('agrees with sorting every remainder, on many random splits', () => {
    let seed = 42;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return Math.floor((seed / 2 ** 31) * n);
    };
    for (let run = 0; run < 2000; run += 1) {
      const n = 1 + next(40);
      const weights = Array.from({ length: n }, () => next(4) * next(7));
      const caps = Array.from({ length: n }, () => (next(4) === 0 ? next(5) : INF));
      const total = next(120);
      expect(largestRemainder(total, weights, caps)).toEqual(reference(total, weights, caps));
    }
  });
});

import { describe, expect, it } from '@jest/globals';
import { cappedBackoff } from './retry.ts';

describe('cappedBackoff', () => {
  it.each([
    [1, 100, 100],
    [2, 100, 200],
    [4, 100, 800],
    [5, 100, 1000],
    [50, 100, 1000],
    [1_000_000, 100, 1000],
  ])('try %i after a %i ms base waits at most %i ms', (attempts, base, full) => {
    expect(cappedBackoff(attempts, base, 1000, () => 0)).toBe(full);
    expect(cappedBackoff(attempts, base, 1000, () => 0.999)).toBeGreaterThanOrEqual(Math.floor(full / 2));
  });
});

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
});

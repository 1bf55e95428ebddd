import { describe, expect, it } from '@jest/globals';
import { fullBucket, refill, takeToken, type TokenBucketSettings } from './token-bucket.ts';

const settings: TokenBucketSettings = { burst: 3, perInterval: 2, intervalMs: 60_000 };

describe('token bucket', () => {
  it.each<[string, { tokens: number; refilledAt: number }, number, { tokens: number; refilledAt: number }]>([
    ['no time passed', { tokens: 0, refilledAt: 0 }, 0, { tokens: 0, refilledAt: 0 }],
    ['less than an interval', { tokens: 0, refilledAt: 0 }, 59_999, { tokens: 0, refilledAt: 0 }],
    ['one interval adds perInterval', { tokens: 0, refilledAt: 0 }, 60_000, { tokens: 2, refilledAt: 60_000 }],
    ['partial intervals are kept for later', { tokens: 0, refilledAt: 0 }, 90_000, { tokens: 2, refilledAt: 60_000 }],
    ['capped at burst; a full bucket restarts its interval', { tokens: 0, refilledAt: 0 }, 10 * 60_000 + 5, { tokens: 3, refilledAt: 10 * 60_000 + 5 }],
    ['a clock that went backwards refills nothing', { tokens: 1, refilledAt: 100_000 }, 0, { tokens: 1, refilledAt: 100_000 }],
  ])('refill: %s', (_name, state, now, expected) => {
    expect(refill(state, settings, now)).toEqual(expected);
  });

  it('takes the burst, then one per refill, and says when the next token comes', () => {
    let state = fullBucket(settings, 0);
    const taken: boolean[] = [];
    for (let i = 0; i < 4; i += 1) {
      const result = takeToken(state, settings, 1_000);
      taken.push(result.taken);
      state = result.state;
    }
    expect(taken).toEqual([true, true, true, false]);
    expect(takeToken(state, settings, 1_000).nextAt).toBe(60_000);
    expect(takeToken(state, settings, 60_000).taken).toBe(true);
  });
});

import { describe, expect, it } from '@jest/globals';
import { detectionBoundMs, maxStatusAgeMs, probePolicyIssues, recoveryBoundMs, type ProbePolicy } from './probe-policy.ts';

const DEFAULTS: ProbePolicy = {
  periodMs: 1000,
  timeoutMs: 1000,
  jitterRatio: 0.1,
  failureThreshold: 2,
  successThreshold: 2,
  staleAfterMs: 3000,
  inventoryEvery: 10,
};

describe('probe policy arithmetic', () => {
  it('marks a dead or hung cluster not Ready within 5 s with the defaults', () => {
    expect(detectionBoundMs(DEFAULTS)).toBe(3200);
    expect(detectionBoundMs(DEFAULTS)).toBeLessThanOrEqual(5000);
    expect(recoveryBoundMs(DEFAULTS)).toBe(3200);
    expect(maxStatusAgeMs(DEFAULTS)).toBe(2100);
    expect(probePolicyIssues(DEFAULTS)).toEqual([]);
  });

  it.each<[string, Partial<ProbePolicy>, number]>([
    ['three failures needed', { failureThreshold: 3 }, 1100 + 2 * 1100 + 1000],
    ['a timeout longer than the period stretches the gap between probes', { timeoutMs: 2000 }, 1100 + 2000 + 2000],
    ['no jitter', { jitterRatio: 0 }, 1000 + 1000 + 1000],
  ])('%s', (_name, change, bound) => {
    expect(detectionBoundMs({ ...DEFAULTS, ...change })).toBe(bound);
  });

  it('refuses a staleness bound that healthy clusters would cross', () => {
    expect(probePolicyIssues({ ...DEFAULTS, staleAfterMs: 2000 })).toEqual([expect.stringContaining('must exceed')]);
  });
});

import { describe, expect, it } from '@jest/globals';
import { reconnectDelay } from './reconnect-delay.ts';

describe('reconnectDelay', () => {
  it.each([
    [1, 100],
    [2, 200],
    [3, 400],
    [6, 3200],
    [7, 5000],
    [1000, 5000],
  ])('without jitter, attempt %i waits %i ms', (attempt, delay) => {
    expect(reconnectDelay(attempt, () => 0.5)).toBe(delay);
  });

  it('jitters by at most 20 % and never past the 5 s cap', () => {
    expect(reconnectDelay(1, () => 0)).toBe(80);
    expect(reconnectDelay(1, () => 0.999)).toBe(120);
    expect(reconnectDelay(50, () => 0.999)).toBe(5000);
    expect(reconnectDelay(50, () => 0)).toBe(4000);
  });
});

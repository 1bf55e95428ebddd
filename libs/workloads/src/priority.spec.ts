import { describe, expect, it } from '@jest/globals';
import { InvalidParams } from '../../validation/src/index.ts';
import { DEFAULT_PRIORITY, PRIORITY_CLASSES, priorityName, queuePriority, readPriority } from './priority.ts';

describe('priorityName', () => {
  it.each<[number, string | undefined]>([
    [2000, 'system-critical'],
    [1000, 'critical'],
    [500, 'high'],
    [0, 'normal'],
    [-500, 'low'],
    [-1000, 'best-effort'],
    [1, undefined],
    [-1001, undefined],
  ])('names %d as %s', (priority, name) => {
    expect(priorityName(priority)).toBe(name);
  });
});

describe('queuePriority', () => {
  it('serves higher workload priorities first (smaller job priority)', () => {
    const order = Object.values(PRIORITY_CLASSES).map(queuePriority);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(queuePriority(1000)).toBeLessThan(queuePriority(999));
  });

  it.each<[number, number]>([
    [1_000_000, 1],
    [5_000_000, 1],
    [-1_000_000, 2_000_001],
    [-9_000_000, 2_000_001],
    [0, 1_000_001],
    [Number.NaN, 1_000_001],
    [Number.POSITIVE_INFINITY, 1_000_001],
  ])('maps %d to %d, an integer within BullMQ 1..2^21', (priority, expected) => {
    const queued = queuePriority(priority);
    expect(queued).toBe(expected);
    expect(Number.isInteger(queued)).toBe(true);
    expect(queued).toBeGreaterThanOrEqual(1);
    expect(queued).toBeLessThanOrEqual(2_097_152);
  });

  it('rounds fractional priorities to an integer job priority', () => {
    expect(Number.isInteger(queuePriority(10.4))).toBe(true);
  });
});

describe('readPriority', () => {
  it.each<[unknown, number]>([
    [undefined, DEFAULT_PRIORITY],
    [null, DEFAULT_PRIORITY],
    ['critical', 1000],
    ['best-effort', -1000],
    [42, 42],
    [-1_000_000, -1_000_000],
    [1_000_000, 1_000_000],
  ])('reads %p as %d', (value, expected) => {
    const issues = new InvalidParams();
    expect(readPriority(value, 'priority', issues)).toBe(expected);
    expect(issues.count).toBe(0);
  });

  it.each<[string, unknown]>([
    ['a fraction', 1.5],
    ['too high', 1_000_001],
    ['too low', -1_000_001],
    ['an unknown class', 'urgent-ish'],
    ['an inherited property name', 'toString'],
    ['a boolean', true],
  ])('refuses %s without quoting it', (_what, value) => {
    const issues = new InvalidParams();
    expect(readPriority(value, 'spec.priority', issues)).toBeUndefined();
    expect(() => issues.throwIfAny('workload')).toThrow(/spec\.priority: must be an integer from -1000000 to 1000000 or one of system-critical/);
    try {
      issues.throwIfAny('workload');
    } catch (error) {
      if (typeof value === 'string') expect((error as Error).message).not.toContain(value);
    }
  });
});

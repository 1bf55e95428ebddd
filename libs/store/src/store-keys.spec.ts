import { describe, expect, it } from '@jest/globals';
import { StoreKeys } from './store-keys.ts';
import { StoreUsageError } from './store-usage-error.ts';

describe('StoreKeys', () => {
  const keys = new StoreKeys('flotilla');

  it('puts records under <prefix>:<kind>:<id> and indexes under <prefix>:index:<kind>', () => {
    expect(keys.record({ kind: 'cluster', id: 'zone-a.c1' })).toBe('flotilla:cluster:zone-a.c1');
    expect(keys.recordPrefix('cluster')).toBe('flotilla:cluster:');
    expect(keys.index('cluster')).toBe('flotilla:index:cluster');
  });

  it.each([
    ['a kind with a colon', { kind: 'a:b', id: 'x' }],
    ['an upper-case kind', { kind: 'Cluster', id: 'x' }],
    ['the reserved kind "index"', { kind: 'index', id: 'x' }],
    ['an id with a colon', { kind: 'cluster', id: 'a:b' }],
    ['an empty id', { kind: 'cluster', id: '' }],
    ['an id with a slash', { kind: 'cluster', id: 'zone-a/c1' }],
  ])('refuses %s', (_what, key) => {
    expect(() => keys.record(key)).toThrow(StoreUsageError);
  });

  it.each(['', 'Flotilla', 'a:b', 'x'.repeat(65)])('refuses prefix %j', (prefix) => {
    expect(() => new StoreKeys(prefix)).toThrow(StoreUsageError);
  });
});

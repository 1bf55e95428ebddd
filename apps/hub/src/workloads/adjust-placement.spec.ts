import { describe, expect, it } from '@jest/globals';
import { adjustPlacement } from './adjust-placement.ts';

describe('adjustPlacement', () => {
  const stored = [
    { name: 'a', replicas: 2 },
    { name: 'b', replicas: 2 },
  ];

  it('lowers one cluster to at most n and drops it at zero, leaving the others', () => {
    expect(adjustPlacement(stored, { cluster: 'b', atMost: 1 })).toEqual([{ name: 'a', replicas: 2 }, { name: 'b', replicas: 1 }]);
    expect(adjustPlacement(stored, { cluster: 'b', atMost: 0 })).toEqual([{ name: 'a', replicas: 2 }]);
  });

  it('raises one cluster to at least n, adding it when absent', () => {
    expect(adjustPlacement(stored, { cluster: 'c', atLeast: 1 })).toEqual([...stored, { name: 'c', replicas: 1 }]);
    expect(adjustPlacement(stored, { cluster: 'a', atLeast: 1 })).toEqual(stored);
  });

  it('composes in any order: two preemptions of one round on different clusters both hold', () => {
    const first = { cluster: 'a', atMost: 1 };
    const second = { cluster: 'b', atMost: 1 };
    const oneWay = adjustPlacement(adjustPlacement(stored, first), second);
    const otherWay = adjustPlacement(adjustPlacement(stored, second), first);
    expect(new Set(oneWay.map((c) => `${c.name}=${c.replicas}`))).toEqual(new Set(['a=1', 'b=1']));
    expect(new Set(otherWay.map((c) => `${c.name}=${c.replicas}`))).toEqual(new Set(['a=1', 'b=1']));
  });

  it('is idempotent: a job retried after it was stored changes nothing more', () => {
    const once = adjustPlacement(stored, { cluster: 'a', atMost: 1 });
    expect(adjustPlacement(once, { cluster: 'a', atMost: 1 })).toEqual(once);
  });
});

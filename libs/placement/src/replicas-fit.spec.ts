import { describe, expect, it } from '@jest/globals';
import { format } from './replicas-fit.ts';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
/** The formats with rounding every time, as first written. */
const rounded = (resource: 'cpuMillis' | 'memoryBytes' | 'pods', amount: number): string => {
  if (resource === 'cpuMillis') return `${Number((amount / 1000).toFixed(3))} CPU`;
  if (resource === 'memoryBytes') {
    const mib = amount / MiB;
    return mib >= 1024 ? `${Number((mib / 1024).toFixed(2))} GiB memory` : `${Number(mib.toFixed(1))} MiB memory`;
  }
  return `${amount} pods`;
};

describe('format', () => {
  it.each<['cpuMillis' | 'memoryBytes' | 'pods', number, string]>([
    ['cpuMillis', 500, '0.5 CPU'],
    ['cpuMillis', 18_000, '18 CPU'],
    ['cpuMillis', 1234.5678, '1.235 CPU'],
    ['memoryBytes', 36 * GiB, '36 GiB memory'],
    ['memoryBytes', 1.5 * GiB + 12_345, '1.5 GiB memory'],
    ['memoryBytes', 512 * MiB, '512 MiB memory'],
    ['memoryBytes', 100_000, '0.1 MiB memory'],
    ['pods', 0, '0 pods'],
  ])('%s %d: %s', (resource, amount, expected) => {
    expect(format(resource, amount)).toBe(expected);
  });

  it('whole amounts print as their rounded form would', () => {
    let seed = 7;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return Math.floor((seed / 2 ** 31) * n);
    };
    for (let run = 0; run < 20_000; run += 1) {
      const amounts = [next(10_000_000), next(4096) * MiB, next(512) * GiB, next(2 ** 30) * 8192];
      for (const amount of amounts) {
        for (const resource of ['cpuMillis', 'memoryBytes', 'pods'] as const) expect(format(resource, amount)).toBe(rounded(resource, amount));
      }
    }
  });
});

import { describe, expect, it } from '@jest/globals';
import { InvalidQuantityError, milliValue, value } from './quantity.ts';

describe('Kubernetes quantities', () => {
  it.each([
    ['100m', 100],
    ['2', 2000],
    ['0.5', 500],
    ['.5', 500],
    ['1.', 1000],
    ['0.1', 100],
    ['1.5m', 2], // rounded up, as MilliValue() does
    ['250000u', 250],
    ['1n', 1],
    ['1e3', 1_000_000],
    ['1E-3', 1],
    ['+3', 3000],
    ['1k', 1_000_000],
    ['0', 0],
    ['0e99999', 0],
  ])('CPU %s is %d millicores', (quantity, millis) => {
    expect(milliValue(quantity)).toBe(millis);
  });

  it.each([
    ['64Mi', 64 * 2 ** 20],
    ['1Gi', 2 ** 30],
    ['1.5Gi', 1.5 * 2 ** 30],
    ['1G', 1e9],
    ['32Gi', 32 * 2 ** 30],
    ['1e3', 1000],
    ['1E3', 1000],
    ['1P', 1e15], // while '1E' (exa) is refused below: beyond a safe integer
    ['128974848', 128974848],
    ['129e6', 129_000_000],
    ['123Mi', 123 * 2 ** 20],
    ['1Ki', 1024],
    ['100m', 1], // a tenth of a byte rounds up to one
    ['1e-40', 1],
    ['110', 110],
    ['-1', -1],
  ])('memory %s is %d bytes', (quantity, bytes) => {
    expect(value(quantity)).toBe(bytes);
  });

  it.each(['', 'abc', '1.2.3', '1 Gi', '1gi', '1KiB', '1e', 'e3', '.', '--1', '1Mi2', '1e999999', '100Ei', '1E'])('refuses %j', (quantity) => {
    expect(() => value(quantity)).toThrow(InvalidQuantityError);
  });
});

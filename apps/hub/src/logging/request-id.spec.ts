import { describe, expect, it } from '@jest/globals';
import { requestIdFrom } from './request-id.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('requestIdFrom', () => {
  it.each(['abc-123', '4bf92f3577b34da6a3ce929d0e0e4736', 'gw:1.2_3', 'x'.repeat(128)])('keeps %j', (id) => {
    expect(requestIdFrom(id)).toBe(id);
  });

  it.each<[string, string | string[] | undefined]>([
    ['a missing header', undefined],
    ['an empty header', ''],
    ['a repeated header', ['a', 'b']],
    ['one with spaces', 'a b'],
    ['one with a newline', 'a\nlevel=fatal'],
    ['one that is too long', 'x'.repeat(129)],
    ['one with quotes', '"a"'],
  ])('replaces %s with a UUID', (_what, header) => {
    expect(requestIdFrom(header)).toMatch(UUID);
  });
});

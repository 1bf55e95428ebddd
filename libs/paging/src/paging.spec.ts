import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '../../errors/src/index.ts';
import { encodeContinue, pageRequest, paginate, queryDigest } from './paging.ts';

const names = Array.from({ length: 7 }, (_, i) => `item-${i}`);
const key = (s: string): string => s;

function invalidOf(call: () => unknown): string[] {
  try {
    call();
  } catch (error) {
    if (error instanceof ValidationError) return error.invalidParams.map((p) => `${p.name}: ${p.reason}`);
    throw error;
  }
  return [];
}

describe('paginate', () => {
  const digest = queryDigest({ labelSelector: 'app=web' });

  it('walks the whole list page by page, each item once, in order', () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = paginate(names, key, pageRequest('3', token, digest), digest);
      seen.push(...page.items);
      token = page.metadata.continue;
      pages += 1;
    } while (token !== undefined);
    expect(seen).toEqual(names);
    expect(pages).toBe(3);
  });

  it('tells how many items remain, and gives no token on the last page', () => {
    expect(paginate(names, key, { limit: 5 }, digest).metadata).toEqual({ continue: expect.any(String), remainingItemCount: 2 });
    expect(paginate(names, key, { limit: 7 }, digest).metadata).toEqual({});
    expect(paginate([], key, { limit: 7 }, digest)).toEqual({ items: [], metadata: {} });
  });

  it('continues after the last key seen, even when items before it were removed or added', () => {
    const first = paginate(names, key, { limit: 3 }, digest);
    const changed = ['item-0', 'item-1a', ...names.slice(4)];
    const next = paginate(changed, key, pageRequest(undefined, first.metadata.continue, digest), digest);
    expect(next.items).toEqual(['item-4', 'item-5', 'item-6']);
  });
});

describe('pageRequest', () => {
  const digest = queryDigest({ tenant: 'a' });

  it('defaults to 500 and accepts 1 to 1000', () => {
    expect(pageRequest(undefined, undefined, digest)).toEqual({ limit: 500 });
    expect(pageRequest('1', undefined, digest).limit).toBe(1);
    expect(pageRequest('1000', undefined, digest).limit).toBe(1000);
  });

  it.each([['0'], ['1001'], ['-1'], ['ten'], ['1e3'], [['5', '6']]])('refuses limit %j naming query.limit', (limit) => {
    expect(invalidOf(() => pageRequest(limit, undefined, digest))).toEqual(['query.limit: must be an integer between 1 and 1000']);
  });

  it('refuses a token it did not make, and one made for other filters', () => {
    expect(invalidOf(() => pageRequest(undefined, 'bm90LWEtdG9rZW4', digest))).toEqual(['query.continue: is not a continue token this hub gave']);
    expect(invalidOf(() => pageRequest(undefined, 'x'.repeat(3000), digest))).toEqual(['query.continue: is not a continue token this hub gave']);
    const other = encodeContinue('item-3', queryDigest({ tenant: 'b' }));
    expect(invalidOf(() => pageRequest(undefined, other, digest))[0]).toMatch(/^query.continue: was given for a list with other filters/);
  });

  it('makes the same digest whatever the order of the filters, and ignores absent ones', () => {
    expect(queryDigest({ a: '1', b: '2', c: undefined })).toBe(queryDigest({ b: '2', a: '1' }));
    expect(queryDigest({ a: '1' })).not.toBe(queryDigest({ a: '2' }));
  });
});

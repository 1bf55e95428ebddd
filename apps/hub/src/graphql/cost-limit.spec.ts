import { describe, expect, it } from '@jest/globals';
import { buildSchema, getIntrospectionQuery, parse, validate } from 'graphql';
import { costLimitRule } from './cost-limit.ts';

const schema = buildSchema(`
  type Query { items(first: Int): [Item!]! one: Item }
  type Item { name: String! children(first: Int): [Item!]! tags: [String!]! }
`);

/** The cost the rule computes, read from its refusal at a limit of 0 (or 0 when nothing is refused). */
function costOf(query: string, variables: Record<string, unknown> = {}): number {
  const [error] = validate(schema, parse(query), [costLimitRule({ maxCost: 0 }, variables)]);
  return (error?.extensions.cost as number | undefined) ?? 0;
}

describe('costLimitRule', () => {
  it.each([
    ['one field', '{ one { name } }', 2],
    ['a list with first: each item counts', '{ items(first: 5) { name } }', 1 + 5],
    ['a root list without first: 100 items', '{ items { name } }', 1 + 100],
    ['a nested list without first: 10 items each', '{ items(first: 2) { children { name } } }', 1 + 2 * (1 + 10)],
    ['a scalar list costs one field per item', '{ one { tags } }', 2],
    ['__typename is free, introspection costs 1', '{ __typename __schema { types { name fields { name } } } }', 1],
    ['fragments count where they are spread', 'query { items(first: 3) { ...F } } fragment F on Item { name children(first: 2) { name } }', 1 + 3 * (1 + 1 + 2)],
    ['inline fragments count too', '{ one { ... on Item { name } } }', 2],
  ])('%s', (_what, query, cost) => {
    expect(costOf(query)).toBe(cost);
  });

  it('takes first from a variable, and the default when the variable is not given', () => {
    expect(costOf('query($n: Int) { items(first: $n) { name } }', { n: 7 })).toBe(1 + 7);
    expect(costOf('query($n: Int) { items(first: $n) { name } }')).toBe(1 + 100);
  });

  it('refuses above the limit with a code, the cost and the limit, and passes at it', () => {
    const query = parse('query Big { items(first: 50) { children(first: 50) { name } } }');
    const [error, ...rest] = validate(schema, query, [costLimitRule({ maxCost: 1000 })]);
    expect(rest).toEqual([]);
    expect(error?.message).toBe('operation Big is estimated to cost 2551, above the limit of 1000 (FLOTILLA_GRAPHQL_MAX_COST): ask for fewer items with first, or fewer nested lists');
    expect(error?.extensions).toEqual({ code: 'QUERY_TOO_COSTLY', cost: 2551, maxCost: 1000 });
    expect(validate(schema, query, [costLimitRule({ maxCost: 2551 })])).toEqual([]);
  });

  it('lets the standard introspection query through a small limit', () => {
    expect(validate(schema, parse(getIntrospectionQuery()), [costLimitRule({ maxCost: 10 })])).toEqual([]);
  });

  it('does not loop on a fragment cycle (another rule reports it)', () => {
    const errors = validate(schema, parse('{ one { ...A } } fragment A on Item { children(first: 1) { ...A } }'), [costLimitRule({ maxCost: 1000 })]);
    expect(errors).toEqual([]);
  });
});

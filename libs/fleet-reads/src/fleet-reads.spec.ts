import { describe, expect, it } from '@jest/globals';
import type { InvalidParam } from '../../errors/src/index.ts';
import { parseLabelSelector } from '../../clusters/src/index.ts';
import { collectFleetQuery, fleetItemKey, type FleetQuery, type FleetItem, MemoryBudget, mergeFleetItems, parseKindList, selects } from './index.ts';

function query(params: Record<string, string>): { query: FleetQuery | undefined; invalid: InvalidParam[] } {
  const invalid: InvalidParam[] = [];
  return { query: collectFleetQuery(invalid, (name) => params[name]), invalid };
}

const object = (namespace: string, name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace, name, labels } });

describe('collectFleetQuery', () => {
  it('reads kind, namespace, name, selector and clusters', () => {
    const { query: q, invalid } = query({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web', labelSelector: 'team=payments', cluster: 'a,b' });
    expect(invalid).toEqual([]);
    expect(q).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web', labelSelectorText: 'team=payments' });
    expect([...(q?.clusters ?? [])]).toEqual(['a', 'b']);
  });

  it('names every bad parameter at once', () => {
    const { query: q, invalid } = query({ apiVersion: 'apps/v1/x', kind: 'deployment', namespace: 'Not_A_Namespace', labelSelector: 'a in (', cluster: 'ok,Bad' });
    expect(q).toBeUndefined();
    expect(invalid.map((p) => p.name)).toEqual(['query.apiVersion', 'query.kind', 'query.namespace', 'query.labelSelector', 'query.cluster']);
  });

  it('requires apiVersion and kind', () => {
    expect(query({}).invalid.map((p) => p.name)).toEqual(['query.apiVersion', 'query.kind']);
  });

  it('refuses Secrets, pointing at the proxy', () => {
    const { invalid } = query({ apiVersion: 'v1', kind: 'Secret' });
    expect(invalid).toEqual([{ name: 'query.kind', reason: expect.stringContaining('proxy') }]);
  });
});

describe('parseKindList', () => {
  it('splits apiVersion and kind at the last slash, without repeats', () => {
    expect(parseKindList('apps/v1/Deployment, v1/ConfigMap,apps/v1/Deployment,')).toEqual([
      { apiVersion: 'apps/v1', kind: 'Deployment' },
      { apiVersion: 'v1', kind: 'ConfigMap' },
    ]);
    expect(parseKindList('')).toEqual([]);
  });

  it.each(['Deployment', 'apps/v1/', 'apps/v1/deployment', 'v1/Secret'])('refuses %p', (text) => {
    expect(() => parseKindList(text)).toThrow();
  });
});

describe('selects', () => {
  const base = { apiVersion: 'v1', kind: 'ConfigMap', labelSelector: parseLabelSelector('team=payments'), labelSelectorText: 'team=payments' };

  it('filters by namespace, name and labels', () => {
    const all = { all: true } as const;
    expect(selects(base, all, object('shop', 'a', { team: 'payments' }))).toBe(true);
    expect(selects(base, all, object('shop', 'a', { team: 'search' }))).toBe(false);
    expect(selects({ ...base, namespace: 'other' }, all, object('shop', 'a', { team: 'payments' }))).toBe(false);
    expect(selects({ ...base, name: 'b' }, all, object('shop', 'a', { team: 'payments' }))).toBe(false);
  });

  it('shows a tenant its namespaces only, and no cluster-scoped object', () => {
    const tenant = { all: false, namespaces: new Set(['shop']) } as const;
    expect(selects(base, tenant, object('shop', 'a', { team: 'payments' }))).toBe(true);
    expect(selects(base, tenant, object('bank', 'a', { team: 'payments' }))).toBe(false);
    expect(selects(base, tenant, { metadata: { name: 'node-1', labels: { team: 'payments' } } })).toBe(false);
  });
});

describe('mergeFleetItems', () => {
  it('orders by namespace, name, then cluster, as the paging key does', () => {
    const item = (cluster: string, namespace: string, name: string): FleetItem => ({ cluster, object: object(namespace, name) });
    const merged = mergeFleetItems([
      [item('b', 'a', 'x'), item('b', 'a-b', 'x')],
      [item('a', 'a', 'x'), item('a', 'a', 'x-y')],
    ]);
    expect(merged.map((i) => `${i.cluster}:${i.object.metadata?.namespace}/${i.object.metadata?.name}`)).toEqual(['a:a/x', 'b:a/x', 'a:a/x-y', 'b:a-b/x']);
    const keys = merged.map(fleetItemKey);
    expect([...keys].sort()).toEqual(keys);
  });
});

describe('MemoryBudget', () => {
  it('refuses growth past the limit, always takes shrinking, frees on release', () => {
    const budget = new MemoryBudget(100);
    expect(budget.charge('a', 60)).toBe(true);
    expect(budget.charge('b', 50)).toBe(false);
    expect(budget.charge('b', 40)).toBe(true);
    expect(budget.usedBytes).toBe(100);
    expect(budget.charge('a', -30)).toBe(true);
    expect(budget.of('a')).toBe(30);
    budget.release('b');
    expect(budget.usedBytes).toBe(30);
    expect(budget.charge('b', 70)).toBe(true);
  });
});

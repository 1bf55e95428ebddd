import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHub, type Hub } from '../../apps/hub/src/create-hub.ts';
import { EventsService } from '../../apps/hub/src/events/events.service.ts';
import { authHeader } from '../oidc/test-tokens.ts';
import { hubTestConfig } from './support/hub-config.ts';
import { REDIS } from '../../apps/hub/src/redis/redis.token.ts';
import { deleteKeysWithPrefix, testPrefix } from './support/test-prefix.ts';
import type { Redis } from 'ioredis';

describe('events', () => {
  const prefix = testPrefix('events');
  let hub: Hub;
  let url: string;

  beforeAll(async () => {
    hub = await createHub(hubTestConfig({ FLOTILLA_KEY_PREFIX: prefix }));
    url = await hub.listen();
  });

  afterAll(async () => {
    await deleteKeysWithPrefix(hub.app.get<Redis>(REDIS), prefix);
    await hub?.close();
  });

  it('keeps events per object and hub-wide, newest first', async () => {
    const events = hub.app.get(EventsService);
    await events.record({ type: 'Normal', reason: 'Registered', message: 'cluster a registered', object: { kind: 'Cluster', name: 'a' }, actor: 'alice' });
    await events.record({ type: 'Warning', reason: 'ClusterNotReady', message: 'b unreachable', object: { kind: 'Cluster', name: 'b' }, actor: 'prober' });
    await events.record({ type: 'Normal', reason: 'ClusterReady', message: 'a ready', object: { kind: 'Cluster', name: 'a' } });

    const forA = (await (await fetch(`${url}/api/v1/events?kind=Cluster&name=a`, { headers: await authHeader() })).json()) as { items: { reason: string; actor: string }[] };
    expect(forA.items.map((e) => e.reason)).toEqual(['ClusterReady', 'Registered']);
    expect(forA.items[1]?.actor).toBe('alice');

    const all = (await (await fetch(`${url}/api/v1/events?limit=2`, { headers: await authHeader() })).json()) as { items: { reason: string; object: { name: string } }[] };
    expect(all.items.map((e) => [e.reason, e.object.name])).toEqual([['ClusterReady', 'a'], ['ClusterNotReady', 'b']]);
  });

  it('pages newest first with limit and continue, and refuses a token of another object', async () => {
    const events = hub.app.get(EventsService);
    for (let i = 1; i <= 5; i += 1) await events.record({ type: 'Normal', reason: `Step${i}`, message: `step ${i}`, object: { kind: 'Cluster', name: 'paged' } });
    const reasons: string[] = [];
    let next: string | undefined;
    let pages = 0;
    do {
      const res = await fetch(`${url}/api/v1/events?kind=Cluster&name=paged&limit=2${next === undefined ? '' : `&continue=${encodeURIComponent(next)}`}`, { headers: await authHeader() });
      const body = (await res.json()) as { items: { reason: string }[]; metadata: { continue?: string } };
      reasons.push(...body.items.map((e) => e.reason));
      next = body.metadata.continue;
      pages += 1;
    } while (next !== undefined);
    expect(reasons).toEqual(['Step5', 'Step4', 'Step3', 'Step2', 'Step1']);
    expect(pages).toBe(3);
    const first = (await (await fetch(`${url}/api/v1/events?kind=Cluster&name=paged&limit=2`, { headers: await authHeader() })).json()) as { metadata: { continue: string } };
    const other = await fetch(`${url}/api/v1/events?kind=Cluster&name=a&continue=${encodeURIComponent(first.metadata.continue)}`, { headers: await authHeader() });
    expect(other.status).toBe(400);
  });

  it.each([
    ['continue=not-a-token', 'query.continue'],
    ['limit=0', 'query.limit'],
    ['limit=abc', 'query.limit'],
    ['limit=5000', 'query.limit'],
    ['name=a', 'query.kind'],
    ['kind=cluster%3Ax', 'query.kind'],
  ])('refuses ?%s naming %s', async (query, field) => {
    const res = await fetch(`${url}/api/v1/events?${query}`, { headers: await authHeader() });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const body = (await res.json()) as { type: string; invalidParams: { name: string }[] };
    expect(body.type).toBe('https://flotilla.dev/problems/validation');
    expect(body.invalidParams.map((p) => p.name)).toContain(field);
  });
});

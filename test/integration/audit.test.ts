import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { createHub, type Hub } from '../../apps/hub/src/create-hub.ts';
import type { AuditRecord } from '../../libs/audit/src/index.ts';
import { authHeader } from '../oidc/test-tokens.ts';
import { hubTestConfig } from './support/hub-config.ts';
import { LogLines } from './support/log-lines.ts';
import { pollUntil } from './support/poll.ts';
import { deleteKeysWithPrefix, testPrefix } from './support/test-prefix.ts';

const SECRET = 'audit-must-never-see-this-0451';

describe('audit trail (in process, real Redis)', () => {
  const prefix = testPrefix('audit');
  const logs = new LogLines();
  let hub: Hub;
  let url: string;
  let redis: Redis;

  async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown>; text: string }> {
    const auth = await authHeader();
    const response = await fetch(`${url}${path}`, { method, ...(body === undefined ? { headers: auth } : { headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify(body) }) });
    const text = await response.text();
    const json = response.headers.get('content-type')?.includes('json') === true && !response.headers.get('content-type')?.includes('ndjson');
    return { status: response.status, body: json && text !== '' ? (JSON.parse(text) as Record<string, unknown>) : {}, text };
  }
  const records = async (query = ''): Promise<AuditRecord[]> => (await api('GET', `/api/v1/audit${query}`)).body.items as AuditRecord[];
  const workload = (name: string): Record<string, unknown> => ({
    name,
    namespace: 'audited',
    tenant: 'team-a',
    manifests: [
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds' }, stringData: { password: SECRET } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { mode: 'a' } },
    ],
  });

  beforeAll(async () => {
    redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    hub = await createHub(hubTestConfig({ FLOTILLA_KEY_PREFIX: prefix }), { logDestination: logs });
    url = await hub.listen();
  });

  afterAll(async () => {
    await hub?.close();
    await deleteKeysWithPrefix(redis, prefix);
    redis.disconnect();
  });

  it('records every change with actor, action, target, outcome, request id, source and a digest, never the body', async () => {
    expect((await api('POST', '/api/v1/workloads', workload('web'))).status).toBe(201);
    expect((await api('POST', '/api/v1/workloads', { name: 'Bad Name' })).status).toBe(400);
    expect((await api('GET', '/api/v1/namespaces/audited/workloads/web')).status).toBe(200);
    await pollUntil('two records', async () => (await records()).length >= 2, 5_000, 50);
    const [failed, created] = await records();
    expect(created).toMatchObject({
      seq: 1,
      // The admin test caller: a client-credentials token, whose `sub` is the client id.
      actor: { subject: 'test-admin', groups: ['flotilla-admin'] },
      action: 'POST /api/v1/workloads',
      target: { kind: 'Hub', name: '' },
      outcome: 'Succeeded',
      status: 201,
      requestId: expect.any(String) as unknown,
      source: '127.0.0.1',
      digest: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown,
    });
    // Exactly that: a machine client has no email.
    expect(created?.actor).toEqual({ subject: 'test-admin', groups: ['flotilla-admin'] });
    expect(failed).toMatchObject({ seq: 2, outcome: 'Failed', status: 400 });
    // Reads are not changes.
    expect((await records()).some((r) => r.action.startsWith('GET'))).toBe(false);
    const exported = await api('GET', '/api/v1/audit/export');
    expect(exported.text.trim().split('\n')).toHaveLength(2);
    expect(exported.text).not.toContain(SECRET);
    expect(JSON.stringify(await redis.lrange(`${prefix}:audit`, 0, -1))).not.toContain(SECRET);
  });

  it('filters by actor, action, target and time, and names a bad filter', async () => {
    expect((await api('PUT', '/api/v1/namespaces/audited/workloads/web', { ...workload('web'), manifests: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { mode: 'b' } }] })).status).toBe(200);
    await pollUntil('the update recorded', async () => (await records('?kind=Workload&name=audited/web')).length === 1, 5_000, 50);
    expect((await records('?action=PUT'))[0]?.target).toEqual({ kind: 'Workload', name: 'audited/web' });
    expect(await records('?actor=someone-else')).toEqual([]);
    expect((await records('?since=2000-01-01T00:00:00Z&until=2999-01-01T00:00:00Z')).length).toBeGreaterThanOrEqual(3);
    expect(await records('?since=2999-01-01T00:00:00Z')).toEqual([]);
    const bad = await api('GET', '/api/v1/audit?since=yesterday&limit=0');
    expect(bad.status).toBe(400);
    expect((bad.body.invalidParams as { name: string }[]).map((p) => p.name).sort()).toEqual(['query.limit', 'query.since']);
  });

  it('keeps one unbroken chain under concurrent writes', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => api('POST', '/api/v1/workloads', workload(`w-${i}`))));
    expect(answers.every((a) => a.status === 201)).toBe(true);
    await pollUntil('23 records', async () => ((await api('GET', '/api/v1/audit/verify')).body.checked as number) >= 23, 10_000, 50);
    const verdict = (await api('GET', '/api/v1/audit/verify')).body;
    expect(verdict).toMatchObject({ ok: true, checked: 23, head: 23 });
  });

  it('detects a record changed in Redis, and records removed from the end, naming the first broken link', async () => {
    const key = `${prefix}:audit`;
    const original = (await redis.lindex(key, 1)) as string;
    const changed = { ...(JSON.parse(original) as AuditRecord), outcome: 'Succeeded', status: 201 };
    await redis.lset(key, 1, JSON.stringify(changed));
    const broken = (await api('GET', '/api/v1/audit/verify')).body;
    expect(broken).toMatchObject({ ok: false, firstBroken: { seq: 2, index: 1 } });
    expect((broken.firstBroken as { reason: string }).reason).toContain('does not match its hash');
    await redis.lset(key, 1, original);
    expect((await api('GET', '/api/v1/audit/verify')).body.ok).toBe(true);

    const last = (await redis.rpop(key)) as string;
    const truncated = (await api('GET', '/api/v1/audit/verify')).body;
    expect(truncated.ok).toBe(false);
    expect((truncated.firstBroken as { reason: string }).reason).toContain('records removed from the end');
    await redis.rpush(key, last);
  });
});

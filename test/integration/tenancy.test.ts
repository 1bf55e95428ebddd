import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createHub, type Hub } from '../../apps/hub/src/create-hub.ts';
import { REDIS } from '../../apps/hub/src/redis/redis.token.ts';
import { TEST_CALLERS, type TestCaller } from '../oidc/test-idp.ts';
import { authHeader } from '../oidc/test-tokens.ts';
import { hubTestConfig } from './support/hub-config.ts';
import { LogLines } from './support/log-lines.ts';
import { pollUntil } from './support/poll.ts';
import { deleteKeysWithPrefix, testPrefix } from './support/test-prefix.ts';

// Tenant isolation through the API with real tokens: `operator` and `viewer` are members of
// team-a, `operatorB` of team-b. Team-b must not read, change or even learn the names of
// team-a's workloads.
describe('tenant isolation (real OpenID Provider, in-process hub)', () => {
  const prefix = testPrefix('tenancy');
  const run = randomBytes(3).toString('hex');
  // Names unique to this run, so that finding one in an answer means it leaked.
  const nsA = `ta-${run}`;
  const nsB = `tb-${run}`;
  const secretName = `payroll-${run}`;
  let hub: Hub;
  let url: string;

  async function api(caller: TestCaller, method: string, path: string, body?: unknown): Promise<{ status: number; text: string; json: Record<string, unknown> }> {
    const headers: Record<string, string> = { ...(await authHeader(caller)), ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
    const response = await fetch(`${url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await response.text();
    return { status: response.status, text, json: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  const workload = (namespace: string, name: string, tenant: string): Record<string, unknown> => ({
    name,
    namespace,
    tenant,
    manifests: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { mode: 'a' } }],
  });

  beforeAll(async () => {
    hub = await createHub(hubTestConfig({ FLOTILLA_KEY_PREFIX: prefix }), { logDestination: new LogLines() });
    url = await hub.listen();
    expect((await api('operator', 'POST', '/api/v1/workloads', workload(nsA, secretName, 'team-a'))).status).toBe(201);
    expect((await api('operatorB', 'POST', '/api/v1/workloads', workload(nsB, 'shop', 'team-b'))).status).toBe(201);
  });

  afterAll(async () => {
    if (hub) await deleteKeysWithPrefix(hub.app.get<Redis>(REDIS), prefix);
    await hub?.close();
  });

  it('lets a member create only for its own tenants, naming the field', async () => {
    const other = await api('operator', 'POST', '/api/v1/workloads', workload(`tx-${run}`, 'web', 'team-b'));
    expect(other.status).toBe(403);
    expect(other.json.detail).toMatch(/^tenant: .*own tenants \(team-a\), not team-b/);
    expect((await api('admin', 'POST', '/api/v1/workloads', workload(`tx-${run}`, 'web', 'team-c'))).status).toBe(201);
  });

  it("refuses a workload in another tenant's namespace without naming what is there", async () => {
    const squat = await api('operatorB', 'POST', '/api/v1/workloads', workload(nsA, 'intruder', 'team-b'));
    expect(squat.status).toBe(409);
    expect(squat.json.detail).toBe(`namespace ${nsA} belongs to another tenant; choose another namespace`);
    expect(squat.text).not.toContain(secretName);
    expect(squat.text).not.toContain('team-a');
  });

  it("answers 404 for another tenant's workload exactly as for one that does not exist", async () => {
    const routes: [string, string, unknown?][] = [
      ['GET', ''],
      ['GET', '/history'],
      ['PUT', '', workload(nsA, secretName, 'team-a')],
      ['DELETE', ''],
      ['POST', '/secrets/reseal'],
      ['POST', '/failover/force'],
      ['POST', '/failover/confirm-purge', { cluster: 'none' }],
    ];
    for (const [method, suffix, body] of routes) {
      const theirs = await api('operatorB', method, `/api/v1/namespaces/${nsA}/workloads/${secretName}${suffix}`, body);
      const missing = await api('operatorB', method, `/api/v1/namespaces/${nsA}/workloads/no-such-${run}${suffix}`, body === undefined ? undefined : { ...(body as object), name: `no-such-${run}` });
      expect([method + suffix, theirs.status]).toEqual([method + suffix, 404]);
      expect(theirs.json.detail).toBe(String(missing.json.detail).replace(`no-such-${run}`, secretName));
    }
    // Still there, unchanged, for its own tenant.
    const own = await api('viewer', 'GET', `/api/v1/namespaces/${nsA}/workloads/${secretName}`);
    expect(own.status).toBe(200);
    expect(own.json).toMatchObject({ metadata: { generation: 1 } });
  });

  it('lists only the workloads of the caller’s tenants, whatever the query', async () => {
    const names = async (caller: TestCaller, path: string): Promise<string[]> =>
      ((await api(caller, 'GET', path)).json.items as { metadata: { namespace: string; name: string } }[]).map((w) => `${w.metadata.namespace}/${w.metadata.name}`);
    expect(await names('operatorB', '/api/v1/workloads')).toEqual([`${nsB}/shop`]);
    expect(await names('operatorB', '/api/v1/workloads?tenant=team-a')).toEqual([]);
    expect(await names('operatorB', `/api/v1/namespaces/${nsA}/workloads`)).toEqual([]);
    expect(await names('viewer', '/api/v1/workloads')).toEqual([`${nsA}/${secretName}`]);
    expect(await names('admin', '/api/v1/workloads')).toEqual(expect.arrayContaining([`${nsA}/${secretName}`, `${nsB}/shop`, `tx-${run}/web`]));
  });

  it("keeps another tenant's workload events and failover state out of sight", async () => {
    const forEvents = await api('operatorB', 'GET', '/api/v1/events?limit=1000');
    expect(forEvents.status).toBe(200);
    expect(forEvents.text).not.toContain(secretName);
    expect(forEvents.text).toContain(`${nsB}/shop`);
    const direct = await api('operatorB', 'GET', `/api/v1/events?kind=Workload&name=${nsA}/${secretName}`);
    expect(direct.json.items).toEqual([]);
    expect((await api('viewer', 'GET', `/api/v1/events?kind=Workload&name=${nsA}/${secretName}`)).json.items).toEqual(expect.arrayContaining([expect.objectContaining({ reason: 'Created' })]));

    // An override on team-a's workload: team-a and admins see it, team-b does not.
    expect((await api('operator', 'POST', `/api/v1/namespaces/${nsA}/workloads/${secretName}/failover/force`)).status).toBe(200);
    const overrides = async (caller: TestCaller): Promise<string[]> => ((await api(caller, 'GET', '/api/v1/failover')).json.overrides as { workload: string }[]).map((o) => o.workload);
    expect(await overrides('viewer')).toContain(`${nsA}/${secretName}`);
    expect(await overrides('admin')).toContain(`${nsA}/${secretName}`);
    expect((await api('operatorB', 'GET', '/api/v1/failover')).text).not.toContain(secretName);
  });

  it('tells from the history who made each placed generation', async () => {
    const history = async (): Promise<{ generation: number; reason: string; by?: string }[]> =>
      (await api('viewer', 'GET', `/api/v1/namespaces/${nsA}/workloads/${secretName}/history`)).json.items as { generation: number; reason: string; by?: string }[];
    await pollUntil('the first placement', async () => (await history()).length > 0, 10_000, 100);
    expect((await history())[0]).toMatchObject({ generation: 1, reason: 'Created', by: TEST_CALLERS.operator.clientId });
    const updated = { ...workload(nsA, secretName, 'team-a'), labels: { edited: 'yes' } };
    expect((await api('admin', 'PUT', `/api/v1/namespaces/${nsA}/workloads/${secretName}`, updated)).status).toBe(200);
    await pollUntil('the second placement', async () => (await history()).some((h) => h.generation === 2), 10_000, 100);
    expect((await history()).find((h) => h.generation === 2)).toMatchObject({ reason: 'Updated', by: TEST_CALLERS.admin.clientId });
  });

  it('lets a viewer of the tenant read but not change', async () => {
    expect((await api('viewer', 'PUT', `/api/v1/namespaces/${nsA}/workloads/${secretName}`, workload(nsA, secretName, 'team-a'))).status).toBe(403);
    expect((await api('viewer', 'DELETE', `/api/v1/namespaces/${nsA}/workloads/${secretName}`)).status).toBe(403);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { importJWK, SignJWT, type JWK } from 'jose';
import { createHub, type Hub } from '../../apps/hub/src/create-hub.ts';
import type { AuditRecord } from '../../libs/audit/src/index.ts';
import { HUB_AUDIENCE, startTestIdp, TEST_CALLERS, type TestCaller, type TestIdp, testSigningKey } from '../oidc/test-idp.ts';
import { testToken } from '../oidc/test-tokens.ts';
import { hubTestConfig } from './support/hub-config.ts';
import { LogLines } from './support/log-lines.ts';
import { pollUntil } from './support/poll.ts';
import { deleteKeysWithPrefix, testPrefix } from './support/test-prefix.ts';

// Who may call what, as the specification: every route the hub registers must appear here
// (so that a new route cannot slip through), and each is called by every kind of caller.
// `public`: anyone; `metrics`: anyone while FLOTILLA_METRICS_PUBLIC=true (the default);
// `identified`: any verified caller, with or without a role.
type Access = 'public' | 'metrics' | 'identified' | 'viewer' | 'operator' | 'admin';
const ACCESS: Readonly<Record<string, Access>> = {
  'GET /auth/login': 'public',
  'GET /auth/callback': 'public',
  'POST /auth/logout': 'public',
  'GET /auth/me': 'identified',
  // The operator console: its page and hashed assets (static, no fleet data).
  'GET /': 'public',
  'GET /assets/*': 'public',
  'GET /livez': 'public',
  'GET /readyz': 'public',
  'GET /metrics': 'metrics',
  'GET /api/openapi.json': 'public',
  'GET /api/openapi.yaml': 'public',
  'GET /api/docs': 'public',
  'GET /api/docs/': 'public',
  'GET /api/docs/index.html': 'public',
  'GET /api/docs/swagger-ui-init.js': 'public',
  'GET /api/docs/LICENSE': 'public',
  'GET /api/docs/*': 'public',
  'GET /api/docs/docs/swagger-ui-init.js': 'public',
  'GET /api/docs/docs/*': 'public',
  'GET /api/v1/audit': 'admin',
  'GET /api/v1/audit/verify': 'admin',
  'GET /api/v1/audit/export': 'admin',
  'POST /api/v1/clusters': 'admin',
  'GET /api/v1/clusters': 'viewer',
  'GET /api/v1/clusters/:name': 'viewer',
  'PATCH /api/v1/clusters/:name': 'admin',
  'POST /api/v1/clusters/:name/cordon': 'operator',
  'POST /api/v1/clusters/:name/uncordon': 'operator',
  'PUT /api/v1/clusters/:name/credentials': 'admin',
  'POST /api/v1/clusters/:name/credentials/reseal': 'admin',
  'DELETE /api/v1/clusters/:name': 'admin',
  'GET /api/v1/events': 'viewer',
  'GET /api/v1/failover': 'viewer',
  'GET /api/v1/fleet/objects': 'viewer',
  'GET /api/v1/fleet/caches': 'viewer',
  'POST /api/v1/clusters/:name/fence': 'operator',
  'DELETE /api/v1/clusters/:name/fence': 'operator',
  'POST /api/v1/clusters/:name/drain': 'operator',
  'GET /api/v1/clusters/:name/drain': 'viewer',
  'GET /api/v1/clusters/:name/proxy/*': 'viewer',
  'POST /api/v1/clusters/:name/proxy/*': 'operator',
  'PUT /api/v1/clusters/:name/proxy/*': 'operator',
  'PATCH /api/v1/clusters/:name/proxy/*': 'operator',
  'DELETE /api/v1/clusters/:name/proxy/*': 'operator',
  'DELETE /api/v1/clusters/:name/drain': 'operator',
  'POST /api/v1/namespaces/:namespace/workloads/:name/failover/force': 'operator',
  'POST /api/v1/namespaces/:namespace/workloads/:name/failover/confirm-purge': 'operator',
  'POST /api/v1/override-sets': 'admin',
  'GET /api/v1/override-sets': 'viewer',
  'GET /api/v1/override-sets/:name': 'viewer',
  'PUT /api/v1/override-sets/:name': 'admin',
  'DELETE /api/v1/override-sets/:name': 'admin',
  'GET /api/v1/queues': 'viewer',
  'GET /api/v1/queues/:queue/jobs': 'admin',
  'POST /api/v1/queues/:queue/jobs/:id/retry': 'admin',
  'GET /api/v1/cleanups': 'admin',
  'POST /api/v1/workloads': 'operator',
  'GET /api/v1/workloads': 'viewer',
  'GET /api/v1/namespaces/:namespace/workloads': 'viewer',
  'GET /api/v1/namespaces/:namespace/workloads/:name': 'viewer',
  'PUT /api/v1/namespaces/:namespace/workloads/:name': 'operator',
  'DELETE /api/v1/namespaces/:namespace/workloads/:name': 'operator',
  'POST /api/v1/namespaces/:namespace/workloads/:name/secrets/reseal': 'operator',
  'GET /api/v1/namespaces/:namespace/workloads/:name/history': 'viewer',
  // GraphQL: queries (GET, POST), mutations (POST) and the subscription websocket (GET); each field then checks its own role.
  'GET /graphql': 'viewer',
  'POST /graphql': 'viewer',
};

const RANK = { viewer: 1, operator: 2, admin: 3 } as const;
type Caller = 'anonymous' | Extract<TestCaller, 'noRole' | 'viewer' | 'operator' | 'admin'>;
const CALLERS: readonly Caller[] = ['anonymous', 'noRole', 'viewer', 'operator', 'admin'];

/** The status class a caller must get: 401 without identity, 403 below the route's role, otherwise anything else. */
function expected(access: Access, caller: Caller, metricsPublic: boolean): 401 | 403 | 'allowed' {
  if (access === 'public' || (access === 'metrics' && metricsPublic)) return 'allowed';
  if (caller === 'anonymous') return 401;
  if (access === 'identified') return 'allowed';
  if (caller === 'noRole') return 403;
  const needed = access === 'metrics' ? 'viewer' : access;
  return RANK[caller] >= RANK[needed] ? 'allowed' : 403;
}

/** A concrete path for a route pattern: names nothing that exists, so an allowed call changes nothing. */
function concrete(route: string): string {
  return route.replace(':namespace', 'acl-ns').replace(':name', 'acl-none').replace(':queue', 'placement').replace(':id', 'acl-none');
}

describe('access control (real OpenID Provider, in-process hub)', () => {
  const prefix = testPrefix('auth');
  const logs = new LogLines();
  let idp: TestIdp;
  let hub: Hub;
  let url: string;
  let redis: Redis;
  const tokens = new Map<Caller, string>();

  const headersOf = (caller: Caller): Record<string, string> => (caller === 'anonymous' ? {} : { authorization: `Bearer ${tokens.get(caller)}` });

  /** A token signed with `key`, with the provider's claims unless overridden. */
  async function forge(key: JWK, claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: idp.issuer, aud: HUB_AUDIENCE, sub: 'mallory', groups: ['flotilla-admin'], iat: now, exp: now + 300, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'at+jwt', ...header })
      .sign(await importJWK(key, 'RS256'));
  }

  async function call(path: string, token?: string, init: RequestInit = {}): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
    const response = await fetch(`${url}${path}`, { ...init, headers: { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...(init.headers as Record<string, string> | undefined) } });
    const text = await response.text();
    return { status: response.status, body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: response.headers };
  }

  beforeAll(async () => {
    redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    idp = await startTestIdp();
    hub = await createHub(hubTestConfig({ FLOTILLA_KEY_PREFIX: prefix, FLOTILLA_OIDC_ISSUER: idp.issuer }), { logDestination: logs });
    url = await hub.listen();
    for (const caller of CALLERS) if (caller !== 'anonymous') tokens.set(caller, await testToken(caller, idp.issuer));
  });

  afterAll(async () => {
    await hub?.close();
    await idp?.close();
    await deleteKeysWithPrefix(redis, prefix);
    redis.disconnect();
  });

  it('knows every route the hub serves, and every route of the table is served', () => {
    const served = hub.routes.map((route) => `${route.method} ${route.url}`);
    expect(served.filter((route) => ACCESS[route] === undefined)).toEqual([]);
    expect(Object.keys(ACCESS).filter((route) => !served.includes(route))).toEqual([]);
    // What the routes declare in code agrees with the table.
    expect(Object.fromEntries(hub.routes.map((route) => [`${route.method} ${route.url}`, route.access]))).toEqual(ACCESS);
  });

  it('is documented route by route in docs/identity.md', () => {
    const doc = readFileSync(new URL('../../docs/identity.md', import.meta.url), 'utf8');
    const rows = new Map([...doc.matchAll(/^\| `([A-Z]+ \/[^`]*)` \| ([a-z]+) \|$/gm)].map((m) => [m[1]!, m[2]!]));
    expect(Object.fromEntries(rows)).toEqual(ACCESS);
  });

  it('allows or denies every route for every caller as the table says', async () => {
    const wrong: string[] = [];
    for (const [route, access] of Object.entries(ACCESS)) {
      const [method, pattern] = route.split(' ') as [string, string];
      for (const caller of CALLERS) {
        const body = method === 'GET' || method === 'DELETE' ? undefined : '{}';
        const response = await fetch(`${url}${concrete(pattern)}`, {
          method,
          headers: { ...headersOf(caller), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body }),
        });
        await response.arrayBuffer();
        const want = expected(access, caller, true);
        const ok = want === 'allowed' ? response.status !== 401 && response.status !== 403 : response.status === want;
        if (!ok) wrong.push(`${route} as ${caller}: got ${response.status}, want ${want}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('answers a denial as problem+json, with WWW-Authenticate on 401', async () => {
    const anonymous = await call('/api/v1/workloads');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json');
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="flotilla"');
    expect(anonymous.body).toMatchObject({ type: 'https://flotilla.dev/problems/unauthorized', status: 401, detail: expect.stringContaining('/auth/login') });

    const viewer = await call('/api/v1/clusters', tokens.get('viewer'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(viewer.status).toBe(403);
    expect(viewer.body).toMatchObject({ type: 'https://flotilla.dev/problems/forbidden', detail: 'this needs role admin; yours is viewer' });

    const noRole = await call('/api/v1/workloads', tokens.get('noRole'));
    expect(noRole.body.detail).toMatch(/no Flotilla role/);
  });

  it('refuses an unauthenticated body before reading it, and hides which paths exist', async () => {
    const big = await call('/api/v1/workloads', undefined, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"not json' });
    expect(big.status).toBe(401);
    expect((await call('/api/v1/no-such-thing')).status).toBe(401);
    expect((await call('/api/v1/no-such-thing', tokens.get('viewer'))).status).toBe(404);
  });

  it.each<[string, () => Promise<string>, RegExp]>([
    ['a token signed by another key', async () => forge(await testSigningKey('test-idp-1'), {}), /signature does not verify/],
    ['a token with an unknown key id', async () => forge(await testSigningKey('unknown-kid'), {}), /key the provider does not publish/],
    ['an unsigned token (alg none)', () => Promise.resolve(`${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify({ iss: idp.issuer, aud: HUB_AUDIENCE, sub: 'mallory', groups: ['flotilla-admin'], exp: Math.floor(Date.now() / 1000) + 300 })).toString('base64url')}.`), /algorithm this hub does not accept|well-formed/],
    ['an HS256 token keyed with the public key', async () => {
      const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = idp.signingKey;
      return new SignJWT({ iss: idp.issuer, aud: HUB_AUDIENCE, sub: 'mallory', groups: ['flotilla-admin'], exp: Math.floor(Date.now() / 1000) + 300 }).setProtectedHeader({ alg: 'HS256', kid: idp.signingKey.kid }).sign(Buffer.from(JSON.stringify(publicJwk)));
    }, /algorithm this hub does not accept/],
    ['a token of another issuer', () => forge(idp.signingKey, { iss: 'http://127.0.0.1:1/other' }), /issued by another provider/],
    ['a token for another audience', () => forge(idp.signingKey, { aud: 'some-other-api' }), /not meant for this hub/],
    ['an expired token', () => forge(idp.signingKey, { exp: Math.floor(Date.now() / 1000) - 120 }), /expired/],
    ['a token not valid yet', () => forge(idp.signingKey, { nbf: Math.floor(Date.now() / 1000) + 600 }), /not valid yet/],
    ['a token without expiry', () => forge(idp.signingKey, { exp: undefined }), /exp claim/],
    ['garbage', () => Promise.resolve('not.a.token'), /well-formed/],
  ])('refuses %s with 401 invalid_token', async (_what, make, reason) => {
    const response = await call('/api/v1/workloads', await make());
    expect(response.status).toBe(401);
    expect(response.body.detail).toMatch(reason);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="flotilla", error="invalid_token"/);
  });

  it('accepts a token forged with the right key and claims (the negative cases above are not vacuous)', async () => {
    expect((await call('/api/v1/workloads', await forge(idp.signingKey, {}))).status).toBe(200);
  });

  it('refuses a malformed Authorization header with 401 invalid_request', async () => {
    const response = await call('/api/v1/workloads', undefined, { headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` } });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_request"');
  });

  it('records every denied request in the audit trail, with the caller when known', async () => {
    const marker = randomUUID();
    await call(`/api/v1/workloads?denied=${marker}`);
    await call('/api/v1/clusters/acl-denied/cordon', tokens.get('viewer'), { method: 'POST' });
    const admin = tokens.get('admin');
    let denied: AuditRecord[] = [];
    await pollUntil('two denied records', async () => {
      denied = ((await call('/api/v1/audit?outcome=Denied', admin)).body.items as AuditRecord[] | undefined)?.filter((r) => r.outcome === 'Denied') ?? [];
      // The route walk above was denied the same routes: wait for this test's own records (written after the answer).
      return denied.some((r) => r.action === 'GET /api/v1/workloads' && r.actor.subject === 'anonymous') && denied.some((r) => r.action === 'POST /api/v1/clusters/:name/cordon' && r.target?.name === 'acl-denied');
    }, 5_000, 50);
    expect(denied.find((r) => r.action === 'POST /api/v1/clusters/:name/cordon' && r.target?.name === 'acl-denied')).toMatchObject({
      actor: { subject: TEST_CALLERS.viewer.clientId, groups: [...TEST_CALLERS.viewer.groups] },
      target: { kind: 'Cluster', name: 'acl-denied' },
      outcome: 'Denied',
      status: 403,
    });
    expect((await call('/api/v1/audit/verify', admin)).body).toMatchObject({ ok: true });
  });

  it('never logs a token or a client secret', () => {
    const secrets = [...tokens.values(), ...Object.values(TEST_CALLERS).map((c) => c.clientSecret), idp.hubClient.clientSecret];
    const leaked = logs.raw.filter((line) => secrets.some((secret) => line.includes(secret)));
    expect(logs.raw.length).toBeGreaterThan(10);
    expect(leaked).toEqual([]);
  });
});

describe('access control: metrics behind a token when configured', () => {
  const prefix = testPrefix('auth-metrics');
  let idp: TestIdp;
  let hub: Hub;
  let url: string;

  beforeAll(async () => {
    idp = await startTestIdp();
    hub = await createHub(hubTestConfig({ FLOTILLA_KEY_PREFIX: prefix, FLOTILLA_OIDC_ISSUER: idp.issuer, FLOTILLA_METRICS_PUBLIC: 'false' }), { logDestination: new LogLines() });
    url = await hub.listen();
  });

  afterAll(async () => {
    await hub?.close();
    await idp?.close();
  });

  it('asks a token of role viewer for /metrics, and leaves the health endpoints open', async () => {
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${await testToken('noRole', idp.issuer)}` } })).status).toBe(403);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${await testToken('viewer', idp.issuer)}` } })).status).toBe(200);
    expect((await fetch(`${url}/livez`)).status).toBe(200);
  });
});

describe('access control when the OpenID Provider fails', () => {
  const prefix = testPrefix('auth-idp-down');
  let hub: Hub | undefined;
  let idp: TestIdp | undefined;

  afterAll(async () => {
    await hub?.close();
    await idp?.close();
  });

  it('starts while the provider is down (503 for token callers, never 401), then trusts it once it answers', async () => {
    // A port nothing listens on yet: the provider starts there later.
    const probe = await startTestIdp();
    const port = (probe.server.address() as AddressInfo).port;
    const key = probe.signingKey;
    const token = await testToken('viewer', probe.issuer);
    await probe.close();

    hub = await createHub(hubTestConfig({ FLOTILLA_KEY_PREFIX: prefix, FLOTILLA_OIDC_ISSUER: probe.issuer }), { logDestination: new LogLines() });
    const url = await hub.listen();
    const down = await fetch(`${url}/api/v1/workloads`, { headers: { authorization: `Bearer ${token}` } });
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('5');
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const login = await fetch(`${url}/auth/login`, { redirect: 'manual' });
    expect(login.status).toBe(503);
    expect(((await login.json()) as { type: string }).type).toBe('https://flotilla.dev/problems/identity-provider-unavailable');

    idp = await startTestIdp({ port, keys: [key] });
    await pollUntil('the hub to discover the provider', async () => (await fetch(`${url}/api/v1/workloads`, { headers: { authorization: `Bearer ${token}` } })).status === 200, 10_000, 250);

    // Keys once read keep verifying while the provider is away again.
    await idp.close();
    idp = undefined;
    expect((await fetch(`${url}/api/v1/workloads`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);

    // The provider returns with a rotated key (old one still published): tokens of the new key
    // are accepted once the hub has read the keys again (within its 10 s refetch cool-down).
    const rotated = await testSigningKey('test-idp-2');
    idp = await startTestIdp({ port, keys: [rotated, key] });
    const fresh = await testToken('operator', idp.issuer);
    expect(JSON.parse(Buffer.from(fresh.split('.')[0]!, 'base64url').toString()) as { kid: string }).toMatchObject({ kid: 'test-idp-2' });
    await pollUntil('the rotated key to be accepted', async () => (await fetch(`${url}/api/v1/workloads`, { headers: { authorization: `Bearer ${fresh}` } })).status === 200, 15_000, 500);
    expect((await fetch(`${url}/api/v1/workloads`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  }, 60_000);
});

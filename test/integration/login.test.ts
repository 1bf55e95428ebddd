import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { createHub, type Hub } from '../../apps/hub/src/create-hub.ts';
import { startTestIdp, type TestIdp } from '../oidc/test-idp.ts';
import { freePort } from './support/free-port.ts';
import { hubTestConfig } from './support/hub-config.ts';
import { Browser, logIn } from '../oidc/browser.ts';
import { LogLines } from './support/log-lines.ts';
import { deleteKeysWithPrefix, testPrefix } from './support/test-prefix.ts';

describe('browser login (authorization code + PKCE against a real provider)', () => {
  const prefix = testPrefix('login');
  const logs = new LogLines();
  let idp: TestIdp;
  let hub: Hub;
  let url: string;
  let redis: Redis;

  /** Logs `user` in from scratch in a new browser; answers the browser and where it landed. */
  async function login(user: string, password: string, returnTo = '/api/v1/workloads'): Promise<{ browser: Browser; landed: string; csrf: string }> {
    const browser = new Browser();
    const { form, formPage, submitted, landed } = await logIn(browser, url, user, password, returnTo);
    expect(form.startsWith(`${idp.issuer}/interaction/`)).toBe(true);
    expect(await formPage.text()).toContain('<form method="post"');
    expect(submitted.status).toBe(303);
    const me = (await (await browser.go(`${url}/auth/me`)).json()) as { csrfToken: string };
    return { browser, landed, csrf: me.csrfToken };
  }

  beforeAll(async () => {
    redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    idp = await startTestIdp({ hubRedirectUris: [`${publicUrl}/auth/callback`], accessTokenTtlS: 6 });
    hub = await createHub(
      {
        ...hubTestConfig({ FLOTILLA_KEY_PREFIX: prefix, FLOTILLA_OIDC_ISSUER: idp.issuer, FLOTILLA_OIDC_CLIENT_ID: idp.hubClient.clientId, FLOTILLA_OIDC_CLIENT_SECRET: idp.hubClient.clientSecret, FLOTILLA_PUBLIC_URL: publicUrl }),
        port,
      },
      { logDestination: logs },
    );
    url = await hub.listen();
    expect(url).toBe(publicUrl);
  });

  afterAll(async () => {
    await hub?.close();
    await idp?.close();
    await deleteKeysWithPrefix(redis, prefix);
    redis.disconnect();
  });

  it('sends the browser to the provider with PKCE (S256), state and nonce, bound to a cookie', async () => {
    const browser = new Browser();
    const response = await browser.go(`${url}/auth/login`);
    expect(response.status).toBe(302);
    const to = new URL(response.headers.get('location')!);
    expect(to.origin + to.pathname).toBe(`${idp.issuer}/auth`);
    expect(Object.fromEntries(to.searchParams)).toMatchObject({
      client_id: 'flotilla-hub',
      response_type: 'code',
      redirect_uri: `${url}/auth/callback`,
      code_challenge_method: 'S256',
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      state: expect.stringMatching(/.{20,}/),
      nonce: expect.stringMatching(/.{20,}/),
    });
    expect(browser.cookies.get(url, 'flotilla_login')).toBe(to.searchParams.get('state'));
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('flotilla_login='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
  });

  it('logs in: a session cookie (httpOnly, SameSite, not Secure on loopback) and back to where the user was going', async () => {
    const { browser, landed } = await login('oscar', 'oscar-demo', '/api/v1/workloads?namespace=x');
    expect(landed).toBe(`${url}/api/v1/workloads?namespace=x`);
    const me = await browser.go(`${url}/auth/me`);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ identity: { subject: 'oscar', email: 'oscar@example.test', role: 'operator', tenants: ['team-a'] }, csrfToken: expect.any(String) });
    expect((await browser.go(`${url}/api/v1/workloads`)).status).toBe(200);
    // Only an opaque id in the browser; Redis keeps the session under its hash, tokens sealed.
    const id = browser.cookies.get(url, 'flotilla_session')!;
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = await redis.get(`${prefix}:session:${createHash('sha256').update(id).digest('hex')}`);
    expect(stored).not.toBeNull();
    expect(stored).not.toContain(id);
    expect(stored).toContain('"refreshToken":{"keyId"');
    expect(stored).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
  });

  it('sets the session cookie httpOnly, SameSite=Lax, for the whole hub, not Secure on a loopback http URL', async () => {
    const { browser } = await login('vera', 'vera-demo');
    const set = browser.setCookies.filter((line) => line.startsWith('flotilla_session='));
    expect(set).toHaveLength(1);
    const attributes = set[0]!.split(';').map((a) => a.trim().toLowerCase());
    expect(attributes).toEqual(expect.arrayContaining(['httponly', 'samesite=lax', 'path=/', 'max-age=28800']));
    expect(attributes).not.toContain('secure');
  });

  it('refuses a change made with the session cookie but without the CSRF token, and allows it with', async () => {
    const { browser, csrf } = await login('oscar', 'oscar-demo');
    const body = JSON.stringify({ name: 'from-browser', namespace: 'login-a', tenant: 'team-a', manifests: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } }] });
    const headers = { 'content-type': 'application/json' };
    const forged = await browser.go(`${url}/api/v1/workloads`, { method: 'POST', headers, body });
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as { detail: string }).detail).toMatch(/x-csrf-token/);
    const wrong = await browser.go(`${url}/api/v1/workloads`, { method: 'POST', headers: { ...headers, 'x-csrf-token': `${csrf.slice(0, -2)}xx` }, body });
    expect(wrong.status).toBe(403);
    const good = await browser.go(`${url}/api/v1/workloads`, { method: 'POST', headers: { ...headers, 'x-csrf-token': csrf }, body });
    expect(good.status).toBe(201);
  });

  it('keeps the session alive with the refresh token, reading the identity again', async () => {
    const { browser } = await login('vera', 'vera-demo');
    const first = (await (await browser.go(`${url}/auth/me`)).json()) as { refreshedAt?: string };
    expect(first.refreshedAt).toBeUndefined();
    // Access tokens live 6 s here; past half of that the hub refreshes before answering.
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    const me = await browser.go(`${url}/auth/me`);
    expect(me.status).toBe(200);
    expect(((await me.json()) as { refreshedAt?: string }).refreshedAt).toEqual(expect.any(String));
    await new Promise((resolve) => setTimeout(resolve, 7_000));
    // Well past the first access token's expiry: still in, through refreshes.
    expect((await browser.go(`${url}/api/v1/workloads`)).status).toBe(200);
  }, 30_000);

  it('logs out: the session ends at the hub and the browser goes to the provider end-session endpoint', async () => {
    const { browser, csrf } = await login('ada', 'ada-demo');
    expect((await browser.go(`${url}/auth/logout`, { method: 'POST' })).status).toBe(403);
    const out = await browser.go(`${url}/auth/logout`, { method: 'POST', headers: { 'x-csrf-token': csrf } });
    expect(out.status).toBe(200);
    const { redirectTo } = (await out.json()) as { redirectTo: string };
    const endSession = new URL(redirectTo);
    expect(endSession.origin + endSession.pathname).toBe(`${idp.issuer}/session/end`);
    expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(`${url}/`);
    expect(endSession.searchParams.get('id_token_hint')).toMatch(/^eyJ/);
    expect(browser.cookies.get(url, 'flotilla_session')).toBeUndefined();
    // The provider accepts the request (its confirmation page).
    expect((await browser.go(redirectTo)).status).toBe(200);
  });

  it('refuses an ended, stolen-then-ended or made-up session with 401', async () => {
    const { browser, csrf } = await login('tom', 'tom-demo');
    const id = browser.cookies.get(url, 'flotilla_session')!;
    await browser.go(`${url}/auth/logout`, { method: 'POST', headers: { 'x-csrf-token': csrf } });
    const replay = await fetch(`${url}/api/v1/workloads`, { headers: { cookie: `flotilla_session=${id}` } });
    expect(replay.status).toBe(401);
    const madeUp = await fetch(`${url}/api/v1/workloads`, { headers: { cookie: `flotilla_session=${'A'.repeat(43)}` } });
    expect(madeUp.status).toBe(401);
    expect((await fetch(`${url}/auth/me`, { headers: { cookie: `flotilla_session=${id}` } })).status).toBe(401);
  });

  it('refuses a callback not started in this browser, a replayed one, and a redirect to another site', async () => {
    const attacker = new Browser();
    const started = await attacker.go(`${url}/auth/login`);
    const state = new URL(started.headers.get('location')!).searchParams.get('state')!;
    const victim = new Browser();
    const planted = await victim.go(`${url}/auth/callback?code=stolen&state=${state}`);
    expect(planted.status).toBe(400);
    expect(((await planted.json()) as { detail: string }).detail).toMatch(/not started in this browser/);
    expect((await attacker.go(`${url}/auth/callback?code=x&state=wrong`)).status).toBe(400);
    for (const returnTo of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      const response = await new Browser().go(`${url}/auth/login?returnTo=${encodeURIComponent(returnTo)}`);
      expect([returnTo, response.status]).toEqual([returnTo, 400]);
    }
  });

  it('refuses a wrong password at the provider, and a user without a Flotilla role gets 403 from the API', async () => {
    const browser = new Browser();
    const start = await browser.follow(`${url}/auth/login`);
    const form = start.visited[start.visited.length - 1]!;
    const wrong = await browser.go(`${form}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'login=ada&password=guess' });
    expect(wrong.status).toBe(401);
    expect(browser.cookies.get(url, 'flotilla_session')).toBeUndefined();

    const { browser: nina } = await login('nina', 'nina-demo');
    const me = (await (await nina.go(`${url}/auth/me`)).json()) as { identity: { subject: string; role?: string } };
    expect(me.identity).toEqual(expect.objectContaining({ subject: 'nina' }));
    expect(me.identity.role).toBeUndefined();
    const refused = await nina.go(`${url}/api/v1/clusters`);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/no Flotilla role/);
  });

  it('never logs a token, code or client secret', () => {
    const leaks = logs.raw.filter((line) => /eyJ[A-Za-z0-9_-]{10,}\.|code=[A-Za-z0-9_-]{20,}/.test(line) || line.includes(idp.hubClient.clientSecret));
    expect(logs.raw.length).toBeGreaterThan(10);
    expect(leaks).toEqual([]);
  });
});

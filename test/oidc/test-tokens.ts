import { HUB_AUDIENCE, TEST_CALLERS, type TestCaller } from './test-idp.ts';

/** Where the run's shared test provider is: set by the integration and fleet global setups. */
export const TEST_OIDC_ISSUER_ENV = 'FLOTILLA_TEST_OIDC_ISSUER';

/** The issuer of the run's shared test provider. */
export function testIssuer(): string {
  const issuer = process.env[TEST_OIDC_ISSUER_ENV];
  if (issuer === undefined) throw new Error(`${TEST_OIDC_ISSUER_ENV} is not set: the jest global setup starts the test OpenID Provider`);
  return issuer;
}

/** The hub settings that trust the shared test provider. */
export function testOidcEnv(): Record<string, string> {
  return { FLOTILLA_OIDC_ISSUER: testIssuer(), FLOTILLA_OIDC_AUDIENCE: HUB_AUDIENCE };
}

const cache = new Map<string, { token: string; until: number }>();

/**
 * A real access token of the shared test provider for `caller` (client-credentials grant),
 * reused until shortly before it expires.
 */
export async function testToken(caller: TestCaller = 'admin', issuer = testIssuer()): Promise<string> {
  const key = `${issuer} ${caller}`;
  const cached = cache.get(key);
  if (cached && cached.until > Date.now()) return cached.token;
  const client = TEST_CALLERS[caller];
  const response = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'client_credentials', resource: HUB_AUDIENCE, scope: 'openid' }),
  });
  const body = (await response.json()) as { access_token?: string; expires_in?: number; error?: string };
  if (!response.ok || body.access_token === undefined) throw new Error(`the test provider refused a token for ${caller}: ${response.status} ${body.error ?? ''}`);
  cache.set(key, { token: body.access_token, until: Date.now() + ((body.expires_in ?? 60) - 60) * 1000 });
  return body.access_token;
}

/** `{ authorization: 'Bearer ...' }` for `caller`, to spread into a request's headers. */
export async function authHeader(caller: TestCaller = 'admin'): Promise<{ authorization: string }> {
  return { authorization: `Bearer ${await testToken(caller)}` };
}

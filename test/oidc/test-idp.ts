import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider, { type Configuration } from 'oidc-provider';

/** The audience of the hub's access tokens, also the resource indicator every token is issued for (an absolute URI). */
export const HUB_AUDIENCE = 'urn:flotilla:hub';

/** People and machines of the test and demo provider: one per role, plus tenant members. */
export interface IdpUser {
  readonly sub: string;
  /** For the provider's login form (a test and demo provider: printed by the demo, never a real secret). */
  readonly password: string;
  readonly email: string;
  readonly groups: readonly string[];
}

export const IDP_USERS: readonly IdpUser[] = [
  { sub: 'ada', password: 'ada-demo', email: 'ada@example.test', groups: ['flotilla-admin'] },
  { sub: 'oscar', password: 'oscar-demo', email: 'oscar@example.test', groups: ['flotilla-operator', 'flotilla-tenant-team-a'] },
  { sub: 'vera', password: 'vera-demo', email: 'vera@example.test', groups: ['flotilla-viewer', 'flotilla-tenant-team-a'] },
  { sub: 'tom', password: 'tom-demo', email: 'tom@example.test', groups: ['flotilla-operator', 'flotilla-tenant-team-b'] },
  // Can log in, but holds no Flotilla role: the hub refuses every API call.
  { sub: 'nina', password: 'nina-demo', email: 'nina@example.test', groups: ['staff'] },
];

export interface IdpClient {
  readonly clientId: string;
  readonly clientSecret: string;
}

/** A machine client (client-credentials grant) and the groups its tokens carry. */
export interface MachineClient extends IdpClient {
  readonly groups: readonly string[];
}

/** The CI client of the demo and the docs: operator of tenant team-a. */
export const MACHINE_CLIENT: MachineClient = { clientId: 'flotilla-ci', clientSecret: 'ci-secret-0123456789abcdef', groups: ['flotilla-operator', 'flotilla-tenant-team-a'] };

/** Machine clients the tests take tokens from, by the caller they stand for. */
export const TEST_CALLERS = {
  admin: { clientId: 'test-admin', clientSecret: 'test-admin-secret-0123456789', groups: ['flotilla-admin'] },
  operator: { clientId: 'test-operator', clientSecret: 'test-operator-secret-0123456789', groups: ['flotilla-operator', 'flotilla-tenant-team-a'] },
  viewer: { clientId: 'test-viewer', clientSecret: 'test-viewer-secret-0123456789', groups: ['flotilla-viewer', 'flotilla-tenant-team-a'] },
  operatorB: { clientId: 'test-operator-b', clientSecret: 'test-operator-b-secret-0123456789', groups: ['flotilla-operator', 'flotilla-tenant-team-b'] },
  noRole: { clientId: 'test-no-role', clientSecret: 'test-no-role-secret-0123456789', groups: ['flotilla-tenant-team-a', 'unrelated'] },
} as const satisfies Record<string, MachineClient>;

export type TestCaller = keyof typeof TEST_CALLERS;

const MACHINE_CLIENTS: readonly MachineClient[] = [MACHINE_CLIENT, ...Object.values(TEST_CALLERS)];

export interface TestIdp {
  /** The issuer URL (http on loopback). */
  readonly issuer: string;
  /** The hub as a confidential client of the authorization code flow. */
  readonly hubClient: IdpClient;
  readonly provider: Provider;
  readonly server: Server;
  /** The private JWK access tokens are signed with, for tests that forge tokens with it. */
  readonly signingKey: JWK;
  close(): Promise<void>;
}

export interface TestIdpOptions {
  /** Where the hub's login may return to (`<hub>/auth/callback`); logout may return to each's `<hub>/`. */
  readonly hubRedirectUris?: readonly string[];
  /** Lifetime of access tokens for the hub, in seconds. @defaultValue 300 */
  readonly accessTokenTtlS?: number;
  /** Listen on this port (a restarted provider keeps its issuer URL). @defaultValue any free port */
  readonly port?: number;
  /** Private signing keys, published in the JWKS; the first signs. @defaultValue one new RS256 key */
  readonly keys?: readonly JWK[];
}

/** A new RS256 private key as a JWK with key id `kid`. */
export async function testSigningKey(kid: string): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, use: 'sig', alg: 'RS256' };
}

/**
 * A real OpenID Provider (oidc-provider) on a loopback port, for the tests and the demo:
 * discovery, JWKS (one RS256 key made at start), authorization code with PKCE for the hub,
 * client credentials for {@link MACHINE_CLIENT} and {@link TEST_CALLERS}, refresh tokens, RP-initiated logout. Access
 * tokens are JWTs for the audience {@link HUB_AUDIENCE} carrying `email` and `groups`.
 */
export async function startTestIdp(options: TestIdpOptions = {}): Promise<TestIdp> {
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const keys = options.keys ?? [await testSigningKey('test-idp-1')];
  const jwk = keys[0]!;
  const hubClient: IdpClient = { clientId: 'flotilla-hub', clientSecret: 'hub-secret-0123456789abcdef' };
  const users = new Map(IDP_USERS.map((u) => [u.sub, u]));
  const redirectUris = options.hubRedirectUris ?? ['http://127.0.0.1/auth/callback'];
  const accessTokenTtl = options.accessTokenTtlS ?? 300;

  const configuration: Configuration = {
    clients: [
      {
        client_id: hubClient.clientId,
        client_secret: hubClient.clientSecret,
        redirect_uris: [...redirectUris],
        post_logout_redirect_uris: redirectUris.map((uri) => uri.replace(/auth\/callback$/, '')),
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
      ...MACHINE_CLIENTS.map((client) => ({ client_id: client.clientId, client_secret: client.clientSecret, grant_types: ['client_credentials'], response_types: [], redirect_uris: [] })),
    ],
    jwks: { keys: [...keys] },
    cookies: { keys: ['test-idp-cookie-key-0123456789'] },
    claims: { openid: ['sub'], email: ['email'], groups: ['groups'] },
    scopes: ['openid', 'email', 'groups', 'offline_access'],
    findAccount: (_ctx, id) => {
      const user = users.get(id);
      return user ? { accountId: id, claims: () => ({ sub: id, email: user.email, groups: [...user.groups] }) } : undefined;
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => HUB_AUDIENCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          if (resource !== HUB_AUDIENCE) throw new Error(`unknown resource ${resource}`);
          return { scope: 'openid email groups', audience: HUB_AUDIENCE, accessTokenFormat: 'jwt', accessTokenTTL: accessTokenTtl, jwt: { sign: { alg: 'RS256' } } };
        },
      },
    },
    extraTokenClaims: (_ctx, token) => {
      // People: their email and groups; the machine client: its own groups.
      const user = 'accountId' in token && typeof token.accountId === 'string' ? users.get(token.accountId) : undefined;
      if (user) return { email: user.email, groups: [...user.groups] };
      const machine = MACHINE_CLIENTS.find((client) => client.clientId === token.clientId);
      if (machine) return { groups: [...machine.groups] };
      return undefined;
    },
    pkce: { required: () => true },
    // Refresh tokens for the hub's login whether or not it asks for offline_access with a consent prompt.
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    ttl: { AccessToken: accessTokenTtl, ClientCredentials: 300, IdToken: 300, RefreshToken: 3600, Session: 3600, Grant: 3600, Interaction: 600 },
  };
  const provider = new Provider(issuer, configuration);
  const handle = provider.callback();
  server.on('request', (request, response) => {
    const path = new URL(request.url ?? '/', issuer).pathname;
    if (path.startsWith('/interaction/')) void interaction(provider, users, request, response);
    else void handle(request, response);
  });
  return {
    issuer,
    hubClient,
    provider,
    server,
    signingKey: jwk,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive connections of clients would hold the close (and the port) otherwise.
        server.closeAllConnections();
      }),
  };
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(response: ServerResponse, status: number, uid: string, error?: string): void {
  response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  response.end(`<!doctype html><html lang="en"><head><title>Test provider: sign in</title></head><body>
<h1>Sign in to the test provider</h1>${error === undefined ? '' : `<p role="alert">${escapeHtml(error)}</p>`}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label>User <input name="login" autocomplete="username" autofocus></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Sign in</button>
</form></body></html>`);
}

async function formOf(request: IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of request) body += String(chunk);
  return new URLSearchParams(body);
}

/**
 * The provider's own login page: a user and password form (IDP_USERS); a good login is also
 * consent to every scope the hub asked for and its resource, as a company provider would have it.
 */
async function interaction(provider: Provider, users: ReadonlyMap<string, IdpUser>, request: IncomingMessage, response: ServerResponse): Promise<void> {
  try {
    const details = await provider.interactionDetails(request, response);
    if (request.method === 'GET') return page(response, 200, details.uid);
    const form = await formOf(request);
    const user = users.get(form.get('login') ?? '');
    if (user === undefined || form.get('password') !== user.password) return page(response, 401, details.uid, 'Unknown user or wrong password.');
    const grant = new provider.Grant({ accountId: user.sub, clientId: String(details.params.client_id) });
    grant.addOIDCScope(typeof details.params.scope === 'string' ? details.params.scope : 'openid');
    grant.addResourceScope(HUB_AUDIENCE, 'openid email groups');
    const grantId = await grant.save();
    await provider.interactionFinished(request, response, { login: { accountId: user.sub }, consent: { grantId } }, { mergeWithLastSubmission: false });
  } catch (error) {
    response.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
    response.end(`login failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type Configuration } from 'oidc-provider';

/** The audience of the hub's access tokens, also the resource indicator every token is issued for (an absolute URI). */
export const HUB_AUDIENCE = 'urn:flotilla:hub';

/** People and machines of the test and demo provider: one per role, plus tenant members. */
export interface IdpUser {
  readonly sub: string;
  readonly email: string;
  readonly groups: readonly string[];
}

export const IDP_USERS: readonly IdpUser[] = [
  { sub: 'ada', email: 'ada@example.test', groups: ['flotilla-admin'] },
  { sub: 'oscar', email: 'oscar@example.test', groups: ['flotilla-operator', 'flotilla-tenant-team-a'] },
  { sub: 'vera', email: 'vera@example.test', groups: ['flotilla-viewer', 'flotilla-tenant-team-a'] },
  { sub: 'tom', email: 'tom@example.test', groups: ['flotilla-operator', 'flotilla-tenant-team-b'] },
];

export interface IdpClient {
  readonly clientId: string;
  readonly clientSecret: string;
}

/** A machine client (client-credentials grant) and the groups its tokens carry. */
export const MACHINE_CLIENT: IdpClient & { readonly groups: readonly string[] } = { clientId: 'flotilla-ci', clientSecret: 'ci-secret-0123456789abcdef', groups: ['flotilla-operator', 'flotilla-tenant-team-a'] };

export interface TestIdp {
  /** The issuer URL (http on loopback). */
  readonly issuer: string;
  /** The hub as a confidential client of the authorization code flow. */
  readonly hubClient: IdpClient;
  readonly provider: Provider;
  close(): Promise<void>;
}

/**
 * A real OpenID Provider (oidc-provider) on a loopback port, for the tests and the demo:
 * discovery, JWKS (one RS256 key made at start), authorization code with PKCE for the hub,
 * client credentials for {@link MACHINE_CLIENT}, refresh tokens, RP-initiated logout. Access
 * tokens are JWTs for the audience {@link HUB_AUDIENCE} carrying `email` and `groups`.
 */
export async function startTestIdp(options: { readonly hubRedirectUris?: readonly string[] } = {}): Promise<TestIdp> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'test-idp-1', use: 'sig', alg: 'RS256' };
  const hubClient: IdpClient = { clientId: 'flotilla-hub', clientSecret: 'hub-secret-0123456789abcdef' };
  const users = new Map(IDP_USERS.map((u) => [u.sub, u]));

  const configuration: Configuration = {
    clients: [
      {
        client_id: hubClient.clientId,
        client_secret: hubClient.clientSecret,
        redirect_uris: [...(options.hubRedirectUris ?? ['http://127.0.0.1/auth/callback'])],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
      { client_id: MACHINE_CLIENT.clientId, client_secret: MACHINE_CLIENT.clientSecret, grant_types: ['client_credentials'], response_types: [], redirect_uris: [] },
    ],
    jwks: { keys: [jwk] },
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
          return { scope: 'openid email groups', audience: HUB_AUDIENCE, accessTokenFormat: 'jwt', accessTokenTTL: 300, jwt: { sign: { alg: 'RS256' } } };
        },
      },
    },
    extraTokenClaims: (_ctx, token) => {
      // People: their email and groups; the machine client: its own groups.
      const user = 'accountId' in token && typeof token.accountId === 'string' ? users.get(token.accountId) : undefined;
      if (user) return { email: user.email, groups: [...user.groups] };
      if (token.clientId === MACHINE_CLIENT.clientId) return { groups: [...MACHINE_CLIENT.groups] };
      return undefined;
    },
    pkce: { required: () => true },
    ttl: { AccessToken: 300, ClientCredentials: 300, IdToken: 300, RefreshToken: 3600, Session: 3600, Grant: 3600, Interaction: 600 },
  };
  const provider = new Provider(issuer, configuration);
  const handle = provider.callback();
  server.on('request', (request, response) => void handle(request, response));
  return {
    issuer,
    hubClient,
    provider,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

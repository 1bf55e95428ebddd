import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRemoteJWKSet, decodeJwt, jwtVerify, SignJWT, generateKeyPair } from 'jose';
import * as client from 'openid-client';
import { HUB_AUDIENCE, MACHINE_CLIENT, startTestIdp, type TestIdp } from '../oidc/test-idp.ts';

/** The real OpenID Provider the tests and the demo use: discovery, JWKS and tokens as the hub will consume them. */
describe('test OpenID Provider (oidc-provider, in process)', () => {
  let idp: TestIdp;

  beforeAll(async () => {
    idp = await startTestIdp();
  });

  afterAll(async () => {
    await idp?.close();
  });

  it('serves discovery with code + PKCE, client credentials, JWKS and end-session', async () => {
    const config = await client.discovery(new URL(idp.issuer), MACHINE_CLIENT.clientId, MACHINE_CLIENT.clientSecret, undefined, { execute: [client.allowInsecureRequests] });
    const meta = config.serverMetadata();
    expect(meta.issuer).toBe(idp.issuer);
    expect(meta.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'client_credentials', 'refresh_token']));
    expect(meta.code_challenge_methods_supported).toContain('S256');
    expect(meta.end_session_endpoint).toBeDefined();
    expect(meta.jwks_uri).toBeDefined();
  });

  it('issues the machine client a JWT access token for the hub, with its groups, that verifies against the JWKS', async () => {
    const config = await client.discovery(new URL(idp.issuer), MACHINE_CLIENT.clientId, MACHINE_CLIENT.clientSecret, undefined, { execute: [client.allowInsecureRequests] });
    const tokens = await client.clientCredentialsGrant(config, { resource: HUB_AUDIENCE });
    const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri as string));
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, { issuer: idp.issuer, audience: HUB_AUDIENCE, algorithms: ['RS256'] });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload.client_id).toBe(MACHINE_CLIENT.clientId);
    expect(payload.groups).toEqual([...MACHINE_CLIENT.groups]);
    expect(typeof payload.exp).toBe('number');
  });

  it('a token signed by another key, or unsigned, does not verify', async () => {
    const jwks = createRemoteJWKSet(new URL(`${idp.issuer}/jwks`));
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ groups: ['flotilla-admin'] }).setProtectedHeader({ alg: 'RS256', kid: 'test-idp-1' }).setIssuer(idp.issuer).setAudience(HUB_AUDIENCE).setExpirationTime('5m').sign(privateKey);
    await expect(jwtVerify(forged, jwks, { issuer: idp.issuer, audience: HUB_AUDIENCE, algorithms: ['RS256'] })).rejects.toThrow(/signature/);
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${Buffer.from(JSON.stringify({ iss: idp.issuer, aud: HUB_AUDIENCE, groups: ['flotilla-admin'] })).toString('base64url')}.`;
    expect(decodeJwt(unsigned).groups).toEqual(['flotilla-admin']);
    await expect(jwtVerify(unsigned, jwks, { issuer: idp.issuer, audience: HUB_AUDIENCE, algorithms: ['RS256'] })).rejects.toThrow();
  });
});

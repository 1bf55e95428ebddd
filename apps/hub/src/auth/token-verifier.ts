import { Inject, Injectable, Logger } from '@nestjs/common';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import * as oidc from 'openid-client';
import type { Config } from '../../../../libs/config/src/index.ts';
import { HUB_CONFIG } from '../config/hub-config.token.ts';
import { InvalidTokenError, ProviderUnavailableError } from './auth-errors.ts';

export { InvalidTokenError, ProviderUnavailableError };

/** Retry of a failed discovery: at most once per this many milliseconds. */
const DISCOVERY_RETRY_MS = 2_000;

/**
 * Verifies bearer tokens of the configured OpenID Provider: signature against its JWKS (keys
 * fetched from the discovery document's `jwks_uri`, cached, and fetched again when a token
 * names a key id not seen yet, so keys the provider rotates are picked up), an allow-list of
 * algorithms, issuer, audience, expiry and not-before. Discovery runs on first use and again
 * after a failure, so the hub starts while the provider is down.
 */
@Injectable()
export class TokenVerifier {
  private readonly logger = new Logger(TokenVerifier.name);
  private discovered: Promise<{ configuration: oidc.Configuration; jwks: ReturnType<typeof createRemoteJWKSet> }> | undefined;
  private failedAt = 0;

  constructor(@Inject(HUB_CONFIG) private readonly config: Config) {}

  /** The provider's metadata and the hub as its client, discovered once. */
  async provider(): Promise<{ configuration: oidc.Configuration; jwks: ReturnType<typeof createRemoteJWKSet> }> {
    if (this.discovered === undefined) {
      if (Date.now() - this.failedAt < DISCOVERY_RETRY_MS) throw new ProviderUnavailableError('the OpenID Provider could not be reached a moment ago; try again shortly');
      this.discovered = this.discover().catch((error: unknown) => {
        this.discovered = undefined;
        this.failedAt = Date.now();
        this.logger.warn({ issuer: this.config.oidcIssuer, err: error }, 'OpenID Provider discovery failed');
        throw new ProviderUnavailableError(`the OpenID Provider at ${this.config.oidcIssuer} could not be reached`, { cause: error });
      });
    }
    return this.discovered;
  }

  private async discover(): Promise<{ configuration: oidc.Configuration; jwks: ReturnType<typeof createRemoteJWKSet> }> {
    const issuer = new URL(this.config.oidcIssuer);
    const secret = this.config.oidcClientSecret;
    const configuration = await oidc.discovery(
      issuer,
      this.config.oidcClientId,
      secret === '' ? undefined : secret,
      secret === '' ? oidc.None() : oidc.ClientSecretBasic(secret),
      // Plain http only reaches a loopback provider: the configuration refuses anything else.
      issuer.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests], timeout: 5 } : { timeout: 5 },
    );
    const jwksUri = configuration.serverMetadata().jwks_uri;
    if (jwksUri === undefined) throw new Error('the discovery document names no jwks_uri');
    const jwks = createRemoteJWKSet(new URL(jwksUri), { timeoutDuration: 5_000, cooldownDuration: 10_000, cacheMaxAge: 600_000 });
    this.logger.log({ issuer: configuration.serverMetadata().issuer, jwksUri }, 'OpenID Provider discovered');
    return { configuration, jwks };
  }

  /** The verified claims of `token`; throws {@link InvalidTokenError} or {@link ProviderUnavailableError}. */
  async verify(token: string): Promise<JWTPayload> {
    const { configuration, jwks } = await this.provider();
    try {
      const { payload } = await jwtVerify(token, jwks, {
        issuer: configuration.serverMetadata().issuer,
        audience: this.config.oidcAudience,
        algorithms: [...this.config.oidcAlgorithms],
        clockTolerance: this.config.oidcClockToleranceS,
        requiredClaims: ['exp'],
      });
      return payload;
    } catch (error) {
      throw refusal(error);
    }
  }
}

/** The caller-facing reason for a refused token, or the provider fault behind it. */
function refusal(error: unknown): Error {
  if (error instanceof joseErrors.JWTExpired) return new InvalidTokenError('the token has expired');
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    const claim = error.claim;
    if (claim === 'iss') return new InvalidTokenError('the token was issued by another provider');
    if (claim === 'aud') return new InvalidTokenError('the token is not meant for this hub (audience)');
    if (claim === 'nbf') return new InvalidTokenError('the token is not valid yet');
    return new InvalidTokenError(`the token's ${claim} claim is missing or invalid`);
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return new InvalidTokenError('the token is signed with an algorithm this hub does not accept');
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return new InvalidTokenError('the token signature does not verify');
  if (error instanceof joseErrors.JWKSNoMatchingKey) return new InvalidTokenError('the token is signed with a key the provider does not publish');
  if (error instanceof joseErrors.JWKSTimeout || error instanceof joseErrors.JWKSInvalid || error instanceof ProviderUnavailableError) {
    return new ProviderUnavailableError('the keys of the OpenID Provider could not be read', { cause: error });
  }
  if (error instanceof joseErrors.JOSEError) return new InvalidTokenError('the token is not a well-formed signed JWT');
  if (error instanceof TypeError || (error instanceof Error && /fetch|ECONNREFUSED|network/i.test(error.message))) {
    return new ProviderUnavailableError('the keys of the OpenID Provider could not be read', { cause: error });
  }
  return new InvalidTokenError('the token could not be verified');
}

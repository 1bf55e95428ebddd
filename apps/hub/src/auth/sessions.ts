import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ForbiddenException, type HttpException, Inject, Injectable, Logger, ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import * as oidc from 'openid-client';
import type { Config } from '../../../../libs/config/src/index.ts';
import { type SealedSecret, SecretBox } from '../../../../libs/crypto/src/index.ts';
import { type Identity, identityFromClaims } from '../../../../libs/identity/src/index.ts';
import { HUB_CONFIG } from '../config/hub-config.token.ts';
import { REDIS } from '../redis/redis.token.ts';
import { InvalidTokenError, TokenVerifier } from './token-verifier.ts';

/** The session cookie: an opaque random id; Redis holds the session under its SHA-256. */
export const SESSION_COOKIE = 'flotilla_session';
/** The header a cookie-authenticated request that changes anything must carry, with the session's CSRF token. */
export const CSRF_HEADER = 'x-csrf-token';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A browser session as stored; tokens sealed with the key ring, the access token not kept at all. */
interface StoredSession {
  readonly identity: Identity;
  readonly csrf: string;
  readonly createdAt: number;
  /** Absolute end (FLOTILLA_SESSION_TTL_S after login), refreshes included. */
  readonly endsAt: number;
  /** When the access token the identity was read from expires; refreshed shortly before. */
  readonly accessExpiresAt: number;
  readonly accessLifetimeMs: number;
  readonly refreshedAt?: number;
  readonly refreshToken?: SealedSecret;
  readonly idToken?: SealedSecret;
}

/** What a caller of the session API sees: never a token, only who and until when. */
export interface SessionView {
  readonly identity: Identity;
  readonly csrfToken: string;
  readonly endsAt: string;
  readonly refreshedAt?: string;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Browser sessions of the OIDC login: kept in Redis (shared by every hub replica) behind an
 * httpOnly, SameSite=Lax cookie, Secure when the public URL is https. The identity comes from
 * the provider's tokens and is read again at every refresh, so a changed group shows within one
 * access-token lifetime; a refresh the provider refuses ends the session.
 */
@Injectable()
export class Sessions {
  private readonly logger = new Logger(Sessions.name);
  /** The session the authentication hook already read for a request, so a handler does not read it again. */
  private readonly seen = new WeakMap<FastifyRequest, StoredSession>();

  constructor(
    @Inject(HUB_CONFIG) private readonly config: Config,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly verifier: TokenVerifier,
    private readonly box: SecretBox,
  ) {}

  get secureCookies(): boolean {
    return this.config.publicUrl.startsWith('https:');
  }

  /** Reads the caller from the session cookie: null without one, an error to answer with when it cannot be used. */
  async identify(request: FastifyRequest, reply: FastifyReply): Promise<Identity | null | HttpException> {
    const id = request.cookies[SESSION_COOKIE];
    if (id === undefined || id === '') return null;
    const loaded = await this.load(id);
    if (loaded === undefined) {
      this.clearCookie(reply);
      return new UnauthorizedException('the session has ended: log in again at /auth/login');
    }
    if (UNSAFE.has(request.method)) {
      const given = request.headers[CSRF_HEADER];
      if (typeof given !== 'string' || !sameSecret(given, loaded.csrf)) {
        return new ForbiddenException(`a change made with a session cookie needs the ${CSRF_HEADER} header of the session (GET /auth/me gives it)`);
      }
    }
    const session = await this.refreshIfDue(id, loaded);
    if (session instanceof Error) {
      if (session instanceof UnauthorizedException) this.clearCookie(reply);
      return session;
    }
    this.seen.set(request, session);
    return session.identity;
  }

  /** The session behind the request's cookie, for /auth/me; undefined without a live one. */
  async view(request: FastifyRequest): Promise<SessionView | undefined> {
    const id = request.cookies[SESSION_COOKIE];
    if (id === undefined || id === '') return undefined;
    let session: StoredSession | HttpException | undefined = this.seen.get(request);
    if (session === undefined) {
      const loaded = await this.load(id);
      if (loaded === undefined) return undefined;
      session = await this.refreshIfDue(id, loaded);
    }
    if (session instanceof Error) return undefined;
    return {
      identity: session.identity,
      csrfToken: session.csrf,
      endsAt: new Date(session.endsAt).toISOString(),
      ...(session.refreshedAt === undefined ? {} : { refreshedAt: new Date(session.refreshedAt).toISOString() }),
    };
  }

  /** Starts a session for the tokens of a finished login; sets the cookie. */
  async start(tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers, reply: FastifyReply): Promise<Identity> {
    const identity = await this.identityOf(tokens);
    const now = Date.now();
    const id = randomBytes(32).toString('base64url');
    const lifetime = Math.max(2, tokens.expires_in ?? 300) * 1000;
    const session: StoredSession = {
      identity,
      csrf: randomBytes(24).toString('base64url'),
      createdAt: now,
      endsAt: now + this.config.sessionTtlS * 1000,
      accessExpiresAt: now + lifetime,
      accessLifetimeMs: lifetime,
      ...this.sealTokens(id, tokens),
    };
    await this.save(id, session);
    void reply.setCookie(SESSION_COOKIE, id, { httpOnly: true, sameSite: 'lax', secure: this.secureCookies, path: '/', maxAge: this.config.sessionTtlS });
    return identity;
  }

  /**
   * Ends the request's session when `csrf` is its CSRF token (without a session cookie there is
   * nothing to end: idempotent). Answers whether it ended, and the ID token, when there was one,
   * for the provider's end-session hint.
   */
  async end(request: FastifyRequest, reply: FastifyReply, csrf: unknown): Promise<{ ended: boolean; idToken?: string }> {
    const id = request.cookies[SESSION_COOKIE];
    if (id === undefined) {
      this.clearCookie(reply);
      return { ended: true };
    }
    const session = await this.load(id);
    if (session === undefined || typeof csrf !== 'string' || !sameSecret(csrf, session.csrf)) return { ended: false };
    await this.redis.del(this.key(id));
    this.clearCookie(reply);
    return { ended: true, ...(session.idToken === undefined ? {} : { idToken: this.open(id, session.idToken, 'id') }) };
  }

  private clearCookie(reply: FastifyReply): void {
    void reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure: this.secureCookies, path: '/' });
  }

  /** The caller the tokens stand for: the access token when it is a JWT for this hub, else the (verified) ID token. */
  private async identityOf(tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers): Promise<Identity> {
    const mapping = { claim: this.config.oidcGroupsClaim, prefix: this.config.oidcGroupsPrefix };
    try {
      return identityFromClaims(await this.verifier.verify(tokens.access_token), mapping);
    } catch (error) {
      if (!(error instanceof InvalidTokenError)) throw error;
      const claims = tokens.claims();
      if (claims === undefined) throw new UnauthorizedException(`the provider's tokens name no caller this hub accepts (${error.detail})`);
      return identityFromClaims(claims, mapping);
    }
  }

  private async refreshIfDue(id: string, session: StoredSession): Promise<StoredSession | HttpException> {
    const now = Date.now();
    const margin = Math.min(30_000, session.accessLifetimeMs / 2);
    if (now < session.accessExpiresAt - margin) return session;
    if (session.refreshToken === undefined) {
      // Without a refresh token the session lasts as long as the access token did.
      if (now < session.accessExpiresAt) return session;
      await this.redis.del(this.key(id));
      return new UnauthorizedException('the session has ended (the provider gave no refresh token): log in again at /auth/login');
    }
    // One refresh per session at a time: a refresh token may be single-use.
    const lock = await this.redis.set(`${this.key(id)}:refreshing`, '1', 'PX', 10_000, 'NX');
    if (lock === null) return now < session.accessExpiresAt ? session : new ServiceUnavailableException('the session is being refreshed; try again in a moment');
    try {
      const { configuration } = await this.verifier.provider();
      const tokens = await oidc.refreshTokenGrant(configuration, this.open(id, session.refreshToken, 'refresh'));
      const lifetime = Math.max(2, tokens.expires_in ?? 300) * 1000;
      const next: StoredSession = {
        ...session,
        identity: await this.identityOf(tokens),
        accessExpiresAt: Date.now() + lifetime,
        accessLifetimeMs: lifetime,
        refreshedAt: Date.now(),
        ...this.sealTokens(id, tokens, session),
      };
      await this.save(id, next);
      return next;
    } catch (error) {
      if (error instanceof oidc.ResponseBodyError || error instanceof UnauthorizedException) {
        // The provider refused (revoked, expired, user disabled): the session is over.
        await this.redis.del(this.key(id));
        return new UnauthorizedException('the provider ended the session: log in again at /auth/login');
      }
      this.logger.warn({ err: error }, 'session refresh failed: the OpenID Provider could not be reached');
      return now < session.accessExpiresAt ? session : new ServiceUnavailableException('the OpenID Provider could not be reached to refresh the session; try again shortly');
    } finally {
      await this.redis.del(`${this.key(id)}:refreshing`);
    }
  }

  private sealTokens(id: string, tokens: oidc.TokenEndpointResponse, previous?: StoredSession): Pick<StoredSession, 'refreshToken' | 'idToken'> {
    const refresh = tokens.refresh_token === undefined ? previous?.refreshToken : this.box.seal(tokens.refresh_token, this.context(id, 'refresh'));
    const idToken = tokens.id_token === undefined ? previous?.idToken : this.box.seal(tokens.id_token, this.context(id, 'id'));
    return { ...(refresh === undefined ? {} : { refreshToken: refresh }), ...(idToken === undefined ? {} : { idToken }) };
  }

  private open(id: string, sealed: SealedSecret, what: 'refresh' | 'id'): string {
    return this.box.open(sealed, this.context(id, what));
  }

  private context(id: string, what: string): string {
    return `session:${sha256(id)}:${what}`;
  }

  private key(id: string): string {
    return `${this.config.keyPrefix}:session:${sha256(id)}`;
  }

  private async load(id: string): Promise<StoredSession | undefined> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return undefined;
    const raw = await this.redis.get(this.key(id));
    if (raw === null) return undefined;
    const session = JSON.parse(raw) as StoredSession;
    if (Date.now() >= session.endsAt) {
      await this.redis.del(this.key(id));
      return undefined;
    }
    // Sliding idle timeout, never past the absolute end.
    await this.redis.pexpire(this.key(id), Math.min(this.config.sessionIdleS * 1000, session.endsAt - Date.now()));
    return session;
  }

  private async save(id: string, session: StoredSession): Promise<void> {
    await this.redis.set(this.key(id), JSON.stringify(session), 'PX', Math.max(1, Math.min(this.config.sessionIdleS * 1000, session.endsAt - Date.now())));
  }
}

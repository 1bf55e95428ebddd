import { BadRequestException, Controller, ForbiddenException, Get, Headers, HttpCode, Inject, Post, Query, Req, Res, UnauthorizedException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import * as oidc from 'openid-client';
import type { Config } from '../../../../libs/config/src/index.ts';
import { HUB_CONFIG } from '../config/hub-config.token.ts';
import { REDIS } from '../redis/redis.token.ts';
import type { Identity } from '../../../../libs/identity/src/index.ts';
import { Access } from './access.ts';
import { ApiAnswer, ApiProblems, ApiQueries, schemaRef } from '../openapi/api-docs.ts';
import { ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Caller } from './caller.decorator.ts';
import { CSRF_HEADER, Sessions, type SessionView } from './sessions.ts';
import { TokenVerifier } from './token-verifier.ts';

/** Binds a login to the browser that started it: holds the `state` of the authorization request. */
const LOGIN_COOKIE = 'flotilla_login';
const LOGIN_TTL_S = 600;

/** A login in flight: what the callback needs to finish it. */
interface PendingLogin {
  readonly codeVerifier: string;
  readonly nonce: string;
  readonly returnTo: string;
}

/** Only a path of this hub: never another origin (`//host`, `/\host`) to send the browser to. */
function safeReturnTo(raw: unknown): string {
  if (typeof raw !== 'string' || raw === '') return '/';
  if (!/^\/(?![/\\])[\x21-\x7E]{0,1999}$/.test(raw)) throw new BadRequestException('returnTo must be a path of this hub, such as /workloads');
  return raw;
}

/**
 * Browser login with the authorization code flow, PKCE, state and nonce; the hub is a
 * confidential client of the provider (openid-client). After the callback the browser holds
 * only a session cookie; tokens stay on the hub, sealed.
 */
@ApiTags('identity')
@Controller('auth')
export class AuthController {
  constructor(
    @Inject(HUB_CONFIG) private readonly config: Config,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly verifier: TokenVerifier,
    private readonly sessions: Sessions,
  ) {}

  private get callbackUrl(): URL {
    return new URL('auth/callback', `${this.config.publicUrl.replace(/\/+$/, '')}/`);
  }

  private pendingKey(state: string): string {
    return `${this.config.keyPrefix}:login:${state}`;
  }

  /** Sends the browser to the provider; `returnTo` is where it lands after login. */
  @Access('public')
  @ApiOperation({ summary: 'Browser login: redirects to the OpenID Provider' })
  @ApiQueries({ name: 'returnTo', description: 'A path of this hub to land on after login.' })
  @ApiResponse({ status: 302, description: 'To the provider.' })
  @ApiProblems(400)
  @Get('login')
  async login(@Query('returnTo') returnTo: unknown, @Res() reply: FastifyReply): Promise<void> {
    const target = safeReturnTo(returnTo);
    const { configuration } = await this.verifier.provider();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const pending: PendingLogin = { codeVerifier, nonce, returnTo: target };
    await this.redis.set(this.pendingKey(state), JSON.stringify(pending), 'EX', LOGIN_TTL_S);
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: this.callbackUrl.href,
      scope: this.config.oidcScopes,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    void reply
      .setCookie(LOGIN_COOKIE, state, { httpOnly: true, sameSite: 'lax', secure: this.sessions.secureCookies, path: '/auth', maxAge: LOGIN_TTL_S })
      .header('cache-control', 'no-store')
      .redirect(url.href, 302);
  }

  /** The provider sends the browser back here with a code: exchanged for tokens, a session started. */
  @Access('public')
  @ApiOperation({ summary: 'Where the provider sends the browser back; starts the session' })
  @ApiResponse({ status: 303, description: 'To returnTo, with the session cookie.' })
  @ApiProblems(400, 401)
  @Get('callback')
  async callback(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const query = request.query as Record<string, unknown>;
    const state = typeof query.state === 'string' ? query.state : undefined;
    const bound = request.cookies[LOGIN_COOKIE];
    void reply.clearCookie(LOGIN_COOKIE, { path: '/auth' });
    if (state === undefined || bound === undefined || bound !== state) {
      throw new BadRequestException('this login was not started in this browser, or it expired: start again at /auth/login');
    }
    const raw = await this.redis.getdel(this.pendingKey(state));
    if (raw === null) throw new BadRequestException('this login expired or was already finished: start again at /auth/login');
    const pending = JSON.parse(raw) as PendingLogin;
    if (typeof query.error === 'string') {
      throw new UnauthorizedException(`the provider refused the login: ${query.error.replace(/[^\x20-\x7E]/g, '').slice(0, 100)}`);
    }
    const { configuration } = await this.verifier.provider();
    const current = new URL(this.callbackUrl);
    current.search = new URL(request.url, 'http://localhost').search;
    let tokens;
    try {
      tokens = await oidc.authorizationCodeGrant(configuration, current, { pkceCodeVerifier: pending.codeVerifier, expectedState: state, expectedNonce: pending.nonce, idTokenExpected: true });
    } catch (error) {
      if (error instanceof oidc.ResponseBodyError || error instanceof oidc.AuthorizationResponseError) throw new UnauthorizedException(`the provider refused the login: ${error.error}`);
      throw error;
    }
    await this.sessions.start(tokens, reply);
    void reply.header('cache-control', 'no-store').redirect(pending.returnTo, 303);
  }

  /** Who the caller is (bearer token or session); for a session also its CSRF token for changes and its end. */
  @Access('identified')
  @ApiOperation({ summary: 'Who the hub thinks the caller is (any verified caller, with or without a role)' })
  @ApiAnswer(200, schemaRef('Me'), 'The identity; for a session also its CSRF token.')
  @Get('me')
  async me(@Req() request: FastifyRequest, @Caller() caller: Identity, @Res({ passthrough: true }) reply: FastifyReply): Promise<Partial<SessionView> & { identity: Identity }> {
    void reply.header('cache-control', 'no-store');
    const session = request.headers.authorization === undefined ? await this.sessions.view(request) : undefined;
    return { ...session, identity: caller };
  }

  /**
   * Ends the session (CSRF token required) and answers where to send the browser: the
   * provider's end-session endpoint when it has one, so the login there ends too, else /.
   */
  @Access('public')
  @ApiOperation({ summary: "End the browser session; answers where to send the browser (the provider's logout)" })
  @ApiHeader({ name: 'x-csrf-token', required: true, description: "The session's CSRF token." })
  @ApiAnswer(200, { type: 'object', required: ['redirectTo'], properties: { redirectTo: { type: 'string' } }, additionalProperties: false }, 'Ended.')
  @ApiProblems(403)
  @Post('logout')
  @HttpCode(200)
  async logout(@Req() request: FastifyRequest, @Headers(CSRF_HEADER) csrf: string | undefined, @Res({ passthrough: true }) reply: FastifyReply): Promise<{ redirectTo: string }> {
    const { ended, idToken } = await this.sessions.end(request, reply, csrf);
    if (!ended) throw new ForbiddenException(`logout needs the ${CSRF_HEADER} header of the session (GET /auth/me gives it)`);
    const home = `${this.config.publicUrl.replace(/\/+$/, '')}/`;
    const { configuration } = await this.verifier.provider().catch(() => ({ configuration: undefined }));
    if (configuration?.serverMetadata().end_session_endpoint === undefined || idToken === undefined) return { redirectTo: home };
    return { redirectTo: oidc.buildEndSessionUrl(configuration, { id_token_hint: idToken, post_logout_redirect_uri: home }).href };
  }
}

import { ForbiddenException, HttpException, ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../../../libs/config/src/index.ts';
import { hasRole, type Identity, identityFromClaims } from '../../../../libs/identity/src/index.ts';
import { type FaultLog, sendProblem } from '../problems/send-problem.ts';
import { accessOf } from './access.ts';
import { InvalidTokenError, ProviderUnavailableError, type TokenVerifier } from './token-verifier.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified caller; set by the authentication hook, absent on public routes without credentials. */
    identity: Identity | null;
  }
}

/** Finds the caller of a request other than by bearer token (the browser session): null when there is none, an error to answer with when it cannot be used. */
export type SessionIdentity = (request: FastifyRequest, reply: FastifyReply) => Promise<Identity | null | HttpException>;

const BEARER = /^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)$/i;

/** Logs a fault of the hub met while authenticating (the caller gets a 500 naming the request id). */
export type AuthFaultLog = FaultLog;

const deny = sendProblem;

/**
 * Authentication and role checks for every request, as a Fastify onRequest hook: it runs for
 * every route, Nest's or not, before the body is read, so an unauthenticated caller never gets
 * a body parsed or learns which routes exist.
 *
 * - `public` routes pass; `metrics` passes when configured public.
 * - Otherwise a bearer token (verified by {@link TokenVerifier}) or a browser session is
 *   required: none or a bad one is 401 with `WWW-Authenticate: Bearer`. A session request
 *   that changes anything must carry the session's CSRF token.
 * - A caller without a role, below the route's role, or on a route that declares no access
 *   rule at all gets 403. Unknown paths then get their 404.
 */
export function installAuthentication(fastify: FastifyInstance, config: Config, verifier: TokenVerifier, session: SessionIdentity, logFault: AuthFaultLog): void {
  const mapping = { claim: config.oidcGroupsClaim, prefix: config.oidcGroupsPrefix };
  fastify.decorateRequest('identity', null);
  fastify.addHook('onRequest', async (request, reply) => {
    const access = accessOf(request);
    if (access === 'public' || (access === 'metrics' && config.metricsPublic)) return;

    let identity: Identity | null;
    const header = request.headers.authorization;
    if (header !== undefined) {
      const token = BEARER.exec(header)?.[1];
      if (token === undefined) {
        return deny(request, reply, new UnauthorizedException('the Authorization header must be "Bearer <token>"'), { 'www-authenticate': 'Bearer realm="flotilla", error="invalid_request"' });
      }
      try {
        identity = identityFromClaims(await verifier.verify(token), mapping);
      } catch (error) {
        if (error instanceof InvalidTokenError) {
          return deny(request, reply, new UnauthorizedException(`invalid bearer token: ${error.detail}`), { 'www-authenticate': `Bearer realm="flotilla", error="invalid_token", error_description="${error.detail}"` });
        }
        if (error instanceof ProviderUnavailableError) return deny(request, reply, new ServiceUnavailableException(`${error.message}; try again shortly`), { 'retry-after': '5' });
        return deny(request, reply, error, {}, logFault);
      }
    } else {
      let found: Identity | null | HttpException;
      try {
        found = await session(request, reply);
      } catch (error) {
        // Redis or the provider failed under the session: refused, never let through.
        return deny(request, reply, error, {}, logFault);
      }
      if (found instanceof HttpException) return deny(request, reply, found, found.getStatus() === 401 ? { 'www-authenticate': 'Bearer realm="flotilla"' } : {});
      identity = found;
    }
    if (identity === null) {
      return deny(request, reply, new UnauthorizedException('this route needs an identity: send "Authorization: Bearer <token>" from the OpenID Provider, or log in at /auth/login'), { 'www-authenticate': 'Bearer realm="flotilla"' });
    }
    request.identity = identity;
    if (access === 'identified') return;
    if (identity.role === undefined) {
      return deny(request, reply, new ForbiddenException(`no Flotilla role: the "${config.oidcGroupsClaim}" claim holds none of ${config.oidcGroupsPrefix}viewer, ${config.oidcGroupsPrefix}operator, ${config.oidcGroupsPrefix}admin`));
    }
    if (request.is404) return;
    if (access === undefined) return deny(request, reply, new ForbiddenException('this route declares no access rule, so it is refused to everyone'));
    const needed = access === 'metrics' ? 'viewer' : access;
    if (!hasRole(identity, needed)) return deny(request, reply, new ForbiddenException(`this needs role ${needed}; yours is ${identity.role}`));
    return;
  });
}

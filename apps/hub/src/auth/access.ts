import { applyDecorators } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExtension, ApiSecurity } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Role } from '../../../../libs/identity/src/index.ts';
import { ApiProblems } from '../openapi/api-docs.ts';

/**
 * Who may call a route: `public` (no identity: health, login), `metrics` (public unless
 * FLOTILLA_METRICS_PUBLIC=false, then viewer), `identified` (any verified caller, with or
 * without a role: who-am-I), or the least role. A route that declares nothing is refused to
 * everyone, admins included: deny by default.
 */
export type RouteAccess = 'public' | 'metrics' | 'identified' | Role;

/** The OpenAPI extension that names a route's access in the document (`x-flotilla-access`). */
export const ACCESS_EXTENSION = 'x-flotilla-access';

/**
 * Declares who may call a handler; read by the authentication hook before the body is parsed.
 * The OpenAPI document shows the same rule: the access as an extension, and for routes that
 * need an identity the security schemes (a bearer token, or OpenID Connect) and the answers
 * of the authentication hook (401, 403, 503).
 */
export const Access = (access: RouteAccess): MethodDecorator => {
  const secured = access !== 'public' && access !== 'metrics';
  return applyDecorators(RouteConfig({ access }), ApiExtension(ACCESS_EXTENSION, access), ...(secured ? [ApiSecurity('bearer'), ApiSecurity('oidc'), ApiProblems(401, 403, 503)] : []));
};

/** The access a request's route declares; undefined for unknown routes and routes that declare none. */
export function accessOf(request: FastifyRequest): RouteAccess | undefined {
  const config = request.routeOptions.config as { access?: RouteAccess } | undefined;
  return config?.access;
}

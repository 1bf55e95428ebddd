import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import type { Role } from '../../../../libs/identity/src/index.ts';

/**
 * Who may call a route: `public` (no identity: health, login), `metrics` (public unless
 * FLOTILLA_METRICS_PUBLIC=false, then viewer), `identified` (any verified caller, with or
 * without a role: who-am-I), or the least role. A route that declares nothing is refused to
 * everyone, admins included: deny by default.
 */
export type RouteAccess = 'public' | 'metrics' | 'identified' | Role;

/** Declares who may call a handler; read by the authentication hook before the body is parsed. */
export const Access = (access: RouteAccess): MethodDecorator => RouteConfig({ access });

/** The access a request's route declares; undefined for unknown routes and routes that declare none. */
export function accessOf(request: FastifyRequest): RouteAccess | undefined {
  const config = request.routeOptions.config as { access?: RouteAccess } | undefined;
  return config?.access;
}

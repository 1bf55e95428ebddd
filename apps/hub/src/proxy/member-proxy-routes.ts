import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import type { RouteAccess } from '../auth/access.ts';
import { MemberProxy } from './member-proxy.ts';
import { PROXY_ROUTE } from './proxy-request.ts';

/**
 * Registers the member proxy as plain Fastify routes rather than a Nest controller: it streams
 * bodies both ways, which Nest's body parsing and interceptors are not made for. The routes sit
 * in an encapsulated Fastify context whose only content-type parser leaves the body unread, so
 * JSON, YAML, protobuf or anything else reaches the member byte for byte. The hub-wide hooks
 * (request id, authentication and role check, audit, HTTP metrics) were added to the root
 * instance before this runs, so they apply here as everywhere.
 *
 * Access: reads (GET, and HEAD with it) need viewer, changes operator; the member's RBAC then
 * decides per user. Every request is audited, reads included (`auditReads`).
 */
@Injectable()
export class MemberProxyRoutes implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly proxy: MemberProxy,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    // Not awaited: awaiting would make Fastify load its plugins and build the routes Nest has
    // added so far now, before Nest sets its error handler, and those routes would keep
    // Fastify's default one (body parser errors as 500). The plugin loads with the rest at ready.
    void fastify.register((scope: FastifyInstance, _options, done) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', (_request, _payload, parsed) => parsed(null, undefined));
      const route = (method: string | string[], access: RouteAccess): void => {
        scope.route({ method, url: PROXY_ROUTE, config: { access, auditReads: true }, handler: (request, reply) => this.proxy.handle(request, reply) });
      };
      route('GET', 'viewer');
      route(['POST', 'PUT', 'PATCH', 'DELETE'], 'operator');
      done();
    });
  }
}

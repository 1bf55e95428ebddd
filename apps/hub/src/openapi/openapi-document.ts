import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { Config } from '../../../../libs/config/src/index.ts';
import { readBuildInfo } from '../build-info.ts';
import { API_SCHEMAS } from './api-schemas.ts';
import { PROXY_OPENAPI_PATH, proxyPathItem } from '../proxy/proxy-openapi.ts';

/** The resources of the API, one tag each, in the order the docs page shows them. */
export const API_TAGS = {
  clusters: 'Member clusters: registration, credentials, cordon (docs/clusters.md)',
  workloads: 'Workloads: manifests, placement, overrides, status, history (docs/workloads.md)',
  'override-sets': 'Named, reusable override rules',
  failover: 'The failover controller: state, fences, drains, forced failovers (docs/failover.md)',
  fleet: 'Member objects across the fleet: cross-cluster lists from watch caches or live reads (docs/fleet-reads.md)',
  events: 'What happened to clusters and workloads, newest first',
  audit: 'The tamper-evident audit trail (docs/audit.md)',
  queues: 'Job queues: depth, jobs by state, retries, pending cleanups',
  identity: 'Login, logout and who am I (docs/identity.md)',
  health: 'Liveness, readiness, metrics',
} as const;

export type ApiTag = keyof typeof API_TAGS;

const DESCRIPTION = [
  'One API over the fleet. Conventions (docs/api.md): bodies and answers in JSON, or YAML',
  '(`application/yaml`, by Content-Type and by Accept); errors as `application/problem+json` (RFC 9457)',
  'with a stable `type`, and `invalidParams` naming every bad field; lists page with `limit` and an',
  'opaque `continue` token; reads answer an `ETag`, changes take `If-Match` and answer 409 when the',
  'object moved on. Authentication: a bearer access token from the OpenID Provider, or a browser',
  'session (cookie, with `x-csrf-token` on changes). `x-flotilla-access` on each operation names the',
  'least role (viewer, operator, admin) or public.',
].join(' ');

/**
 * The OpenAPI 3 document of the hub, scanned from the controllers' decorators: paths and
 * methods come from the routes themselves, so the document cannot list a route the hub does
 * not serve or leave one out.
 */
export function createOpenApiDocument(app: INestApplication, config: Config): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('Flotilla hub API')
    .setDescription(DESCRIPTION)
    .setVersion(readBuildInfo().version)
    .setOpenAPIVersion('3.0.3')
    .addServer(config.publicUrl.replace(/\/+$/, ''))
    .addSecurity('bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: `An access token of ${config.oidcIssuer} for the audience ${config.oidcAudience}.` })
    .addSecurity('oidc', { type: 'openIdConnect', openIdConnectUrl: `${config.oidcIssuer.replace(/\/+$/, '')}/.well-known/openid-configuration` });
  for (const [name, description] of Object.entries(API_TAGS)) builder.addTag(name, description);
  const base = builder.build();
  const document = SwaggerModule.createDocument(
    app,
    { ...base, components: { ...base.components, schemas: API_SCHEMAS as unknown as NonNullable<OpenAPIObject['components']>['schemas'] } },
    { operationIdFactory: (controller, method) => `${controller.replace(/(Api)?Controller$/, '').replace(/^./, (c) => c.toLowerCase())}${method.replace(/^./, (c) => c.toUpperCase())}` },
  );
  // The member proxy is not a Nest controller (it streams bodies unparsed): it describes itself.
  document.paths[PROXY_OPENAPI_PATH] = proxyPathItem();
  return document;
}

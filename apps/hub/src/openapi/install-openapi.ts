import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../../../libs/config/src/index.ts';
import type { RouteAccess } from '../auth/access.ts';
import { createOpenApiDocument } from './openapi-document.ts';

export const OPENAPI_JSON_PATH = '/api/openapi.json';
export const OPENAPI_YAML_PATH = '/api/openapi.yaml';
export const DOCS_PATH = '/api/docs';

/**
 * The page's assets come from this hub only (swagger-ui-dist, served locally): no CDN, so the
 * page works without internet, and nothing else may load. Inline styles are Swagger UI's own.
 */
const DOCS_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const isDocsRoute = (url: string): boolean => url === OPENAPI_JSON_PATH || url === OPENAPI_YAML_PATH || url === DOCS_PATH || url.startsWith(`${DOCS_PATH}/`);

/**
 * SwaggerModule registers its routes (the document, the page and the static assets of
 * swagger-ui-dist through @fastify/static) on Fastify directly, outside Nest's decorators. This
 * onRoute hook gives them their access rule (`public`: they describe the API, no data) so that
 * deny by default does not refuse them, and the route table sees the rule. Install it before
 * anything that reads route access at registration.
 */
export function declareDocsAccess(fastify: FastifyInstance): void {
  fastify.addHook('onRoute', (route) => {
    if (isDocsRoute(route.url)) route.config = { ...(route.config as object), access: 'public' satisfies RouteAccess };
  });
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const url = request.routeOptions.url;
    if (url !== undefined && url.startsWith(DOCS_PATH)) void reply.header('content-security-policy', DOCS_CSP).header('x-content-type-options', 'nosniff');
    done(null, payload);
  });
}

/** The OpenAPI document at /api/openapi.json and .yaml, and the Swagger UI page at /api/docs. */
export function installOpenApi(app: NestFastifyApplication, config: Config): void {
  const document = createOpenApiDocument(app, config);
  SwaggerModule.setup(DOCS_PATH.slice(1), app, document, {
    jsonDocumentUrl: OPENAPI_JSON_PATH.slice(1),
    yamlDocumentUrl: OPENAPI_YAML_PATH.slice(1),
    customSiteTitle: 'Flotilla hub API',
    swaggerOptions: { persistAuthorization: false, displayOperationId: true },
  });
}

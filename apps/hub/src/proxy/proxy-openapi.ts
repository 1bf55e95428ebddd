import type { OpenAPIObject } from '@nestjs/swagger';
import { ACCESS_EXTENSION, type RouteAccess } from '../auth/access.ts';

type PathItem = OpenAPIObject['paths'][string];

/** The member proxy's routes are plain Fastify routes: their part of the OpenAPI document, written here beside them. */
export const PROXY_OPENAPI_PATH = '/api/v1/clusters/{name}/proxy/{path}';

const problem = (description: string): object => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });

function operation(method: string, access: RouteAccess): object {
  return {
    operationId: `proxy${method[0]?.toUpperCase()}${method.slice(1)}`,
    tags: ['clusters'],
    summary: `${method.toUpperCase()} on the member's Kubernetes API as the caller (impersonated; the member's RBAC applies)`,
    description:
      '`path` is the member API path after `/proxy/` and may hold slashes (e.g. `api/v1/namespaces/shop/pods`); the query is passed on. Bodies and answers pass unchanged, streamed (watches too). See docs/proxy.md.',
    parameters: [
      { name: 'name', in: 'path', required: true, description: 'A registered cluster.', schema: { type: 'string' } },
      { name: 'path', in: 'path', required: true, description: 'The member API path, slashes included.', schema: { type: 'string' } },
    ],
    ...(method === 'get' ? {} : { requestBody: { required: false, description: 'Passed to the member byte for byte.', content: { 'application/json': { schema: {} }, 'application/yaml': { schema: {} }, '*/*': { schema: {} } } } }),
    responses: {
      200: { description: "The member's answer, whatever its status (a 403 of the member's RBAC included), passed on unchanged.", content: { '*/*': { schema: {} } } },
      400: { description: 'A path that would leave the member API (`..`, encoded slashes, `//`).', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ValidationProblem' } } } },
      401: problem('No identity, or a token the hub refuses.'),
      403: problem("The caller's role is below the route's."),
      404: problem('No such registered cluster.'),
      502: problem('The member could not be reached, redirected, or refused the hub\'s credential.'),
      503: problem('The OpenID Provider cannot be reached to check the token.'),
      504: problem('The member sent no answer headers in time.'),
    },
    security: [{ bearer: [] }, { oidc: [] }],
    [ACCESS_EXTENSION]: access,
  };
}

/** The proxy's path item: GET for viewers, changes for operators. */
export function proxyPathItem(): PathItem {
  return {
    get: operation('get', 'viewer'),
    post: operation('post', 'operator'),
    put: operation('put', 'operator'),
    patch: operation('patch', 'operator'),
    delete: operation('delete', 'operator'),
  } as unknown as PathItem;
}

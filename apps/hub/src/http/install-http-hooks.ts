import type { FastifyInstance } from 'fastify';
import type { HttpMetrics } from '../metrics/http-metrics.ts';

/** The response header that carries the request id back to the client. */
export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * Fastify hooks rather than Nest interceptors, because these must also run for requests Nest
 * never routes: unknown routes, bodies Fastify rejects, requests refused while closing.
 */
export function installHttpHooks(fastify: FastifyInstance, metrics: HttpMetrics): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.observe(request.method, request.routeOptions.url, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
}

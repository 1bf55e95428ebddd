import type { FastifyInstance, FastifyRequest } from 'fastify';
import { stringify } from 'yaml';
import { YAML_TYPES } from './body-parsers.ts';

/** True when the client's Accept header puts a YAML type first (by quality, then order). */
export function prefersYaml(accept: string | undefined): boolean {
  if (accept === undefined || accept === '') return false;
  let best: { type: string; q: number } | undefined;
  for (const part of accept.split(',')) {
    const [type = '', ...params] = part.trim().toLowerCase().split(';').map((p) => p.trim());
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (!Number.isFinite(q) || q <= 0) continue;
    if (best === undefined || q > best.q) best = { type, q };
  }
  return best !== undefined && YAML_TYPES.includes(best.type);
}

/**
 * Answers in YAML what would be JSON when the client asks for YAML first (`Accept:
 * application/yaml`), as kubectl users expect. Problem details stay JSON (RFC 9457). A Fastify
 * hook, so every route answers alike.
 */
export function installYamlResponses(fastify: FastifyInstance): void {
  fastify.addHook('onSend', (request: FastifyRequest, reply, payload, done) => {
    const type = reply.getHeader('content-type');
    // A stream (the member proxy) is passed on as it is, with the member's own Vary.
    if (typeof type !== 'string' || !type.startsWith('application/json') || typeof payload !== 'string') return done(null, payload);
    void reply.header('vary', 'accept');
    if (!prefersYaml(request.headers.accept)) return done(null, payload);
    void reply.header('content-type', 'application/yaml; charset=utf-8');
    done(null, stringify(JSON.parse(payload) as unknown));
  });
}

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type AuditEntry, type AuditOutcome, digestOf } from '../../../../libs/audit/src/index.ts';
import type { AuditLog } from './audit-log.ts';

const CHANGES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** What a handler adds to its request's audit record: a line for people, and the digest of a body it did not let Fastify parse. */
export interface AuditNote {
  message?: string;
  /** sha256 (hex) of the body as forwarded, when the handler streamed it. */
  digest?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by handlers that have more to record than the route and body (the member proxy). */
    auditNote: AuditNote | null;
  }
}

/** Routes whose every request is recorded, reads included (Fastify route config `auditReads: true`): the member proxy. */
function recordsReads(request: FastifyRequest): boolean {
  return (request.routeOptions.config as { auditReads?: boolean } | undefined)?.auditReads === true;
}

/** The actor of a request: the verified caller, or `anonymous` when the request had no valid identity. */
export function requestActor(request: FastifyRequest): AuditEntry['actor'] {
  const identity = request.identity;
  if (identity === null) return { subject: 'anonymous' };
  return { subject: identity.subject, ...(identity.email === undefined ? {} : { email: identity.email }), groups: identity.groups };
}

/** What a route acts on, from its parameters: a workload `namespace/name`, a cluster name, or the collection. */
export function auditTarget(route: string, params: Readonly<Record<string, string>>): AuditEntry['target'] {
  const kind = /\/namespaces\/:namespace\/workloads/.test(route)
    ? 'Workload'
    : /\/clusters/.test(route)
      ? 'Cluster'
      : /\/override-sets/.test(route)
        ? 'OverrideSet'
        : /\/queues/.test(route)
          ? 'Job'
          : /\/cleanups/.test(route)
            ? 'Cleanup'
            : 'Hub';
  const name = params.namespace !== undefined && params.name !== undefined ? `${params.namespace}/${params.name}` : (params.name ?? params.id ?? params.queue ?? '');
  return { kind, name };
}

export function outcomeOf(status: number): AuditOutcome {
  if (status === 401 || status === 403) return 'Denied';
  return status < 400 ? 'Succeeded' : 'Failed';
}

/**
 * Records every request that changes something (POST, PUT, PATCH, DELETE), whatever its
 * outcome, every denied request (401, 403) of any method, and every request of a route that
 * records reads (the member proxy), after the response: actor, `METHOD /route`, target, outcome and status, request id,
 * source address, and the digest of the body (never the body: it may hold credentials or
 * Secret values). A Fastify hook, so requests Nest never routes are recorded too.
 */
export function installAuditHooks(fastify: FastifyInstance, audit: AuditLog, onError: (error: unknown) => void): void {
  fastify.decorateRequest('auditNote', null);
  fastify.addHook('onResponse', (request, reply, done) => {
    if (!CHANGES.has(request.method) && reply.statusCode !== 401 && reply.statusCode !== 403 && !recordsReads(request)) return done();
    const note = request.auditNote;
    const digest = note?.digest ?? (request.body === undefined || request.body === null ? undefined : digestOf(request.body));
    const route = request.routeOptions.url ?? request.url.split('?')[0] ?? '';
    const params = (request.params ?? {}) as Record<string, string>;
    const entry: AuditEntry = {
      actor: requestActor(request),
      action: `${request.method} ${route}`,
      target: auditTarget(route, params),
      outcome: outcomeOf(reply.statusCode),
      status: reply.statusCode,
      requestId: request.id,
      source: request.ip,
      ...(digest === undefined ? {} : { digest }),
      ...(note?.message === undefined ? {} : { message: note.message }),
    };
    audit.record(entry).catch(onError);
    done();
  });
}

import type { IncomingMessage } from 'node:http';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type DocumentNode, type GraphQLSchema, specifiedRules, validate } from 'graphql';
import type { Redis } from 'ioredis';
import mercurius from 'mercurius';
import type { Config } from '../../../../libs/config/src/index.ts';
import { AuditLog } from '../audit/audit-log.ts';
import type { RouteAccess } from '../auth/access.ts';
import { TenantScope } from '../auth/tenant-scope.ts';
import { ClusterRegistry } from '../clusters/cluster-registry.ts';
import { EventsService } from '../events/events.service.ts';
import { FailoverOperator } from '../failover/failover-operator.ts';
import { REDIS } from '../redis/redis.token.ts';
import { WorkloadQueues } from '../workloads/workload-queues.ts';
import { WorkloadsService } from '../workloads/workloads.service.ts';
import { costLimitRule } from './cost-limit.ts';
import { EventFeed } from './event-feed.ts';
import { type GraphqlFaultLog, graphqlErrorFormatter } from './graphql-errors.ts';
import { type GraphqlCaller, graphqlResolvers, topicsOf } from './resolvers.ts';
import { SCHEMA } from './schema.ts';

/** Who may reach /graphql at all (queries, mutations, the subscription websocket); each field then checks its own role. */
export const GRAPHQL_ACCESS: RouteAccess = 'viewer';

function callerOf(request: FastifyRequest): GraphqlCaller {
  // The authentication hook has run: /graphql declares GRAPHQL_ACCESS, so there is an identity with a role.
  if (request.identity === null) throw new Error('GraphQL reached without an identity');
  return { identity: request.identity, requestId: String(request.id), source: request.ip };
}

/**
 * A websocket opened with the browser session (no Authorization header) must come from the
 * hub's own pages: a cookie would otherwise let any site a user visits read the fleet's events
 * (cross-site websocket hijacking, which the CSRF token of POSTs does not cover).
 */
function sameOriginOrBearer(publicUrl: string): (info: { origin: string; req: IncomingMessage }, next: (result: boolean, code?: number, message?: string) => void) => void {
  const own = new URL(publicUrl).origin;
  return (info, next) => {
    if (info.req.headers.authorization !== undefined || info.origin === undefined || info.origin === own) return next(true);
    next(false, 403, `a websocket opened with the session must come from ${own}`);
  };
}

/**
 * GraphQL at /graphql through mercurius on the hub's Fastify instance: queries and mutations
 * over HTTP (GET for queries, POST), subscriptions over a websocket on the same path
 * (graphql-transport-ws or graphql-ws), fed by the hub's event stream in Redis.
 */
export async function installGraphql(app: NestFastifyApplication, config: Config, logFault: GraphqlFaultLog, logError: (error: unknown, what: string) => void): Promise<void> {
  const fastify: FastifyInstance = app.getHttpAdapter().getInstance();
  const { resolvers, loaders } = graphqlResolvers({
    clusters: app.get(ClusterRegistry),
    workloads: app.get(WorkloadsService),
    events: app.get(EventsService),
    audit: app.get(AuditLog),
    tenants: app.get(TenantScope),
    queues: app.get(WorkloadQueues),
    failover: app.get(FailoverOperator),
    onAuditError: (error) => logError(error, 'audit record of a GraphQL mutation not written'),
  });
  const limits = { maxCost: config.graphqlMaxCost };

  if (config.graphqlIde) {
    // GraphiQL's page and scripts hold nothing of the fleet; what they send to /graphql is checked as any request.
    fastify.addHook('onRoute', (route) => {
      if (route.url.startsWith('/graphiql')) route.config = { ...route.config, access: 'public' satisfies RouteAccess };
    });
  }

  await app.register(mercurius, {
    schema: SCHEMA,
    resolvers,
    loaders,
    path: '/graphql',
    ide: config.graphqlIde,
    // Validation rules need the variables (a `first: $n`), which the query cache would skip.
    cache: false,
    queryDepth: config.graphqlMaxDepth,
    validationRules: ({ variables }: { variables?: Record<string, unknown> }) => [costLimitRule(limits, variables ?? {})],
    additionalRouteOptions: { config: { access: GRAPHQL_ACCESS } },
    context: (request: FastifyRequest) => callerOf(request),
    errorFormatter: graphqlErrorFormatter(logFault),
    subscription: {
      context: (_socket: unknown, request: FastifyRequest) => callerOf(request),
      verifyClient: sameOriginOrBearer(config.publicUrl),
      keepAlive: 20_000,
    },
  });

  // A websocket upgrade refused by the authentication hook (401, 403) got an HTTP answer, but
  // @fastify/websocket, whose own hooks run after that one, does not know it was an upgrade and
  // leaves the socket open (it would hold the hub's shutdown): close it once answered.
  fastify.addHook('onResponse', (request, _reply, done) => {
    if (request.headers.upgrade?.toLowerCase() === 'websocket') request.raw.socket.destroy();
    done();
  });

  const graphql = (fastify as unknown as { graphql: { pubsub: { publish(event: { topic: string; payload: unknown }, done: (error?: unknown) => void): void }; addHook(name: 'preSubscriptionExecution', hook: (schema: GraphQLSchema, document: DocumentNode) => Promise<void>): void } }).graphql;
  // mercurius runs no validation rule on a subscription over the websocket, only the depth limit: the cost limit and the standard rules are applied here.
  graphql.addHook('preSubscriptionExecution', (schema: GraphQLSchema, document: DocumentNode) => {
    const [error] = validate(schema, document, [...specifiedRules, costLimitRule(limits)]);
    return error === undefined ? Promise.resolve() : Promise.reject(error);
  });

  const feed = new EventFeed(
    app.get<Redis>(REDIS).duplicate({ connectionName: `${config.keyPrefix}:graphql-events` }),
    app.get(EventsService).allKey(),
    (event) => {
      for (const topic of topicsOf(event)) {
        graphql.pubsub.publish({ topic, payload: { event } }, (error) => {
          if (error) logError(error, 'GraphQL subscription event not published');
        });
      }
    },
    (error) => logError(error, 'GraphQL event feed: reading the event stream failed; trying again'),
  );
  fastify.addHook('onReady', (done) => {
    feed.start();
    done();
  });
  fastify.addHook('onClose', async () => feed.stop());
}

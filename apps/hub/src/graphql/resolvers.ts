import { ForbiddenException, NotFoundException } from '@nestjs/common';
import type { IResolvers, MercuriusContext, MercuriusLoaders } from 'mercurius';
import mercurius from 'mercurius';
import type { AuditEntry, AuditRecord } from '../../../../libs/audit/src/index.ts';
import { parseVersion } from '../../../../libs/clusters/src/index.ts';
import { ValidationError } from '../../../../libs/errors/src/index.ts';
import type { FlotillaEvent } from '../../../../libs/events/src/index.ts';
import { hasRole, type Identity, type Role } from '../../../../libs/identity/src/index.ts';
import { NotFoundError } from '../../../../libs/store/src/index.ts';
import type { ClusterStatusEntry } from '../../../../libs/workloads/src/index.ts';
import { outcomeOf } from '../audit/audit-hooks.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { TenantScope } from '../auth/tenant-scope.ts';
import type { ClusterRegistry } from '../clusters/cluster-registry.ts';
import type { ClusterView } from '../clusters/cluster-view.ts';
import type { EventsService } from '../events/events.service.ts';
import type { FailoverOperator } from '../failover/failover-operator.ts';
import { toProblem } from '../problems/to-problem.ts';
import { type JobState, listJobs, queueCounts, retryFailedJob } from '../workloads/queue-jobs.ts';
import type { WorkloadQueues } from '../workloads/workload-queues.ts';
import type { WorkloadView } from '../workloads/workload-view.ts';
import type { WorkloadsService } from '../workloads/workloads.service.ts';

/** What every resolver gets beside mercurius' own: the verified caller of the request or the websocket. */
export interface GraphqlCaller {
  readonly identity: Identity;
  readonly requestId: string;
  readonly source: string;
}

declare module 'mercurius' {
  // Every request's and websocket's context carries the caller (install-graphql.ts builds it).
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface MercuriusContext extends GraphqlCaller {}
}

type Context = MercuriusContext;

/** The hub's use cases the graph is made of. */
export interface GraphqlServices {
  readonly clusters: ClusterRegistry;
  readonly workloads: WorkloadsService;
  readonly events: EventsService;
  readonly audit: AuditLog;
  readonly tenants: TenantScope;
  readonly queues: WorkloadQueues;
  readonly failover: FailoverOperator;
  /** Logs a failure to write an audit record (the mutation's answer stands). */
  readonly onAuditError: (error: unknown) => void;
}

/** Topics of the in-process pubsub that {@link topicsOf} sorts events into. */
export const TOPIC = { clusterHealth: 'CLUSTER_HEALTH', workloadChange: 'WORKLOAD_CHANGE', failover: 'FAILOVER' } as const;

const HEALTH_REASONS = new Set(['ClusterReady', 'ClusterNotReady', 'ClusterUnknown']);
const OPERATOR_FAILOVER_REASONS = new Set(['DrainStarted', 'DrainStopped', 'DrainEnded', 'Fenced', 'Unfenced', 'FailoverForced', 'PurgeConfirmed']);

/** The subscription topics an event belongs to. */
export function topicsOf(event: FlotillaEvent): string[] {
  const topics: string[] = [];
  if (event.object.kind === 'Cluster' && HEALTH_REASONS.has(event.reason)) topics.push(TOPIC.clusterHealth);
  if (event.object.kind === 'Workload') topics.push(TOPIC.workloadChange);
  if (event.actor === 'system:failover' || OPERATOR_FAILOVER_REASONS.has(event.reason)) topics.push(TOPIC.failover);
  return topics;
}

interface EventPayload {
  readonly event: FlotillaEvent;
}

const MAX_FIRST = 1000;

/** The `first` argument, checked: 1 to 1000. */
function firstOf(value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_FIRST) return value;
  throw new ValidationError([{ name: 'first', reason: `must be an integer between 1 and ${MAX_FIRST}` }]);
}

function need(context: GraphqlCaller, role: Role): void {
  if (!hasRole(context.identity, role)) throw new ForbiddenException(`this needs role ${role}; yours is ${context.identity.role ?? 'none'}`);
}

/** `namespace/name` of a workload; both DNS labels, so this orders by namespace, then name. */
const keyOf = (view: WorkloadView): string => `${view.metadata.namespace}/${view.metadata.name}`;

function splitDisplayName(name: string): { namespace: string; name: string } {
  const slash = name.indexOf('/');
  return { namespace: name.slice(0, slash), name: name.slice(slash + 1) };
}

/** Null for what is gone (deregistered, deleted): a subscription payload outlives its object. */
async function orNull<T>(read: Promise<T>): Promise<T | null> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof NotFoundError || error instanceof NotFoundException) return null;
    throw error;
  }
}

const byKey = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Resolvers and loaders over the hub's services. Authorization per field: roles as on the REST routes, tenants as TenantScope says. */
export function graphqlResolvers(s: GraphqlServices): { resolvers: IResolvers; loaders: MercuriusLoaders } {
  /** Runs a mutation and records it in the audit trail: who, which operation, on what, with what outcome. */
  async function audited<T>(context: GraphqlCaller, operation: string, target: AuditEntry['target'], run: () => Promise<T>): Promise<T> {
    const base = {
      actor: { subject: context.identity.subject, ...(context.identity.email === undefined ? {} : { email: context.identity.email }), groups: context.identity.groups },
      action: `graphql ${operation}`,
      target,
      requestId: context.requestId,
      source: context.source,
    };
    try {
      const result = await run();
      await s.audit.record({ ...base, outcome: 'Succeeded', status: 200 }).catch(s.onAuditError);
      return result;
    } catch (error) {
      const { problem } = toProblem(error, { instance: '/graphql', requestId: context.requestId });
      await s.audit.record({ ...base, outcome: outcomeOf(problem.status), status: problem.status, message: problem.detail }).catch(s.onAuditError);
      throw error;
    }
  }

  async function visibleWorkloads(context: GraphqlCaller, query: Parameters<WorkloadsService['list']>[0]): Promise<WorkloadView[]> {
    const [views, visible] = await Promise.all([s.workloads.list(query), s.tenants.workloadFilter(context.identity)]);
    return views.filter((view) => visible(keyOf(view))).sort((a, b) => byKey(keyOf(a), keyOf(b)));
  }

  async function visibleWorkload(context: GraphqlCaller, namespace: string, name: string): Promise<WorkloadView> {
    await s.tenants.assertWorkloadVisible(context.identity, namespace, name);
    return s.workloads.get(namespace, name);
  }

  async function events(context: GraphqlCaller, kind: string | undefined, name: string | undefined, first: unknown): Promise<FlotillaEvent[]> {
    const visible = await s.tenants.eventFilter(context.identity);
    return s.events.list({ ...(kind === undefined ? {} : { kind }), ...(name === undefined ? {} : { name }), limit: firstOf(first), ...(visible ? { visible } : {}) });
  }

  /** Whether a subscriber may see an event: cluster events for all, workload events within its tenants. */
  async function mayReceive(context: GraphqlCaller, event: FlotillaEvent): Promise<boolean> {
    const visible = await s.tenants.eventFilter(context.identity);
    return visible === undefined || visible(event);
  }

  const resolvers: IResolvers = {
    Query: {
      clusters: async (_root, args: { labelSelector?: string | null; first?: number }) => (await s.clusters.list(args.labelSelector ?? undefined)).slice(0, firstOf(args.first)),
      cluster: (_root, args: { name: string }) => s.clusters.get(args.name),
      workloads: async (_root, args: { namespace?: string | null; tenant?: string | null; labelSelector?: string | null; first?: number }, context: Context) => {
        const first = firstOf(args.first);
        const query = { ...(args.namespace ? { namespace: args.namespace } : {}), ...(args.tenant ? { tenant: args.tenant } : {}), ...(args.labelSelector ? { labelSelector: args.labelSelector } : {}) };
        return (await visibleWorkloads(context, query)).slice(0, first);
      },
      workload: (_root, args: { namespace: string; name: string }, context: Context) => visibleWorkload(context, args.namespace, args.name),
      events: (_root, args: { kind?: string | null; name?: string | null; first?: number }, context: Context) => {
        if (args.name && !args.kind) throw new ValidationError([{ name: 'kind', reason: 'is required with name' }]);
        return events(context, args.kind ?? undefined, args.name ?? undefined, args.first);
      },
      audit: (_root, args: { actor?: string | null; action?: string | null; kind?: string | null; name?: string | null; first?: number }, context: Context) => {
        need(context, 'admin');
        const limit = firstOf(args.first);
        return s.audit.list({ limit, ...(args.actor ? { actor: args.actor } : {}), ...(args.action ? { action: args.action } : {}), ...(args.kind ? { kind: args.kind } : {}), ...(args.name ? { name: args.name } : {}) });
      },
      queues: () => queueCounts(s.queues),
      jobs: (_root, args: { queue: string; state: JobState; first?: number }, context: Context) => {
        need(context, 'admin');
        return listJobs(s.queues, args.queue, args.state, firstOf(args.first));
      },
    },

    Mutation: {
      createWorkload: (_root, args: { workload: unknown }, context: Context) => {
        const body = args.workload as { namespace?: unknown; name?: unknown } | null;
        const target = { kind: 'Workload', name: typeof body?.namespace === 'string' && typeof body.name === 'string' ? `${body.namespace}/${body.name}` : '' };
        return audited(context, 'createWorkload', target, async () => {
          need(context, 'operator');
          return s.workloads.create(args.workload, context.identity);
        });
      },
      updateWorkload: (_root, args: { namespace: string; name: string; workload: unknown; version?: string | null }, context: Context) =>
        audited(context, 'updateWorkload', { kind: 'Workload', name: `${args.namespace}/${args.name}` }, async () => {
          need(context, 'operator');
          await s.tenants.assertWorkloadVisible(context.identity, args.namespace, args.name);
          return s.workloads.update(args.namespace, args.name, args.workload, versionArgument(args.version), context.identity);
        }),
      deleteWorkload: (_root, args: { namespace: string; name: string; version?: string | null }, context: Context) =>
        audited(context, 'deleteWorkload', { kind: 'Workload', name: `${args.namespace}/${args.name}` }, async () => {
          need(context, 'operator');
          await s.tenants.assertWorkloadVisible(context.identity, args.namespace, args.name);
          return s.workloads.remove(args.namespace, args.name, versionArgument(args.version), context.identity);
        }),
      cordonCluster: (_root, args: { name: string }, context: Context) =>
        audited(context, 'cordonCluster', { kind: 'Cluster', name: args.name }, async () => {
          need(context, 'operator');
          return s.clusters.update(args.name, { cordoned: true }, undefined);
        }),
      uncordonCluster: (_root, args: { name: string }, context: Context) =>
        audited(context, 'uncordonCluster', { kind: 'Cluster', name: args.name }, async () => {
          need(context, 'operator');
          return s.clusters.update(args.name, { cordoned: false }, undefined);
        }),
      drainCluster: (_root, args: { name: string }, context: Context) =>
        audited(context, 'drainCluster', { kind: 'Cluster', name: args.name }, async () => {
          need(context, 'operator');
          return s.failover.drain(args.name, context.identity.subject);
        }),
      stopDrain: (_root, args: { name: string }, context: Context) =>
        audited(context, 'stopDrain', { kind: 'Cluster', name: args.name }, async () => {
          need(context, 'operator');
          await s.failover.undrain(args.name, context.identity.subject);
          return true;
        }),
      retryJob: (_root, args: { queue: string; id: string }, context: Context) =>
        audited(context, 'retryJob', { kind: 'Job', name: `${args.queue}/${args.id}` }, async () => {
          need(context, 'admin');
          return retryFailedJob(s.queues, args.queue, args.id);
        }),
    },

    Subscription: {
      clusterHealth: {
        subscribe: mercurius.withFilter(
          (_root: unknown, _args: { name?: string | null }, context: Context) => context.pubsub.subscribe(TOPIC.clusterHealth),
          (payload: EventPayload, args: { name?: string | null }) => !args.name || payload.event.object.name === args.name,
        ),
        resolve: (payload: EventPayload) => payload,
      },
      workloadStatus: {
        subscribe: mercurius.withFilter(
          (_root: unknown, _args: { namespace?: string | null; name?: string | null }, context: Context) => context.pubsub.subscribe(TOPIC.workloadChange),
          async (payload: EventPayload, args: { namespace?: string | null; name?: string | null }, context: Context) => {
            const { namespace, name } = splitDisplayName(payload.event.object.name);
            if ((args.namespace && args.namespace !== namespace) || (args.name && args.name !== name)) return false;
            return mayReceive(context, payload.event);
          },
        ),
        resolve: (payload: EventPayload) => payload,
      },
      failoverEvents: {
        subscribe: mercurius.withFilter(
          (_root: unknown, _args: unknown, context: Context) => context.pubsub.subscribe(TOPIC.failover),
          (payload: EventPayload, _args: unknown, context: Context) => mayReceive(context, payload.event),
        ),
        resolve: (payload: EventPayload) => payload.event,
      },
    },

    Cluster: {
      server: (c: ClusterView) => c.spec.server,
      zone: (c: ClusterView) => c.spec.zone ?? null,
      region: (c: ClusterView) => c.spec.region ?? null,
      provider: (c: ClusterView) => c.spec.provider ?? null,
      labels: (c: ClusterView) => c.spec.labels,
      taints: (c: ClusterView) => c.spec.taints,
      cordoned: (c: ClusterView) => c.spec.cordoned,
      ready: (c: ClusterView) => c.status.ready,
      conditions: (c: ClusterView) => c.status.conditions,
      observedAt: (c: ClusterView) => c.status.observedAt ?? null,
      capacity: (c: ClusterView) => {
        const capacity = c.status.capacity;
        if (capacity === undefined) return null;
        return { allocatable: capacity.allocatable, requested: capacity.requested, nodes: capacity.nodes.total, readyNodes: capacity.nodes.ready, observedAt: capacity.observedAt };
      },
      kubernetesVersion: (c: ClusterView) => c.status.kubernetesVersion?.gitVersion ?? null,
      version: (c: ClusterView) => c.metadata.version,
      createdAt: (c: ClusterView) => c.metadata.createdAt,
      updatedAt: (c: ClusterView) => c.metadata.updatedAt,
      events: (c: ClusterView, args: { first?: number }, context: Context) => events(context, 'Cluster', c.name, args.first),
      drain: async (c: ClusterView, _args: unknown, context: Context) => {
        const view = await orNull(s.failover.drainView(c.name));
        if (view === null || context.identity.role === 'admin') return view;
        const visible = await s.tenants.workloadFilter(context.identity);
        return { ...view, remaining: view.remaining.filter(visible), pinned: view.pinned.filter(visible) };
      },
    },

    Drain: {
      since: (d: { since: number }) => new Date(d.since).toISOString(),
    },

    Workload: {
      namespace: (w: WorkloadView) => w.metadata.namespace,
      name: (w: WorkloadView) => w.metadata.name,
      uid: (w: WorkloadView) => w.metadata.uid,
      tenant: (w: WorkloadView) => w.spec.tenant,
      generation: (w: WorkloadView) => w.metadata.generation,
      version: (w: WorkloadView) => w.metadata.version,
      createdAt: (w: WorkloadView) => w.metadata.createdAt,
      updatedAt: (w: WorkloadView) => w.metadata.updatedAt,
      deletionRequestedAt: (w: WorkloadView) => w.metadata.deletionRequestedAt ?? null,
      priority: (w: WorkloadView) => w.spec.priority,
      priorityClass: (w: WorkloadView) => w.priorityClass ?? null,
      labels: (w: WorkloadView) => w.spec.labels,
      spec: (w: WorkloadView) => w.spec,
      placement: (w: WorkloadView) => {
        if (!w.placement) return null;
        const { decision } = w.placement;
        return {
          generation: w.placement.generation,
          decidedAt: w.placement.decidedAt,
          summary: decision.summary,
          unplacedReplicas: decision.unplacedReplicas,
          diagnosis: Object.entries(decision.diagnosis).map(([cluster, d]) => ({ cluster, code: d.code, reasons: d.reasons })),
        };
      },
      status: (w: WorkloadView) => ({ ...w.status, ...w.status.totals }),
      clusters: (w: WorkloadView) => w.status.clusters,
      history: async (w: WorkloadView, args: { first?: number }) => (await s.workloads.placementHistory(w.metadata.namespace, w.metadata.name)).slice(0, firstOf(args.first)),
      events: (w: WorkloadView, args: { first?: number }, context: Context) => events(context, 'Workload', keyOf(w), args.first),
    },

    WorkloadCluster: {
      name: (e: ClusterStatusEntry) => e.cluster,
      lastError: (e: ClusterStatusEntry) => e.lastError?.reason ?? null,
    },

    Event: {
      kind: (e: FlotillaEvent) => e.object.kind,
      name: (e: FlotillaEvent) => e.object.name,
    },

    AuditRecord: {
      actor: (r: AuditRecord) => r.actor.subject,
      kind: (r: AuditRecord) => r.target.kind,
      name: (r: AuditRecord) => r.target.name,
    },

    ClusterHealthChange: {
      cluster: (p: EventPayload) => orNull(s.clusters.get(p.event.object.name)),
    },

    WorkloadChange: {
      workload: (p: EventPayload) => {
        const { namespace, name } = splitDisplayName(p.event.object.name);
        return orNull(s.workloads.get(namespace, name));
      },
    },
  };

  // Batched per request: however many workloads a query lists, their clusters are one registry
  // read, and however many clusters, their workloads are one workload read.
  const loaders: MercuriusLoaders = {
    WorkloadCluster: {
      cluster: async (queries: { obj: ClusterStatusEntry }[]) => {
        const byName = new Map((await s.clusters.list(undefined)).map((c) => [c.name, c]));
        return queries.map(({ obj }) => byName.get(obj.cluster) ?? null);
      },
    },
    Cluster: {
      workloads: async (queries: { obj: ClusterView; params: { first?: number } }[], context: Context) => {
        const all = await visibleWorkloads(context, {});
        return queries.map(({ obj, params }) => all.filter((w) => w.status.clusters.some((e) => e.cluster === obj.name)).slice(0, firstOf(params.first)));
      },
    },
  };

  return { resolvers, loaders };
}

/** The `version` argument of a change: the version a read returned, as If-Match takes it. */
function versionArgument(version: string | null | undefined): number | undefined {
  if (version === null || version === undefined) return undefined;
  const parsed = parseVersion(version);
  if (parsed === undefined) throw new ValidationError([{ name: 'version', reason: 'must be the version a read returned, e.g. "7"' }]);
  return parsed;
}

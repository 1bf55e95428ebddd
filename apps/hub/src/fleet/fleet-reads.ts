import { ApiException } from '@kubernetes/client-node';
import { Inject, Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry } from 'prom-client';
import type { Config } from '../../../../libs/config/src/index.ts';
import {
  type FleetError,
  type FleetErrorReason,
  type FleetItem,
  type FleetQuery,
  mergeFleetItems,
  type NamespaceScope,
  selects,
} from '../../../../libs/fleet-reads/src/index.ts';
import { ClusterRegistry } from '../clusters/cluster-registry.ts';
import type { ClusterView } from '../clusters/cluster-view.ts';
import { describeFailure } from '../clusters/kubernetes-member-purger.ts';
import { HUB_CONFIG } from '../config/hub-config.token.ts';
import { METRICS_REGISTRY } from '../metrics/metrics-registry.ts';
import { MemberClients } from '../workloads/member-clients.ts';
import { FleetCaches } from './fleet-caches.ts';

/** Everything a cross-cluster read found, merged and in order, and what failed. */
export interface FleetRead {
  readonly items: FleetItem[];
  readonly errors: FleetError[];
  /** Clusters answered from a watch cache, and read live. */
  readonly sources: { readonly cache: string[]; readonly live: string[] };
}

class ReadTimeout extends Error {}

function memberFailure(error: unknown, timeoutMs: number): { reason: FleetErrorReason; message: string } {
  if (error instanceof ReadTimeout) return { reason: 'Timeout', message: `no answer within ${timeoutMs} ms` };
  if (error instanceof ApiException) {
    if (error.code === 401 || error.code === 403) return { reason: 'Forbidden', message: `the member refused the hub's credential (HTTP ${error.code})` };
    if (error.code === 404) return { reason: 'KindNotFound', message: 'the member does not serve this kind' };
    return { reason: 'MemberError', message: `HTTP ${error.code}` };
  }
  if (error instanceof Error && error.message.startsWith('Unrecognized API version and kind')) return { reason: 'KindNotFound', message: 'the member does not serve this kind' };
  return { reason: 'Unreachable', message: describeFailure(error, timeoutMs) };
}

/** Whether the prober says the cluster is in trouble (a cluster not probed yet is not). */
function unhealthy(view: ClusterView): boolean {
  const ready = view.status.ready;
  return ready.status === 'False' || (ready.status === 'Unknown' && ready.reason !== 'NotProbed');
}

/**
 * Cross-cluster reads: one kind across every registered cluster (or some), merged. A cluster
 * whose watch cache for the kind is servable answers from memory; the others are read live, in
 * parallel, each within FLOTILLA_FLEET_READ_TIMEOUT_MS. Nothing waits for a slow or dead
 * member: it is left out with an error entry, and a cache that may be old is served with a
 * `Stale` entry saying since when.
 */
@Injectable()
export class FleetReads {
  private readonly reads: Counter<'source' | 'outcome'>;
  private readonly duration: Histogram<'source'>;

  constructor(
    @Inject(HUB_CONFIG) private readonly config: Config,
    private readonly registry: ClusterRegistry,
    private readonly caches: FleetCaches,
    private readonly members: MemberClients,
    @Inject(METRICS_REGISTRY) metrics: Registry,
  ) {
    this.reads = new Counter({
      name: 'flotilla_fleet_reads_total',
      help: 'Per-cluster parts of cross-cluster reads, by source (cache or live) and outcome (ok, stale, or the error reason).',
      labelNames: ['source', 'outcome'],
      registers: [metrics],
    });
    this.duration = new Histogram({
      name: 'flotilla_fleet_read_duration_seconds',
      help: 'Time to answer a cross-cluster read, by source: cache (every cluster from memory) or live (at least one member read).',
      labelNames: ['source'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [metrics],
    });
  }

  async read(query: FleetQuery, scope: NamespaceScope): Promise<FleetRead> {
    const started = performance.now();
    // A tenant that may see nothing asked for gets an empty answer without a member being asked.
    if (!scope.all && (scope.namespaces.size === 0 || (query.namespace !== undefined && !scope.namespaces.has(query.namespace)))) return { items: [], errors: [], sources: { cache: [], live: [] } };
    const views = (await this.registry.list(undefined)).filter((view) => query.clusters === undefined || query.clusters.has(view.name));
    const parts: FleetItem[][] = [];
    const errors: FleetError[] = [];
    const sources = { cache: [] as string[], live: [] as string[] };
    const live: Promise<void>[] = [];
    for (const view of views) {
      const cache = this.caches.cacheOf(view.name, query);
      if (cache?.servable) {
        sources.cache.push(view.name);
        const items: FleetItem[] = [];
        for (const { object } of cache.values()) if (selects(query, scope, object)) items.push({ cluster: view.name, ...(view.spec.zone ? { zone: view.spec.zone } : {}), object });
        parts.push(items);
        const stale = this.staleness(view, cache.state === 'Synced' ? undefined : cache.currentAt, cache.lastError);
        if (stale) errors.push(stale);
        this.reads.inc({ source: 'cache', outcome: stale ? 'stale' : 'ok' });
      } else {
        sources.live.push(view.name);
        live.push(
          this.readLive(view, query, scope).then(
            (items) => {
              parts.push(items);
              this.reads.inc({ source: 'live', outcome: 'ok' });
            },
            (error: unknown) => {
              const failure = memberFailure(error, this.config.fleetReadTimeoutMs);
              errors.push({ cluster: view.name, ...failure });
              this.reads.inc({ source: 'live', outcome: failure.reason });
            },
          ),
        );
      }
    }
    await Promise.all(live);
    errors.sort((a, b) => (a.cluster < b.cluster ? -1 : a.cluster > b.cluster ? 1 : 0));
    const items = mergeFleetItems(parts);
    this.duration.observe({ source: sources.live.length > 0 ? 'live' : 'cache' }, (performance.now() - started) / 1000);
    return { items, errors, sources };
  }

  /** A `Stale` entry when the cluster is in trouble or the cache's watch is down (`failingSince` set). */
  private staleness(view: ClusterView, lastCurrentAt: number | undefined, lastError: string | undefined): FleetError | undefined {
    if (lastCurrentAt !== undefined)
      return { cluster: view.name, reason: 'Stale', message: `served from the watch cache, whose watch is down: ${lastError ?? 'unknown error'}`, since: new Date(lastCurrentAt).toISOString() };
    if (unhealthy(view))
      return {
        cluster: view.name,
        reason: 'Stale',
        message: `served from the watch cache; the cluster is not Ready (${view.status.ready.reason}: ${view.status.ready.message})`,
        since: view.status.ready.lastTransitionTime,
      };
    return undefined;
  }

  private async readLive(view: ClusterView, query: FleetQuery, scope: NamespaceScope): Promise<FleetItem[]> {
    const timeoutMs = this.config.fleetReadTimeoutMs;
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abort.abort();
        reject(new ReadTimeout());
      }, timeoutMs);
    });
    // The deadline may fire while no race listens (between the two); it is handled there.
    deadline.catch(() => undefined);
    try {
      const { client } = await Promise.race([this.members.get(view.name), deadline]);
      const { items } = await Promise.race([
        client.listSnapshot(query.apiVersion, query.kind, {
          ...(query.namespace === undefined ? {} : { namespace: query.namespace }),
          labelSelector: query.labelSelectorText,
          signal: abort.signal,
        }),
        deadline,
      ]);
      const zone = view.spec.zone ? { zone: view.spec.zone } : {};
      return items.filter((object) => selects(query, scope, object)).map((object) => ({ cluster: view.name, ...zone, object: withoutManagedFields(object) }));
    } finally {
      clearTimeout(timer);
    }
  }
}

function withoutManagedFields<T extends { metadata?: object }>(object: T): T {
  if (object.metadata === undefined || !('managedFields' in object.metadata)) return object;
  const { managedFields: _dropped, ...metadata } = object.metadata as { managedFields?: unknown };
  return { ...object, metadata };
}

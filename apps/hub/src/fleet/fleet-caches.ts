import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Gauge, Registry } from 'prom-client';
import type { Config } from '../../../../libs/config/src/index.ts';
import { type KindRef, kindId, MemoryBudget } from '../../../../libs/fleet-reads/src/index.ts';
import { ClusterAccessReader } from '../clusters/cluster-access-reader.ts';
import { ClusterRegistry } from '../clusters/cluster-registry.ts';
import type { ClusterView } from '../clusters/cluster-view.ts';
import { memberKubeConfig } from '../clusters/member-kube-config.ts';
import { HUB_CONFIG } from '../config/hub-config.token.ts';
import { METRICS_REGISTRY } from '../metrics/metrics-registry.ts';
import { ShutdownCoordinator } from '../shutdown/shutdown-coordinator.ts';
import type { MemberClient } from '../workloads/member-client.ts';
import { MemberClients } from '../workloads/member-clients.ts';
import { MemberWatchCache, type WatchCacheObserver } from './member-watch-cache.ts';

/** How often the set of caches follows the registry (clusters registered, moved, deregistered). */
export const CACHE_REFRESH_MS = 5000;

interface ClusterCaches {
  /** What the caches were built from: a change means new credentials or a new server. */
  readonly revision: string;
  readonly byKind: Map<string, MemberWatchCache>;
}

function revisionOf(view: ClusterView): string {
  return [view.metadata.createdAt, view.credentialsRotatedAt, view.spec.server, view.spec.caBundle ?? ''].join('|');
}

/**
 * The watch caches of this hub: one per registered cluster and configured kind
 * (FLOTILLA_FLEET_CACHE_KINDS), all within one memory budget (FLOTILLA_FLEET_CACHE_MEMORY_MB).
 * Every hub replica keeps its own, so any replica answers a cross-cluster read from memory. The
 * set follows the registry every few seconds; a cluster registered again or given new
 * credentials gets new caches.
 */
@Injectable()
export class FleetCaches implements OnApplicationBootstrap, WatchCacheObserver {
  private readonly logger = new Logger(FleetCaches.name);
  private readonly clusters = new Map<string, ClusterCaches>();
  private readonly kinds: readonly KindRef[];
  readonly budget: MemoryBudget;
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private stopped = false;

  constructor(
    @Inject(HUB_CONFIG) config: Config,
    private readonly registry: ClusterRegistry,
    private readonly access: ClusterAccessReader,
    private readonly members: MemberClients,
    @Inject(METRICS_REGISTRY) metrics: Registry,
    shutdown: ShutdownCoordinator,
  ) {
    this.kinds = config.fleetCacheKinds;
    this.budget = new MemoryBudget(config.fleetCacheMemoryMb * 1024 * 1024);
    shutdown.registerRelease({ name: 'fleet watch caches', release: () => this.stopAll() });
    this.registerMetrics(metrics);
  }

  /** Kinds served from caches. */
  cachedKinds(): readonly KindRef[] {
    return this.kinds;
  }

  isCached(kind: KindRef): boolean {
    return this.kinds.some((k) => kindId(k) === kindId(kind));
  }

  /** The cache of `kind` on `cluster`, if this hub keeps one. */
  cacheOf(cluster: string, kind: KindRef): MemberWatchCache | undefined {
    return this.clusters.get(cluster)?.byKind.get(kindId(kind));
  }

  /** Every cache, for status pages and metrics. */
  all(): MemberWatchCache[] {
    return [...this.clusters.values()].flatMap((c) => [...c.byKind.values()]);
  }

  onApplicationBootstrap(): void {
    if (this.kinds.length === 0) return;
    const tick = (): void => {
      void this.refresh().finally(() => {
        if (!this.stopped) this.timer = setTimeout(tick, CACHE_REFRESH_MS).unref();
      });
    };
    tick();
  }

  /** Brings the set of caches in line with the registry now (also what the periodic refresh does). */
  refresh(): Promise<void> {
    this.refreshing ??= this.follow().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  stateChanged(cache: MemberWatchCache, error?: unknown): void {
    const context = { cluster: cache.cluster, kind: kindId(cache.kind), objects: cache.size };
    if (cache.state === 'Failing') this.logger.warn({ ...context, reason: cache.lastError, err: error }, 'watch cache failing, reads serve its last sync');
    else if (cache.state === 'OverBudget' || cache.state === 'Unsupported') this.logger.warn({ ...context, reason: cache.lastError }, 'watch cache not kept, reads go live');
    else this.logger.debug({ ...context, state: cache.state }, 'watch cache state');
  }

  private async follow(): Promise<void> {
    if (this.stopped) return;
    let views: ClusterView[];
    try {
      views = await this.registry.list(undefined);
    } catch (error) {
      this.logger.warn({ err: error }, 'cluster registry not readable, watch caches unchanged');
      return;
    }
    if (this.stopped) return;
    const registered = new Map(views.map((view) => [view.name, view]));
    for (const [name, caches] of this.clusters) {
      const view = registered.get(name);
      if (view === undefined || revisionOf(view) !== caches.revision) this.stopCluster(name);
    }
    for (const view of views) {
      if (this.clusters.has(view.name) || this.stopped) continue;
      try {
        const kubeConfig = memberKubeConfig(await this.access.access(view.name));
        if (this.stopped) return;
        const client = async (): Promise<MemberClient> => (await this.members.get(view.name)).client;
        const byKind = new Map(this.kinds.map((kind) => [kindId(kind), new MemberWatchCache(view.name, view.spec.zone, kind, client, kubeConfig, this.budget, this)]));
        this.clusters.set(view.name, { revision: revisionOf(view), byKind });
        for (const cache of byKind.values()) cache.start();
      } catch (error) {
        // Deregistered meanwhile, or credentials that cannot be opened: tried again next round.
        this.logger.warn({ cluster: view.name, err: error }, 'watch caches not started');
      }
    }
  }

  private stopCluster(name: string): void {
    for (const cache of this.clusters.get(name)?.byKind.values() ?? []) cache.stop();
    this.clusters.delete(name);
  }

  /**
   * Stops every cache. A refresh in flight is not waited for (it may hang on an unreachable
   * Redis and would hold the shutdown): it checks `stopped` after each await and starts nothing.
   */
  private stopAll(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const name of [...this.clusters.keys()]) this.stopCluster(name);
    return Promise.resolve();
  }

  private registerMetrics(registry: Registry): void {
    const perCache = (name: string, help: string, value: (cache: MemberWatchCache, now: number) => number): void => {
      const caches = (): MemberWatchCache[] => this.all();
      new Gauge({
        name,
        help,
        labelNames: ['cluster', 'kind'],
        registers: [registry],
        collect() {
          this.reset();
          const now = Date.now();
          for (const cache of caches()) this.set({ cluster: cache.cluster, kind: kindId(cache.kind) }, value(cache, now));
        },
      });
    };
    perCache('flotilla_fleet_cache_objects', 'Objects held by the watch cache of one kind on one member cluster.', (cache) => cache.size);
    perCache('flotilla_fleet_cache_bytes', 'Estimated memory of one watch cache (JSON size of its objects, managedFields left out), charged to FLOTILLA_FLEET_CACHE_MEMORY_MB.', (cache) => cache.bytes);
    perCache('flotilla_fleet_cache_synced', '1 while the watch cache is listed and watching, 0 while starting, failing, over budget or unsupported (reads then go live or serve the last sync).', (cache) =>
      cache.state === 'Synced' ? 1 : 0,
    );
    perCache(
      'flotilla_fleet_cache_lag_seconds',
      'How far behind the member the watch cache may be: 0 while its watch is up, else the seconds since it was last known current (since the hub started it, before its first list).',
      (cache, now) => (cache.state === 'Synced' ? 0 : (now - (cache.currentAt ?? cache.createdAt)) / 1000),
    );
    const budget = this.budget;
    new Gauge({
      name: 'flotilla_fleet_cache_budget_bytes',
      help: 'The watch caches\' memory budget (FLOTILLA_FLEET_CACHE_MEMORY_MB) and what is used of it.',
      labelNames: ['use'],
      registers: [registry],
      collect() {
        this.set({ use: 'limit' }, budget.limitBytes);
        this.set({ use: 'used' }, budget.usedBytes);
      },
    });
  }
}

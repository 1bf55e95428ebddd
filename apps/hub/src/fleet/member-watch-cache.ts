import { type KubernetesObject, ListWatch, Watch } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import { type KindRef, kindId, type MemberObject, type MemoryBudget } from '../../../../libs/fleet-reads/src/index.ts';
import type { MemberClient } from '../workloads/member-client.ts';

/**
 * - `Starting`: the first list has not finished (reads go to the member live).
 * - `Synced`: listed, and the watch goes on from there.
 * - `Failing`: the list or the watch failed; the objects are those of the last sync, and a new
 *   list is tried with backoff.
 * - `OverBudget`: stopped because the memory budget is spent (reads go live).
 * - `Unsupported`: the member does not serve the kind.
 * - `Stopped`.
 */
export type WatchCacheState = 'Starting' | 'Synced' | 'Failing' | 'OverBudget' | 'Unsupported' | 'Stopped';

/** What a cache tells the metrics and the logs when it changes state. */
export interface WatchCacheObserver {
  stateChanged(cache: MemberWatchCache, error?: unknown): void;
}

const BACKOFF_FIRST_MS = 1000;
const BACKOFF_MAX_MS = 30_000;

interface Entry {
  readonly object: MemberObject;
  readonly bytes: number;
}

function keyOf(object: KubernetesObject): string {
  return `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}

/**
 * One kind of one member, kept in memory by a list and then a watch (client-node's ListWatch,
 * which relists on 410 Gone and reconnects quiet watches). Each (re)start is a new ListWatch, so
 * a cache that failed comes back with a fresh list; until then it keeps serving what it had,
 * marked as possibly old. managedFields are dropped (about half of an object's size, and of no
 * use to a reader). Every object is charged to the hub's memory budget by its JSON size.
 */
export class MemberWatchCache {
  readonly id: string;
  /** When this hub made the cache (ms since the epoch). */
  readonly createdAt = Date.now();
  private readonly objects = new Map<string, Entry>();
  private informer: ListWatch<KubernetesObject> | undefined;
  private retry: NodeJS.Timeout | undefined;
  private backoffMs = BACKOFF_FIRST_MS;
  private generation = 0;
  private stateValue: WatchCacheState = 'Starting';
  /** When the cache was last known to be current: the end of a list, or the last event. */
  private currentAtMs: number | undefined;
  private lastErrorText: string | undefined;

  constructor(
    readonly cluster: string,
    readonly zone: string | undefined,
    readonly kind: KindRef,
    /** The member's client as of now: the hub rebuilds (and closes) it when the registration changes, so never keep one. */
    private readonly client: () => Promise<MemberClient>,
    private readonly kubeConfig: KubeConfig,
    private readonly budget: MemoryBudget,
    private readonly observer: WatchCacheObserver,
  ) {
    this.id = `${cluster}/${kindId(kind)}`;
  }

  get state(): WatchCacheState {
    return this.stateValue;
  }

  /** Objects held. */
  get size(): number {
    return this.objects.size;
  }

  get bytes(): number {
    return this.budget.of(this.id);
  }

  /** When the cache was last known current (ms since the epoch); undefined before the first list. */
  get currentAt(): number | undefined {
    return this.currentAtMs;
  }

  get lastError(): string | undefined {
    return this.lastErrorText;
  }

  /** Whether reads may come from here (possibly old when not Synced). */
  get servable(): boolean {
    return this.currentAtMs !== undefined && (this.stateValue === 'Synced' || this.stateValue === 'Failing');
  }

  /** The objects held, in no order. The caller must not change them. */
  values(): IterableIterator<Entry> {
    return this.objects.values();
  }

  start(): void {
    void this.connect();
  }

  stop(): void {
    this.generation += 1;
    clearTimeout(this.retry);
    void this.informer?.stop();
    this.informer = undefined;
    this.objects.clear();
    this.budget.release(this.id);
    if (this.stateValue !== 'OverBudget') this.setState('Stopped');
  }

  private async connect(): Promise<void> {
    const generation = ++this.generation;
    const stale = (): boolean => generation !== this.generation;
    let path: string | undefined;
    try {
      path = await (await this.client()).collectionPath(this.kind.apiVersion, this.kind.kind);
    } catch (error) {
      if (!stale()) this.fail(error);
      return;
    }
    if (stale()) return;
    if (path === undefined) {
      this.lastErrorText = `the member does not serve ${kindId(this.kind)}`;
      this.setState('Unsupported');
      return;
    }
    const listed = async (): Promise<{ metadata: { resourceVersion: string }; items: KubernetesObject[] }> => {
      const { items, resourceVersion } = await (await this.client()).listSnapshot(this.kind.apiVersion, this.kind.kind);
      const keep = new Set(items.map(keyOf));
      // ListWatch adds the listed items right after this resolves; objects not listed are gone.
      setImmediate(() => {
        if (stale()) return;
        for (const key of this.objects.keys()) if (!keep.has(key)) this.remove(key);
        this.currentAtMs = Date.now();
        this.backoffMs = BACKOFF_FIRST_MS;
        this.lastErrorText = undefined;
        if (this.stateValue !== 'OverBudget') this.setState('Synced');
      });
      return { metadata: { resourceVersion }, items };
    };
    const informer = new ListWatch<KubernetesObject>(path, new Watch(this.kubeConfig), listed, false);
    const upsert = (object: KubernetesObject): void => {
      if (stale()) return;
      this.upsert(object);
    };
    informer.on('add', upsert);
    informer.on('update', upsert);
    informer.on('delete', (object) => {
      if (stale()) return;
      this.remove(keyOf(object));
      this.touch();
    });
    informer.on('error', (error: unknown) => {
      if (!stale()) this.fail(error);
    });
    this.informer = informer;
    try {
      await informer.start();
    } catch (error) {
      if (!stale()) this.fail(error);
    }
  }

  private upsert(object: KubernetesObject): void {
    // The object came parsed from the wire and is the ListWatch's own: trimming it in place
    // trims what both keep.
    if (object.metadata) delete object.metadata.managedFields;
    const key = keyOf(object);
    const bytes = JSON.stringify(object).length;
    if (!this.budget.charge(this.id, bytes - (this.objects.get(key)?.bytes ?? 0))) {
      this.lastErrorText = `the watch caches' memory budget (${this.budget.limitBytes} bytes) is spent: ${kindId(this.kind)} of ${this.cluster} is read live`;
      this.setState('OverBudget');
      this.stop();
      return;
    }
    this.objects.set(key, { object: object, bytes });
    this.touch();
  }

  private remove(key: string): void {
    const entry = this.objects.get(key);
    if (entry === undefined) return;
    this.objects.delete(key);
    this.budget.charge(this.id, -entry.bytes);
  }

  private touch(): void {
    if (this.stateValue === 'Synced') this.currentAtMs = Date.now();
  }

  private fail(error: unknown): void {
    this.generation += 1;
    void this.informer?.stop();
    this.informer = undefined;
    this.lastErrorText = error instanceof Error ? error.message.slice(0, 300) : String(error).slice(0, 300);
    this.setState('Failing', error);
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, BACKOFF_MAX_MS);
    this.retry = setTimeout(() => void this.connect(), delay);
    this.retry.unref();
  }

  private setState(state: WatchCacheState, error?: unknown): void {
    if (this.stateValue === state) return;
    this.stateValue = state;
    this.observer.stateChanged(this, error);
  }
}

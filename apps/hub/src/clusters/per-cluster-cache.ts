import { CLUSTER_KIND, type ClusterRecord } from '../../../../libs/clusters/src/index.ts';
import { NotFoundError, Store } from '../../../../libs/store/src/index.ts';

/**
 * Something built per registered cluster from its registration (a client, a connection pool),
 * rebuilt when the registration changes: credentials rotated, server moved, registered again.
 * Keyed by record version and registration time, because a cluster registered again under the
 * same name starts again at version 1. The registration is read on every `get`, so a change
 * shows at once on every replica.
 */
export class PerClusterCache<T> {
  private readonly entries = new Map<string, { revision: string; value: T }>();

  constructor(
    private readonly store: Store,
    private readonly build: (record: ClusterRecord) => T,
    /** Releases a value that was replaced or whose cluster is gone; requests in flight on it may still be running. */
    private readonly dispose: (value: T) => Promise<void>,
  ) {}

  /** The value for a registered cluster, with its registration. Throws the store's NotFoundError for one that is not registered. */
  async get(cluster: string): Promise<{ value: T; record: ClusterRecord }> {
    let stored;
    try {
      stored = await this.store.get<ClusterRecord>({ kind: CLUSTER_KIND, id: cluster });
    } catch (error) {
      if (error instanceof NotFoundError) this.release(cluster);
      throw error;
    }
    const record = stored.data;
    const revision = `${stored.version}@${record.createdAt}`;
    const known = this.entries.get(cluster);
    if (known && known.revision === revision) return { value: known.value, record };
    const value = this.build(record);
    this.entries.set(cluster, { revision, value });
    if (known) void this.dispose(known.value).catch(() => undefined);
    return { value, record };
  }

  /** Releases every value (the hub stops), with `dispose` or the given function. */
  async clear(release: (value: T) => Promise<void> = this.dispose): Promise<void> {
    const values = [...this.entries.values()].map(({ value }) => value);
    this.entries.clear();
    await Promise.all(values.map((value) => release(value).catch(() => undefined)));
  }

  private release(cluster: string): void {
    const known = this.entries.get(cluster);
    if (known === undefined) return;
    this.entries.delete(cluster);
    void this.dispose(known.value).catch(() => undefined);
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { CLUSTER_KIND, CLUSTER_STATUS_KIND, type ClusterRecord, type ClusterStatus } from '../../../../libs/clusters/src/index.ts';
import { clusterSnapshot, type FleetSnapshot, indexFleet } from '../../../../libs/placement/src/index.ts';
import { Store } from '../../../../libs/store/src/index.ts';
import { STATUS_STALE_AFTER_MS } from '../clusters/status-stale-after.ts';

/** How long one snapshot serves placement jobs. Short against the prober's period, long against a burst of decisions. */
export const SNAPSHOT_TTL_MS = 200;

/**
 * The fleet as placement sees it (registry spec + prober status, stale status as Unknown). Read
 * from Redis at most once per {@link SNAPSHOT_TTL_MS}, with one read in flight shared by every
 * job that asks meanwhile, so a burst of decisions does not re-read the registry for each.
 */
@Injectable()
export class FleetSnapshots {
  private cached: { at: number; snapshot: Promise<FleetSnapshot> } | undefined;

  constructor(
    private readonly store: Store,
    @Inject(STATUS_STALE_AFTER_MS) private readonly staleAfterMs: number,
  ) {}

  current(): Promise<FleetSnapshot> {
    const now = Date.now();
    if (this.cached && now - this.cached.at < SNAPSHOT_TTL_MS) return this.cached.snapshot;
    const snapshot = this.read();
    this.cached = { at: now, snapshot };
    snapshot.catch(() => {
      if (this.cached?.snapshot === snapshot) this.cached = undefined;
    });
    return snapshot;
  }

  private async read(): Promise<FleetSnapshot> {
    const [clusters, statuses] = await Promise.all([this.store.list<ClusterRecord>(CLUSTER_KIND), this.store.list<ClusterStatus>(CLUSTER_STATUS_KIND)]);
    const byName = new Map(statuses.map((s) => [s.key.id, s.data]));
    const now = new Date();
    // Indexed once here, so that every decision on this snapshot skips the name-order check.
    return indexFleet({ clusters: clusters.map((c) => clusterSnapshot(c.data.spec, byName.get(c.key.id), now, this.staleAfterMs)) });
  }
}

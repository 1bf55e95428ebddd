import { Inject, Injectable } from '@nestjs/common';
import { CLUSTER_KIND, CLUSTER_STATUS_KIND, type ClusterRecord, type ClusterStatus } from '../../../../libs/clusters/src/index.ts';
import { clusterSnapshot, type FleetSnapshot, indexFleet } from '../../../../libs/placement/src/index.ts';
import { Store, type VersionedRecord } from '../../../../libs/store/src/index.ts';
import { STATUS_STALE_AFTER_MS } from '../clusters/status-stale-after.ts';

/** How long one read of the prober's statuses serves placement jobs. Short against the prober's period, long against a burst of decisions. */
export const SNAPSHOT_TTL_MS = 200;

/**
 * The fleet as placement sees it (registry spec + prober status, stale status as Unknown). The
 * registry is read for every snapshot, so an operator's change (cordon, labels, taints) applies
 * to the very next decision; the prober's statuses, which change with every probe, are read at
 * most once per {@link SNAPSHOT_TTL_MS}, with one read in flight shared by every job that asks
 * meanwhile.
 */
@Injectable()
export class FleetSnapshots {
  private statuses: { at: number; read: Promise<VersionedRecord<ClusterStatus>[]> } | undefined;

  constructor(
    private readonly store: Store,
    @Inject(STATUS_STALE_AFTER_MS) private readonly staleAfterMs: number,
  ) {}

  async current(): Promise<FleetSnapshot> {
    const [clusters, recent] = await Promise.all([this.store.list<ClusterRecord>(CLUSTER_KIND), this.recentStatuses()]);
    let statuses = recent;
    // A registered cluster without a status in a cached read may have had its first probe since:
    // read again rather than place as if it were not there (a workload placed then would stay
    // off that cluster for good).
    if (clusters.some((c) => !statuses.some((s) => s.key.id === c.key.id))) statuses = await this.recentStatuses(true);
    const byName = new Map(statuses.map((s) => [s.key.id, s.data]));
    const now = new Date();
    // Indexed once here, so that the decision skips the name-order check.
    return indexFleet({ clusters: clusters.map((c) => clusterSnapshot(c.data.spec, byName.get(c.key.id), now, this.staleAfterMs)) });
  }

  private recentStatuses(fresh = false): Promise<VersionedRecord<ClusterStatus>[]> {
    const now = Date.now();
    if (this.statuses && (fresh ? this.statuses.at === now : now - this.statuses.at < SNAPSHOT_TTL_MS)) return this.statuses.read;
    const read = this.store.list<ClusterStatus>(CLUSTER_STATUS_KIND);
    this.statuses = { at: now, read };
    read.catch(() => {
      if (this.statuses?.read === read) this.statuses = undefined;
    });
    return read;
  }
}

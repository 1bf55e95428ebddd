import { Inject, Injectable } from '@nestjs/common';
import type { ClusterSpec } from '../../../../libs/clusters/src/index.ts';
import type { Config } from '../../../../libs/config/src/index.ts';
import { Store } from '../../../../libs/store/src/index.ts';
import { ClusterAccessReader } from '../clusters/cluster-access-reader.ts';
import { PerClusterCache } from '../clusters/per-cluster-cache.ts';
import { HUB_CONFIG } from '../config/hub-config.token.ts';
import { ShutdownCoordinator } from '../shutdown/shutdown-coordinator.ts';
import { MemberClient } from './member-client.ts';

/**
 * One {@link MemberClient} per registered cluster, rebuilt when its registration changes
 * (credentials rotated, server moved, registered again; see {@link PerClusterCache}). Throws the
 * store's NotFoundError for a cluster that is not registered.
 */
@Injectable()
export class MemberClients {
  private readonly clients: PerClusterCache<MemberClient>;

  constructor(store: Store, access: ClusterAccessReader, @Inject(HUB_CONFIG) config: Config, shutdown: ShutdownCoordinator) {
    this.clients = new PerClusterCache(
      store,
      (record) => new MemberClient(record.spec.name, access.open(record), config.memberRequestTimeoutMs),
      // The old pool may still serve a request in flight: close it gracefully.
      (client) => client.close(),
    );
    // After the workers drained: their last requests use these pools.
    shutdown.registerRelease({ name: 'member connection pools', release: () => this.clients.clear() });
  }

  async get(cluster: string): Promise<{ client: MemberClient; spec: ClusterSpec }> {
    const { value, record } = await this.clients.get(cluster);
    return { client: value, spec: record.spec };
  }
}

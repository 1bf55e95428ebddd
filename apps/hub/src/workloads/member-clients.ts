import { Inject, Injectable } from '@nestjs/common';
import { CLUSTER_KIND, type ClusterRecord, type ClusterSpec } from '../../../../libs/clusters/src/index.ts';
import type { Config } from '../../../../libs/config/src/index.ts';
import { Store } from '../../../../libs/store/src/index.ts';
import { ClusterAccessReader } from '../clusters/cluster-access-reader.ts';
import { HUB_CONFIG } from '../config/hub-config.token.ts';
import { ShutdownCoordinator } from '../shutdown/shutdown-coordinator.ts';
import { MemberClient } from './member-client.ts';

/**
 * One {@link MemberClient} per registered cluster, rebuilt when its registration changes
 * (credentials rotated, server moved, registered again): keyed by name, record version and
 * registration time. Throws the store's
 * NotFoundError for a cluster that is not registered.
 */
@Injectable()
export class MemberClients {
  private readonly clients = new Map<string, { revision: string; client: MemberClient }>();

  constructor(
    private readonly store: Store,
    private readonly access: ClusterAccessReader,
    @Inject(HUB_CONFIG) private readonly config: Config,
    shutdown: ShutdownCoordinator,
  ) {
    // After the workers drained: their last requests use these pools.
    shutdown.registerRelease({
      name: 'member connection pools',
      release: async () => {
        await Promise.all([...this.clients.values()].map(({ client }) => client.close().catch(() => undefined)));
        this.clients.clear();
      },
    });
  }

  async get(cluster: string): Promise<{ client: MemberClient; spec: ClusterSpec }> {
    const record = await this.store.get<ClusterRecord>({ kind: CLUSTER_KIND, id: cluster });
    const known = this.clients.get(cluster);
    // A cluster registered again under the same name starts again at version 1: the registration time tells them apart.
    const revision = `${record.version}@${record.data.createdAt}`;
    if (known && known.revision === revision) return { client: known.client, spec: record.data.spec };
    const client = new MemberClient(cluster, this.access.open(record.data), this.config.memberRequestTimeoutMs);
    this.clients.set(cluster, { revision, client });
    // The old pool may still serve a request in flight: close it gracefully.
    if (known) void known.client.close().catch(() => undefined);
    return { client, spec: record.data.spec };
  }
}

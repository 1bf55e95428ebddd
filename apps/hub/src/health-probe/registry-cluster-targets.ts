import { Injectable } from '@nestjs/common';
import { CLUSTER_KIND, CredentialsUnavailableError, ZONE_LABEL, type ClusterRecord } from '../../../../libs/clusters/src/index.ts';
import { Store } from '../../../../libs/store/src/index.ts';
import { ClusterAccessReader } from '../clusters/cluster-access-reader.ts';
import type { ClusterTargets, ProbeTarget } from './cluster-targets.ts';

/**
 * The registered clusters, from their `cluster` records, with their credentials opened by
 * ClusterAccessReader. A record is opened again only when it changes (registration, label
 * change, credential rotation), not every period. Its version alone does not tell: a cluster
 * deregistered and registered again under the same name starts again at version 1, so the
 * registration time is part of the key.
 */
@Injectable()
export class RegistryClusterTargets implements ClusterTargets {
  private readonly opened = new Map<string, { revision: string; target: ProbeTarget }>();

  constructor(
    private readonly store: Store,
    private readonly access: ClusterAccessReader,
  ) {}

  async list(): Promise<ProbeTarget[]> {
    const records = await this.store.list<ClusterRecord>(CLUSTER_KIND);
    const seen = new Set<string>();
    const targets = records.map((record) => {
      const name = record.key.id;
      seen.add(name);
      const cached = this.opened.get(name);
      const revision = `${record.version}@${record.data.createdAt}`;
      if (cached?.revision === revision) return cached.target;
      const target = this.open(name, record.data);
      this.opened.set(name, { revision, target });
      return target;
    });
    for (const name of this.opened.keys()) if (!seen.has(name)) this.opened.delete(name);
    return targets;
  }

  private open(name: string, record: ClusterRecord): ProbeTarget {
    const zone = record.spec.labels[ZONE_LABEL] ?? '';
    try {
      const access = this.access.open(record);
      return { name, zone, endpoint: { server: access.server, caPem: access.caPem, credentials: access.credentials } };
    } catch (error) {
      if (error instanceof CredentialsUnavailableError) return { name, zone, unavailable: error.message };
      throw error;
    }
  }
}

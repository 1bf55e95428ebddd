import { Module } from '@nestjs/common';
import { ClusterAccessReader } from './cluster-access-reader.ts';
import { ClusterRegistry } from './cluster-registry.ts';
import { ClustersController } from './clusters.controller.ts';
import { KubernetesMemberPurger } from './kubernetes-member-purger.ts';
import { MEMBER_PURGER } from './member-purger.ts';
import { DEFAULT_STATUS_STALE_AFTER_MS, STATUS_STALE_AFTER_MS } from './status-stale-after.ts';

/**
 * The cluster registry (REST under /api/v1/clusters) and ClusterAccessReader, which the prober
 * and later the apply workers import to reach members.
 */
@Module({
  controllers: [ClustersController],
  providers: [
    ClusterRegistry,
    ClusterAccessReader,
    { provide: MEMBER_PURGER, useFactory: () => new KubernetesMemberPurger() },
    // SWITCH POINT (see status-stale-after.ts): provide from the prober's config once it exists.
    { provide: STATUS_STALE_AFTER_MS, useValue: DEFAULT_STATUS_STALE_AFTER_MS },
  ],
  exports: [ClusterAccessReader, STATUS_STALE_AFTER_MS],
})
export class ClustersModule {}

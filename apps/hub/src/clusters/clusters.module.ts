import { Module } from '@nestjs/common';
import type { Config } from '../../../../libs/config/src/index.ts';
import { HUB_CONFIG } from '../config/hub-config.token.ts';
import { ClusterAccessReader } from './cluster-access-reader.ts';
import { ClusterRegistry } from './cluster-registry.ts';
import { ClustersController } from './clusters.controller.ts';
import { KubernetesMemberPurger } from './kubernetes-member-purger.ts';
import { MEMBER_PURGER } from './member-purger.ts';
import { STATUS_STALE_AFTER_MS } from './status-stale-after.ts';

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
    // The prober's staleness bound (FLOTILLA_STATUS_STALE_AFTER_MS), so the API reads status as the prober means it.
    { provide: STATUS_STALE_AFTER_MS, inject: [HUB_CONFIG], useFactory: (config: Config): number => config.statusStaleAfterMs },
  ],
  exports: [ClusterAccessReader, ClusterRegistry, STATUS_STALE_AFTER_MS],
})
export class ClustersModule {}

import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.ts';
import { ClustersModule } from '../clusters/clusters.module.ts';
import { MetricsModule } from '../metrics/metrics.module.ts';
import { WorkloadsModule } from '../workloads/workloads.module.ts';
import { FleetCaches } from './fleet-caches.ts';
import { FleetController } from './fleet.controller.ts';
import { FleetReads } from './fleet-reads.ts';

/** Cross-cluster reads of member objects: watch caches per cluster and kind, live reads for the rest. */
@Module({
  imports: [AuthModule, ClustersModule, MetricsModule, WorkloadsModule],
  controllers: [FleetController],
  providers: [FleetCaches, FleetReads],
})
export class FleetModule {}

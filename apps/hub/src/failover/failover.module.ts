import { Module } from '@nestjs/common';
import { ClustersModule } from '../clusters/clusters.module.ts';
import { EventsModule } from '../events/events.module.ts';
import { MetricsModule } from '../metrics/metrics.module.ts';
import { WorkloadsModule } from '../workloads/workloads.module.ts';
import { FailoverController } from './failover-controller.ts';
import { FailoverOperator } from './failover-operator.ts';
import { FailoverApiController } from './failover.controller.ts';

/** Automatic failover and failback (libs/failover planners), run by one replica under a Redis lease. */
@Module({
  imports: [ClustersModule, EventsModule, MetricsModule, WorkloadsModule],
  controllers: [FailoverApiController],
  providers: [FailoverController, FailoverOperator],
})
export class FailoverModule {}

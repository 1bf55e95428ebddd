import { Module } from '@nestjs/common';
import { ClustersModule } from '../clusters/clusters.module.ts';
import { EventsModule } from '../events/events.module.ts';
import { MetricsModule } from '../metrics/metrics.module.ts';
import { CleanupProcessor } from './cleanup-processor.ts';
import { FleetSnapshots } from './fleet-snapshots.ts';
import { MemberClients } from './member-clients.ts';
import { OverrideSetsController } from './override-sets.controller.ts';
import { OverrideSetsService } from './override-sets.service.ts';
import { PlacementHistory } from './placement-history.ts';
import { PlacementProcessor } from './placement-processor.ts';
import { QueuesController } from './queues.controller.ts';
import { ReconcileProcessor } from './reconcile-processor.ts';
import { ResyncProcessor } from './resync-processor.ts';
import { WorkloadMetrics } from './workload-metrics.ts';
import { WorkloadQueues } from './workload-queues.ts';
import { WorkloadSecrets } from './workload-secrets.ts';
import { WorkloadWorkers } from './workload-workers.ts';
import { WorkloadsController } from './workloads.controller.ts';
import { WorkloadsService } from './workloads.service.ts';

/**
 * Workloads: REST (workloads, override sets, queues, pending cleanups) and the BullMQ pipeline
 * (placement -> apply -> status/drift, cleanup) that puts them on the members.
 */
@Module({
  imports: [ClustersModule, EventsModule, MetricsModule],
  controllers: [WorkloadsController, OverrideSetsController, QueuesController],
  providers: [
    WorkloadQueues,
    WorkloadMetrics,
    WorkloadsService,
    OverrideSetsService,
    PlacementHistory,
    FleetSnapshots,
    MemberClients,
    PlacementProcessor,
    ReconcileProcessor,
    CleanupProcessor,
    ResyncProcessor,
    WorkloadWorkers,
    WorkloadSecrets,
  ],
  exports: [WorkloadQueues, FleetSnapshots, PlacementProcessor, WorkloadsService, MemberClients],
})
export class WorkloadsModule {}

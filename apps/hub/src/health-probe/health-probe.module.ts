import { Module } from '@nestjs/common';
import { ClustersModule } from '../clusters/clusters.module.ts';
import { MetricsModule } from '../metrics/metrics.module.ts';
import { CLUSTER_TARGETS } from './cluster-targets.ts';
import { HealthProbeService } from './health-probe.service.ts';
import { ProberMetrics } from './prober-metrics.ts';
import { RegistryClusterTargets } from './registry-cluster-targets.ts';

/**
 * The health prober: one replica (the holder of the `prober` lease) probes every registered
 * cluster and writes its `cluster-status`; see docs/health.md.
 */
@Module({
  imports: [ClustersModule, MetricsModule],
  providers: [HealthProbeService, ProberMetrics, { provide: CLUSTER_TARGETS, useClass: RegistryClusterTargets }],
  exports: [HealthProbeService],
})
export class HealthProbeModule {}

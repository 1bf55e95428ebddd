import { Module } from '@nestjs/common';
import { ClustersModule } from '../clusters/clusters.module.ts';
import { MetricsModule } from '../metrics/metrics.module.ts';
import { MemberProxy } from './member-proxy.ts';
import { MemberProxyPools } from './member-proxy-pools.ts';
import { MemberProxyRoutes } from './member-proxy-routes.ts';
import { ProxyMetrics } from './proxy-metrics.ts';

/** The member proxy: /api/v1/clusters/{name}/proxy/... to a member's API as the calling user (docs/proxy.md). */
@Module({
  imports: [ClustersModule, MetricsModule],
  providers: [MemberProxyPools, ProxyMetrics, MemberProxy, MemberProxyRoutes],
})
export class ProxyModule {}

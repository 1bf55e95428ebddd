import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Registry } from 'prom-client';
import { HttpMetrics } from './http-metrics.ts';
import { HubStatusMetrics } from './hub-status-metrics.ts';
import { createMetricsRegistry, METRICS_REGISTRY } from './metrics-registry.ts';
import { MetricsController } from './metrics.controller.ts';

@Module({
  controllers: [MetricsController],
  providers: [{ provide: METRICS_REGISTRY, useFactory: createMetricsRegistry }, HttpMetrics, HubStatusMetrics],
  exports: [HttpMetrics, METRICS_REGISTRY],
})
export class MetricsModule implements OnApplicationShutdown {
  constructor(@Inject(METRICS_REGISTRY) private readonly registry: Registry) {}

  onApplicationShutdown(): void {
    this.registry.clear();
  }
}

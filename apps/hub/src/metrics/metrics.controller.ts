import { Controller, Get, Header, Inject } from '@nestjs/common';
import { Registry } from 'prom-client';
import { METRICS_REGISTRY } from './metrics-registry.ts';
import { Access } from '../auth/access.ts';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';

@ApiTags('health')
@Controller()
export class MetricsController {
  constructor(@Inject(METRICS_REGISTRY) private readonly registry: Registry) {}

  @Access('metrics')
  @ApiOperation({ summary: 'Prometheus metrics (public unless FLOTILLA_METRICS_PUBLIC=false, then viewer)' })
  @ApiResponse({ status: 200, description: 'Prometheus text format.', content: { 'text/plain': { schema: { type: 'string' } } } })
  @Get('metrics')
  @Header('content-type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('cache-control', 'no-store')
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}

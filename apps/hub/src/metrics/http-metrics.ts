import { Inject, Injectable } from '@nestjs/common';
import { Histogram, Registry } from 'prom-client';
import { METRICS_REGISTRY } from './metrics-registry.ts';

/** Route label of requests that matched no route, so scanners cannot explode cardinality. */
export const UNMATCHED_ROUTE = '(unmatched)';

/** flotilla_http_request_duration_seconds: one observation per answered request. */
@Injectable()
export class HttpMetrics {
  private readonly duration: Histogram<'method' | 'route' | 'status'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.duration = new Histogram({
      name: 'flotilla_http_request_duration_seconds',
      help: 'Time to answer HTTP requests, by method, route pattern and status code.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  }

  /** `route` is the pattern ("/api/v1/clusters/:id"), never the raw URL. */
  observe(method: string, route: string | undefined, status: number, seconds: number): void {
    this.duration.observe({ method, route: route ?? UNMATCHED_ROUTE, status: String(status) }, seconds);
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry } from 'prom-client';
import { METRICS_REGISTRY } from '../metrics/metrics-registry.ts';

/** flotilla_proxy_requests_total and flotilla_proxy_response_seconds, per registered cluster. */
@Injectable()
export class ProxyMetrics {
  private readonly requests: Counter<'cluster' | 'method' | 'code'>;
  private readonly response: Histogram<'cluster' | 'method'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.requests = new Counter({
      name: 'flotilla_proxy_requests_total',
      help: 'Requests passed to a member cluster through the member proxy, by cluster, method and the status the hub answered (the member\'s, or 502/504 when the member failed).',
      labelNames: ['cluster', 'method', 'code'],
      registers: [registry],
    });
    this.response = new Histogram({
      name: 'flotilla_proxy_response_seconds',
      help: 'Time from a proxy request to the member\'s answer headers (a watch or a long list streams its body afterwards), by cluster and method.',
      labelNames: ['cluster', 'method'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    });
  }

  /** One request to a registered cluster: `seconds` until the answer headers, undefined when none came. */
  observe(cluster: string, method: string, code: number, seconds: number | undefined): void {
    this.requests.inc({ cluster, method, code: String(code) });
    if (seconds !== undefined) this.response.observe({ cluster, method }, seconds);
  }
}

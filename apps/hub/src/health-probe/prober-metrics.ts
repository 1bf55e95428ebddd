import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ConditionStatus } from '../../../../libs/clusters/src/index.ts';
import { METRICS_REGISTRY } from '../metrics/metrics-registry.ts';

/**
 * The prober's series. Cluster series come from the leader only: a hub that is not (or no
 * longer) the leader exposes no `flotilla_cluster_ready`, so summing over replicas never counts a
 * cluster twice. Probe counters and durations are per hub by nature (what this hub did).
 */
@Injectable()
export class ProberMetrics {
  private readonly ready: Gauge<'cluster' | 'zone'>;
  private readonly duration: Histogram<'cluster'>;
  private readonly probes: Counter<'cluster' | 'result'>;
  private readonly retries: Counter<'cluster'>;
  private readonly transitions: Counter<'cluster' | 'zone' | 'to'>;
  private readonly leader: Gauge;
  /** Result label values seen per cluster, so that forget() can remove every series. */
  private readonly results = new Map<string, Set<string>>();

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.ready = new Gauge({
      name: 'flotilla_cluster_ready',
      help: '1 when the cluster is Ready, 0 when not Ready or Unknown. Exposed by the prober leader only.',
      labelNames: ['cluster', 'zone'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'flotilla_cluster_probe_duration_seconds',
      help: 'Time one probe of one cluster took (readiness, and inventory when read), as measured by this hub.',
      labelNames: ['cluster'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    this.probes = new Counter({
      name: 'flotilla_cluster_probes_total',
      help: 'Probes this hub made, by cluster and result (success, or the failure reason).',
      labelNames: ['cluster', 'result'],
      registers: [registry],
    });
    this.retries = new Counter({
      name: 'flotilla_cluster_probe_retries_total',
      help: 'Readiness attempts beyond the first: a connection failed, or did not answer within a quarter of the probe timeout. A lossy link shows here before it fails probes.',
      labelNames: ['cluster'],
      registers: [registry],
    });
    this.transitions = new Counter({
      name: 'flotilla_cluster_ready_transitions_total',
      help: 'Changes of the Ready condition written by this hub, by the status changed to (True, False, Unknown).',
      labelNames: ['cluster', 'zone', 'to'],
      registers: [registry],
    });
    this.leader = new Gauge({
      name: 'flotilla_prober_leader',
      help: '1 while this hub holds the prober lease and probes the fleet, else 0.',
      registers: [registry],
    });
    this.leader.set(0);
  }

  setLeader(leading: boolean): void {
    this.leader.set(leading ? 1 : 0);
    // Readiness is the leader's to tell; a former leader's values would go stale.
    if (!leading) this.ready.reset();
  }

  probed(cluster: string, result: string, seconds: number, attempts: number): void {
    this.probes.inc({ cluster, result });
    if (attempts > 1) this.retries.inc({ cluster }, attempts - 1);
    let seen = this.results.get(cluster);
    if (seen === undefined) this.results.set(cluster, (seen = new Set()));
    seen.add(result);
    this.duration.observe({ cluster }, seconds);
  }

  setReady(cluster: string, zone: string, status: ConditionStatus): void {
    this.ready.set({ cluster, zone }, status === 'True' ? 1 : 0);
  }

  transitioned(cluster: string, zone: string, to: ConditionStatus): void {
    this.transitions.inc({ cluster, zone, to });
  }

  /** A cluster moved to another zone: its series under the old zone go. */
  forgetZone(cluster: string, zone: string): void {
    this.ready.remove({ cluster, zone });
    for (const to of ['True', 'False', 'Unknown']) this.transitions.remove({ cluster, zone, to });
  }

  /** A deregistered cluster leaves no series behind. */
  forget(cluster: string, zone: string): void {
    this.forgetZone(cluster, zone);
    this.duration.remove({ cluster });
    this.retries.remove({ cluster });
    for (const result of this.results.get(cluster) ?? []) this.probes.remove({ cluster, result });
    this.results.delete(cluster);
  }
}

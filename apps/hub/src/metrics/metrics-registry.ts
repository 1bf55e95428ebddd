import { collectDefaultMetrics, Registry } from 'prom-client';

/** Injection token of this hub's own prom-client registry. */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

/**
 * A registry per hub rather than prom-client's global one, so that several hubs in one process
 * (tests) do not clash over metric names. Default metrics are the usual process_* and nodejs_*.
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

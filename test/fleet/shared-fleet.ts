import { readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';

/** What a test may know of a cluster of the run's shared fleet: how to reach it, not its processes. */
export interface SharedCluster {
  name: string;
  zone: string;
  region: string;
  server: string;
  caPem: string;
  token: string;
  kubeconfig: string;
}

export const SHARED_FLEET_ENV = 'FLOTILLA_SHARED_FLEET';

/**
 * The clusters that the fleet project's global setup started for the whole run. Tests share
 * them and isolate themselves by namespace; they must not stop or break them (a test that
 * needs to kill a cluster starts its own).
 */
export function sharedFleet(): SharedCluster[] {
  const file = process.env[SHARED_FLEET_ENV];
  if (!file) throw new Error(`${SHARED_FLEET_ENV} is not set: run this test through jest's fleet project`);
  return JSON.parse(readFileSync(file, 'utf8')) as SharedCluster[];
}

export function sharedKubeConfig(cluster: SharedCluster): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(cluster.kubeconfig);
  return kc;
}

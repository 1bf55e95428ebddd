import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Paths of the cached fleet binaries and the versions they were built from. */
export interface FleetBinaries {
  kubernetesVersion: string;
  etcdVersion: string;
  kwokVersion: string;
  toxiproxyVersion: string;
  kubeApiserver: string;
  kubeControllerManager: string;
  kubeScheduler: string;
  etcd: string;
  kwok: string;
  kwokStages: string;
  toxiproxy: string;
}

let cached: FleetBinaries | undefined;

/**
 * Builds the fleet binaries when the cache lacks them (progress on stderr; a cold build takes
 * a while) and returns their paths. Cheap once built.
 */
export function ensureFleetBinaries(): FleetBinaries {
  if (cached) return cached;
  const script = join(dirname(fileURLToPath(import.meta.url)), 'build.sh');
  const out = execFileSync('bash', [script], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  cached = JSON.parse(out) as FleetBinaries;
  return cached;
}

import type { ResourceAmounts } from '../../clusters/src/cluster.ts';

/** How many replicas of `perReplica` fit in `free`; unbounded when nothing is requested. */
export function replicasFitting(free: ResourceAmounts, perReplica: ResourceAmounts): number {
  let n = Number.POSITIVE_INFINITY;
  if (perReplica.cpuMillis > 0) n = Math.min(n, Math.floor(free.cpuMillis / perReplica.cpuMillis));
  if (perReplica.memoryBytes > 0) n = Math.min(n, Math.floor(free.memoryBytes / perReplica.memoryBytes));
  if (perReplica.pods > 0) n = Math.min(n, Math.floor(free.pods / perReplica.pods));
  return Math.max(0, n);
}

/** `free` plus `replicas` × `perReplica` (negative replicas take room). */
export function addReplicas(free: ResourceAmounts, perReplica: ResourceAmounts, replicas: number): ResourceAmounts {
  return {
    cpuMillis: free.cpuMillis + replicas * perReplica.cpuMillis,
    memoryBytes: free.memoryBytes + replicas * perReplica.memoryBytes,
    pods: free.pods + replicas * perReplica.pods,
  };
}

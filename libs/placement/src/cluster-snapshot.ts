import type { ClusterSpec, ClusterStatus } from '../../clusters/src/cluster.ts';
import { effectiveReady } from '../../health/src/effective-ready.ts';
import type { ClusterSnapshot } from './fleet-snapshot.ts';

/**
 * A cluster as placement sees it at `now`, from its registry spec and prober status: Ready as
 * readers must present it ({@link effectiveReady}: stale or missing status is Unknown), served
 * group versions, and free room (allocatable minus requested). Capacity or API groups the
 * prober has not read yet stay absent, so no workload is placed on a guess.
 */
export function clusterSnapshot(spec: ClusterSpec, status: ClusterStatus | undefined, now: Date, staleAfterMs: number): ClusterSnapshot {
  const capacity = status?.capacity;
  return {
    name: spec.name,
    labels: spec.labels,
    taints: spec.taints,
    cordoned: spec.cordoned,
    ready: effectiveReady(status, now, staleAfterMs).status,
    ...(status?.apiGroups === undefined ? {} : { served: status.apiGroups.groups }),
    ...(capacity === undefined
      ? {}
      : {
          free: {
            cpuMillis: capacity.allocatable.cpuMillis - capacity.requested.cpuMillis,
            memoryBytes: capacity.allocatable.memoryBytes - capacity.requested.memoryBytes,
            pods: capacity.allocatable.pods - capacity.requested.pods,
          },
        }),
  };
}

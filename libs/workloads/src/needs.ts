import type { WorkloadNeeds } from '../../placement/src/index.ts';
import { podRequests } from '../../health/src/pod-requests.ts';
import { carriesReplicas, podSpecOf, replicaCount } from './render.ts';
import type { WorkloadSpec } from './workload.ts';

/**
 * What the workload asks of the clusters it is placed on.
 *
 * - `replicas`: {@link replicaCount}; 1 for a workload without a replica-carrying manifest, which
 *   is one copy per selected cluster.
 * - `perReplica`: the effective requests of one pod of the first replica-carrying manifest, as the
 *   scheduler computes them (app containers add up; an init container needs only its own room, so
 *   each resource is the larger of the two; sidecars and pod overhead count too), and one pod.
 *   Zero, with no pod, when there is no replica-carrying manifest: DaemonSets, Jobs and bare Pods
 *   are not checked against capacity.
 * - `kinds`: every manifest's `group/version/Kind` (`v1/ConfigMap` for the core group), sorted.
 *
 * Throws `InvalidQuantityError` on a malformed quantity (the parser rejects those first).
 */
export function workloadNeeds(spec: WorkloadSpec): WorkloadNeeds {
  const first = spec.manifests.find(carriesReplicas);
  const podSpec = first === undefined ? undefined : podSpecOf(first);
  const requests = podSpec === undefined ? { cpuMillis: 0, memoryBytes: 0 } : podRequests({ spec: podSpec });
  const kinds = [...new Set(spec.manifests.map((m) => `${m.apiVersion}/${m.kind}`))].sort();
  return {
    replicas: first === undefined ? 1 : replicaCount(spec),
    perReplica: { ...requests, pods: first === undefined ? 0 : 1 },
    kinds,
  };
}

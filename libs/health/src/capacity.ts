import type { ClusterCapacity, ResourceAmounts } from '../../clusters/src/index.ts';
import type { NodeObject, PodObject } from './kube-objects.ts';
import { podRequests } from './pod-requests.ts';
import { milliValue, value } from './quantity.ts';

const FINISHED_PHASES: ReadonlySet<string> = new Set(['Succeeded', 'Failed']);

/** A node with Ready=True. */
export function isNodeReady(node: NodeObject): boolean {
  return node.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True') === true;
}

/** Ready and not cordoned: the scheduler may put new pods there. */
function acceptsPods(node: NodeObject): boolean {
  return isNodeReady(node) && node.spec?.unschedulable !== true;
}

/**
 * A cluster's capacity as placement sees it, from its nodes and pods.
 *
 * - `allocatable`: the sum of `status.allocatable` over the nodes that can take new pods: Ready
 *   and not cordoned (`spec.unschedulable`). A NotReady or cordoned node's room is not room a
 *   workload can use.
 * - `requested`: the requests ({@link podRequests}) of the pods that hold room on those same
 *   nodes: bound to one of them (`spec.nodeName`) and not finished (phase other than Succeeded
 *   or Failed). `pods` counts them. Pods on excluded nodes are left out too, so
 *   `allocatable - requested` is the free room on usable nodes.
 * - `nodes`: how many nodes exist and how many are Ready (cordoned or not).
 *
 * Throws {@link InvalidQuantityError} on a malformed quantity.
 */
export function computeCapacity(nodes: readonly NodeObject[], pods: readonly PodObject[], observedAt: string): ClusterCapacity {
  const usable = new Set<string>();
  let allocatable: ResourceAmounts = { cpuMillis: 0, memoryBytes: 0, pods: 0 };
  for (const node of nodes) {
    if (!acceptsPods(node)) continue;
    const name = node.metadata?.name;
    if (name !== undefined) usable.add(name);
    const list = node.status?.allocatable ?? {};
    allocatable = {
      cpuMillis: allocatable.cpuMillis + (list.cpu === undefined ? 0 : milliValue(list.cpu)),
      memoryBytes: allocatable.memoryBytes + (list.memory === undefined ? 0 : value(list.memory)),
      pods: allocatable.pods + (list.pods === undefined ? 0 : value(list.pods)),
    };
  }

  let requested: ResourceAmounts = { cpuMillis: 0, memoryBytes: 0, pods: 0 };
  for (const pod of pods) {
    const nodeName = pod.spec?.nodeName;
    if (nodeName === undefined || !usable.has(nodeName)) continue;
    if (FINISHED_PHASES.has(pod.status?.phase ?? '')) continue;
    const own = podRequests(pod);
    requested = {
      cpuMillis: requested.cpuMillis + own.cpuMillis,
      memoryBytes: requested.memoryBytes + own.memoryBytes,
      pods: requested.pods + 1,
    };
  }

  return {
    allocatable,
    requested,
    nodes: { total: nodes.length, ready: nodes.filter(isNodeReady).length },
    observedAt,
  };
}

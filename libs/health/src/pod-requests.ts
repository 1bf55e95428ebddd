import type { ContainerObject, PodObject, ResourceList } from './kube-objects.ts';
import { milliValue, value } from './quantity.ts';

/** CPU and memory a pod asks the scheduler for. */
export interface PodRequests {
  readonly cpuMillis: number;
  readonly memoryBytes: number;
}

const ZERO: PodRequests = { cpuMillis: 0, memoryBytes: 0 };

function requestsOf(list: ResourceList | undefined): PodRequests {
  return {
    cpuMillis: list?.cpu === undefined ? 0 : milliValue(list.cpu),
    memoryBytes: list?.memory === undefined ? 0 : value(list.memory),
  };
}

function add(a: PodRequests, b: PodRequests): PodRequests {
  return { cpuMillis: a.cpuMillis + b.cpuMillis, memoryBytes: a.memoryBytes + b.memoryBytes };
}

function max(a: PodRequests, b: PodRequests): PodRequests {
  return { cpuMillis: Math.max(a.cpuMillis, b.cpuMillis), memoryBytes: Math.max(a.memoryBytes, b.memoryBytes) };
}

function containerRequests(container: ContainerObject): PodRequests {
  return requestsOf(container.resources?.requests);
}

/**
 * What the scheduler reserves for a pod, as Kubernetes computes it (`resourcehelper.PodRequests`):
 *
 * - app containers run together, so their requests add up;
 * - plain init containers run one at a time before them, so the pod needs the largest of them,
 *   not their sum: the result is the larger of the two, per resource;
 * - sidecars (init containers with `restartPolicy: Always`) keep running, so they add to the
 *   app containers and to every init container started after them;
 * - pod-level `spec.resources.requests`, when given, replace the container sum for that resource;
 * - RuntimeClass `spec.overhead` comes on top.
 *
 * Throws {@link InvalidQuantityError} on a malformed quantity (the API server never returns one).
 */
export function podRequests(pod: PodObject): PodRequests {
  const spec = pod.spec;
  if (spec === undefined) return ZERO;
  let app = (spec.containers ?? []).map(containerRequests).reduce(add, ZERO);
  let sidecars = ZERO;
  let init = ZERO;
  for (const container of spec.initContainers ?? []) {
    const own = containerRequests(container);
    if (container.restartPolicy === 'Always') {
      app = add(app, own);
      sidecars = add(sidecars, own);
      init = max(init, sidecars);
    } else {
      init = max(init, add(own, sidecars));
    }
  }
  let total = max(app, init);
  const podLevel = spec.resources?.requests;
  if (podLevel !== undefined) {
    const explicit = requestsOf(podLevel);
    total = {
      cpuMillis: podLevel.cpu === undefined ? total.cpuMillis : explicit.cpuMillis,
      memoryBytes: podLevel.memory === undefined ? total.memoryBytes : explicit.memoryBytes,
    };
  }
  return add(total, requestsOf(spec.overhead));
}

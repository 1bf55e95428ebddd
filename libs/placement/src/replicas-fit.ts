import type { ResourceAmounts } from '../../clusters/src/cluster.ts';

/** A resource that keeps a cluster from taking the replicas it would need. */
export interface Shortage {
  readonly resource: 'CPU' | 'memory' | 'pods';
  /** "needs 0.5 CPU per replica, 0.2 free" */
  readonly reason: string;
}

const RESOURCES = ['cpuMillis', 'memoryBytes', 'pods'] as const;
const NAMES = { cpuMillis: 'CPU', memoryBytes: 'memory', pods: 'pods' } as const;

function format(resource: (typeof RESOURCES)[number], amount: number): string {
  if (resource === 'cpuMillis') return `${Number((amount / 1000).toFixed(3))} CPU`;
  if (resource === 'memoryBytes') {
    const mib = amount / 2 ** 20;
    return mib >= 1024 ? `${Number((mib / 1024).toFixed(2))} GiB memory` : `${Number(mib.toFixed(1))} MiB memory`;
  }
  return `${amount} pods`;
}

/** How many replicas with these requests fit in `free`: Infinity when nothing is requested. */
export function replicasFit(free: ResourceAmounts, perReplica: ResourceAmounts): number {
  let fit = Number.POSITIVE_INFINITY;
  for (const resource of RESOURCES) {
    const need = perReplica[resource];
    if (need > 0) fit = Math.min(fit, Math.floor(Math.max(0, free[resource]) / need));
  }
  return fit;
}

/** Every resource too short for `replicas` replicas, in a fixed order (CPU, memory, pods). */
export function shortages(free: ResourceAmounts, perReplica: ResourceAmounts, replicas: number): Shortage[] {
  const found: Shortage[] = [];
  for (const resource of RESOURCES) {
    const need = perReplica[resource] * replicas;
    if (need > 0 && free[resource] < need) {
      const per = replicas === 1 ? 'per replica' : `for ${replicas} replicas`;
      found.push({
        resource: NAMES[resource],
        reason: `needs ${format(resource, need)} ${per}, ${format(resource, Math.max(0, free[resource]))} free`,
      });
    }
  }
  return found;
}

import type { ResourceAmounts } from '../../clusters/src/cluster.ts';

/** A resource that keeps a cluster from taking the replicas it would need. */
export interface Shortage {
  readonly resource: 'CPU' | 'memory' | 'pods';
  /** "needs 0.5 CPU per replica, 0.2 free" */
  readonly reason: string;
}

const RESOURCES = ['cpuMillis', 'memoryBytes', 'pods'] as const;
const NAMES = { cpuMillis: 'CPU', memoryBytes: 'memory', pods: 'pods' } as const;

/** "0.5 CPU", "1.5 GiB memory", "512 MiB memory", "3 pods": rounded to 3, 2 and 1 decimals. */
export function format(resource: (typeof RESOURCES)[number], amount: number): string {
  // Whole millicores, GiB and MiB (the usual amounts) need no rounding: the quotient prints as
  // its rounded form would, since a correctly rounded quotient is the decimal's nearest double.
  if (resource === 'cpuMillis') {
    if (Number.isSafeInteger(amount)) return `${amount / 1000} CPU`;
    return `${Number((amount / 1000).toFixed(3))} CPU`;
  }
  if (resource === 'memoryBytes') {
    const mib = amount / 2 ** 20;
    if (mib >= 1024) return Number.isSafeInteger(mib / 1024) ? `${mib / 1024} GiB memory` : `${Number((mib / 1024).toFixed(2))} GiB memory`;
    return Number.isSafeInteger(mib) ? `${mib} MiB memory` : `${Number(mib.toFixed(1))} MiB memory`;
  }
  return `${amount} pods`;
}

// The last "needs ..." part per resource: it is the same for every cluster of a decision.
const needsCache: { amount: number; replicas: number; text: string }[] = [];

function needsText(resource: (typeof RESOURCES)[number], need: number, replicas: number, r: number): string {
  const cached = needsCache[r];
  if (cached !== undefined && Object.is(cached.amount, need) && Object.is(cached.replicas, replicas)) return cached.text;
  const text = `needs ${format(resource, need)} ${replicas === 1 ? 'per replica' : `for ${replicas} replicas`}, `;
  needsCache[r] = { amount: need, replicas, text };
  return text;
}

/** How many replicas with these requests fit in `free`: Infinity when nothing is requested. */
export function replicasFit(free: ResourceAmounts, perReplica: ResourceAmounts): number {
  // Spelled out rather than looped over RESOURCES: it runs for every cluster of every decision.
  let fit = Number.POSITIVE_INFINITY;
  const cpu = perReplica.cpuMillis;
  if (cpu > 0) fit = Math.min(fit, Math.floor(Math.max(0, free.cpuMillis) / cpu));
  const memory = perReplica.memoryBytes;
  if (memory > 0) fit = Math.min(fit, Math.floor(Math.max(0, free.memoryBytes) / memory));
  const pods = perReplica.pods;
  if (pods > 0) fit = Math.min(fit, Math.floor(Math.max(0, free.pods) / pods));
  return fit;
}

/** Every resource too short for `replicas` replicas, in a fixed order (CPU, memory, pods). */
export function shortages(free: ResourceAmounts, perReplica: ResourceAmounts, replicas: number): Shortage[] {
  const found: Shortage[] = [];
  for (let r = 0; r < RESOURCES.length; r += 1) {
    const reason = shortageReason(free, perReplica, replicas, r);
    if (reason !== undefined) found.push({ resource: NAMES[RESOURCES[r] as (typeof RESOURCES)[number]], reason });
  }
  return found;
}

/** The number of resources {@link shortageReason} takes: 0 CPU, 1 memory, 2 pods. */
export const RESOURCE_COUNT = RESOURCES.length;

/** What {@link shortages} says of resource `r` (0 CPU, 1 memory, 2 pods), or undefined if it is not short. */
export function shortageReason(free: ResourceAmounts, perReplica: ResourceAmounts, replicas: number, r: number): string | undefined {
  const resource = RESOURCES[r] as (typeof RESOURCES)[number];
  const need = perReplica[resource] * replicas;
  if (!(need > 0 && free[resource] < need)) return undefined;
  return `${needsText(resource, need, replicas, r)}${format(resource, Math.max(0, free[resource]))} free`;
}

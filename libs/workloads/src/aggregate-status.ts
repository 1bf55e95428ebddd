import type { MemberWorkloadStatus, PlacementRecord } from './workload.ts';

/**
 * - `Pending`: not placed yet, or the placement is for an older generation.
 * - `Unschedulable`: the latest decision placed nothing.
 * - `Degraded`: the last apply failed permanently on some placed cluster.
 * - `Unknown`: some placed cluster has not reported within `staleAfterMs`.
 * - `Available`: every placed cluster applied this generation and reports Available.
 * - `Progressing`: anything else (applying, rolling out, waiting for the first report).
 * Checked in this order: the first that holds wins.
 */
export type WorkloadPhase = 'Pending' | 'Unschedulable' | 'Progressing' | 'Available' | 'Degraded' | 'Unknown';

/** One placed cluster, as the hub last saw it. */
export interface ClusterStatusEntry {
  readonly cluster: string;
  /** Replicas asked of it: what was applied for this generation, else the placement's share. */
  readonly desiredReplicas: number;
  /** As last reported, even when stale (then they are not counted in the totals). */
  readonly readyReplicas: number;
  readonly availableReplicas: number;
  readonly appliedGeneration?: number;
  /** No report, or one older than `staleAfterMs`: conditions then read Unknown with reason `Stale`. */
  readonly stale: boolean;
  readonly conditions: MemberWorkloadStatus['conditions'];
  readonly observedAt?: string;
  readonly lastError?: MemberWorkloadStatus['lastError'];
}

/** A workload's status across the fleet, for the API and the console. */
export interface WorkloadStatusView {
  readonly generation: number;
  readonly phase: WorkloadPhase;
  /** One line: "Available 6/6 in 3 clusters", "Unschedulable: 0/3 clusters fit: 1 cordoned". */
  readonly summary: string;
  /** Over the placed clusters; ready and available count fresh reports only. */
  readonly totals: { readonly desiredReplicas: number; readonly readyReplicas: number; readonly availableReplicas: number };
  /** The placed clusters, in the decision's order. */
  readonly clusters: readonly ClusterStatusEntry[];
  /** Replicas the decision could not place for lack of room (Divided only). */
  readonly unplacedReplicas: number;
}

export interface AggregateStatusInput {
  readonly generation: number;
  readonly placement?: PlacementRecord;
  readonly members: readonly MemberWorkloadStatus[];
  readonly now: Date;
  readonly staleAfterMs: number;
}

const STALE_TYPES = ['Applied', 'Available', 'Progressing'];

function isStale(member: MemberWorkloadStatus | undefined, now: Date, staleAfterMs: number): boolean {
  const observed = member?.observedAt === undefined ? Number.NaN : Date.parse(member.observedAt);
  // NaN (absent or unreadable) compares false, so it reads stale too.
  return !(now.getTime() - observed <= staleAfterMs);
}

function entryOf(name: string, placed: number, member: MemberWorkloadStatus | undefined, input: AggregateStatusInput): ClusterStatusEntry {
  const stale = isStale(member, input.now, input.staleAfterMs);
  const current = member?.appliedGeneration !== undefined && member.appliedGeneration >= input.generation;
  const message = member === undefined ? 'no status reported' : `no status since ${member.observedAt ?? 'ever'}`;
  return {
    cluster: name,
    desiredReplicas: current ? member.desiredReplicas : placed,
    readyReplicas: member?.readyReplicas ?? 0,
    availableReplicas: member?.availableReplicas ?? 0,
    ...(member?.appliedGeneration === undefined ? {} : { appliedGeneration: member.appliedGeneration }),
    stale,
    conditions: stale || member === undefined ? STALE_TYPES.map((type) => ({ type, status: 'Unknown' as const, reason: 'Stale', message })) : member.conditions,
    ...(member?.observedAt === undefined ? {} : { observedAt: member.observedAt }),
    ...(member?.lastError === undefined ? {} : { lastError: member.lastError }),
  };
}

const clusters = (n: number): string => `${n} cluster${n === 1 ? '' : 's'}`;

/**
 * Folds the members' reports into one view. Never reports a stale True: a placed cluster without
 * a report within `staleAfterMs` reads Unknown. A cluster that has not reported since a placement
 * younger than `staleAfterMs` is still starting: Progressing, not Unknown.
 */
export function aggregateStatus(input: AggregateStatusInput): WorkloadStatusView {
  const { generation, placement } = input;
  const totalsOf = (entries: readonly ClusterStatusEntry[]): WorkloadStatusView['totals'] => ({
    desiredReplicas: entries.reduce((n, e) => n + e.desiredReplicas, 0),
    readyReplicas: entries.reduce((n, e) => n + (e.stale ? 0 : e.readyReplicas), 0),
    availableReplicas: entries.reduce((n, e) => n + (e.stale ? 0 : e.availableReplicas), 0),
  });
  const empty = { generation, totals: totalsOf([]), clusters: [], unplacedReplicas: 0 };
  if (placement === undefined) return { ...empty, phase: 'Pending', summary: 'Pending: not placed yet' };
  if (placement.generation < generation) {
    return { ...empty, phase: 'Pending', summary: `Pending: placement is for generation ${placement.generation}, not ${generation}` };
  }
  const { decision } = placement;
  if (decision.clusters.length === 0) return { ...empty, unplacedReplicas: decision.unplacedReplicas, phase: 'Unschedulable', summary: `Unschedulable: ${decision.summary}` };

  const byCluster = new Map(input.members.map((m) => [m.cluster, m]));
  const entries = decision.clusters.map((c) => entryOf(c.name, c.replicas, byCluster.get(c.name), input));
  const totals = totalsOf(entries);
  const placementAge = input.now.getTime() - Date.parse(placement.decidedAt);
  const starting = (e: ClusterStatusEntry): boolean => e.observedAt === undefined && placementAge <= input.staleAfterMs;

  const failed = entries.filter((e) => e.lastError?.permanent === true);
  const stale = entries.filter((e) => e.stale && !starting(e));
  const available = entries.every((e) => !e.stale && (e.appliedGeneration ?? 0) >= generation && e.conditions.some((c) => c.type === 'Available' && c.status === 'True'));
  const phase: WorkloadPhase = failed.length > 0 ? 'Degraded' : stale.length > 0 ? 'Unknown' : available ? 'Available' : 'Progressing';

  const names = (list: readonly ClusterStatusEntry[]): string => list.map((e) => e.cluster).join(', ');
  const detail = failed.length > 0 ? `: apply failed in ${names(failed)}` : stale.length > 0 ? `: no recent status from ${names(stale)}` : '';
  const unplaced = decision.unplacedReplicas > 0 ? `; ${decision.unplacedReplicas} replicas not placed: ${decision.summary}` : '';
  return {
    generation,
    phase,
    summary: `${phase} ${totals.availableReplicas}/${totals.desiredReplicas} in ${clusters(entries.length)}${detail}${unplaced}`,
    totals,
    clusters: entries,
    unplacedReplicas: decision.unplacedReplicas,
  };
}

import type { ResourceAmounts } from '../../clusters/src/cluster.ts';
import { AffinityReasons } from './affinity.ts';
import { collectFailures, kindChecks, passesFilters, replicasNeeded, type FilterContext, type FilterFailure } from './filters.ts';
import type { ClusterSnapshot, FleetSnapshot } from './fleet-snapshot.ts';
import { matchesTerm } from './label-match.ts';
import { clustersByName } from './indexed-fleet.ts';
import { largestRemainderInto } from './largest-remainder.ts';
import type { ClusterDiagnosis, DiagnosisCode, PlacementDecision } from './placement-decision.ts';
import type { PlacementPolicy, WeightRule } from './placement-policy.ts';
import { rankIndices } from './rank.ts';
import { spreadIndices, type SpreadResult } from './spread.ts';
import { countLabelCounts } from './summary.ts';
import type { PreviousPlacement, WorkloadNeeds } from './workload-needs.ts';

/** Everything one decision depends on: no clock, no randomness, no server. */
export interface PlacementInput {
  readonly snapshot: FleetSnapshot;
  readonly policy: PlacementPolicy;
  readonly workload: WorkloadNeeds;
  /** The last decision's clusters; absent for a new workload. */
  readonly previous?: PreviousPlacement;
}

const LABELS: Readonly<Record<'SpreadLimit' | 'ZeroWeight' | 'NotNeeded', string>> = {
  SpreadLimit: 'beyond the spread limit',
  ZeroWeight: 'with weight 0',
  NotNeeded: 'not needed',
};

/** The position of the cluster with this name in name-ordered `clusters`, or -1. */
function indexOfName(clusters: readonly ClusterSnapshot[], name: string): number {
  let low = 0;
  let high = clusters.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const at = (clusters[middle] as ClusterSnapshot).name;
    if (at === name) return middle;
    if (at < name) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}

/** The snapshot's free room plus what the workload's own previous replicas hold there, so they do not push it away. */
function freeFor(cluster: ClusterSnapshot, needs: WorkloadNeeds, previousReplicas: number): ResourceAmounts | undefined {
  const free = cluster.free;
  if (free === undefined || previousReplicas === 0) return free;
  return {
    cpuMillis: free.cpuMillis + previousReplicas * needs.perReplica.cpuMillis,
    memoryBytes: free.memoryBytes + previousReplicas * needs.perReplica.memoryBytes,
    pods: free.pods + previousReplicas * needs.perReplica.pods,
  };
}

function weightOf(rules: readonly WeightRule[], cluster: ClusterSnapshot): number {
  for (const rule of rules) {
    if ((rule.names === undefined || rule.names.includes(cluster.name)) && matchesTerm(rule, cluster.labels)) return Math.max(0, Math.floor(rule.weight));
  }
  return 0;
}

// Per-cluster buffers kept between decisions (a decision is synchronous and they never escape):
// indexed by a cluster's position in name order, or lists of such positions.
class Buffers {
  size = 0;
  feasible = new Int32Array(0);
  ranked = new Int32Array(0);
  selected = new Int32Array(0);
  participants = new Int32Array(0);
  members = new Int32Array(0);
  group = new Int32Array(0);
  fit = new Float64Array(0);
  placed = new Float64Array(0);
  weight = new Float64Array(0);
  memberWeights = new Float64Array(0);
  memberCaps = new Float64Array(0);
  shares = new Float64Array(0);
  previousReplicas = new Float64Array(0);
  required = new Uint8Array(0);
  member = new Uint8Array(0);
  there = new Uint8Array(0);
  readonly diagnosis: (ClusterDiagnosis | undefined)[] = [];
  readonly notNeeded: (string | undefined)[] = [];
  readonly fitOut = new Float64Array(1);

  /** Makes room for `n` clusters and clears what a decision reads before it writes. */
  prepare(n: number): void {
    if (this.size < n) {
      const size = Math.max(n, this.size * 2, 64);
      this.size = size;
      this.feasible = new Int32Array(size);
      this.ranked = new Int32Array(size);
      this.selected = new Int32Array(size);
      this.participants = new Int32Array(size);
      this.members = new Int32Array(size);
      this.group = new Int32Array(size);
      this.fit = new Float64Array(size);
      this.placed = new Float64Array(size);
      this.weight = new Float64Array(size);
      this.memberWeights = new Float64Array(size);
      this.memberCaps = new Float64Array(size);
      this.shares = new Float64Array(size);
      this.previousReplicas = new Float64Array(size);
      this.required = new Uint8Array(size);
      this.member = new Uint8Array(size);
      this.there = new Uint8Array(size);
    }
    // Grown by push, never by length, so that they stay plain arrays.
    while (this.diagnosis.length < n) this.diagnosis.push(undefined);
    while (this.notNeeded.length < n) this.notNeeded.push(undefined);
    this.placed.fill(0, 0, n);
    this.required.fill(0, 0, n);
    this.member.fill(0, 0, n);
    this.previousReplicas.fill(0, 0, n);
    this.there.fill(0, 0, n);
    this.diagnosis.fill(undefined, 0, n);
    this.notNeeded.fill(undefined, 0, n);
  }

  /** Drops the references a decision left, so that the buffers hold no decision's objects. */
  release(n: number): void {
    this.diagnosis.fill(undefined, 0, n);
    this.notNeeded.fill(undefined, 0, n);
  }
}

const buffers = new Buffers();
// The failures of one cluster at a time; their strings are copied out.
const failureList: FilterFailure[] = [];
const CLEARED: FilterFailure = { code: 'NotNeeded', reason: '', label: '' };

/**
 * Decides where a workload runs: filter every cluster, rank the ones that fit (fallback group,
 * then room for replicas, then where it already runs, then name), apply spread constraints,
 * and divide the replicas. Pure and deterministic: the same input in any cluster order gives
 * the same decision.
 */
export function place(input: PlacementInput): PlacementDecision {
  const { policy, workload } = input;
  const clusters = clustersByName(input.snapshot);
  const total = clusters.length;

  const b = buffers;
  b.prepare(total);
  const { placed, diagnosis, notNeeded, previousReplicas, there } = b;
  // Where the workload ran, by position: the clusters are in name order, so each is found by halving.
  let hasPrevious = false;
  for (const entry of input.previous?.clusters ?? []) {
    const i = indexOfName(clusters, entry.name);
    if (i < 0) continue;
    previousReplicas[i] = entry.replicas ?? 0;
    there[i] = 1;
    hasPrevious = true;
  }

  // Label counts for the summary, and one shared diagnosis per single reason: most clusters
  // left out on a large fleet are left out for a handful of reasons.
  const labels = new Map<string, number>();
  const shared = new Map<string, ClusterDiagnosis>();
  // Consecutive clusters mostly share a label: runs are counted first, then added to the map.
  let runLabel = '';
  let run = 0;
  const count = (label: string): void => {
    if (label === runLabel) {
      run += 1;
      return;
    }
    if (run > 0) labels.set(runLabel, (labels.get(runLabel) ?? 0) + run);
    runLabel = label;
    run = 1;
  };
  /** The label counts, with the current run added. */
  const counted = (): Map<string, number> => {
    if (run > 0) labels.set(runLabel, (labels.get(runLabel) ?? 0) + run);
    run = 0;
    runLabel = '';
    return labels;
  };
  // Runs of clusters left out for the same reason (NotNeeded, SpreadLimit) skip the map.
  let last: ClusterDiagnosis | undefined;
  const leaveOut = (index: number, code: DiagnosisCode, reason: string, label: string): void => {
    let why = last !== undefined && last.code === code && last.reasons[0] === reason ? last : shared.get(reason);
    if (why === undefined || why.code !== code) shared.set(reason, (why = { code, reasons: [reason] }));
    diagnosis[index] = last = why;
    count(label);
  };

  // Filter: clusters that pass allocate nothing; the rest get their reasons.
  const { feasible, group, fit, fitOut } = b;
  let feasibleCount = 0;
  const kinds = kindChecks(workload.kinds);
  const context: FilterContext = { policy, needs: workload, kinds, affinityReasons: new AffinityReasons(), affinityFailures: new Map() };
  const needed = replicasNeeded(context);
  for (let i = 0; i < total; i += 1) {
    const cluster = clusters[i] as ClusterSnapshot;
    const free = hasPrevious ? freeFor(cluster, workload, previousReplicas[i] as number) : cluster.free;
    const g = passesFilters(cluster, context, free, needed, fitOut);
    if (g >= 0) {
      feasible[feasibleCount] = i;
      feasibleCount += 1;
      group[i] = g;
      fit[i] = fitOut[0] as number;
      continue;
    }
    const failures = failureList;
    const n = collectFailures(cluster, context, free, failures);
    if (n === 1) {
      const failure = failures[0] as FilterFailure;
      leaveOut(i, failure.code, failure.reason, failure.label);
    } else {
      const reasons = new Array<string>(n);
      for (let f = 0; f < n; f += 1) {
        const failure = failures[f] as FilterFailure;
        reasons[f] = failure.reason;
        count(failure.label);
      }
      diagnosis[i] = { code: (failures[0] as FilterFailure).code, reasons };
    }
  }
  const finish = (withReplicas: boolean, summary: string, unplacedReplicas: number): PlacementDecision => {
    const out: { name: string; replicas: number }[] = [];
    const diagnosed: Record<string, ClusterDiagnosis> = {};
    for (let i = 0; i < total; i += 1) {
      const name = (clusters[i] as ClusterSnapshot).name;
      if (withReplicas) {
        const replicas = placed[i] as number;
        if (replicas > 0) out.push({ name, replicas });
      }
      const why = diagnosis[i];
      if (why !== undefined) diagnosed[name] = why;
    }
    b.release(total);
    failureList.fill(CLEARED);
    return { clusters: out, diagnosis: diagnosed, unplacedReplicas, summary };
  };
  if (feasibleCount === 0) return finish(false, `0/${total} clusters fit${counted().size > 0 ? `: ${countLabelCounts(labels)}` : ''}`, workload.replicas);

  // Score: earlier fallback group, more room for replicas, already there, then name.
  const ranked = b.ranked;
  rankIndices(feasible, feasibleCount, group, fit, (i) => there[i] === 1, ranked);

  // Select.
  const { selected, required } = b;
  const spread: SpreadResult = { ok: true, reason: '', selectedCount: 0, requiredList: [], excluded: [], excludedReasons: [] };
  spreadIndices(clusters, ranked, feasibleCount, policy.spread ?? [], selected, required, spread);
  if (!spread.ok) {
    const filtered = counted().size > 0 ? `; filtered out: ${countLabelCounts(labels)}` : '';
    for (let k = 0; k < feasibleCount; k += 1) leaveOut(ranked[k] as number, 'SpreadLimit', spread.reason, LABELS.SpreadLimit);
    return finish(false, `0/${total} clusters placed: ${spread.reason}${filtered}`, workload.replicas);
  }
  for (let e = 0; e < spread.excluded.length; e += 1) leaveOut(spread.excluded[e] as number, 'SpreadLimit', spread.excludedReasons[e] as string, LABELS.SpreadLimit);
  const selectedCount = spread.selectedCount;
  const requiredCount = spread.requiredList.length;

  // Divide.
  const scheduling = policy.replicaScheduling;
  const maxPer = policy.maxReplicasPerCluster ?? Number.POSITIVE_INFINITY;
  let firstGroup = Number.POSITIVE_INFINITY;
  for (let k = 0; k < selectedCount; k += 1) firstGroup = Math.min(firstGroup, group[selected[k] as number] as number);
  let unplaced = 0;
  if (scheduling.type === 'Duplicated') {
    const each = Math.min(workload.replicas, maxPer);
    const groupReasons: string[] = [];
    for (let k = 0; k < selectedCount; k += 1) {
      const i = selected[k] as number;
      const g = group[i] as number;
      if (g === firstGroup || required[i] === 1) placed[i] = each;
      else notNeeded[i] = groupReasons[g] ??= `fallback group ${g + 1} not needed: group ${firstGroup + 1} has clusters that fit`;
    }
  } else {
    const mode = scheduling.divisionPreference;
    const { participants, weight, members, member, memberWeights, memberCaps, shares } = b;
    let participantCount = 0;
    for (let k = 0; k < selectedCount; k += 1) {
      const i = selected[k] as number;
      const f = fit[i] as number;
      const w = mode === 'Weighted' ? weightOf(scheduling.weights, clusters[i] as ClusterSnapshot) : Number.isFinite(f) ? f : 1;
      weight[i] = w;
      if (w > 0 || mode === 'Aggregated') {
        participants[participantCount] = i;
        participantCount += 1;
      } else {
        leaveOut(i, 'ZeroWeight', 'no weight rule gives it a weight above 0', LABELS.ZeroWeight);
      }
    }
    const cap = (i: number): number => Math.min(fit[i] as number, maxPer) - (placed[i] as number);
    let remaining = workload.replicas;
    const minPer = policy.minReplicasPerCluster ?? 0;
    // Clusters a spread minimum needs, and per-cluster minimums, come first, in rank order.
    for (let k = 0; k < participantCount; k += 1) {
      const i = participants[k] as number;
      const isRequired = required[i] === 1;
      const base = Math.max(isRequired ? 1 : 0, isRequired || mode !== 'Aggregated' ? minPer : 0);
      const replicas = Math.min(base, cap(i), remaining);
      if (replicas > 0) {
        placed[i] = (placed[i] as number) + replicas;
        remaining -= replicas;
      }
    }
    // The fallback groups in the order they first appear (best first), each filled in turn.
    const groups: number[] = [];
    for (let k = 0; k < participantCount; k += 1) {
      const g = group[participants[k] as number] as number;
      if (!groups.includes(g)) groups.push(g);
    }
    for (const g of groups) {
      let memberCount = 0;
      for (let k = 0; k < participantCount; k += 1) {
        const i = participants[k] as number;
        if (group[i] === g) {
          members[memberCount] = i;
          memberCount += 1;
        }
      }
      if (remaining === 0) {
        const reason = g === firstGroup ? 'no replica left for it' : `fallback group ${g + 1} not needed: earlier groups hold every replica`;
        for (let k = 0; k < memberCount; k += 1) notNeeded[members[k] as number] = reason;
        continue;
      }
      if (mode === 'Aggregated') {
        for (let k = 0; k < memberCount; k += 1) {
          const i = members[k] as number;
          const replicas = Math.min(cap(i), remaining);
          if (replicas > 0) {
            placed[i] = (placed[i] as number) + replicas;
            remaining -= replicas;
          } else if (placed[i] === 0) {
            notNeeded[i] = 'the replicas fit on fewer clusters with more room';
          }
        }
      } else {
        // Largest-remainder ties go by name: the members in name order (feasible is).
        for (let k = 0; k < memberCount; k += 1) member[members[k] as number] = 1;
        let m = 0;
        for (let k = 0; k < feasibleCount; k += 1) {
          const i = feasible[k] as number;
          if (member[i] === 1) {
            member[i] = 0;
            members[m] = i;
            memberWeights[m] = weight[i] as number;
            memberCaps[m] = cap(i);
            m += 1;
          }
        }
        largestRemainderInto(remaining, m, memberWeights, memberCaps, shares);
        for (let k = 0; k < m; k += 1) {
          const i = members[k] as number;
          const replicas = shares[k] as number;
          if (replicas > 0) {
            placed[i] = (placed[i] as number) + replicas;
            remaining -= replicas;
          } else if (placed[i] === 0) {
            notNeeded[i] = 'its share of the replicas rounds to 0';
          }
        }
      }
    }
    unplaced = remaining;
  }

  let starved = false;
  for (const i of spread.requiredList) if (placed[i] === 0) starved = true;
  if (starved) {
    const reason = `spread needs ${requiredCount} clusters in distinct domains, but ${workload.replicas} replicas cannot cover them`;
    for (let k = 0; k < selectedCount; k += 1) leaveOut(selected[k] as number, 'SpreadLimit', reason, LABELS.SpreadLimit);
    return finish(false, `0/${total} clusters placed: ${reason}`, workload.replicas);
  }
  for (let k = 0; k < selectedCount; k += 1) {
    const i = selected[k] as number;
    if (placed[i] === 0 && diagnosis[i] === undefined) leaveOut(i, 'NotNeeded', notNeeded[i] ?? 'no replica left for it', LABELS.NotNeeded);
  }

  let used = 0;
  let sum = 0;
  for (let i = 0; i < total; i += 1) {
    const replicas = placed[i] as number;
    if (replicas > 0) {
      used += 1;
      sum += replicas;
    }
  }
  let summary =
    scheduling.type === 'Duplicated'
      ? `${Math.min(workload.replicas, maxPer)} replicas on each of ${used}/${total} clusters`
      : `${sum} replicas on ${used}/${total} clusters`;
  if (unplaced > 0) summary += `; ${unplaced} more do not fit`;
  if (counted().size > 0) summary += `; ${total - used} left out: ${countLabelCounts(labels)}`;
  return finish(true, summary, unplaced);
}

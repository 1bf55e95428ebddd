import type { ResourceAmounts } from '../../clusters/src/cluster.ts';
import { filterCluster, kindChecks, type FeasibleCluster, type FilterFailure } from './filters.ts';
import type { ClusterSnapshot, FleetSnapshot } from './fleet-snapshot.ts';
import { matchesTerm } from './label-match.ts';
import { largestRemainder } from './largest-remainder.ts';
import type { ClusterDiagnosis, DiagnosisCode, PlacementDecision } from './placement-decision.ts';
import type { PlacementPolicy, WeightRule } from './placement-policy.ts';
import { rank } from './rank.ts';
import { applySpread } from './spread.ts';
import { countLabels } from './summary.ts';
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

const byName = (a: ClusterSnapshot, b: ClusterSnapshot): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** The clusters in name order; a snapshot already in that order (the usual case) is not copied or sorted again. */
function sortedByName(clusters: readonly ClusterSnapshot[]): readonly ClusterSnapshot[] {
  for (let i = 1; i < clusters.length; i += 1) {
    if (byName(clusters[i - 1] as ClusterSnapshot, clusters[i] as ClusterSnapshot) > 0) return [...clusters].sort(byName);
  }
  return clusters;
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
  const rule = rules.find((r) => (r.names === undefined || r.names.includes(cluster.name)) && matchesTerm(r, cluster.labels));
  return rule === undefined ? 0 : Math.max(0, Math.floor(rule.weight));
}

/**
 * Decides where a workload runs: filter every cluster, rank the ones that fit (fallback group,
 * then room for replicas, then where it already runs, then name), apply spread constraints,
 * and divide the replicas. Pure and deterministic: the same input in any cluster order gives
 * the same decision.
 */
export function place(input: PlacementInput): PlacementDecision {
  const { policy, workload } = input;
  const clusters = sortedByName(input.snapshot.clusters);
  const previous = new Map<string, number>();
  for (const entry of input.previous?.clusters ?? []) previous.set(entry.name, entry.replicas);

  const diagnosis = new Map<string, ClusterDiagnosis>();
  const labels: string[] = [];
  const leaveOut = (name: string, code: DiagnosisCode, reasons: string[], clusterLabels: string[]): void => {
    diagnosis.set(name, { code, reasons });
    labels.push(...clusterLabels);
  };

  // Filter.
  const feasible: FeasibleCluster[] = [];
  const kinds = kindChecks(workload.kinds);
  const context = { policy, needs: workload, kinds };
  for (const cluster of clusters) {
    const free = freeFor(cluster, workload, previous.get(cluster.name) ?? 0);
    const result = filterCluster(cluster, context, free);
    if (Array.isArray(result)) {
      const failures: FilterFailure[] = result;
      leaveOut(cluster.name, (failures[0] as FilterFailure).code, failures.map((f) => f.reason), failures.map((f) => f.label));
    } else {
      feasible.push(result);
    }
  }
  const total = clusters.length;
  const finish = (placed: Map<string, number>, summary: string, unplacedReplicas: number): PlacementDecision => {
    const out: { name: string; replicas: number }[] = [];
    const diagnosed: Record<string, ClusterDiagnosis> = {};
    for (const cluster of clusters) {
      const replicas = placed.get(cluster.name) ?? 0;
      if (replicas > 0) out.push({ name: cluster.name, replicas });
      const why = diagnosis.get(cluster.name);
      if (why !== undefined) diagnosed[cluster.name] = why;
    }
    return { clusters: out, diagnosis: diagnosed, unplacedReplicas, summary };
  };
  if (feasible.length === 0) return finish(new Map(), `0/${total} clusters fit${labels.length > 0 ? `: ${countLabels(labels)}` : ''}`, workload.replicas);

  // Score: earlier fallback group, more room for replicas, already there, then name.
  const ranked = rank(feasible, (name) => previous.has(name));

  // Select.
  const spread = applySpread(ranked, policy.spread ?? []);
  if (!spread.ok) {
    for (const cluster of ranked) leaveOut(cluster.cluster.name, 'SpreadLimit', [spread.reason], [LABELS.SpreadLimit]);
    const filtered = labels.filter((label) => label !== LABELS.SpreadLimit);
    return finish(new Map(), `0/${total} clusters placed: ${spread.reason}${filtered.length > 0 ? `; filtered out: ${countLabels(filtered)}` : ''}`, workload.replicas);
  }
  for (const entry of spread.excluded) leaveOut(entry.name, 'SpreadLimit', [entry.reason], [LABELS.SpreadLimit]);

  // Divide.
  const placed = new Map<string, number>();
  const notNeeded = new Map<string, string>();
  const scheduling = policy.replicaScheduling;
  const maxPer = policy.maxReplicasPerCluster ?? Number.POSITIVE_INFINITY;
  const firstGroup = Math.min(...spread.selected.map((cluster) => cluster.group));
  let unplaced = 0;
  if (scheduling.type === 'Duplicated') {
    for (const cluster of spread.selected) {
      if (cluster.group === firstGroup || spread.required.has(cluster.cluster.name)) {
        placed.set(cluster.cluster.name, Math.min(workload.replicas, maxPer));
      } else {
        notNeeded.set(cluster.cluster.name, `fallback group ${cluster.group + 1} not needed: group ${firstGroup + 1} has clusters that fit`);
      }
    }
  } else {
    const mode = scheduling.divisionPreference;
    const weights = new Map<string, number>();
    const participants = spread.selected.filter((cluster) => {
      const weight = scheduling.divisionPreference === 'Weighted' ? weightOf(scheduling.weights, cluster.cluster) : Number.isFinite(cluster.fit) ? cluster.fit : 1;
      weights.set(cluster.cluster.name, weight);
      if (weight > 0 || mode === 'Aggregated') return true;
      leaveOut(cluster.cluster.name, 'ZeroWeight', ['no weight rule gives it a weight above 0'], [LABELS.ZeroWeight]);
      return false;
    });
    const cap = (cluster: FeasibleCluster): number => Math.min(cluster.fit, maxPer) - (placed.get(cluster.cluster.name) ?? 0);
    let remaining = workload.replicas;
    const give = (name: string, replicas: number): void => {
      placed.set(name, (placed.get(name) ?? 0) + replicas);
      remaining -= replicas;
    };
    // Clusters a spread minimum needs, and per-cluster minimums, come first, in rank order.
    for (const cluster of participants) {
      const required = spread.required.has(cluster.cluster.name);
      const base = Math.max(required ? 1 : 0, required || mode !== 'Aggregated' ? (policy.minReplicasPerCluster ?? 0) : 0);
      const replicas = Math.min(base, cap(cluster), remaining);
      if (replicas > 0) give(cluster.cluster.name, replicas);
    }
    const groups = [...new Set(participants.map((cluster) => cluster.group))];
    for (const group of groups) {
      const members = participants.filter((cluster) => cluster.group === group);
      if (remaining === 0) {
        for (const cluster of members) notNeeded.set(cluster.cluster.name, group === firstGroup ? 'no replica left for it' : `fallback group ${group + 1} not needed: earlier groups hold every replica`);
        continue;
      }
      if (mode === 'Aggregated') {
        for (const cluster of members) {
          const replicas = Math.min(cap(cluster), remaining);
          if (replicas > 0) give(cluster.cluster.name, replicas);
          else if (!placed.has(cluster.cluster.name)) notNeeded.set(cluster.cluster.name, 'the replicas fit on fewer clusters with more room');
        }
      } else {
        // Largest-remainder ties go by name.
        const inGroup = new Set(members);
        const byNameMembers = feasible.filter((cluster) => inGroup.has(cluster));
        const shares = largestRemainder(
          remaining,
          byNameMembers.map((cluster) => weights.get(cluster.cluster.name) ?? 0),
          byNameMembers.map(cap),
        );
        byNameMembers.forEach((cluster, i) => {
          const replicas = shares[i] as number;
          if (replicas > 0) give(cluster.cluster.name, replicas);
          else if (!placed.has(cluster.cluster.name)) notNeeded.set(cluster.cluster.name, 'its share of the replicas rounds to 0');
        });
      }
    }
    unplaced = remaining;
  }

  const starved = [...spread.required].filter((name) => (placed.get(name) ?? 0) === 0).sort();
  if (starved.length > 0) {
    const reason = `spread needs ${spread.required.size} clusters in distinct domains, but ${workload.replicas} replicas cannot cover them`;
    for (const cluster of spread.selected) leaveOut(cluster.cluster.name, 'SpreadLimit', [reason], [LABELS.SpreadLimit]);
    return finish(new Map(), `0/${total} clusters placed: ${reason}`, workload.replicas);
  }
  const notNeededDiagnoses = new Map<string, ClusterDiagnosis>();
  for (const cluster of spread.selected) {
    const name = cluster.cluster.name;
    if ((placed.get(name) ?? 0) === 0 && !diagnosis.has(name)) {
      // Many clusters share a reason on a large fleet: one diagnosis object per reason.
      const reason = notNeeded.get(name) ?? 'no replica left for it';
      let shared = notNeededDiagnoses.get(reason);
      if (shared === undefined) notNeededDiagnoses.set(reason, (shared = { code: 'NotNeeded', reasons: [reason] }));
      diagnosis.set(name, shared);
      labels.push(LABELS.NotNeeded);
    }
  }

  const used = [...placed.values()].filter((n) => n > 0);
  const sum = used.reduce((acc, n) => acc + n, 0);
  let summary =
    scheduling.type === 'Duplicated'
      ? `${Math.min(workload.replicas, maxPer)} replicas on each of ${used.length}/${total} clusters`
      : `${sum} replicas on ${used.length}/${total} clusters`;
  if (unplaced > 0) summary += `; ${unplaced} more do not fit`;
  if (labels.length > 0) summary += `; ${total - used.length} left out: ${countLabels(labels)}`;
  return finish(placed, summary, unplaced);
}

import type { ConditionStatus } from '../../clusters/src/cluster.ts';
import type { FailoverSettings } from './settings.ts';

type FlapSettings = Pick<FailoverSettings, 'flapWindowMs' | 'flapThreshold' | 'stabilizationMs' | 'flappingStabilizationMs'>;

/** One observed effective Ready status of a cluster (from the prober's status, via effectiveReady). */
export interface ReadyObservation {
  readonly cluster: string;
  /** `topology.kubernetes.io/zone`; '' when the cluster has none (it then counts in no zone). */
  readonly zone: string;
  readonly ready: ConditionStatus;
  /** When it was observed, epoch ms. */
  readonly at: number;
  /**
   * The condition's `lastTransitionTime` (epoch ms), used only for a cluster the tracker has
   * not seen yet: a new leader then starts the outage where the prober saw it start, not at
   * its own first look.
   */
  readonly since?: number;
}

/** What the tracker keeps of one cluster. Plain numbers (epoch ms), so it can live in Redis. */
export interface ClusterHealth {
  readonly cluster: string;
  readonly zone: string;
  /** The last observed status; Unknown (stale, unreachable prober) counts as not Ready. */
  readonly ready: ConditionStatus;
  readonly lastObservedAt: number;
  /** Start of the current not-Ready stretch; absent while Ready. The partition guard correlates on it. */
  readonly notReadySince?: number;
  /**
   * Start of the current outage: set when the cluster goes not Ready, KEPT across recoveries
   * shorter than the stabilization window, cleared once Ready for that window. Tolerations
   * count from it, so a cluster that blinks Ready for a few seconds does not restart the clock
   * of the workloads waiting on it.
   */
  readonly unhealthySince?: number;
  /** Since when continuously Ready; absent while not Ready. */
  readonly readySince?: number;
  /** Times of Ready transitions (True <-> not True) within the flap window, oldest first. */
  readonly transitions: readonly number[];
}

/** Every tracked cluster by name. A plain object: JSON in and out. */
export interface HealthTrackerState {
  readonly clusters: Readonly<Record<string, ClusterHealth>>;
}

export const EMPTY_HEALTH: HealthTrackerState = { clusters: {} };

/** Keeps the transition list bounded whatever the flap window. */
const MAX_TRANSITIONS = 64;

/** Ready transitions in the flap window ending at `now`. */
export function flapScore(health: ClusterHealth, settings: FlapSettings, now: number): number {
  let n = 0;
  for (const at of health.transitions) if (at > now - settings.flapWindowMs && at <= now) n += 1;
  return n;
}

export function isFlapping(health: ClusterHealth, settings: FlapSettings, now: number): boolean {
  return flapScore(health, settings, now) >= settings.flapThreshold;
}

/** How long the cluster must stay Ready after an outage to count as healthy: longer while flapping (hysteresis). */
export function requiredStableMs(health: ClusterHealth, settings: FlapSettings, now: number): number {
  return isFlapping(health, settings, now) ? settings.flappingStabilizationMs : settings.stabilizationMs;
}

/** How long the cluster has been continuously Ready at `now`; 0 when it is not Ready. */
export function stableReadyFor(health: ClusterHealth, now: number): number {
  return health.ready === 'True' && health.readySince !== undefined ? Math.max(0, now - health.readySince) : 0;
}

/**
 * How long the current outage has lasted at `now`, for tolerations; 0 while the cluster is
 * Ready (even if not yet stable: a Ready cluster triggers no new failover).
 */
export function failedFor(health: ClusterHealth, now: number): number {
  return health.ready !== 'True' && health.unhealthySince !== undefined ? Math.max(0, now - health.unhealthySince) : 0;
}

/**
 * Healthy: Ready, and either never out or Ready for the (flap-aware) stabilization window
 * since. Only healthy clusters receive replacements and failbacks.
 */
export function isHealthy(health: ClusterHealth, settings: FlapSettings, now: number): boolean {
  if (health.ready !== 'True') return false;
  if (health.unhealthySince === undefined) return true;
  return stableReadyFor(health, now) >= requiredStableMs(health, settings, now);
}

function prune(transitions: readonly number[], settings: FlapSettings, now: number): number[] {
  const kept = transitions.filter((at) => at > now - settings.flapWindowMs);
  return kept.length > MAX_TRANSITIONS ? kept.slice(kept.length - MAX_TRANSITIONS) : kept;
}

/**
 * The tracker after one observation: a pure reducer. Observations older than the last one of
 * the same cluster are ignored, and a repeated status changes only `lastObservedAt`, so
 * replaying the same observations in any batching gives the same state.
 */
export function observeReady(state: HealthTrackerState, observation: ReadyObservation, settings: FlapSettings): HealthTrackerState {
  const { cluster, zone, ready, at } = observation;
  const previous = state.clusters[cluster];
  const up = ready === 'True';
  let next: ClusterHealth;
  if (previous === undefined) {
    const since = Math.min(observation.since ?? at, at);
    next = up
      ? { cluster, zone, ready, lastObservedAt: at, readySince: since, transitions: [] }
      : { cluster, zone, ready, lastObservedAt: at, notReadySince: since, unhealthySince: since, transitions: [] };
  } else {
    if (at < previous.lastObservedAt) return state;
    const wasUp = previous.ready === 'True';
    if (up === wasUp) {
      next = { ...previous, zone, ready, lastObservedAt: at };
    } else if (!up) {
      // A new outage only if the last one had been left behind for the whole window.
      const stable = previous.unhealthySince === undefined || stableReadyFor(previous, at) >= requiredStableMs(previous, settings, at);
      const { readySince: _readySince, ...rest } = previous;
      next = {
        ...rest,
        zone,
        ready,
        lastObservedAt: at,
        notReadySince: at,
        unhealthySince: stable ? at : previous.unhealthySince,
        transitions: [...previous.transitions, at],
      };
    } else {
      const { notReadySince: _notReadySince, ...rest } = previous;
      next = { ...rest, zone, ready, lastObservedAt: at, readySince: at, transitions: [...previous.transitions, at] };
    }
  }
  next = { ...next, transitions: prune(next.transitions, settings, at) };
  // Normalise: an outage left behind for the whole window is over.
  if (next.ready === 'True' && next.unhealthySince !== undefined && isHealthy(next, settings, at)) {
    const { unhealthySince: _unhealthySince, ...rest } = next;
    next = rest;
  }
  return { clusters: { ...state.clusters, [cluster]: next } };
}

/** The tracker without a cluster that left the registry. */
export function forgetCluster(state: HealthTrackerState, cluster: string): HealthTrackerState {
  if (state.clusters[cluster] === undefined) return state;
  const clusters = { ...state.clusters };
  delete clusters[cluster];
  return { clusters };
}

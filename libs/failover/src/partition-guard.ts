import type { ClusterHealth, HealthTrackerState } from './cluster-health-tracker.ts';
import type { GuardSettings } from './settings.ts';

/**
 * Whether automatic failover is suspended because the hub itself looks cut off. Stored with
 * the rest of the failover state so that a new leader stays suspended (or not) as the old one was.
 */
export interface GuardState {
  readonly suspended: boolean;
  /** When the guard tripped. */
  readonly since?: number;
  /** For the alert: what was lost at once. */
  readonly reason?: string;
  /** While suspended: since when the picture has been clear (resume after `resumeAfterMs` of it). */
  readonly clearSince?: number;
}

export const GUARD_OPEN: GuardState = { suspended: false };

const seconds = (ms: number): string => `${Math.round(ms / 1000)} s`;

/** Why a set of lost clusters trips the guard, or undefined if it does not. */
function tripReason(lost: readonly ClusterHealth[], all: readonly ClusterHealth[], settings: GuardSettings, what: string): string | undefined {
  const total = all.length;
  if (lost.length >= settings.minLostClusters && lost.length >= settings.lostFraction * total) {
    return `${lost.length}/${total} clusters ${what}: ${lost.map((c) => c.cluster).join(', ')}`;
  }
  const lostNames = new Set(lost.map((c) => c.cluster));
  const zones = [...new Set(all.map((c) => c.zone).filter((z) => z !== ''))].sort();
  const whole = zones.filter((zone) => all.every((c) => c.zone !== zone || lostNames.has(c.cluster)));
  if (whole.length >= settings.lostZones) return `every cluster of ${whole.length} zones (${whole.join(', ')}) ${what}`;
  return undefined;
}

/**
 * The largest set of not-Ready clusters whose outages began within `correlationWindowMs` of
 * each other (ties: the earliest). A slow trickle of independent failures never forms one.
 */
function lostAtOnce(down: readonly ClusterHealth[], windowMs: number): ClusterHealth[] {
  const sorted = [...down].sort((a, b) => (a.notReadySince ?? 0) - (b.notReadySince ?? 0) || (a.cluster < b.cluster ? -1 : 1));
  let best: ClusterHealth[] = [];
  let start = 0;
  for (let end = 0; end < sorted.length; end += 1) {
    const endAt = (sorted[end] as ClusterHealth).notReadySince ?? 0;
    while (endAt - ((sorted[start] as ClusterHealth).notReadySince ?? 0) > windowMs) start += 1;
    if (end - start + 1 > best.length) best = sorted.slice(start, end + 1);
  }
  return best;
}

/**
 * The guard at `now`.
 *
 * - Trips (suspends) when the clusters lost AT ONCE (outages begun within the correlation
 *   window) are at least `lostFraction` of the fleet (and at least `minLostClusters`), or cover
 *   every cluster of `lostZones` zones. That is what the hub's own network failing looks like;
 *   evicting then would move everything onto the few clusters the hub still sees.
 * - Clears only when ALL clusters currently not Ready, however they got there, no longer meet
 *   either rule, and then only after `resumeAfterMs` of that (hysteresis): a picture that is
 *   still half dark is not clear just because the outages are old.
 */
export function evaluateGuard(previous: GuardState, health: HealthTrackerState, settings: GuardSettings, now: number): GuardState {
  const all = Object.keys(health.clusters)
    .sort()
    .map((name) => health.clusters[name] as ClusterHealth);
  const down = all.filter((c) => c.ready !== 'True');
  if (!previous.suspended) {
    const reason = tripReason(lostAtOnce(down, settings.correlationWindowMs), all, settings, `went not Ready within ${seconds(settings.correlationWindowMs)}`);
    return reason === undefined ? GUARD_OPEN : { suspended: true, since: now, reason: `hub-side partition suspected, automatic failover suspended: ${reason}` };
  }
  const stillDark = tripReason(down, all, settings, 'are not Ready');
  if (stillDark !== undefined) {
    const { clearSince: _clearSince, ...rest } = previous;
    return rest;
  }
  const clearSince = previous.clearSince ?? now;
  if (now - clearSince >= settings.resumeAfterMs) return GUARD_OPEN;
  return { ...previous, clearSince };
}

import type { ClusterStatus, Condition } from '../../clusters/src/index.ts';
import { ReadyReason } from './reasons.ts';

/** The stored Ready condition of a status, if it has one. */
export function readyCondition(status: ClusterStatus | undefined): Condition | undefined {
  return status?.conditions.find((condition) => condition.type === 'Ready');
}

/** True when the status was last observed more than `staleAfterMs` before `now`. */
export function isStale(status: ClusterStatus, now: Date, staleAfterMs: number): boolean {
  const observedAt = Date.parse(status.observedAt);
  // An unreadable time is as good as no time at all.
  if (Number.isNaN(observedAt)) return true;
  return now.getTime() - observedAt > staleAfterMs;
}

/**
 * The Ready condition as a reader must present it at `now`: the stored one while it is fresh,
 * Unknown/StatusStale once the last probe result is older than `staleAfterMs` (so a dead prober
 * never leaves a stale True behind), and Unknown/NotProbed before the first probe result.
 *
 * `notProbedSince` is when the cluster was registered; it is the `lastTransitionTime` of the
 * NotProbed condition. A stale condition's `lastTransitionTime` is the moment it became stale.
 */
export function effectiveReady(status: ClusterStatus | undefined, now: Date, staleAfterMs: number, notProbedSince?: string): Condition {
  const stored = readyCondition(status);
  if (status === undefined || stored === undefined) {
    return {
      type: 'Ready',
      status: 'Unknown',
      reason: ReadyReason.NotProbed,
      message: 'no probe of this cluster has finished yet',
      lastTransitionTime: notProbedSince ?? now.toISOString(),
    };
  }
  if (!isStale(status, now, staleAfterMs)) return stored;
  const observedAt = Date.parse(status.observedAt);
  const staleSince = Number.isNaN(observedAt) ? now : new Date(observedAt + staleAfterMs);
  const age = Number.isNaN(observedAt) ? 'an unreadable time' : `${((now.getTime() - observedAt) / 1000).toFixed(1)} s ago`;
  return {
    type: 'Ready',
    status: 'Unknown',
    reason: ReadyReason.StatusStale,
    message: `the last probe result is from ${age} (was ${stored.status}/${stored.reason}); results older than ${staleAfterMs} ms are not trusted: the prober may be down or changing hands`,
    lastTransitionTime: staleSince.toISOString(),
  };
}

import type { ClusterCapacity, ClusterStatus, Condition, ConditionStatus } from '../../clusters/src/index.ts';
import { isStale, readyCondition } from './effective-ready.ts';
import type { ProbePolicy } from './probe-policy.ts';
import { ReadyReason, type ProbeFailureReason } from './reasons.ts';

/** What one probe of a cluster found out about its readiness. */
export type ProbeOutcome =
  /** The API server says it is ready. */
  | { readonly kind: 'success'; readonly message: string }
  /** The cluster could not be reached, timed out, refused the credentials or is not ready. */
  | { readonly kind: 'failure'; readonly reason: ProbeFailureReason; readonly message: string }
  /** The hub could not probe at all (e.g. unreadable credentials): a hub-side fact, not the cluster's. */
  | { readonly kind: 'notProbed'; readonly reason: typeof ReadyReason.CredentialsUnavailable; readonly message: string };

/** What a probe read besides readiness; each part present only when it was read this time. */
export interface ProbeInventory {
  readonly capacity?: ClusterCapacity;
  readonly kubernetesVersion?: { readonly gitVersion: string; readonly observedAt: string };
  readonly apiGroups?: { readonly groups: readonly string[]; readonly observedAt: string };
}

export interface ProbeResult {
  readonly outcome: ProbeOutcome;
  /** When the probe ended; becomes the status's `observedAt`. */
  readonly finishedAt: Date;
  readonly inventory?: ProbeInventory;
}

/** A change of the Ready condition's status. */
export interface ReadyTransition {
  readonly from: ConditionStatus;
  readonly to: ConditionStatus;
  readonly reason: string;
  readonly message: string;
  readonly at: string;
}

export interface NextStatus {
  readonly status: ClusterStatus;
  /** Present when the Ready status changed (True, False, Unknown), not when only its message did. */
  readonly transition?: ReadyTransition;
}

export type ReadyPolicy = Pick<ProbePolicy, 'failureThreshold' | 'successThreshold' | 'staleAfterMs'>;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The state machine of the Ready condition: the previous status and one probe result give the
 * next status, and the transition when the condition's status changed.
 *
 * - A first observation decides at once (Unknown → True or False): there is no known state to
 *   protect yet. So does the first observation after the previous status went stale (nobody
 *   probed for longer than `staleAfterMs`, e.g. while the prober changed hands), because its
 *   counters describe a past nobody watched.
 * - Ready (True) turns False only after `failureThreshold` consecutive failed probes, so one lost
 *   probe never flips it; until then the condition stays as it is.
 * - Not Ready (False) turns True only after `successThreshold` consecutive successes. While False,
 *   each failure refreshes the reason and message (Unreachable may become Unauthorized) but not
 *   `lastTransitionTime`.
 * - A probe the hub could not make (credentials unavailable) turns the condition Unknown at once.
 *
 * Transitions are reported against the stored condition, so a stale-but-still-true status
 * confirmed by a new probe is not a transition. Last known capacity, version and API groups are
 * kept when a probe does not read them, each with its own `observedAt`.
 */
export function nextStatus(previous: ClusterStatus | undefined, result: ProbeResult, policy: ReadyPolicy, fencingToken: number): NextStatus {
  const now = result.finishedAt;
  const at = now.toISOString();
  const stored = readyCondition(previous);
  const fresh = previous !== undefined && stored !== undefined && stored.status !== 'Unknown' && !isStale(previous, now, policy.staleAfterMs);
  const { outcome } = result;

  let successes = fresh ? previous.consecutiveSuccesses : 0;
  let failures = fresh ? previous.consecutiveFailures : 0;
  let wanted: { status: ConditionStatus; reason: string; message: string };
  switch (outcome.kind) {
    case 'success': {
      successes += 1;
      failures = 0;
      const reached = !fresh || stored.status === 'True' || successes >= policy.successThreshold;
      wanted = reached
        ? { status: 'True', reason: ReadyReason.ProbeSucceeded, message: outcome.message }
        : { status: 'False', reason: stored.reason, message: stored.message };
      if (reached && fresh && stored.status === 'False') {
        wanted.message = `${outcome.message} (${plural(successes, 'consecutive successful probe')})`;
      }
      break;
    }
    case 'failure': {
      failures += 1;
      successes = 0;
      const reached = !fresh || stored.status === 'False' || failures >= policy.failureThreshold;
      wanted = reached
        ? { status: 'False', reason: outcome.reason, message: fresh ? `${outcome.message} (${plural(failures, 'consecutive failed probe')})` : outcome.message }
        : { status: 'True', reason: stored.reason, message: stored.message };
      break;
    }
    case 'notProbed':
      successes = 0;
      failures = 0;
      wanted = { status: 'Unknown', reason: outcome.reason, message: outcome.message };
      break;
  }

  let condition: Condition;
  let transition: ReadyTransition | undefined;
  if (stored !== undefined && stored.status === wanted.status) {
    // Same status: only a False or Unknown condition follows the latest cause; True stays as it was.
    condition = wanted.status === 'True' ? stored : { ...stored, reason: wanted.reason, message: wanted.message };
  } else {
    condition = { type: 'Ready', ...wanted, lastTransitionTime: at };
    transition = { from: stored?.status ?? 'Unknown', to: wanted.status, reason: wanted.reason, message: wanted.message, at };
  }

  const inventory = result.inventory ?? {};
  const capacity = inventory.capacity ?? previous?.capacity;
  const kubernetesVersion = inventory.kubernetesVersion ?? previous?.kubernetesVersion;
  const apiGroups = inventory.apiGroups ?? previous?.apiGroups;
  const status: ClusterStatus = {
    conditions: [condition, ...(previous?.conditions.filter((c) => c.type !== 'Ready') ?? [])],
    observedAt: at,
    ...(capacity === undefined ? {} : { capacity }),
    ...(kubernetesVersion === undefined ? {} : { kubernetesVersion }),
    ...(apiGroups === undefined ? {} : { apiGroups }),
    consecutiveSuccesses: successes,
    consecutiveFailures: failures,
    fencingToken,
  };
  return transition === undefined ? { status } : { status, transition };
}

/** How the prober probes and how results move the Ready condition. */
export interface ProbePolicy {
  /**
   * Time between the starts of two probes of one cluster, before jitter.
   * @defaultValue 1000
   */
  readonly periodMs: number;
  /**
   * Each probe's own bound: every request it makes is aborted after this long.
   * @defaultValue 1000
   */
  readonly timeoutMs: number;
  /**
   * Each period is stretched or shrunk by a random fraction up to this, so that probes of many
   * clusters (and of many hubs after a restart) do not march in lockstep.
   * @defaultValue 0.1
   */
  readonly jitterRatio: number;
  /**
   * Consecutive failed probes that turn a Ready cluster not Ready.
   * @defaultValue 2
   */
  readonly failureThreshold: number;
  /**
   * Consecutive successful probes that turn a not Ready cluster Ready.
   * @defaultValue 2
   */
  readonly successThreshold: number;
  /**
   * A status older than this reads Unknown/StatusStale.
   * @defaultValue 3000
   */
  readonly staleAfterMs: number;
  /**
   * Every Nth probe of a cluster also reads its version, API groups, nodes and pods.
   * @defaultValue 10
   */
  readonly inventoryEvery: number;
}

/** The longest a probe start may be delayed beyond its period by jitter. */
export function maxJitterMs(policy: ProbePolicy): number {
  return Math.ceil(policy.periodMs * policy.jitterRatio);
}

/** Longest time between the starts of two consecutive probes of one cluster. */
function maxStartGapMs(policy: ProbePolicy): number {
  // A probe never overlaps the previous probe of the same cluster, so a probe that runs into its
  // timeout pushes the next start to its end.
  return Math.max(policy.periodMs + maxJitterMs(policy), policy.timeoutMs);
}

/**
 * Worst-case time from a Ready cluster dying or hanging to its status being written False,
 * assuming fewer than FLOTILLA_PROBE_CONCURRENCY clusters are in a probe at once.
 *
 * The cluster fails just after answering a probe. The next probe starts at most one
 * period plus jitter later; each failed probe takes at most the timeout; `failureThreshold`
 * of them in a row are needed, each starting at most {@link maxStartGapMs} after the one
 * before; the status is written as soon as the last one ends:
 *
 *     (period + jitter) + (failureThreshold - 1) × max(period + jitter, timeout) + timeout
 *
 * With the defaults: 1100 + 1 × 1100 + 1000 = 3200 ms. A killed cluster refuses connections
 * at once, so it usually takes one timeout less.
 */
export function detectionBoundMs(policy: ProbePolicy): number {
  return policy.periodMs + maxJitterMs(policy) + (policy.failureThreshold - 1) * maxStartGapMs(policy) + policy.timeoutMs;
}

/**
 * Worst-case time from a cluster answering again to its status being written True: a probe in
 * flight may still time out, then `successThreshold` probes must succeed in a row.
 *
 *     timeout + successThreshold × max(period + jitter, timeout)
 *
 * With the defaults: 1000 + 2 × 1100 = 3200 ms (plus however long the API server itself takes
 * to report ready again).
 */
export function recoveryBoundMs(policy: ProbePolicy): number {
  return policy.timeoutMs + policy.successThreshold * maxStartGapMs(policy);
}

/**
 * The longest a healthy cluster's status can go without being rewritten: the next probe starts
 * at most one period plus jitter after the last one started, and ends at most a timeout later.
 */
export function maxStatusAgeMs(policy: ProbePolicy): number {
  return maxStartGapMs(policy) + policy.timeoutMs;
}

/** Settings that contradict each other, as sentences; empty when the policy is coherent. */
export function probePolicyIssues(policy: ProbePolicy): string[] {
  const issues: string[] = [];
  const age = maxStatusAgeMs(policy);
  if (policy.staleAfterMs <= age) {
    issues.push(
      `the staleness bound (${policy.staleAfterMs} ms) must exceed the longest gap between two probe results of a healthy cluster (period + jitter + timeout = ${age} ms), or healthy clusters would read Unknown`,
    );
  }
  if (policy.jitterRatio < 0 || policy.jitterRatio >= 1) issues.push(`the jitter ratio must be in [0, 1), got ${policy.jitterRatio}`);
  return issues;
}

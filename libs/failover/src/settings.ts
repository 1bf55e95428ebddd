import type { TokenBucketSettings } from './token-bucket.ts';

/** Thresholds of the hub-side partition guard (see partition-guard.ts). */
export interface GuardSettings {
  /**
   * Suspend when at least this share of the fleet went not Ready at once.
   * @defaultValue 0.5
   */
  readonly lostFraction: number;
  /**
   * Suspend when every cluster of at least this many zones went not Ready at once.
   * @defaultValue 2
   */
  readonly lostZones: number;
  /**
   * The share rule needs at least this many clusters lost at once: one cluster failing is the
   * very case failover exists for, even in a fleet of two.
   * @defaultValue 2
   */
  readonly minLostClusters: number;
  /** Clusters that went not Ready within this span of each other were lost "at once". @defaultValue 60_000 */
  readonly correlationWindowMs: number;
  /** Once the picture is clear, how long it must stay clear before failover resumes. @defaultValue 120_000 */
  readonly resumeAfterMs: number;
}

/** Every knob of the failover planner, in epoch milliseconds where it is a time. */
export interface FailoverSettings {
  /** Transitions are counted over this window for the flap score. @defaultValue 600_000 */
  readonly flapWindowMs: number;
  /** A cluster with at least this many Ready transitions in the window is flapping. @defaultValue 4 */
  readonly flapThreshold: number;
  /** A cluster back from an outage counts as healthy once Ready this long. @defaultValue 120_000 */
  readonly stabilizationMs: number;
  /** The same for a flapping cluster (hysteresis). @defaultValue 600_000 */
  readonly flappingStabilizationMs: number;
  readonly guard: GuardSettings;
  /** Evictions (Replace actions): N per interval with a burst. @defaultValue 10 burst, 5 per minute */
  readonly evictions: TokenBucketSettings;
  /** Workloads with a replacement not settled yet (not Available, graceful timeout not passed). @defaultValue 20 */
  readonly maxInFlight: number;
  /** Failbacks and restores of preempted replicas. @defaultValue 2 burst, 1 per minute */
  readonly failbacks: TokenBucketSettings;
  /** A stateful copy counts as gone once its cluster has been fenced this long. @defaultValue 300_000 */
  readonly fenceGraceMs: number;
}

export const DEFAULT_FAILOVER_SETTINGS: FailoverSettings = {
  flapWindowMs: 600_000,
  flapThreshold: 4,
  stabilizationMs: 120_000,
  flappingStabilizationMs: 600_000,
  guard: { lostFraction: 0.5, lostZones: 2, minLostClusters: 2, correlationWindowMs: 60_000, resumeAfterMs: 120_000 },
  evictions: { burst: 10, perInterval: 5, intervalMs: 60_000 },
  maxInFlight: 20,
  failbacks: { burst: 2, perInterval: 1, intervalMs: 60_000 },
  fenceGraceMs: 300_000,
};

/**
 * Injection token: how old a cluster-status may be before its Ready condition reads
 * Unknown/StatusStale.
 */
export const STATUS_STALE_AFTER_MS = Symbol('STATUS_STALE_AFTER_MS');

/**
 * SWITCH POINT: the prober's staleness setting is not in the configuration yet; until it is, the
 * API uses the prober's documented default (libs/health ProbePolicy.staleAfterMs). When the
 * prober adds its variable, provide STATUS_STALE_AFTER_MS from the config in clusters.module.ts
 * and delete this constant.
 */
export const DEFAULT_STATUS_STALE_AFTER_MS = 3_000;

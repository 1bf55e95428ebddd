/**
 * Injection token: how old a cluster-status may be before its Ready condition reads
 * Unknown/StatusStale (from FLOTILLA_STATUS_STALE_AFTER_MS, the prober's bound).
 */
export const STATUS_STALE_AFTER_MS = Symbol('STATUS_STALE_AFTER_MS');

export { LeaderElector, type DemotionReason, type LeaderElectorOptions } from './leader-elector.ts';
export { RedisLease, type HeldLease, type LeaseHolder, type RedisLeaseOptions } from './redis-lease.ts';
export { newHolderId } from './holder-id.ts';

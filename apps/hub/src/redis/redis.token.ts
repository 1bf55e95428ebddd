/** Injection token of the hub's shared ioredis connection (for commands, not blocking reads). */
export const REDIS = Symbol('REDIS');

/**
 * A condition on a write: it goes through only while the Redis key `key` holds exactly `value`.
 * Used for fencing: a leader writes with its lease value as the guard, so once the lease has
 * passed to another holder, the old leader's writes are refused ({@link FencedWriteError}) even
 * if it has not noticed yet.
 */
export interface StoreGuard {
  /** A plain string key under the store's prefix, e.g. `<prefix>:lease:prober`. */
  readonly key: string;
  readonly value: string;
}

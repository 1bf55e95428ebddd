/** Base of every error the store throws on purpose, so callers can tell them from I/O faults. */
export abstract class StoreError extends Error {
  override name = 'StoreError';
}

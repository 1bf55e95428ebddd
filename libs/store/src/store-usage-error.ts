import { StoreError } from './store-error.ts';

/**
 * The caller asked for something the store cannot do at all (a malformed key, a version that
 * is not a positive integer, the same key twice in one transaction). A bug, never retried.
 */
export class StoreUsageError extends StoreError {
  override name = 'StoreUsageError';
}

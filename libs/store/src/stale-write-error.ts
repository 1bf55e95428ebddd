import { formatRecordKey, type RecordKey } from './record-key.ts';
import { StoreError } from './store-error.ts';

/**
 * A write was based on a version that is no longer current: someone else wrote in between.
 * Never retry the same write blindly: read again, re-decide, write with the new version.
 */
export class StaleWriteError extends StoreError {
  override name = 'StaleWriteError';

  constructor(
    readonly key: RecordKey,
    readonly expectedVersion: number,
    readonly actualVersion: number,
  ) {
    super(`stale write to ${formatRecordKey(key)}: expected version ${expectedVersion}, found ${actualVersion}`);
  }
}

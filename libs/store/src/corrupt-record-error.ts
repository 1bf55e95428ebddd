import { formatRecordKey, type RecordKey } from './record-key.ts';
import { StoreError } from './store-error.ts';

/** A stored record could not be read back: written by something other than this store. */
export class CorruptRecordError extends StoreError {
  override name = 'CorruptRecordError';

  constructor(
    readonly key: RecordKey,
    reason: string,
  ) {
    super(`${formatRecordKey(key)} is corrupt: ${reason}`);
  }
}

import { formatRecordKey, type RecordKey } from './record-key.ts';
import { StoreError } from './store-error.ts';

/** The record does not exist (or no longer does). */
export class NotFoundError extends StoreError {
  override name = 'NotFoundError';

  constructor(readonly key: RecordKey) {
    super(`${formatRecordKey(key)} does not exist`);
  }
}

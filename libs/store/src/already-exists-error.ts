import { formatRecordKey, type RecordKey } from './record-key.ts';
import { StoreError } from './store-error.ts';

/** A create found a record already stored under the key. */
export class AlreadyExistsError extends StoreError {
  override name = 'AlreadyExistsError';

  constructor(
    readonly key: RecordKey,
    /** Version of the record that is there. */
    readonly actualVersion: number,
  ) {
    super(`${formatRecordKey(key)} already exists (version ${actualVersion})`);
  }
}

import { formatRecordKey, type RecordKey } from './record-key.ts';
import { StoreUsageError } from './store-usage-error.ts';

const PREFIX = /^[a-z0-9-]{1,64}$/;
const KIND = /^[a-z][a-z0-9-]{0,62}$/;
// No ':' so that a record key always has exactly three segments and cannot collide with
// another kind's key or an index key.
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/;
const INDEX_SEGMENT = 'index';

/**
 * Maps record keys to Redis keys under one prefix: `<prefix>:<kind>:<id>` for a record and
 * `<prefix>:index:<kind>` for the set of ids of a kind (so "index" is not a valid kind).
 */
export class StoreKeys {
  constructor(readonly prefix: string) {
    if (!PREFIX.test(prefix)) {
      throw new StoreUsageError(`key prefix must be lower-case letters, digits and dashes, got ${JSON.stringify(prefix)}`);
    }
  }

  record(key: RecordKey): string {
    this.checkKind(key.kind);
    if (!ID.test(key.id)) {
      throw new StoreUsageError(
        `invalid id in ${JSON.stringify(formatRecordKey(key))}: letters, digits, '.', '_' and '-', starting with a letter or digit`,
      );
    }
    return `${this.prefix}:${key.kind}:${key.id}`;
  }

  /** What every record key of a kind starts with: `<prefix>:<kind>:`. */
  recordPrefix(kind: string): string {
    this.checkKind(kind);
    return `${this.prefix}:${kind}:`;
  }

  index(kind: string): string {
    this.checkKind(kind);
    return `${this.prefix}:${INDEX_SEGMENT}:${kind}`;
  }

  private checkKind(kind: string): void {
    if (!KIND.test(kind) || kind === INDEX_SEGMENT) {
      throw new StoreUsageError(
        `invalid kind ${JSON.stringify(kind)}: lower-case letters, digits and dashes, starting with a letter, not "index"`,
      );
    }
  }
}

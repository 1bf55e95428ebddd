import type { RecordKey } from './record-key.ts';
import type { VersionedRecord } from './versioned-record.ts';

/** One write in a transaction. Every op names the state it expects, so none can overwrite blindly. */
export type StoreOp =
  /** Store a new record at version 1; refused if the key exists. */
  | { readonly type: 'create'; readonly key: RecordKey; readonly data: unknown }
  /** Replace a record; refused unless it is at `expectedVersion`. */
  | { readonly type: 'put'; readonly key: RecordKey; readonly data: unknown; readonly expectedVersion: number }
  /** Remove a record; refused unless it is at `expectedVersion`. */
  | { readonly type: 'delete'; readonly key: RecordKey; readonly expectedVersion: number };

/** What one op of a committed transaction did. */
export type StoreOpResult =
  | { readonly type: 'create' | 'put'; readonly record: VersionedRecord<unknown> }
  | { readonly type: 'delete'; readonly key: RecordKey };

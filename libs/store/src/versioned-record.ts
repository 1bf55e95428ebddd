import type { RecordKey } from './record-key.ts';

/**
 * A stored object with the version that guards writes to it. Versions start at 1 and grow by
 * one with every write; a write must name the version it was based on.
 */
export interface VersionedRecord<T> {
  readonly key: RecordKey;
  readonly version: number;
  /** ISO 8601 time of the last write, from the writer's clock. */
  readonly updatedAt: string;
  readonly data: T;
}

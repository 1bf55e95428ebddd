import { CorruptRecordError } from './corrupt-record-error.ts';
import type { RecordKey } from './record-key.ts';
import type { VersionedRecord } from './versioned-record.ts';

/** Hash fields of a stored record, in the order the scripts and HMGET read them. */
export const RECORD_FIELDS = ['version', 'updatedAt', 'data'] as const;

/**
 * Reads a record back from its hash fields; `undefined` when the hash does not exist.
 * Throws {@link CorruptRecordError} for a hash this store did not write.
 */
export function decodeRecord(key: RecordKey, fields: readonly (string | null)[]): VersionedRecord<unknown> | undefined {
  const [version, updatedAt, data] = fields;
  if (version == null && updatedAt == null && data == null) return undefined;
  const parsedVersion = Number(version);
  if (!Number.isSafeInteger(parsedVersion) || parsedVersion < 1) {
    throw new CorruptRecordError(key, `version ${JSON.stringify(version)} is not a positive integer`);
  }
  if (updatedAt == null || data == null) throw new CorruptRecordError(key, 'updatedAt or data is missing');
  let parsedData: unknown;
  try {
    parsedData = JSON.parse(data);
  } catch {
    throw new CorruptRecordError(key, 'data is not JSON');
  }
  return { key, version: parsedVersion, updatedAt, data: parsedData };
}

/** Serializes data for storage; refuses what JSON cannot round-trip at the top level. */
export function encodeData(data: unknown): string | undefined {
  const text: unknown = JSON.stringify(data);
  return typeof text === 'string' ? text : undefined;
}

import { AlreadyExistsError } from './already-exists-error.ts';
import { NotFoundError } from './not-found-error.ts';
import { FencedWriteError } from './fenced-write-error.ts';
import { formatRecordKey } from './record-key.ts';
import { encodeData } from './record-codec.ts';
import { StaleWriteError } from './stale-write-error.ts';
import type { StoreGuard } from './store-guard.ts';
import type { StoreKeys } from './store-keys.ts';
import type { StoreOp, StoreOpResult } from './store-op.ts';
import { StoreUsageError } from './store-usage-error.ts';

/** KEYS and ARGV for the transact script. */
export interface EncodedTransact {
  readonly keys: readonly string[];
  readonly args: readonly string[];
}

/** Number of ARGV entries per op, after the two header entries (time, op count). */
export const ARGS_PER_OP = 4;

/**
 * Lays out a transaction for the script: per op, KEYS gets the record key and its kind's index
 * key; ARGV gets type, expected version, id and data. A guard, when given, comes last in both.
 * Rejects what can never succeed before it reaches Redis.
 */
export function encodeTransact(ops: readonly StoreOp[], storeKeys: StoreKeys, updatedAt: string, guard?: StoreGuard): EncodedTransact {
  if (ops.length === 0) throw new StoreUsageError('a transaction needs at least one op');
  const keys: string[] = [];
  const args: string[] = [updatedAt, String(ops.length)];
  const seen = new Set<string>();
  for (const op of ops) {
    const recordKey = storeKeys.record(op.key);
    // The script checks every op against the state before the transaction, so two ops on one
    // key would both pass their check and the second would silently win.
    if (seen.has(recordKey)) {
      throw new StoreUsageError(`${formatRecordKey(op.key)} appears more than once in one transaction`);
    }
    seen.add(recordKey);
    keys.push(recordKey, storeKeys.index(op.key.kind));
    let expected = 0;
    if (op.type !== 'create') {
      if (!Number.isSafeInteger(op.expectedVersion) || op.expectedVersion < 1) {
        throw new StoreUsageError(
          `expected version of ${formatRecordKey(op.key)} must be a positive integer, got ${op.expectedVersion}`,
        );
      }
      expected = op.expectedVersion;
    }
    let data = '';
    if (op.type !== 'delete') {
      const encoded = encodeData(op.data);
      if (encoded === undefined) throw new StoreUsageError(`data of ${formatRecordKey(op.key)} is not JSON-serializable`);
      data = encoded;
    }
    args.push(op.type, String(expected), op.key.id, data);
  }
  if (guard !== undefined) {
    if (!guard.key.startsWith(`${storeKeys.prefix}:`)) {
      throw new StoreUsageError(`guard key ${JSON.stringify(guard.key)} is outside the store's prefix ${JSON.stringify(storeKeys.prefix)}`);
    }
    keys.push(guard.key);
    args.push(guard.value);
  }
  return { keys, args };
}

/**
 * Turns the script's reply into per-op results, or into the typed error of the first op that
 * was refused (in which case nothing was written).
 */
export function decodeTransactReply(reply: unknown, ops: readonly StoreOp[], updatedAt: string, guard?: StoreGuard): StoreOpResult[] {
  if (!Array.isArray(reply) || reply.length === 0) throw new Error(`unexpected transact reply ${JSON.stringify(reply)}`);
  const [status, ...rest] = reply as unknown[];
  if (status === 'fenced') throw new FencedWriteError(guard?.key ?? '(unknown guard)');
  if (status === 'ok') {
    if (rest.length !== ops.length) throw new Error(`transact reply has ${rest.length} versions for ${ops.length} ops`);
    return ops.map((op, i): StoreOpResult => {
      if (op.type === 'delete') return { type: 'delete', key: op.key };
      const version = Number(rest[i]);
      return { type: op.type, record: { key: op.key, version, updatedAt, data: op.data } };
    });
  }
  const index = Number(rest[0]) - 1;
  const actual = Number(rest[1]);
  const op = ops[index];
  if (op === undefined) throw new Error(`transact reply names op ${index + 1} of ${ops.length}`);
  switch (status) {
    case 'exists':
      throw new AlreadyExistsError(op.key, actual);
    case 'missing':
      throw new NotFoundError(op.key);
    case 'stale':
      throw new StaleWriteError(op.key, op.type === 'create' ? 0 : op.expectedVersion, actual);
    default:
      throw new Error(`unexpected transact status ${JSON.stringify(status)}`);
  }
}

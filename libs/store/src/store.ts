import type { Redis } from 'ioredis';
import { NotFoundError } from './not-found-error.ts';
import type { RecordKey } from './record-key.ts';
import { decodeRecord, RECORD_FIELDS } from './record-codec.ts';
import type { StoreGuard } from './store-guard.ts';
import { StoreKeys } from './store-keys.ts';
import type { StoreOp, StoreOpResult } from './store-op.ts';
import { defineStoreScripts, type StoreScripts } from './store-scripts.ts';
import { decodeTransactReply, encodeTransact } from './transact-codec.ts';
import type { VersionedRecord } from './versioned-record.ts';

export interface StoreOptions {
  /** Every key the store touches starts with `<prefix>:`. */
  readonly prefix: string;
  /**
   * Source of `updatedAt`; injected so tests can pin time.
   * @defaultValue the system clock
   */
  readonly clock?: () => Date;
}

/**
 * Versioned records in Redis with optimistic concurrency. Every write names the version it was
 * based on and is refused ({@link StaleWriteError}) when another write came first; writes to
 * several records can be made all-or-nothing with {@link Store.transact}.
 *
 * The store does not validate `data`: the type parameter of a read is what the caller wrote,
 * so validate at the edge before writing.
 */
export class Store {
  readonly keys: StoreKeys;
  private readonly scripts: StoreScripts;
  private readonly clock: () => Date;

  constructor(
    private readonly redis: Redis,
    options: StoreOptions,
  ) {
    this.keys = new StoreKeys(options.prefix);
    this.scripts = defineStoreScripts(redis);
    this.clock = options.clock ?? (() => new Date());
  }

  /** The record, or `undefined` when there is none. */
  async find<T = unknown>(key: RecordKey): Promise<VersionedRecord<T> | undefined> {
    const fields = await this.redis.hmget(this.keys.record(key), ...RECORD_FIELDS);
    return decodeRecord(key, fields) as VersionedRecord<T> | undefined;
  }

  /** The record; throws {@link NotFoundError} when there is none. */
  async get<T = unknown>(key: RecordKey): Promise<VersionedRecord<T>> {
    const record = await this.find<T>(key);
    if (record === undefined) throw new NotFoundError(key);
    return record;
  }

  /** Every record of a kind, read atomically, ordered by id. */
  async list<T = unknown>(kind: string): Promise<VersionedRecord<T>[]> {
    const indexKey = this.keys.index(kind);
    const reply = (await this.scripts.list(indexKey, this.keys.recordPrefix(kind))) as (string | null)[];
    const records: VersionedRecord<T>[] = [];
    for (let i = 0; i + 3 < reply.length; i += 4) {
      const key = { kind, id: String(reply[i]) };
      const record = decodeRecord(key, reply.slice(i + 1, i + 4));
      if (record !== undefined) records.push(record as VersionedRecord<T>);
    }
    return records.sort((a, b) => (a.key.id < b.key.id ? -1 : a.key.id > b.key.id ? 1 : 0));
  }

  /** Stores a new record at version 1; throws {@link AlreadyExistsError} if the key is taken. */
  async create<T>(key: RecordKey, data: T): Promise<VersionedRecord<T>> {
    return this.writeOne<T>({ type: 'create', key, data });
  }

  /**
   * Replaces a record that is at `expectedVersion`. Throws {@link StaleWriteError} when it has
   * moved on and {@link NotFoundError} when it is gone.
   */
  async put<T>(key: RecordKey, data: T, expectedVersion: number): Promise<VersionedRecord<T>> {
    return this.writeOne<T>({ type: 'put', key, data, expectedVersion });
  }

  /** Removes a record that is at `expectedVersion`; same refusals as {@link Store.put}. */
  async delete(key: RecordKey, expectedVersion: number): Promise<void> {
    await this.transact([{ type: 'delete', key, expectedVersion }]);
  }

  /**
   * Applies every op or none. The first refused op decides the error thrown (AlreadyExists,
   * NotFound or StaleWrite); nothing is written in that case. With `options.guard`, nothing is
   * written either unless the guard key holds the guard value ({@link FencedWriteError}).
   */
  async transact(ops: readonly StoreOp[], options: { readonly guard?: StoreGuard } = {}): Promise<StoreOpResult[]> {
    const updatedAt = this.clock().toISOString();
    const { keys, args } = encodeTransact(ops, this.keys, updatedAt, options.guard);
    const reply = await this.scripts.transact(keys, args);
    return decodeTransactReply(reply, ops, updatedAt, options.guard);
  }

  private async writeOne<T>(op: StoreOp): Promise<VersionedRecord<T>> {
    const [result] = await this.transact([op]);
    if (result === undefined || result.type === 'delete') throw new Error('store: a write returned no record');
    return result.record as VersionedRecord<T>;
  }
}

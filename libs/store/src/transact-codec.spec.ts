import { describe, expect, it } from '@jest/globals';
import { AlreadyExistsError } from './already-exists-error.ts';
import { FencedWriteError } from './fenced-write-error.ts';
import { NotFoundError } from './not-found-error.ts';
import { StaleWriteError } from './stale-write-error.ts';
import { StoreKeys } from './store-keys.ts';
import type { StoreOp } from './store-op.ts';
import { StoreUsageError } from './store-usage-error.ts';
import { decodeTransactReply, encodeTransact } from './transact-codec.ts';

const keys = new StoreKeys('p');
const at = '2026-11-28T00:00:00.000Z';
const c1 = { kind: 'cluster', id: 'c1' };
const w1 = { kind: 'workload', id: 'w1' };

describe('encodeTransact', () => {
  it('lays out record and index keys and four args per op', () => {
    const ops: StoreOp[] = [
      { type: 'create', key: c1, data: { zone: 'a' } },
      { type: 'put', key: w1, data: [1], expectedVersion: 3 },
    ];
    expect(encodeTransact(ops, keys, at)).toEqual({
      keys: ['p:cluster:c1', 'p:index:cluster', 'p:workload:w1', 'p:index:workload'],
      args: [at, '2', 'create', '0', 'c1', '{"zone":"a"}', 'put', '3', 'w1', '[1]'],
    });
  });

  it('puts a guard last in KEYS and ARGV', () => {
    const ops: StoreOp[] = [{ type: 'put', key: c1, data: 1, expectedVersion: 2 }];
    expect(encodeTransact(ops, keys, at, { key: 'p:lease:prober', value: '{"holder":"h1","token":3}' })).toEqual({
      keys: ['p:cluster:c1', 'p:index:cluster', 'p:lease:prober'],
      args: [at, '1', 'put', '2', 'c1', '1', '{"holder":"h1","token":3}'],
    });
  });

  it("refuses a guard key outside the store's prefix", () => {
    expect(() => encodeTransact([{ type: 'create', key: c1, data: 1 }], keys, at, { key: 'other:lease', value: 'x' })).toThrow(StoreUsageError);
  });

  it.each<[string, StoreOp[]]>([
    ['no ops', []],
    ['the same key twice', [{ type: 'create', key: c1, data: 1 }, { type: 'delete', key: c1, expectedVersion: 1 }]],
    ['a version below 1', [{ type: 'put', key: c1, data: 1, expectedVersion: 0 }]],
    ['a fractional version', [{ type: 'delete', key: c1, expectedVersion: 1.5 }]],
    ['data JSON cannot hold', [{ type: 'create', key: c1, data: undefined }]],
  ])('refuses %s', (_what, ops) => {
    expect(() => encodeTransact(ops, keys, at)).toThrow(StoreUsageError);
  });
});

describe('decodeTransactReply', () => {
  const ops: StoreOp[] = [
    { type: 'create', key: c1, data: { zone: 'a' } },
    { type: 'put', key: w1, data: 'x', expectedVersion: 3 },
    { type: 'delete', key: { kind: 'workload', id: 'w2' }, expectedVersion: 7 },
  ];

  it('returns the written records', () => {
    expect(decodeTransactReply(['ok', 1, 4, 0], ops, at)).toEqual([
      { type: 'create', record: { key: c1, version: 1, updatedAt: at, data: { zone: 'a' } } },
      { type: 'put', record: { key: w1, version: 4, updatedAt: at, data: 'x' } },
      { type: 'delete', key: { kind: 'workload', id: 'w2' } },
    ]);
  });

  it('maps refusals to typed errors naming the op', () => {
    expect(() => decodeTransactReply(['exists', 1, 2], ops, at)).toThrow(new AlreadyExistsError(c1, 2));
    expect(() => decodeTransactReply(['missing', 3, 0], ops, at)).toThrow(NotFoundError);
    let error: unknown;
    try {
      decodeTransactReply(['stale', 2, 5], ops, at);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(StaleWriteError);
    expect(error).toMatchObject({ key: w1, expectedVersion: 3, actualVersion: 5 });
    expect((error as Error).message).toBe('stale write to workload/w1: expected version 3, found 5');
  });

  it('maps a failed guard to FencedWriteError naming the guard key', () => {
    expect(() => decodeTransactReply(['fenced', 0, 0], ops, at, { key: 'p:lease:prober', value: 'v' })).toThrow(new FencedWriteError('p:lease:prober'));
  });
});

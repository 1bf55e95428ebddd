import { createHash } from 'node:crypto';
import { type AuditEntry, type AuditRecord, GENESIS } from './audit-record.ts';

/** JSON with object keys sorted at every level, so equal values always give equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** sha256 of a change's canonical JSON: what the record keeps instead of the change itself. */
export function digestOf(change: unknown): string {
  return sha256(canonicalJson(change));
}

/** The hash of a record from its fields (everything but `hash`). */
export function hashOf(record: Omit<AuditRecord, 'hash'>): string {
  const { prev, ...rest } = record;
  return sha256(`${prev}\n${canonicalJson(rest)}`);
}

/** The next record of the chain whose last record is `last` (none: the first). */
export function sealEntry(entry: AuditEntry, last: Pick<AuditRecord, 'seq' | 'hash'> | undefined, time: Date): AuditRecord {
  const unsealed: Omit<AuditRecord, 'hash'> = { ...entry, seq: (last?.seq ?? 0) + 1, time: time.toISOString(), prev: last?.hash ?? GENESIS };
  return { ...unsealed, hash: hashOf(unsealed) };
}

export interface ChainVerdict {
  readonly ok: boolean;
  /** Records checked. */
  readonly checked: number;
  /** The first record that does not fit, and why. */
  readonly firstBroken?: { readonly seq: number; readonly index: number; readonly reason: string };
}

/**
 * Checks records, oldest first: each one's hash matches its fields, its `prev` is the hash of
 * the one before and its `seq` follows. The first record's `prev` is trusted as the anchor
 * (older records may have been dropped by retention) unless `anchor` is given.
 */
export function verifyChain(records: readonly AuditRecord[], anchor?: string): ChainVerdict {
  let prev = anchor ?? records[0]?.prev;
  let seq = records[0] === undefined ? 0 : records[0].seq - 1;
  for (const [index, record] of records.entries()) {
    const broken = (reason: string): ChainVerdict => ({ ok: false, checked: index, firstBroken: { seq: record.seq, index, reason } });
    const { hash, ...rest } = record;
    if (hashOf(rest) !== hash) return broken('its content does not match its hash (changed after it was written)');
    if (record.prev !== prev) return broken('its prev is not the hash of the record before it (a record was removed, inserted or reordered)');
    if (record.seq !== seq + 1) return broken(`seq ${record.seq} follows seq ${seq}`);
    prev = hash;
    seq = record.seq;
  }
  return { ok: true, checked: records.length };
}

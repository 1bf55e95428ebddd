import { describe, expect, it } from '@jest/globals';
import type { AuditEntry, AuditRecord } from './audit-record.ts';
import { GENESIS } from './audit-record.ts';
import { canonicalJson, digestOf, sealEntry, verifyChain } from './chain.ts';

const entry = (n: number): AuditEntry => ({
  actor: { subject: 'alice', email: 'alice@example.com', groups: ['ops'] },
  action: 'POST /api/v1/workloads',
  target: { kind: 'Workload', name: `shop/web-${n}` },
  outcome: 'Succeeded',
  status: 201,
  requestId: `req-${n}`,
  digest: digestOf({ n }),
});

function chain(length: number): AuditRecord[] {
  const out: AuditRecord[] = [];
  for (let n = 1; n <= length; n += 1) out.push(sealEntry(entry(n), out[out.length - 1], new Date(Date.UTC(2026, 10, 28, 0, 0, n))));
  return out;
}

describe('canonicalJson and digestOf', () => {
  it('ignores key order and undefined fields, at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe('{"a":{"d":[1,{"x":1,"y":2}]},"b":1}');
    expect(digestOf({ a: 1, b: 2 })).toBe(digestOf({ b: 2, a: 1 }));
    expect(digestOf({ a: 1 })).not.toBe(digestOf({ a: 2 }));
    expect(digestOf({ a: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('the hash chain', () => {
  it('links each record to the one before, from the genesis hash', () => {
    const records = chain(3);
    expect(records.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(records[0]?.prev).toBe(GENESIS);
    expect(records[1]?.prev).toBe(records[0]?.hash);
    expect(verifyChain(records, GENESIS)).toEqual({ ok: true, checked: 3 });
  });

  it.each<[string, (records: AuditRecord[]) => AuditRecord[], number, RegExp]>([
    ['a changed field', (r) => r.map((x) => (x.seq === 2 ? { ...x, outcome: 'Denied' } : x)), 2, /content does not match/],
    ['a changed actor', (r) => r.map((x) => (x.seq === 3 ? { ...x, actor: { subject: 'mallory' } } : x)), 3, /content does not match/],
    ['a removed record', (r) => r.filter((x) => x.seq !== 2), 3, /prev is not the hash/],
    ['two swapped records', (r) => [r[0], r[2], r[1], r[3]] as AuditRecord[], 3, /prev is not the hash/],
    ['a record rewritten with a fresh hash', (r) => r.map((x) => (x.seq === 2 ? sealEntry({ ...entry(2), outcome: 'Failed' }, r[0], new Date(x.time)) : x)), 3, /prev is not the hash/],
  ])('names the first broken link after %s', (_what, tamper, seq, reason) => {
    const verdict = verifyChain(tamper(chain(4)), GENESIS);
    expect(verdict.ok).toBe(false);
    expect(verdict.firstBroken?.seq).toBe(seq);
    expect(verdict.firstBroken?.reason).toMatch(reason);
  });

  it('starts from the oldest kept record when retention dropped the older ones', () => {
    expect(verifyChain(chain(5).slice(2))).toEqual({ ok: true, checked: 3 });
    expect(verifyChain([])).toEqual({ ok: true, checked: 0 });
  });
});

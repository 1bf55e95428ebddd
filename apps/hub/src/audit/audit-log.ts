import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { type AuditEntry, type AuditOutcome, type AuditRecord, type ChainVerdict, GENESIS, sealEntry, verifyChain } from '../../../../libs/audit/src/index.ts';
import type { Config } from '../../../../libs/config/src/index.ts';
import { HUB_CONFIG } from '../config/hub-config.token.ts';
import { REDIS } from '../redis/redis.token.ts';

/** Appends the record only if the head is still the one it was sealed after; trims the oldest beyond the kept count. */
const APPEND = `
local head = redis.call('GET', KEYS[2])
local seq = 0
if head then seq = tonumber(cjson.decode(head).seq) end
if seq ~= tonumber(ARGV[1]) then return 0 end
redis.call('RPUSH', KEYS[1], ARGV[2])
redis.call('SET', KEYS[2], ARGV[3])
local kept = tonumber(ARGV[4])
if redis.call('LLEN', KEYS[1]) > kept then redis.call('LTRIM', KEYS[1], -kept, -1) end
return 1
`;

type AppendCommand = (list: string, head: string, expectedSeq: number, record: string, newHead: string, kept: number) => Promise<number>;

export interface AuditQuery {
  readonly actor?: string;
  readonly action?: string;
  readonly outcome?: AuditOutcome;
  /** Only records older than this `seq` (the continue position of the previous page). */
  readonly beforeSeq?: number;
  readonly kind?: string;
  readonly name?: string;
  /** ISO 8601, inclusive. */
  readonly since?: string;
  readonly until?: string;
  readonly limit: number;
}

const PAGE = 500;

/**
 * The audit trail: an append-only, hash-chained list in Redis (`<prefix>:audit`, oldest first)
 * with its head (`<prefix>:audit:head`: last seq and hash). Each record is sealed in the hub
 * after the head it follows and appended by a script only if that head is still current, so
 * concurrent writers (any replica) extend one chain. Retention keeps the newest
 * FLOTILLA_AUDIT_KEEP_RECORDS; verification then starts at the oldest kept record.
 */
@Injectable()
export class AuditLog {
  private readonly append: AppendCommand;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(HUB_CONFIG) private readonly config: Config,
  ) {
    if (!('flotillaAuditAppend' in redis)) redis.defineCommand('flotillaAuditAppend', { lua: APPEND, numberOfKeys: 2 });
    const command = (redis as unknown as { flotillaAuditAppend: AppendCommand }).flotillaAuditAppend.bind(redis);
    this.append = command;
  }

  /** Appends one record (one at a time per process; retried when another replica appended first). */
  record(entry: AuditEntry): Promise<AuditRecord> {
    const next = this.tail.then(() => this.appendOnce(entry));
    this.tail = next.catch(() => undefined);
    return next;
  }

  private async appendOnce(entry: AuditEntry): Promise<AuditRecord> {
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const raw = await this.redis.get(this.headKey());
      const head = raw === null ? undefined : (JSON.parse(raw) as { seq: number; hash: string });
      const record = sealEntry(entry, head, new Date());
      const done = await this.append(this.listKey(), this.headKey(), head?.seq ?? 0, JSON.stringify(record), JSON.stringify({ seq: record.seq, hash: record.hash }), this.config.auditKeepRecords);
      if (done === 1) return record;
    }
    throw new Error('audit: could not append after 50 attempts (the head kept moving)');
  }

  /** Newest first, filtered. */
  async list(query: AuditQuery): Promise<AuditRecord[]> {
    const out: AuditRecord[] = [];
    const length = await this.redis.llen(this.listKey());
    for (let end = length - 1; end >= 0 && out.length < query.limit; end -= PAGE) {
      const page = (await this.redis.lrange(this.listKey(), Math.max(0, end - PAGE + 1), end)).map((r) => JSON.parse(r) as AuditRecord).reverse();
      for (const r of page) {
        if (query.beforeSeq !== undefined && r.seq >= query.beforeSeq) continue;
        if (query.actor !== undefined && r.actor.subject !== query.actor) continue;
        if (query.action !== undefined && !r.action.includes(query.action)) continue;
        if (query.outcome !== undefined && r.outcome !== query.outcome) continue;
        if (query.kind !== undefined && r.target.kind !== query.kind) continue;
        if (query.name !== undefined && r.target.name !== query.name) continue;
        if (query.since !== undefined && r.time < query.since) continue;
        if (query.until !== undefined && r.time > query.until) continue;
        out.push(r);
        if (out.length >= query.limit) break;
      }
    }
    return out;
  }

  /** Every kept record, oldest first, a page at a time. */
  async *all(): AsyncGenerator<AuditRecord[]> {
    const length = await this.redis.llen(this.listKey());
    for (let start = 0; start < length; start += PAGE) {
      yield (await this.redis.lrange(this.listKey(), start, start + PAGE - 1)).map((r) => JSON.parse(r) as AuditRecord);
    }
  }

  /** Checks the whole kept chain, and that it ends at the head; names the first broken link. */
  async verify(): Promise<ChainVerdict & { readonly head?: number }> {
    let checked = 0;
    let last: AuditRecord | undefined;
    for await (const page of this.all()) {
      const anchor = last?.hash ?? (page[0]?.seq === 1 ? GENESIS : page[0]?.prev);
      const verdict = verifyChain(page, anchor);
      if (!verdict.ok) return { ...verdict, checked: checked + verdict.checked, ...(verdict.firstBroken ? { firstBroken: { ...verdict.firstBroken, index: checked + verdict.firstBroken.index } } : {}) };
      checked += page.length;
      last = page[page.length - 1];
    }
    const raw = await this.redis.get(this.headKey());
    const head = raw === null ? undefined : (JSON.parse(raw) as { seq: number; hash: string });
    if (head && (last?.hash !== head.hash || last.seq !== head.seq)) {
      return { ok: false, checked, head: head.seq, firstBroken: { seq: last?.seq ?? 0, index: checked, reason: `the chain ends at seq ${last?.seq ?? 0}, the head says ${head.seq} (records removed from the end)` } };
    }
    return { ok: true, checked, ...(head ? { head: head.seq } : {}) };
  }

  private listKey(): string {
    return `${this.config.keyPrefix}:audit`;
  }

  private headKey(): string {
    return `${this.config.keyPrefix}:audit:head`;
  }
}

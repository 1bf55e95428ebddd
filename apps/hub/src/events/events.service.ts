import { Inject, Injectable } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { Config } from '../../../../libs/config/src/index.ts';
import type { EventObject, FlotillaEvent, NewEvent } from '../../../../libs/events/src/index.ts';
import { AuditLog } from '../audit/audit-log.ts';
import { HUB_CONFIG } from '../config/hub-config.token.ts';
import { REDIS } from '../redis/redis.token.ts';

/** How many events are kept in all, and per object (Redis trims the oldest, approximately). */
export const EVENTS_KEPT = 10_000;
export const EVENTS_KEPT_PER_OBJECT = 1_000;

export interface EventQuery {
  readonly kind?: string;
  readonly name?: string;
  /** @defaultValue 100 */
  readonly limit?: number;
  /** Only events older than this stream id (the continue position of the previous page). */
  readonly before?: string;
  /** Only events this accepts (tenant isolation); the limit counts these. */
  readonly visible?: (event: FlotillaEvent) => boolean;
}

/** An event as a stream entry holds it: its id and flat field/value list. */
export function eventFromStream(id: string, flat: readonly string[]): FlotillaEvent {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) f[flat[i] as string] = flat[i + 1] as string;
  return {
    id,
    time: f.time ?? '',
    type: f.type === 'Warning' ? 'Warning' : 'Normal',
    reason: f.reason ?? '',
    message: f.message ?? '',
    object: { kind: f.kind ?? '', name: f.name ?? '' },
    actor: f.actor ?? '',
  };
}

/**
 * Events in Redis streams: one for the whole hub and one per object, written together in one
 * MULTI so both views agree. Newest first when listed.
 */
@Injectable()
export class EventsService {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(HUB_CONFIG) private readonly config: Config,
    private readonly audit: AuditLog,
  ) {}

  async record(event: NewEvent): Promise<FlotillaEvent> {
    const time = new Date().toISOString();
    const fields = [
      'time', time,
      'type', event.type,
      'reason', event.reason,
      'message', event.message,
      'kind', event.object.kind,
      'name', event.object.name,
      'actor', event.actor ?? 'hub',
    ];
    const replies = await this.redis
      .multi()
      .xadd(this.allKey(), 'MAXLEN', '~', EVENTS_KEPT, '*', ...fields)
      .xadd(this.objectKey(event.object), 'MAXLEN', '~', EVENTS_KEPT_PER_OBJECT, '*', ...fields)
      .exec();
    const id = replies?.[0]?.[1];
    if (typeof id !== 'string') throw new Error('event was not recorded');
    // What automation does (failover, drift repair) is a change with an actor of its own: audited too.
    if (event.actor?.startsWith('system:') === true) {
      await this.audit.record({ actor: { subject: event.actor }, action: `${event.actor} ${event.reason}`, target: event.object, outcome: 'Succeeded', message: event.message });
    }
    return { id, time, type: event.type, reason: event.reason, message: event.message, object: event.object, actor: event.actor ?? 'hub' };
  }

  /** Newest first. With kind and name: that object's events; otherwise all (filtered by kind). */
  async list(query: EventQuery = {}): Promise<FlotillaEvent[]> {
    const limit = query.limit ?? 100;
    const visible = query.visible ?? (() => true);
    const from = query.before === undefined ? '+' : `(${query.before}`;
    if (query.kind !== undefined && query.name !== undefined) {
      return (await this.read(this.objectKey({ kind: query.kind, name: query.name }), limit, from)).filter(visible);
    }
    if (query.kind === undefined && query.visible === undefined) return this.read(this.allKey(), limit, from);
    // Filter the hub-wide stream, reading in pages until enough are found.
    const out: FlotillaEvent[] = [];
    let end = from;
    while (out.length < limit) {
      const page = await this.read(this.allKey(), 500, end);
      out.push(...page.filter((e) => (query.kind === undefined || e.object.kind === query.kind) && visible(e)));
      if (page.length < 500) break;
      end = `(${page[page.length - 1]?.id ?? '0'}`;
    }
    return out.slice(0, limit);
  }

  private async read(key: string, count: number, end = '+'): Promise<FlotillaEvent[]> {
    const entries = await this.redis.xrevrange(key, end, '-', 'COUNT', count);
    return entries.map(([id, flat]) => eventFromStream(id, flat));
  }

  /** The Redis stream every event of the hub goes to (each replica's GraphQL subscriptions follow it). */
  allKey(): string {
    return `${this.config.keyPrefix}:events`;
  }

  private objectKey(object: EventObject): string {
    return `${this.config.keyPrefix}:events:${object.kind}:${object.name}`;
  }
}

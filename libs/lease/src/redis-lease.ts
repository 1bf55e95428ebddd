import type { Redis } from 'ioredis';

/** A lease this process holds: the value in Redis and the fencing token in it. */
export interface HeldLease {
  /** The Redis key, `<prefix>:lease:<name>`. */
  readonly key: string;
  /** Exactly what the key holds while this process holds the lease; the guard of fenced writes. */
  readonly value: string;
  /** Strictly greater than the token of every earlier holder of this lease. */
  readonly token: number;
  readonly holder: string;
}

/** What the lease key holds, whoever holds it. */
export interface LeaseHolder {
  readonly holder: string;
  readonly token: number;
  /** Milliseconds until it expires unless renewed. */
  readonly ttlMs: number;
}

export interface RedisLeaseOptions {
  /** The store's key prefix. */
  readonly prefix: string;
  /** What the lease is for, e.g. `prober`. */
  readonly name: string;
  /** This process's id; unique among the processes that compete (a random suffix helps). */
  readonly holder: string;
  /** How long the lease lasts without renewal. */
  readonly ttlMs: number;
}

// Take the lease if nobody holds it; the fencing counter moves on only when it is taken, in the
// same atomic step, so tokens are never reused and never skipped by a failed attempt.
// KEYS[1] lease, KEYS[2] fence counter; ARGV[1] holder, ARGV[2] ttl ms.
// Reply: {1, value} when taken, {0, current value} when held by someone.
const ACQUIRE = `
local current = redis.call('GET', KEYS[1])
if current then return {0, current} end
local token = redis.call('INCR', KEYS[2])
local value = '{"holder":"' .. ARGV[1] .. '","token":' .. token .. '}'
redis.call('SET', KEYS[1], value, 'PX', ARGV[2])
return {1, value}
`;

// Compare-and-pexpire: extends the lease only while it still holds the caller's value.
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`;

// Compare-and-delete: gives the lease up only if the caller still holds it.
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`;

interface LeaseCommands {
  flotillaLeaseAcquire(lease: string, fence: string, holder: string, ttlMs: number): Promise<[number, string]>;
  flotillaLeaseRenew(lease: string, value: string, ttlMs: number): Promise<number>;
  flotillaLeaseRelease(lease: string, value: string): Promise<number>;
}

const HOLDER = /^[A-Za-z0-9._:-]{1,200}$/;
const NAME = /^[a-z][a-z0-9-]{0,62}$/;

function parseValue(value: string): { holder: string; token: number } | undefined {
  try {
    const parsed = JSON.parse(value) as { holder?: unknown; token?: unknown };
    if (typeof parsed.holder === 'string' && typeof parsed.token === 'number') return { holder: parsed.holder, token: parsed.token };
  } catch {
    // Not ours: reported as unreadable below.
  }
  return undefined;
}

/**
 * A lease in Redis with a fencing token: `<prefix>:lease:<name>` holds
 * `{"holder":"<id>","token":<n>}` with a TTL, and `<prefix>:lease:<name>:fence` counts the
 * tokens handed out. Only one process holds it at a time; whoever takes it next gets a larger
 * token. Writes guarded by the held value ({@link HeldLease.value}) are refused once the lease
 * has expired or changed hands, so a paused old holder cannot overwrite the new one's work.
 */
export class RedisLease {
  readonly key: string;
  readonly fenceKey: string;
  private readonly commands: LeaseCommands;

  constructor(
    private readonly redis: Redis,
    readonly options: RedisLeaseOptions,
  ) {
    if (!HOLDER.test(options.holder)) throw new Error(`lease holder id ${JSON.stringify(options.holder)} must match ${HOLDER}`);
    if (!NAME.test(options.name)) throw new Error(`lease name ${JSON.stringify(options.name)} must match ${NAME}`);
    if (!Number.isSafeInteger(options.ttlMs) || options.ttlMs < 1) throw new Error(`lease TTL must be a positive integer, got ${options.ttlMs}`);
    this.key = `${options.prefix}:lease:${options.name}`;
    this.fenceKey = `${this.key}:fence`;
    redis.defineCommand('flotillaLeaseAcquire', { lua: ACQUIRE, numberOfKeys: 2 });
    redis.defineCommand('flotillaLeaseRenew', { lua: RENEW, numberOfKeys: 1 });
    redis.defineCommand('flotillaLeaseRelease', { lua: RELEASE, numberOfKeys: 1 });
    this.commands = redis as unknown as LeaseCommands;
  }

  /** Takes the lease when nobody holds it; `undefined` when someone (maybe this process) does. */
  async tryAcquire(): Promise<HeldLease | undefined> {
    const [taken, value] = await this.commands.flotillaLeaseAcquire(this.key, this.fenceKey, this.options.holder, this.options.ttlMs);
    if (taken !== 1) return undefined;
    const parsed = parseValue(value);
    if (parsed === undefined) throw new Error(`lease ${this.key}: unreadable value written by this process`);
    return { key: this.key, value, token: parsed.token, holder: parsed.holder };
  }

  /** Extends the lease by the TTL; false when it is no longer held (expired or taken). */
  async renew(held: HeldLease): Promise<boolean> {
    return (await this.commands.flotillaLeaseRenew(this.key, held.value, this.options.ttlMs)) === 1;
  }

  /** Gives the lease up so another process can take it at once; false when it was not held any more. */
  async release(held: HeldLease): Promise<boolean> {
    return (await this.commands.flotillaLeaseRelease(this.key, held.value)) === 1;
  }

  /** Who holds the lease now, if anyone. */
  async holder(): Promise<LeaseHolder | undefined> {
    const [value, ttlMs] = await this.redis.multi().get(this.key).pttl(this.key).exec().then((replies) => [replies?.[0]?.[1], replies?.[1]?.[1]]);
    if (typeof value !== 'string') return undefined;
    const parsed = parseValue(value);
    if (parsed === undefined) throw new Error(`lease ${this.key} holds an unreadable value`);
    return { ...parsed, ttlMs: typeof ttlMs === 'number' ? ttlMs : -1 };
  }
}

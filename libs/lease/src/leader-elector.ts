import type { HeldLease, RedisLease } from './redis-lease.ts';

/** Why leadership ended. */
export type DemotionReason =
  /** The lease was found held by another process (it expired and was taken). */
  | 'lost'
  /** Renewals failed for so long that the lease may expire before the next one lands. */
  | 'unconfirmed'
  /** {@link LeaderElector.stop} was called. */
  | 'stopped';

export interface LeaderElectorOptions {
  /**
   * How often the leader renews and a follower tries to take over.
   * @defaultValue a third of the lease TTL
   */
  readonly intervalMs?: number;
  /** Leadership starts: run the leader's work until `signal` aborts. Must not throw. */
  readonly onElected: (lease: HeldLease, signal: AbortSignal) => void;
  /** Leadership ended; `signal` of onElected has aborted just before. Must not throw. */
  readonly onDemoted?: (lease: HeldLease, reason: DemotionReason) => void;
  /** A Redis call failed (the loop goes on). */
  readonly onError?: (error: unknown, during: 'acquire' | 'renew' | 'release') => void;
  /** @defaultValue Date.now */
  readonly now?: () => number;
}

function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from Redis within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Runs for leadership of one {@link RedisLease}: a follower tries to take the lease every
 * interval; the leader renews it every interval and steps down as soon as a renewal finds the
 * lease gone, or when renewals have failed for so long that the lease might expire before the
 * next one could land (so it stops before another process can start, not after). Leader work
 * gets an AbortSignal that fires on demotion; its writes should still be fenced with the lease
 * value, because a paused process notices nothing until it runs again.
 */
export class LeaderElector {
  private readonly intervalMs: number;
  private readonly now: () => number;
  private held: { lease: HeldLease; validUntil: number; controller: AbortController } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private tick: Promise<void> = Promise.resolve();

  constructor(
    private readonly lease: RedisLease,
    private readonly options: LeaderElectorOptions,
  ) {
    this.intervalMs = options.intervalMs ?? Math.max(1, Math.floor(lease.options.ttlMs / 3));
    if (this.intervalMs >= lease.options.ttlMs) throw new Error('the renewal interval must be shorter than the lease TTL');
    this.now = options.now ?? Date.now;
  }

  /** The lease while this process leads. */
  get leadership(): HeldLease | undefined {
    return this.held?.lease;
  }

  /** Starts competing at once. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Stops competing; a leader steps down and releases the lease so another process takes over at once. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.tick;
    const held = this.held;
    if (held === undefined) return;
    this.demote('stopped');
    try {
      await within(this.lease.release(held.lease), this.intervalMs);
    } catch (error) {
      this.options.onError?.(error, 'release');
    }
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.tick = this.step().finally(() => this.schedule(this.intervalMs));
    }, delayMs);
    this.timer.unref();
  }

  private async step(): Promise<void> {
    const sentAt = this.now();
    const held = this.held;
    if (held === undefined) {
      try {
        const lease = await within(this.lease.tryAcquire(), this.intervalMs);
        if (lease === undefined || !this.running) {
          // Taken by a stop() that raced us: give it back at once.
          if (lease !== undefined) await this.lease.release(lease).catch(() => undefined);
          return;
        }
        const controller = new AbortController();
        this.held = { lease, validUntil: sentAt + this.lease.options.ttlMs, controller };
        this.options.onElected(lease, controller.signal);
      } catch (error) {
        this.options.onError?.(error, 'acquire');
      }
      return;
    }
    try {
      const renewed = await within(this.lease.renew(held.lease), this.intervalMs);
      if (!renewed) {
        this.demote('lost');
        return;
      }
      held.validUntil = sentAt + this.lease.options.ttlMs;
    } catch (error) {
      this.options.onError?.(error, 'renew');
      // The next renewal would be sent one interval from now and might land after expiry.
      if (this.now() + this.intervalMs >= held.validUntil) this.demote('unconfirmed');
    }
  }

  private demote(reason: DemotionReason): void {
    const held = this.held;
    if (held === undefined) return;
    this.held = undefined;
    held.controller.abort(new Error(`leadership ended: ${reason}`));
    this.options.onDemoted?.(held.lease, reason);
  }
}

import type { Redis } from 'ioredis';
import type { FlotillaEvent } from '../../../../libs/events/src/index.ts';
import { eventFromStream } from '../events/events.service.ts';

/** How long one blocking read waits before it looks again (and notices a stop). */
const BLOCK_MS = 2_000;

/**
 * Follows the hub's event stream in Redis from now on and hands each new event to `publish`.
 * Every replica runs one, so a subscriber on any replica sees what every replica (and the
 * prober and failover leader, wherever they run) recorded. It reads on its own connection,
 * because XREAD BLOCK holds the connection while it waits.
 */
export class EventFeed {
  private stopped = false;
  private running: Promise<void> | undefined;
  private readonly stopping = Promise.withResolvers<undefined>();

  constructor(
    private readonly redis: Redis,
    private readonly streamKey: string,
    private readonly publish: (event: FlotillaEvent) => void,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    this.running ??= this.follow();
  }

  /**
   * Ends the feed without waiting for the read in flight: ioredis does not fail a command queued
   * while it waits to reconnect when it is disconnected then (Redis unreachable since boot), so
   * that read may never settle and would hold the hub's shutdown.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping.resolve(undefined);
    this.redis.disconnect();
    await this.running;
  }

  private async follow(): Promise<void> {
    // `$` only once: after that the last id seen, so nothing is lost between two reads.
    let last = '$';
    while (!this.stopped) {
      try {
        const read = this.redis.xread('COUNT', 500, 'BLOCK', BLOCK_MS, 'STREAMS', this.streamKey, last);
        // Left behind on a stop: its failure then is expected and of no interest.
        read.catch(() => undefined);
        const reply = await Promise.race([read, this.stopping.promise]);
        if (this.stopped) return;
        for (const [, entries] of reply ?? []) {
          for (const [id, flat] of entries) {
            last = id;
            // One event that cannot be published must not cost the rest of the batch.
            try {
              this.publish(eventFromStream(id, flat));
            } catch (error) {
              this.onError(error);
            }
          }
        }
      } catch (error) {
        if (this.stopped) return;
        this.onError(error);
        await Promise.race([new Promise((resolve) => setTimeout(resolve, 1_000).unref()), this.stopping.promise]);
      }
    }
  }
}

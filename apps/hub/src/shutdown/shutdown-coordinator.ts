import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import type { Config } from '../../../../libs/config/src/index.ts';
import { HUB_CONFIG } from '../config/hub-config.token.ts';
import type { DrainParticipant, ReleaseParticipant } from './drain-participant.ts';
import { settleWithin } from './settle-within.ts';

/** After the bound, how long aborted work gets to notice before the hub stops waiting. */
const ABORT_GRACE_MS = 1_000;
/** How long one resource gets to close; a dead Redis must not keep the process alive. */
const RELEASE_TIMEOUT_MS = 2_000;

/**
 * Orders the hub's shutdown on top of Nest's lifecycle (app.close(), or SIGTERM/SIGINT through
 * enableShutdownHooks):
 *
 * 1. onModuleDestroy: the hub reports not ready, so load balancers stop sending traffic;
 * 2. Nest closes the HTTP server (no new requests, requests in flight finish);
 * 3. onApplicationShutdown: registered {@link DrainParticipant}s drain in parallel within
 *    SHUTDOWN_TIMEOUT_MS, then are aborted; then {@link ReleaseParticipant}s (connections)
 *    close, last registered first.
 */
@Injectable()
export class ShutdownCoordinator implements OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger(ShutdownCoordinator.name);
  private readonly drains = new Set<DrainParticipant>();
  private readonly releases: ReleaseParticipant[] = [];
  private stopping = false;

  constructor(@Inject(HUB_CONFIG) private readonly config: Config) {}

  /** True from the moment shutdown starts; readiness answers 503 from then on. */
  get shuttingDown(): boolean {
    return this.stopping;
  }

  /** Lets `participant` finish its work on shutdown. Returns a function that unregisters it. */
  registerDrain(participant: DrainParticipant): () => void {
    this.drains.add(participant);
    return () => this.drains.delete(participant);
  }

  /** Closes `participant` on shutdown, after all draining. */
  registerRelease(participant: ReleaseParticipant): void {
    this.releases.push(participant);
  }

  /** Starts reporting not ready. Idempotent. */
  beginShutdown(): void {
    if (this.stopping) return;
    this.stopping = true;
    this.logger.log('shutting down: readiness now reports 503');
  }

  onModuleDestroy(): void {
    this.beginShutdown();
  }

  async onApplicationShutdown(signal?: string): Promise<void> {
    this.beginShutdown();
    await this.drainAll(signal);
    await this.releaseAll();
    this.logger.log('shutdown complete');
  }

  private async drainAll(signal: string | undefined): Promise<void> {
    const participants = [...this.drains];
    if (participants.length === 0) return;
    const bound = this.config.shutdownTimeoutMs;
    this.logger.log({ signal, participants: participants.map((p) => p.name), boundMs: bound }, 'waiting for running jobs to finish');
    const draining = participants.map((participant) => ({ participant, work: participant.drain() }));
    const deadline = Date.now() + bound;
    const outcomes = await Promise.all(
      draining.map(async ({ participant, work }) => ({
        participant,
        work,
        settled: await settleWithin(work, Math.max(0, deadline - Date.now())),
      })),
    );
    const late = outcomes.filter(({ settled }) => settled.outcome === 'timeout');
    for (const { participant, settled } of outcomes) {
      if (settled.outcome === 'failed') this.logger.error({ participant: participant.name, err: settled.error }, 'drain failed');
    }
    if (late.length === 0) {
      this.logger.log('all running jobs finished');
      return;
    }
    this.logger.warn(
      { participants: late.map(({ participant }) => participant.name), boundMs: bound },
      'jobs still running after SHUTDOWN_TIMEOUT_MS: aborting them; they will run again elsewhere',
    );
    await Promise.all(
      late.map(async ({ participant, work }) => {
        const aborted = settleWithin(Promise.resolve().then(() => participant.abort?.()), ABORT_GRACE_MS);
        const [abortOutcome, workOutcome] = await Promise.all([aborted, settleWithin(work, ABORT_GRACE_MS)]);
        if (abortOutcome.outcome === 'failed') {
          this.logger.error({ participant: participant.name, err: abortOutcome.error }, 'abort failed');
        }
        if (workOutcome.outcome === 'timeout') {
          this.logger.warn({ participant: participant.name }, 'abandoning work that did not stop');
        }
      }),
    );
  }

  private async releaseAll(): Promise<void> {
    for (const participant of [...this.releases].reverse()) {
      const settled = await settleWithin(participant.release(), RELEASE_TIMEOUT_MS);
      if (settled.outcome === 'failed') this.logger.error({ resource: participant.name, err: settled.error }, 'close failed');
      if (settled.outcome === 'timeout') this.logger.warn({ resource: participant.name }, 'close timed out');
    }
  }
}

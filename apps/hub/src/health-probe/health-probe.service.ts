import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { Config } from '../../../../libs/config/src/index.ts';
import { probePolicyIssues, type ProbePolicy, type ReadyTransition } from '../../../../libs/health/src/index.ts';
import { LeaderElector, newHolderId, RedisLease, type HeldLease } from '../../../../libs/lease/src/index.ts';
import { Store } from '../../../../libs/store/src/index.ts';
import { HUB_CONFIG } from '../config/hub-config.token.ts';
import { EventsService } from '../events/events.service.ts';
import { REDIS } from '../redis/redis.token.ts';
import { ShutdownCoordinator } from '../shutdown/shutdown-coordinator.ts';
import { CLUSTER_TARGETS, type ClusterTargets, type ProbeTarget } from './cluster-targets.ts';
import { HealthProber } from './health-prober.ts';
import { ProberMetrics } from './prober-metrics.ts';

/** Each period varies by up to this fraction; see docs/health.md. */
export const PROBE_JITTER_RATIO = 0.1;

/** The probe policy from the configuration. Throws when the settings contradict each other. */
export function probePolicyFrom(config: Config): ProbePolicy {
  const policy: ProbePolicy = {
    periodMs: config.probePeriodMs,
    timeoutMs: config.probeTimeoutMs,
    jitterRatio: PROBE_JITTER_RATIO,
    failureThreshold: config.probeFailureThreshold,
    successThreshold: config.probeSuccessThreshold,
    staleAfterMs: config.statusStaleAfterMs,
    inventoryEvery: config.probeInventoryEvery,
  };
  const issues = probePolicyIssues(policy);
  if (issues.length > 0) throw new Error(`invalid probe settings: ${issues.join('; ')}`);
  return policy;
}

const EVENT_REASONS: Record<ReadyTransition['to'], string> = {
  True: 'ClusterReady',
  False: 'ClusterNotReady',
  Unknown: 'ClusterUnknown',
};

/**
 * Runs the health prober on whichever hub replica holds the `prober` lease: every replica
 * competes for it from boot; the holder probes, the others stand by and take over within about
 * 4/3 of the lease TTL when it dies. On shutdown the holder stops probing and releases the
 * lease, so another replica takes over at once.
 */
@Injectable()
export class HealthProbeService implements OnApplicationBootstrap {
  private readonly logger = new Logger('HealthProber');
  private readonly elector: LeaderElector;
  private readonly prober: HealthProber;
  private leading: Promise<void> = Promise.resolve();
  private readonly periodMs: number;
  /** This replica's id in the lease. */
  readonly holder = newHolderId();

  constructor(
    @Inject(HUB_CONFIG) config: Config,
    @Inject(REDIS) redis: Redis,
    store: Store,
    @Inject(CLUSTER_TARGETS) targets: ClusterTargets,
    private readonly events: EventsService,
    private readonly metrics: ProberMetrics,
    private readonly shutdown: ShutdownCoordinator,
  ) {
    const policy = probePolicyFrom(config);
    this.periodMs = policy.periodMs;
    this.prober = new HealthProber({
      store,
      targets,
      policy,
      concurrency: config.probeConcurrency,
      connectionReuse: config.probeConnectionReuse,
      metrics,
      logger: this.logger,
      onTransition: (target, transition) => this.recordTransition(target, transition),
    });
    const lease = new RedisLease(redis, { prefix: config.keyPrefix, name: 'prober', holder: this.holder, ttlMs: config.leaderLeaseMs });
    this.elector = new LeaderElector(lease, {
      onElected: (held, signal) => this.lead(held, signal),
      onDemoted: (held, reason) => {
        this.metrics.setLeader(false);
        if (reason !== 'stopped') this.logger.warn({ token: held.token, reason }, 'prober: lost the lease');
      },
      onError: (error, during) => this.logger.warn({ err: error, during }, 'prober: lease call failed'),
    });
  }

  onApplicationBootstrap(): void {
    this.shutdown.registerDrain({
      name: 'prober',
      drain: async () => {
        // Stops probing (the leader's work is aborted), waits for the probes in flight, then
        // gives the lease back so another replica takes over without waiting for the TTL.
        await this.elector.stop();
        await this.leading;
      },
    });
    this.elector.start();
  }

  /** Whether this replica is the prober now. */
  get isLeader(): boolean {
    return this.elector.leadership !== undefined;
  }

  private lead(held: HeldLease, signal: AbortSignal): void {
    this.metrics.setLeader(true);
    this.logger.log({ holder: this.holder, token: held.token }, 'prober: took the lease');
    // After a previous term has wound down (it was aborted already).
    this.leading = this.leading.then(() => this.leadUntilAborted(held, signal));
  }

  /** Probes for the whole term: if the prober fails (e.g. Redis blinked while loading), it starts again. */
  private async leadUntilAborted(held: HeldLease, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.prober.lead(held, signal);
      } catch (error) {
        this.logger.error({ err: error }, 'prober: stopped with an error; starting again');
      }
      if (signal.aborted) return;
      // A fenced write ends the prober before the elector notices the lost lease; wait a period.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.periodMs);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        }, { once: true });
      });
    }
  }

  private async recordTransition(target: ProbeTarget, transition: ReadyTransition): Promise<void> {
    const state = transition.to === 'True' ? 'Ready' : transition.to === 'False' ? 'not Ready' : 'of unknown readiness';
    await this.events.record({
      type: transition.to === 'True' ? 'Normal' : 'Warning',
      reason: EVENT_REASONS[transition.to],
      message: `cluster ${target.name} is ${state} (${transition.reason}: ${transition.message}); was ${transition.from}`,
      object: { kind: 'Cluster', name: target.name },
      actor: 'prober',
    });
  }
}

import { CLUSTER_STATUS_KIND, type ClusterStatus } from '../../../../libs/clusters/src/index.ts';
import { nextStatus, ReadyReason, type ProbePolicy, type ReadyTransition } from '../../../../libs/health/src/index.ts';
import type { HeldLease } from '../../../../libs/lease/src/index.ts';
import {
  AlreadyExistsError,
  FencedWriteError,
  NotFoundError,
  StaleWriteError,
  Store,
  type RecordKey,
  type StoreOp,
} from '../../../../libs/store/src/index.ts';
import type { ClusterTargets, ProbeTarget } from './cluster-targets.ts';
import { MemberClient } from './member-http.ts';
import { probeCluster, type ClusterProbeResult } from './probe-cluster.ts';
import { ProbeScheduler } from './probe-scheduler.ts';
import type { ProberMetrics } from './prober-metrics.ts';

/** The subset of a Nest/pino logger the prober writes to. */
export interface ProberLogger {
  log(message: unknown, ...rest: unknown[]): void;
  warn(message: unknown, ...rest: unknown[]): void;
  error(message: unknown, ...rest: unknown[]): void;
  debug?(message: unknown, ...rest: unknown[]): void;
}

export interface HealthProberOptions {
  readonly store: Store;
  readonly targets: ClusterTargets;
  readonly policy: ProbePolicy;
  readonly concurrency: number;
  /**
   * Probes that share a pooled connection (FLOTILLA_PROBE_CONNECTION_REUSE).
   * @defaultValue 10
   */
  readonly connectionReuse?: number;
  readonly metrics: ProberMetrics;
  readonly logger: ProberLogger;
  /** Called after a transition has been written (events). Failures are logged, not retried. */
  readonly onTransition: (target: ProbeTarget, transition: ReadyTransition) => Promise<void>;
  /** @defaultValue {@link probeCluster} */
  readonly probe?: typeof probeCluster;
  /** @defaultValue the system clock */
  readonly now?: () => Date;
}

interface Known {
  /** Version of the stored `cluster-status` record; undefined when there is none. */
  version: number | undefined;
  status: ClusterStatus | undefined;
  /** Probes since the inventory was last read completely; undefined when never in this term. */
  sinceInventory: number | undefined;
  /** Whether the last probe's readiness check succeeded (inventory is only read then). */
  lastReachable: boolean;
  /** Connections to the cluster, for its current endpoint (replaced when the registration changes). */
  client: MemberClient | undefined;
}

const statusKey = (name: string): RecordKey => ({ kind: CLUSTER_STATUS_KIND, id: name });

/**
 * The prober's work during one term of leadership: probe every registered cluster on its own
 * schedule, move its Ready condition, and write `cluster-status` records fenced by the lease
 * (a write is refused once another hub holds the lease, even if this one has not noticed).
 */
export class HealthProber {
  private readonly options: HealthProberOptions;
  private readonly now: () => Date;
  private readonly probe: typeof probeCluster;
  /** Probes made by this hub, by result; for tests and the bench. */
  readonly counts = { probes: 0, writes: 0 };

  constructor(options: HealthProberOptions) {
    this.options = options;
    this.now = options.now ?? (() => new Date());
    this.probe = options.probe ?? probeCluster;
  }

  /** Leads until `signal` aborts or a write finds the lease gone; resolves when every probe has returned. */
  async lead(lease: HeldLease, signal: AbortSignal): Promise<void> {
    const { store, policy, logger } = this.options;
    const term = new AbortController();
    const stop = (): void => term.abort(signal.reason);
    signal.addEventListener('abort', stop, { once: true });
    const guard = { key: lease.key, value: lease.value };

    const known = new Map<string, Known>();
    for (const record of await store.list<ClusterStatus>(CLUSTER_STATUS_KIND)) {
      known.set(record.key.id, { version: record.version, status: record.data, sinceInventory: undefined, lastReachable: true, client: undefined });
    }
    let targets = new Map<string, ProbeTarget>();

    const write = async (name: string, ops: StoreOp[]): Promise<number | undefined> => {
      try {
        const [result] = await store.transact(ops, { guard });
        this.counts.writes += 1;
        return result?.type === 'delete' ? undefined : result?.record.version;
      } catch (error) {
        if (error instanceof FencedWriteError) {
          logger.warn({ token: lease.token }, 'prober: the lease has passed to another hub; stopping');
          term.abort(error);
          throw error;
        }
        if (error instanceof StaleWriteError || error instanceof AlreadyExistsError || error instanceof NotFoundError) {
          // Someone else changed the record (the registry deletes it on deregistration and on
          // re-registration): read it again and decide on the next probe.
          const current = await store.find<ClusterStatus>(statusKey(name));
          const entry = known.get(name);
          if (entry) {
            entry.version = current?.version;
            entry.status = current?.data;
          }
          throw error;
        }
        throw error;
      }
    };

    const probeOne = async (name: string, probeSignal: AbortSignal): Promise<void> => {
      const target = targets.get(name);
      if (target === undefined) return;
      let entry = known.get(name);
      if (entry === undefined) {
        entry = { version: undefined, status: undefined, sinceInventory: undefined, lastReachable: true, client: undefined };
        known.set(name, entry);
      }
      const withInventory = entry.lastReachable && (entry.sinceInventory === undefined || entry.sinceInventory + 1 >= policy.inventoryEvery);
      const started = performance.now();
      // The scheduler aborts probeSignal when the cluster is removed and when it stops, which
      // the end of the term always does (no AbortSignal.any on the long-lived term signal).
      const result = await this.runProbe(target, entry, withInventory, probeSignal);
      // Aborted: the prober is stopping or the cluster is gone. What it saw is not about the cluster.
      if (probeSignal.aborted || term.signal.aborted) return;
      this.counts.probes += 1;
      const seconds = (performance.now() - started) / 1000;
      this.options.metrics.probed(name, result.outcome.kind === 'success' ? 'success' : result.outcome.reason, seconds, result.attempts);

      entry.lastReachable = result.outcome.kind === 'success';
      if (withInventory) entry.sinceInventory = result.inventoryComplete ? 0 : undefined;
      else if (entry.sinceInventory !== undefined) entry.sinceInventory += 1;
      if (result.problems.length > 0) logger.debug?.({ cluster: name, problems: result.problems }, 'prober: inventory incomplete');

      const next = nextStatus(entry.status, result, policy, lease.token);
      const op: StoreOp =
        entry.version === undefined
          ? { type: 'create', key: statusKey(name), data: next.status }
          : { type: 'put', key: statusKey(name), data: next.status, expectedVersion: entry.version };
      try {
        entry.version = await write(name, [op]);
        entry.status = next.status;
      } catch (error) {
        if (!(error instanceof FencedWriteError)) logger.warn({ cluster: name, err: error }, 'prober: status not written');
        return;
      }
      const ready = next.status.conditions[0];
      if (ready) this.options.metrics.setReady(name, target.zone, ready.status);
      if (next.transition) await this.transitioned(target, next.transition);
    };

    const scheduler = new ProbeScheduler({
      periodMs: policy.periodMs,
      jitterRatio: policy.jitterRatio,
      concurrency: this.options.concurrency,
      run: probeOne,
    });

    const refresh = async (): Promise<void> => {
      const listed = await this.options.targets.list();
      const next = new Map(listed.map((target) => [target.name, target]));
      for (const [name, before] of targets) {
        const after = next.get(name);
        if (after === undefined) this.options.metrics.forget(name, before.zone);
        else if (after.zone !== before.zone) this.options.metrics.forgetZone(name, before.zone);
      }
      targets = next;
      scheduler.setClusters(next.keys());
      // A status whose cluster is gone (deregistered while a probe was in flight) goes too.
      for (const [name, entry] of known) {
        if (next.has(name)) continue;
        known.delete(name);
        entry.client?.close();
        if (entry.version === undefined) continue;
        await write(name, [{ type: 'delete', key: statusKey(name), expectedVersion: entry.version }]).catch(() => undefined);
      }
    };

    logger.log({ token: lease.token, clusters: known.size }, 'prober: leading; probing the fleet');
    try {
      scheduler.start();
      while (!term.signal.aborted) {
        try {
          await refresh();
        } catch (error) {
          if (term.signal.aborted) break;
          logger.warn({ err: error }, 'prober: cannot list the registered clusters; probing the last known ones');
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, policy.periodMs);
          term.signal.addEventListener('abort', () => {
            clearTimeout(timer);
            resolve();
          }, { once: true });
        });
      }
    } finally {
      signal.removeEventListener('abort', stop);
      await scheduler.stop();
      for (const entry of known.values()) entry.client?.close();
      logger.log({ token: lease.token }, 'prober: no longer leading');
    }
  }

  private async runProbe(target: ProbeTarget, entry: Known, withInventory: boolean, signal: AbortSignal): Promise<ClusterProbeResult> {
    const endpoint = target.endpoint;
    if (endpoint === undefined) {
      return {
        outcome: { kind: 'notProbed', reason: ReadyReason.CredentialsUnavailable, message: target.unavailable ?? 'the hub cannot open the credentials' },
        finishedAt: this.now(),
        inventoryComplete: false,
        problems: [],
        attempts: 0,
      };
    }
    if (entry.client?.endpoint !== endpoint) {
      entry.client?.close();
      entry.client = new MemberClient(endpoint, { reuse: this.options.connectionReuse });
    }
    return this.probe(entry.client, { timeoutMs: this.options.policy.timeoutMs, withInventory, now: this.now }, signal);
  }

  private async transitioned(target: ProbeTarget, transition: ReadyTransition): Promise<void> {
    this.options.metrics.transitioned(target.name, target.zone, transition.to);
    const line = { cluster: target.name, from: transition.from, to: transition.to, reason: transition.reason, message: transition.message };
    if (transition.to === 'True') this.options.logger.log(line, 'cluster Ready');
    else this.options.logger.warn(line, transition.to === 'False' ? 'cluster not Ready' : 'cluster readiness Unknown');
    try {
      await this.options.onTransition(target, transition);
    } catch (error) {
      this.options.logger.error({ cluster: target.name, err: error }, 'prober: transition event not recorded');
    }
  }
}

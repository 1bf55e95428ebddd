export interface ProbeSchedulerOptions {
  /** Time between the starts of two probes of one cluster, before jitter. */
  readonly periodMs: number;
  /** Each period is stretched or shrunk by up to this fraction, at random. */
  readonly jitterRatio: number;
  /** Probes in flight at most, over all clusters. */
  readonly concurrency: number;
  /**
   * Probes one cluster. Must bound itself (its own timeout), must not throw, and should stop
   * soon after `signal` aborts (the cluster was removed or the scheduler is stopping).
   */
  readonly run: (cluster: string, signal: AbortSignal) => Promise<void>;
  /** @defaultValue Math.random */
  readonly random?: () => number;
  /** @defaultValue Date.now */
  readonly now?: () => number;
}

interface Entry {
  dueAt: number;
  running: Promise<void> | undefined;
  controller: AbortController | undefined;
}

/**
 * Runs a probe of every cluster once per period, each cluster on its own clock:
 *
 * - a cluster's next probe is due one period (± jitter) after its previous one *started*, and
 *   never starts before that one has ended, so probes of one cluster never overlap;
 * - clusters are not probed in rounds: a cluster whose probe hangs until its timeout delays
 *   nobody else, as long as fewer than `concurrency` probes are in flight;
 * - a new cluster's first probe comes at a random point within one period, so that clusters
 *   (and hubs starting together) spread out instead of probing in bursts;
 * - when more probes are due than slots are free, the longest overdue goes first.
 */
export class ProbeScheduler {
  private readonly entries = new Map<string, Entry>();
  /** Every probe in flight, including those of clusters removed meanwhile. */
  private readonly inFlightProbes = new Set<Promise<void>>();
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly options: ProbeSchedulerOptions;
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private running = false;

  constructor(options: ProbeSchedulerOptions) {
    if (options.concurrency < 1) throw new Error('probe concurrency must be at least 1');
    this.options = options;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
  }

  /** The clusters probed from now on: new ones are added, missing ones removed (their probe aborted). */
  setClusters(names: Iterable<string>): void {
    const wanted = new Set(names);
    for (const [name, entry] of this.entries) {
      if (wanted.has(name)) continue;
      entry.controller?.abort(new Error(`cluster ${name} is no longer probed`));
      this.entries.delete(name);
    }
    const now = this.now();
    for (const name of wanted) {
      if (!this.entries.has(name)) {
        this.entries.set(name, { dueAt: now + Math.floor(this.random() * this.options.periodMs), running: undefined, controller: undefined });
      }
    }
    this.pump();
  }

  /** The clusters currently scheduled. */
  get clusters(): string[] {
    return [...this.entries.keys()];
  }

  start(): void {
    this.running = true;
    this.pump();
  }

  /** Stops starting probes, aborts those in flight and waits for them to return. */
  async stop(): Promise<void> {
    this.running = false;
    this.clearTimer();
    for (const entry of this.entries.values()) entry.controller?.abort(new Error('the prober is stopping'));
    await Promise.all([...this.inFlightProbes]);
  }

  private nextPeriodMs(): number {
    const jitter = this.options.jitterRatio * (2 * this.random() - 1);
    return Math.max(1, Math.round(this.options.periodMs * (1 + jitter)));
  }

  private pump(): void {
    if (!this.running) return;
    const now = this.now();
    while (this.inFlight < this.options.concurrency) {
      let next: [string, Entry] | undefined;
      for (const candidate of this.entries) {
        const entry = candidate[1];
        if (entry.running || entry.dueAt > now) continue;
        if (next === undefined || entry.dueAt < next[1].dueAt) next = candidate;
      }
      if (next === undefined) break;
      this.launch(next[0], next[1], now);
    }
    this.arm(now);
  }

  private launch(name: string, entry: Entry, startedAt: number): void {
    const controller = new AbortController();
    entry.controller = controller;
    entry.dueAt = startedAt + this.nextPeriodMs();
    this.inFlight += 1;
    const running: Promise<void> = this.options
      .run(name, controller.signal)
      .catch(() => undefined)
      .finally(() => {
        this.inFlight -= 1;
        this.inFlightProbes.delete(running);
        entry.running = undefined;
        entry.controller = undefined;
        this.pump();
      });
    entry.running = running;
    this.inFlightProbes.add(running);
  }

  /** Wakes up when the earliest idle cluster is due (completions wake it up otherwise). */
  private arm(now: number): void {
    if (this.inFlight >= this.options.concurrency) {
      this.clearTimer();
      return;
    }
    let earliest = Infinity;
    for (const entry of this.entries.values()) {
      if (!entry.running && entry.dueAt < earliest) earliest = entry.dueAt;
    }
    if (earliest === this.timerAt) return;
    this.clearTimer();
    if (earliest === Infinity) return;
    this.timerAt = earliest;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Infinity;
        this.pump();
      },
      Math.max(0, earliest - now),
    );
    this.timer.unref();
  }

  private clearTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }
}

import { describe, expect, it } from '@jest/globals';
import type { ClusterSnapshot, FleetSnapshot } from '../../placement/src/index.ts';
import type { FailoverPolicy } from '../../workloads/src/workload.ts';
import { EMPTY_HEALTH, observeReady, type HealthTrackerState } from './cluster-health-tracker.ts';
import type { FailoverAction } from './failover-action.ts';
import { initialFailoverState, type FailoverState } from './failover-state.ts';
import type { FailoverWorkload } from './failover-workload.ts';
import { planFailover, type FailoverInput } from './plan-failover.ts';
import { DEFAULT_FAILOVER_SETTINGS as S, type FailoverSettings } from './settings.ts';

const s = (n: number): number => n * 1000;
const SIX = ['a1', 'a2', 'b1', 'b2', 'c1', 'c2'];
const zoneOf = (name: string): string => `eu1${name[0] ?? ''}`;
const POLICY: FailoverPolicy = { enabled: true, tolerationSeconds: 30, purgeMode: 'Graceful', gracefulTimeoutSeconds: 300, stateful: false, failback: 'Displaced' };

/** Clusters with room for `free[name]` replicas (default 8), the `down` ones not Ready. */
function snapshot(down: readonly string[], free: Readonly<Record<string, number>> = {}, names: readonly string[] = SIX): FleetSnapshot {
  return {
    clusters: names.map(
      (name): ClusterSnapshot => ({
        name,
        labels: { 'topology.kubernetes.io/zone': zoneOf(name) },
        taints: [],
        cordoned: false,
        ready: down.includes(name) ? 'False' : 'True',
        served: ['apps'],
        free: { cpuMillis: (free[name] ?? 8) * 1000, memoryBytes: 2 ** 40, pods: 100 },
      }),
    ),
  };
}

function workload(id: string, priority: number, clusters: Readonly<Record<string, number>>, more: Partial<Omit<FailoverWorkload, 'failover'>> & { failover?: Partial<FailoverPolicy> } = {}): FailoverWorkload {
  const list = Object.entries(clusters).map(([name, replicas]) => ({ name, replicas }));
  return {
    id,
    priority,
    placement: { replicaScheduling: { type: 'Divided', divisionPreference: 'AvailableCapacity' } },
    needs: { replicas: list.reduce((n, c) => n + c.replicas, 0), perReplica: { cpuMillis: 1000, memoryBytes: 0, pods: 1 }, kinds: ['apps/v1/Deployment'] },
    clusters: list,
    available: false,
    ...more,
    failover: { ...POLICY, ...more.failover },
  };
}

/** Every cluster Ready at 0, then the named ones not Ready at their times. */
function health(lost: Readonly<Record<string, number>>, names: readonly string[] = SIX): HealthTrackerState {
  let state = EMPTY_HEALTH;
  for (const cluster of names) state = observeReady(state, { cluster, zone: zoneOf(cluster), ready: 'True', at: 0 }, S);
  for (const [cluster, at] of Object.entries(lost)) state = observeReady(state, { cluster, zone: zoneOf(cluster), ready: 'False', at }, S);
  return state;
}

function stateWith(lost: Readonly<Record<string, number>>, names: readonly string[] = SIX, settings: FailoverSettings = S): FailoverState {
  return { ...initialFailoverState(0, settings), health: health(lost, names) };
}

const kinds = (actions: readonly FailoverAction[]): string[] => actions.map((a) => `${a.kind}:${a.workload}`);

describe('planFailover: the partition guard', () => {
  it('a hub cut off from two of three zones suspends: nothing evicted, purged or preempted', () => {
    const lost = { b1: s(100), b2: s(100), c1: s(105), c2: s(110) };
    const plan = planFailover({
      now: s(400),
      snapshot: snapshot(Object.keys(lost)),
      state: stateWith(lost),
      workloads: [workload('web', 0, { a1: 1, b1: 2, c1: 2 }), workload('db', 1000, { c2: 1 }, { failover: { purgeMode: 'Immediate' } })],
    });
    expect(plan.actions.map((a) => a.kind)).toEqual(['Suspended', 'Suspended']);
    expect(plan.actions[0]).toMatchObject({ kind: 'Suspended', workload: 'db', clusters: ['c2'], since: s(400) });
    expect(plan.state.guard).toMatchObject({ suspended: true, since: s(400) });
    expect(plan.state.guard.reason).toContain('4/6 clusters went not Ready within 60 s');
    expect(plan.state.workloads).toEqual({});
    expect(plan.state.evictions).toEqual(initialFailoverState(0).evictions);
  });

  it('holds back the purges of earlier failovers while suspended', () => {
    const lost = { a2: s(10), b1: s(100), b2: s(100), c1: s(105), c2: s(110) };
    const earlier: FailoverState = {
      ...stateWith(lost),
      workloads: { web: { displaced: [{ from: 'a2', replicas: 1, to: [{ name: 'a1', replicas: 1 }], at: s(50), stateful: false, purged: false, settled: false }], preempted: [] } },
    };
    const web = workload('web', 0, { a1: 2 }, { failover: { purgeMode: 'Immediate' }, available: true });
    const plan = planFailover({ now: s(400), snapshot: snapshot(Object.keys(lost)), state: earlier, workloads: [web] });
    expect(plan.state.guard.suspended).toBe(true);
    expect(plan.actions).toEqual([]);
    expect(plan.state.workloads.web?.displaced[0]?.purged).toBe(false);
  });
});

describe('planFailover: a single zone lost', () => {
  const lost = { a1: s(100), a2: s(100) };
  const web = workload('web', 0, { a1: 2, b1: 2 });
  const input = (now: number, w: FailoverWorkload = web): FailoverInput => ({ now, snapshot: snapshot(['a1', 'a2']), state: stateWith(lost), workloads: [w] });

  it('defers until the toleration has passed, with the deadline', () => {
    expect(planFailover(input(s(110))).actions).toEqual([
      { kind: 'Defer', workload: 'web', clusters: ['a1'], reason: 'Toleration', until: s(130), message: 'not Ready for less than the toleration of 30 s' },
    ]);
  });

  it('then re-places it off the lost zone through place(), keeping the survivors, and records the displacement', () => {
    const plan = planFailover(input(s(130)));
    expect(kinds(plan.actions)).toEqual(['Replace:web']);
    const replace = plan.actions[0] as Extract<FailoverAction, { kind: 'Replace' }>;
    expect(replace.from).toEqual(['a1']);
    expect(replace.clusters.reduce((n, c) => n + c.replicas, 0)).toBe(4);
    expect(replace.clusters.map((c) => c.name)).not.toContain('a1');
    expect(replace.clusters.map((c) => c.name)).not.toContain('a2');
    // The survivor keeps its replicas: a failover never moves a healthy replica.
    // (the two displaced ones are divided by room; equal room ties by name).
    expect(replace.clusters).toEqual([
      { name: 'b1', replicas: 3 },
      { name: 'b2', replicas: 1 },
    ]);
    expect(replace.decision.summary).toBe('4 replicas on 2/6 clusters: 2 kept where they run, 2 re-placed (2 replicas on 2/6 clusters; 4 left out: 2 not Ready, 2 not needed)');
    expect(replace.decision.diagnosis.a2?.code).toBe('NotReady');
    expect(plan.state.workloads.web?.displaced).toEqual([
      { from: 'a1', replicas: 2, to: [{ name: 'b1', replicas: 1 }, { name: 'b2', replicas: 1 }], at: s(130), stateful: false, purged: false, settled: false },
    ]);
    expect(plan.state.evictions.tokens).toBe(S.evictions.burst - 1);
  });

  it('places the whole workload again when keeping the survivors would break its spread', () => {
    const spread = workload('spread', 0, { a1: 2, b1: 2 }, { placement: { replicaScheduling: { type: 'Divided', divisionPreference: 'Aggregated' }, spread: [{ by: 'zone', min: 2 }] } });
    const replace = planFailover(input(s(130), spread)).actions[0] as Extract<FailoverAction, { kind: 'Replace' }>;
    const zones = new Set(replace.clusters.map((c) => zoneOf(c.name)));
    expect(zones.size).toBeGreaterThanOrEqual(2);
    expect(replace.clusters.reduce((n, c) => n + c.replicas, 0)).toBe(4);
  });

  it('does not replace twice while the controller catches up', () => {
    const first = planFailover(input(s(130)));
    const again = planFailover({ ...input(s(140)), state: first.state });
    expect(again.actions).toEqual([]);
  });

  it.each<[string, Partial<FailoverPolicy>, Partial<FailoverWorkload>, number, readonly string[]]>([
    ['Immediate: purged with the Replace', { purgeMode: 'Immediate' }, {}, s(130), ['Replace', 'Purge:Immediate']],
    ['Graceful: kept while the replacement is not Available', {}, {}, s(200), []],
    ['Graceful: purged once the replacement is Available', {}, { available: true }, s(200), ['Purge:ReplacementAvailable']],
    ['Graceful: purged when the timeout passes', {}, {}, s(130 + 300), ['Purge:GracefulTimeout']],
    ['Never: waits for an operator', { purgeMode: 'Never' }, { available: true }, s(200), ['AwaitOperator']],
    ['Never: purged once an operator confirmed', { purgeMode: 'Never' }, { purgeConfirmed: ['a1'] }, s(200), ['Purge:OperatorConfirmed']],
  ])('purge mode %s', (_name, policy, facts, later, expected) => {
    const w = workload('web', 0, { a1: 2, b1: 2 }, { failover: policy });
    const first = planFailover(input(s(130), w));
    const replace = first.actions.find((a) => a.kind === 'Replace') as Extract<FailoverAction, { kind: 'Replace' }>;
    const label = (a: FailoverAction): string => (a.kind === 'Purge' ? `Purge:${a.trigger}` : a.kind);
    if (later === s(130)) {
      expect(first.actions.map(label)).toEqual(expected);
      return;
    }
    // The controller applied the Replace: the stored placement is the new one.
    const applied = { ...w, ...facts, clusters: replace.clusters };
    const next = planFailover({ ...input(later, applied), state: first.state });
    expect(next.actions.map(label)).toEqual(expected);
  });

  it('does not read Available of the old placement as the replacement being Available', () => {
    const first = planFailover(input(s(130)));
    const notApplied = { ...web, available: true };
    expect(planFailover({ ...input(s(140), notApplied), state: first.state }).actions).toEqual([]);
  });

  it('leaves a workload with failover disabled alone', () => {
    expect(planFailover(input(s(500), workload('web', 0, { a1: 2, b1: 2 }, { failover: { enabled: false } }))).actions).toEqual([]);
  });

  it('never evicts into nothing: no cluster fits, so it waits (and spends no token)', () => {
    const full = Object.fromEntries(SIX.map((n) => [n, 0]));
    const plan = planFailover({ ...input(s(130)), snapshot: snapshot(['a1', 'a2'], full), workloads: [workload('web', 0, { a1: 2 })] });
    expect(plan.actions).toMatchObject([{ kind: 'Defer', reason: 'NoCapacity', clusters: ['a1'] }]);
    expect((plan.actions[0] as { message: string }).message).toContain('0/6 clusters fit: 6 short of CPU');
    expect(plan.state.evictions.tokens).toBe(S.evictions.burst);
  });
});

describe('planFailover: stateful workloads are fenced', () => {
  const lost = { a1: s(100) };
  const db = (more: Partial<FailoverWorkload> = {}): FailoverWorkload => workload('db', 1000, { a1: 1 }, { ...more, failover: { stateful: true } });
  const run = (now: number, w: FailoverWorkload, fencedSince?: Record<string, number>): FailoverAction[] => [
    ...planFailover({ now, snapshot: snapshot(['a1']), state: stateWith(lost), workloads: [w], ...(fencedSince === undefined ? {} : { fencedSince }) }).actions,
  ];
  const label = (a: FailoverAction): string => (a.kind === 'Purge' ? `Purge:${a.trigger}` : a.kind);

  it.each<[string, FailoverWorkload, Record<string, number> | undefined, readonly string[]]>([
    ['not fenced: waits', db(), undefined, ['AwaitFence']],
    ['fenced for less than the grace period: waits', db(), { a1: s(100) }, ['AwaitFence']],
    ['fenced for the grace period: replaced, old copy purged', db(), { a1: s(130) - S.fenceGraceMs }, ['Replace', 'Purge:Fenced']],
    ['the old copy seen gone: replaced', db({ goneFrom: ['a1'] }), undefined, ['Replace', 'Purge:Fenced']],
    ['an operator forced it: replaced', db({ forced: true }), undefined, ['Replace', 'Purge:Fenced']],
  ])('%s', (_name, w, fences, expected) => {
    expect(run(s(130), w, fences).map(label)).toEqual(expected);
  });

  it('says when a fenced cluster counts', () => {
    expect(run(s(130), db(), { a1: s(100) })[0]).toMatchObject({ kind: 'AwaitFence', cluster: 'a1', fencedAt: s(100), until: s(100) + S.fenceGraceMs });
  });

  it('never plans a second live copy: every round of a long outage, a Replace only once the old copy cannot run', () => {
    const fencedAt = s(200);
    let state = stateWith(lost);
    let replaces = 0;
    for (let now = s(100); now <= s(900); now += s(10)) {
      const fences: Record<string, number> = now >= fencedAt ? { a1: fencedAt } : {};
      const plan = planFailover({ now, snapshot: snapshot(['a1']), state, workloads: [db()], fencedSince: fences });
      for (const a of plan.actions) {
        if (a.kind !== 'Replace') continue;
        replaces += 1;
        expect(now - fencedAt).toBeGreaterThanOrEqual(S.fenceGraceMs);
      }
      state = plan.state;
    }
    expect(replaces).toBe(1);
  });
});

describe('planFailover: order and preemption', () => {
  it('fails over the most important first: critical, normal (ties by id), low', () => {
    const workloads = [workload('low', -500, { a1: 1 }), workload('norm-b', 0, { a1: 1 }), workload('crit', 1000, { a1: 1 }), workload('norm-a', 0, { a1: 1 })];
    const plan = planFailover({ now: s(200), snapshot: snapshot(['a1']), state: stateWith({ a1: s(100) }), workloads });
    expect(kinds(plan.actions)).toEqual(['Replace:crit', 'Replace:norm-a', 'Replace:norm-b', 'Replace:low']);
  });

  it('higher priorities take the room first', () => {
    const workloads = [workload('low', -500, { a1: 2 }), workload('crit', 1000, { a1: 2 })];
    const names = ['a1', 'b1', 'c1'];
    const plan = planFailover({ now: s(200), snapshot: snapshot(['a1'], { b1: 1, c1: 1 }, names), state: stateWith({ a1: s(100) }, names), workloads });
    expect(plan.actions.map((a) => `${a.kind}:${a.workload}`)).toEqual(['Replace:crit', 'Defer:low']);
    expect(plan.actions[1]).toMatchObject({ reason: 'NoCapacity' });
  });

  describe('when the survivors cannot hold everything', () => {
    const names = ['a1', 'b1', 'c1'];
    const workloads = [
      workload('crit', 1000, { a1: 4 }),
      workload('crit-peer', 1000, { b1: 2 }),
      workload('norm', 0, { c1: 3 }),
      workload('low', -500, { b1: 3, c1: 3 }),
      workload('low-pinned', -500, { b1: 4 }, { failover: { enabled: false } }),
      workload('low-db', -500, { c1: 4 }, { failover: { stateful: true } }),
    ];
    const plan = planFailover({ now: s(200), snapshot: snapshot(['a1'], { b1: 1, c1: 1 }, names), state: stateWith({ a1: s(100) }, names), workloads });

    it('preempts the lowest priority, only as much as needed, and says for whom', () => {
      expect(plan.actions).toEqual([
        {
          kind: 'Preempt',
          workload: 'low',
          cluster: 'b1',
          replicas: 2,
          forWorkload: 'crit',
          reason: 'scaled down by 2 on b1 to make room for crit (priority 1000 over -500), failing over from a1',
          remaining: 1,
        },
        expect.objectContaining({ kind: 'Replace', workload: 'crit', clusters: [{ name: 'b1', replicas: 3 }, { name: 'c1', replicas: 1 }] }),
      ]);
    });

    it('records the preemption on the preempted workload, for its Restore', () => {
      expect(plan.state.workloads.low?.preempted).toEqual([{ cluster: 'b1', replicas: 2, by: 'crit', reason: expect.stringContaining('crit') as unknown as string, at: s(200) }]);
    });

    it('never touches equal priorities, workloads with failover disabled, or stateful ones', () => {
      const touched = plan.actions.filter((a) => a.kind === 'Preempt').map((a) => a.workload);
      expect(touched).not.toContain('crit-peer');
      expect(touched).not.toContain('low-pinned');
      expect(touched).not.toContain('low-db');
    });
  });
});

describe('planFailover: two preemptions of one victim in a round', () => {
  it('gives each the replicas left after the earlier ones (what the controller stores, in any order)', () => {
    const names = ['a1', 'b1'];
    const workloads = [workload('crit-1', 1000, { a1: 1 }), workload('crit-2', 1000, { a1: 1 }), workload('low', -500, { b1: 3 })];
    const plan = planFailover({ now: s(200), snapshot: snapshot(['a1'], { b1: 0 }, names), state: stateWith({ a1: s(100) }, names), workloads });
    const preempts = plan.actions.filter((a) => a.kind === 'Preempt');
    expect(preempts.map((a) => [a.forWorkload, a.replicas, a.remaining])).toEqual([
      ['crit-1', 1, 2],
      ['crit-2', 1, 1],
    ]);
  });
});

describe('planFailover: limits', () => {
  const five = ['w1', 'w2', 'w3', 'w4', 'w5'].map((id) => workload(id, 0, { a1: 1 }));
  const settings: FailoverSettings = { ...S, evictions: { burst: 2, perInterval: 1, intervalMs: s(60) } };

  it('spreads evictions with the token bucket', () => {
    const first = planFailover({ now: s(31), snapshot: snapshot(['a1']), state: stateWith({ a1: 0 }, SIX, settings), workloads: five, settings });
    expect(first.actions.map((a) => (a.kind === 'Defer' ? `Defer:${a.reason}:${a.until ?? ''}` : `${a.kind}:${a.workload}`))).toEqual([
      'Replace:w1',
      'Replace:w2',
      `Defer:RateLimited:${s(60)}`,
      `Defer:RateLimited:${s(60)}`,
      `Defer:RateLimited:${s(60)}`,
    ]);
    const second = planFailover({ now: s(60), snapshot: snapshot(['a1']), state: first.state, workloads: five, settings });
    expect(second.actions.filter((a) => a.kind === 'Replace').map((a) => a.workload)).toEqual(['w3']);
    expect(second.actions.filter((a) => a.kind === 'Defer').map((a) => a.until)).toEqual([s(120), s(120)]);
  });

  it('holds at most maxInFlight failovers until their replacements settle', () => {
    const one = { ...S, maxInFlight: 1 };
    const first = planFailover({ now: s(31), snapshot: snapshot(['a1']), state: stateWith({ a1: 0 }), workloads: five, settings: one });
    expect(first.actions.map((a) => (a.kind === 'Defer' ? a.reason : a.kind))).toEqual(['Replace', 'ConcurrencyLimit', 'ConcurrencyLimit', 'ConcurrencyLimit', 'ConcurrencyLimit']);
    const replace = first.actions[0] as Extract<FailoverAction, { kind: 'Replace' }>;
    const settled = five.map((w) => (w.id === 'w1' ? { ...w, clusters: replace.clusters, available: true } : w));
    const second = planFailover({ now: s(40), snapshot: snapshot(['a1']), state: first.state, workloads: settled, settings: one });
    expect(second.actions.map((a) => `${a.kind}:${a.workload}`)).toEqual(['Purge:w1', 'Replace:w2', 'Defer:w3', 'Defer:w4', 'Defer:w5']);
  });
});

describe('planFailover: determinism', () => {
  const workloads = [
    workload('crit', 1000, { a1: 4 }),
    workload('norm', 0, { a1: 2, b1: 1 }),
    workload('low', -500, { b1: 3, c1: 3 }),
    workload('db', 500, { a2: 1 }, { failover: { stateful: true } }),
  ];
  const input: FailoverInput = { now: s(200), snapshot: snapshot(['a1', 'a2'], { b1: 1, b2: 1, c1: 1, c2: 0 }), state: stateWith({ a1: s(100), a2: s(150) }), workloads, fencedSince: { a2: 0 } };

  it('gives the same plan for the same input, in any order, and after a JSON round trip of the state', () => {
    const plan = planFailover(input);
    const shuffled = planFailover({
      ...input,
      workloads: [...workloads].reverse(),
      snapshot: { clusters: [...input.snapshot.clusters].reverse() },
      state: JSON.parse(JSON.stringify(input.state)) as FailoverState,
    });
    expect(shuffled).toEqual(plan);
    expect(JSON.parse(JSON.stringify(plan.state))).toEqual(plan.state);
    expect(plan.actions.length).toBeGreaterThan(2);
  });
});

describe('planFailover: a preempted workload that then fails over itself', () => {
  const names = ['a1', 'b1', 'c1'];
  const workloads = [workload('crit', 1000, { a1: 4 }), workload('low', -500, { a1: 1, b1: 3, c1: 3 })];
  const run = (free: Record<string, number>): FailoverAction[] => [
    ...planFailover({ now: s(200), snapshot: snapshot(['a1'], free, names), state: stateWith({ a1: s(100) }, names), workloads }).actions,
  ];

  it('re-places only the replicas it still has, not the preempted ones (those wait for a Restore)', () => {
    // An earlier round preempted 2 of low's 7 replicas on b1; now a1 fails under it.
    const low = workload('low', -500, { a1: 1, b1: 1, c1: 3 }, { needs: { replicas: 7, perReplica: { cpuMillis: 1000, memoryBytes: 0, pods: 1 }, kinds: ['apps/v1/Deployment'] } });
    const state = stateWith({ a1: s(100) }, names);
    const withRecord: FailoverState = { ...state, workloads: { low: { displaced: [], preempted: [{ cluster: 'b1', replicas: 2, by: 'crit', reason: 'room for crit', at: 0 }] } } };
    const plan = planFailover({ now: s(200), snapshot: snapshot(['a1'], {}, names), state: withRecord, workloads: [low] });
    const replace = plan.actions[0] as Extract<FailoverAction, { kind: 'Replace' }>;
    expect(replace.kind).toBe('Replace');
    expect(replace.clusters.reduce((n, c) => n + c.replicas, 0)).toBe(5);
  });

  it('waits rather than drop the failed copy when none of its replicas fits anywhere', () => {
    const actions = run({ b1: 1, c1: 1 });
    expect(actions.map((a) => `${a.kind}:${a.workload}`)).toEqual(['Preempt:low', 'Replace:crit', 'Defer:low']);
    expect(actions[2]).toMatchObject({ reason: 'NoCapacity', clusters: ['a1'] });
  });
});

describe('planFailover: a cluster being drained', () => {
  // Every cluster Ready; an operator drains a1 (and cordons it: the snapshot says so).
  const drainSnapshot = (): FleetSnapshot => ({ clusters: snapshot([]).clusters.map((c) => (c.name === 'a1' ? { ...c, cordoned: true } : c)) });
  const input = (now: number, workloads: FailoverWorkload[], state: FailoverState = stateWith({})): FailoverInput => ({
    now,
    snapshot: drainSnapshot(),
    state,
    workloads,
    drainingSince: { a1: s(100) },
  });

  it('moves every workload off it at once, toleration or not, as a Drained replacement', () => {
    const plan = planFailover(input(s(100), [workload('web', 0, { a1: 2, b1: 2 }, { failover: { tolerationSeconds: 600 } })]));
    expect(kinds(plan.actions)).toEqual(['Replace:web']);
    const replace = plan.actions[0] as Extract<FailoverAction, { kind: 'Replace' }>;
    expect(replace.cause).toBe('Drained');
    expect(replace.clusters.map((c) => c.name)).not.toContain('a1');
    expect(replace.clusters.reduce((n, c) => n + c.replicas, 0)).toBe(4);
    expect(plan.state.workloads.web?.displaced[0]).toMatchObject({ from: 'a1', drained: true, purged: false });
  });

  it('keeps the old copy until the replacement is Available, even with purge mode Immediate', () => {
    const first = planFailover(input(s(100), [workload('web', 0, { a1: 2 }, { failover: { purgeMode: 'Immediate' } })]));
    expect(kinds(first.actions)).toEqual(['Replace:web']);
    const replace = first.actions[0] as Extract<FailoverAction, { kind: 'Replace' }>;
    const moved = (available: boolean): FailoverWorkload => workload('web', 0, Object.fromEntries(replace.clusters.map((c) => [c.name, c.replicas])), { available, failover: { purgeMode: 'Immediate' } });
    expect(planFailover(input(s(101), [moved(false)], first.state)).actions).toEqual([]);
    expect(planFailover(input(s(102), [moved(true)], first.state)).actions).toEqual([{ kind: 'Purge', workload: 'web', cluster: 'a1', trigger: 'ReplacementAvailable' }]);
  });

  it('leaves workloads with failover disabled where they are', () => {
    expect(planFailover(input(s(100), [workload('pinned', 0, { a1: 2 }, { failover: { enabled: false } })])).actions).toEqual([]);
  });

  it('moves a stateful workload only under the fencing rules (fenced for the grace, or forced)', () => {
    const db = workload('db', 0, { a1: 1 }, { failover: { stateful: true } });
    expect(planFailover(input(s(100), [db])).actions.map((a) => a.kind)).toEqual(['AwaitFence']);
    const forced = planFailover(input(s(100), [{ ...db, forced: true }])).actions.map((a) => a.kind);
    expect(forced).toEqual(['Replace', 'Purge']);
  });

  it('is held back by the partition guard like any failover', () => {
    const lost = { b1: s(90), b2: s(90), c1: s(95), c2: s(95) };
    const plan = planFailover({ ...input(s(100), [workload('web', 0, { a1: 2 })], stateWith(lost)), snapshot: snapshot(Object.keys(lost)) });
    expect(kinds(plan.actions)).toEqual(['Suspended:web']);
  });
});

import { describe, expect, it } from '@jest/globals';
import type { ClusterSnapshot, FleetSnapshot } from '../../placement/src/index.ts';
import type { FailoverPolicy } from '../../workloads/src/workload.ts';
import { EMPTY_HEALTH, observeReady, type HealthTrackerState } from './cluster-health-tracker.ts';
import type { FailoverAction } from './failover-action.ts';
import { initialFailoverState, type Displacement, type FailoverState, type WorkloadFailoverRecord } from './failover-state.ts';
import type { FailoverWorkload } from './failover-workload.ts';
import { planFailback } from './plan-failback.ts';
import { planFailover } from './plan-failover.ts';
import { DEFAULT_FAILOVER_SETTINGS as S, type FailoverSettings } from './settings.ts';

const s = (n: number): number => n * 1000;
const SIX = ['a1', 'a2', 'b1', 'b2', 'c1', 'c2'];
const zoneOf = (name: string): string => `eu1${name[0] ?? ''}`;
const POLICY: FailoverPolicy = { enabled: true, tolerationSeconds: 30, purgeMode: 'Graceful', gracefulTimeoutSeconds: 300, stateful: false, failback: 'Displaced' };

function snapshot(down: readonly string[], free: Readonly<Record<string, number>> = {}): FleetSnapshot {
  return {
    clusters: SIX.map(
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
    available: true,
    ...more,
    failover: { ...POLICY, ...more.failover },
  };
}

/** Every cluster Ready at 0; a1 not Ready at 100 s and Ready again at 200 s. */
function outage(): HealthTrackerState {
  let state = EMPTY_HEALTH;
  for (const cluster of SIX) state = observeReady(state, { cluster, zone: zoneOf(cluster), ready: 'True', at: 0 }, S);
  state = observeReady(state, { cluster: 'a1', zone: 'eu1a', ready: 'False', at: s(100) }, S);
  return observeReady(state, { cluster: 'a1', zone: 'eu1a', ready: 'True', at: s(200) }, S);
}

const DISPLACED: Displacement = { from: 'a1', replicas: 2, to: [{ name: 'b2', replicas: 1 }, { name: 'c1', replicas: 1 }], at: s(130), stateful: false, purged: true, settled: true };
const AFTER = { b1: 2, b2: 1, c1: 1 };

function stateOf(records: Readonly<Record<string, WorkloadFailoverRecord>>, settings: FailoverSettings = S): FailoverState {
  return { ...initialFailoverState(0, settings), health: outage(), workloads: records };
}

const label = (a: FailoverAction): string => `${a.kind}:${a.workload}${'cluster' in a ? `@${a.cluster}` : ''}`;

describe('planFailback', () => {
  const web = workload('web', 0, AFTER);
  const record: WorkloadFailoverRecord = { displaced: [DISPLACED], preempted: [] };

  it.each<[string, number]>([
    ['just back', s(200)],
    ['back, but not for the whole stabilization window', s(200) + S.stabilizationMs - 1],
  ])('waits while the cluster is %s', (_name, now) => {
    expect(planFailback({ now, snapshot: snapshot([]), state: stateOf({ web: record }), workloads: [web] }).actions).toEqual([]);
  });

  it('moves the displaced replicas back once the cluster has been Ready for the window, taking them from where they went', () => {
    const plan = planFailback({ now: s(200) + S.stabilizationMs, snapshot: snapshot([]), state: stateOf({ web: record }), workloads: [web] });
    expect(plan.actions).toEqual([
      {
        kind: 'Failback',
        workload: 'web',
        cluster: 'a1',
        displacedAt: DISPLACED.at,
        replicas: 2,
        clusters: [
          { name: 'a1', replicas: 2 },
          { name: 'b1', replicas: 2 },
        ],
        stopFirst: false,
      },
    ]);
    expect(plan.state.workloads.web).toEqual({ displaced: [], preempted: [] });
    expect(plan.state.failbacks.tokens).toBe(S.failbacks.burst - 1);
  });

  it.each<[string, FailoverWorkload, WorkloadFailoverRecord, FleetSnapshot, FailoverState['guard'] | undefined]>([
    ['failback Never', workload('web', 0, AFTER, { failover: { failback: 'Never' } }), record, snapshot([]), undefined],
    ['the replacement has not settled', web, { displaced: [{ ...DISPLACED, settled: false }], preempted: [] }, snapshot([]), undefined],
    ['a stateful old copy not purged yet', workload('web', 0, AFTER, { failover: { stateful: true, purgeMode: 'Never' } }), { displaced: [{ ...DISPLACED, stateful: true, purged: false }], preempted: [] }, snapshot([]), undefined],
    ['no room on the cluster', web, record, snapshot([], { a1: 1 }), undefined],
    ['the workload may no longer go there', workload('web', 0, AFTER, { placement: { replicaScheduling: { type: 'Divided', divisionPreference: 'AvailableCapacity' }, clusterAffinity: { excludeNames: ['a1'] } } }), record, snapshot([]), undefined],
    ['failover disabled', workload('web', 0, AFTER, { failover: { enabled: false } }), record, snapshot([]), undefined],
    ['the partition guard is tripped', web, record, snapshot([]), { suspended: true, since: s(150), reason: 'test' }],
  ])('nothing moves back when %s', (_name, w, rec, snap, guard) => {
    const state = { ...stateOf({ web: rec }), ...(guard === undefined ? {} : { guard }) };
    expect(planFailback({ now: s(200) + S.stabilizationMs, snapshot: snap, state, workloads: [w] }).actions).toEqual([]);
  });

  it('failback Never forgets settled displacements', () => {
    const w = workload('web', 0, AFTER, { failover: { failback: 'Never' } });
    expect(planFailback({ now: s(200) + S.stabilizationMs, snapshot: snapshot([]), state: stateOf({ web: record }), workloads: [w] }).state.workloads.web?.displaced).toEqual([]);
  });

  it('a stateful workload goes back only after its current copies stop', () => {
    const w = workload('db', 0, { b2: 1 }, { failover: { stateful: true } });
    const rec: WorkloadFailoverRecord = { displaced: [{ ...DISPLACED, replicas: 1, to: [{ name: 'b2', replicas: 1 }], stateful: true }], preempted: [] };
    expect(planFailback({ now: s(200) + S.stabilizationMs, snapshot: snapshot([]), state: stateOf({ db: rec }), workloads: [w] }).actions).toEqual([
      { kind: 'Failback', workload: 'db', cluster: 'a1', displacedAt: DISPLACED.at, replicas: 1, clusters: [{ name: 'a1', replicas: 1 }], stopFirst: true },
    ]);
  });

  it('moves back gradually, most important first', () => {
    const settings: FailoverSettings = { ...S, failbacks: { burst: 1, perInterval: 1, intervalMs: s(60) } };
    const workloads = [workload('low', -500, AFTER), workload('crit', 1000, AFTER), workload('norm', 0, AFTER)];
    const records = { low: record, crit: record, norm: record };
    let state = stateOf(records, settings);
    const seen: string[] = [];
    for (const now of [s(320), s(330), s(380), s(440)]) {
      const plan = planFailback({ now, snapshot: snapshot([]), state, workloads: workloads.filter((w) => (state.workloads[w.id]?.displaced.length ?? 0) > 0), settings });
      seen.push(`${now / 1000}:${plan.actions.map(label).join(',')}`);
      state = plan.state;
    }
    expect(seen).toEqual(['320:Failback:crit@a1', '330:', '380:Failback:norm@a1', '440:Failback:low@a1']);
  });

  it('gives preempted replicas back once there is room again, not while the room is still being taken', () => {
    const low = workload('low', -500, { b1: 1, c1: 3 });
    const rec: WorkloadFailoverRecord = { displaced: [], preempted: [{ cluster: 'b1', replicas: 2, by: 'crit', reason: 'room for crit', at: s(300) }] };
    const at = (now: number, room: number): string[] => planFailback({ now, snapshot: snapshot([], { b1: room }), state: stateOf({ low: rec }), workloads: [low] }).actions.map(label);
    expect(at(s(310), 8)).toEqual([]);
    expect(at(s(300) + S.stabilizationMs, 1)).toEqual([]);
    expect(at(s(300) + S.stabilizationMs, 2)).toEqual(['Restore:low@b1']);
  });
});

describe('failover and failback together', () => {
  /** A small controller: observes, plans both ways, and applies Replace and Failback to the stored placements. */
  function simulate(readyAt: (cluster: string, t: number) => boolean, workloads: FailoverWorkload[], until: number, stepMs = s(5)): { log: string[]; onA1: boolean[] } {
    let state = initialFailoverState(0);
    const current = new Map(workloads.map((w) => [w.id, w]));
    const log: string[] = [];
    const onA1: boolean[] = [];
    for (let t = 0; t <= until; t += stepMs) {
      for (const cluster of SIX) state = { ...state, health: observeReady(state.health, { cluster, zone: zoneOf(cluster), ready: readyAt(cluster, t) ? 'True' : 'False', at: t }, S) };
      const snap = snapshot(SIX.filter((c) => !readyAt(c, t)));
      const failover = planFailover({ now: t, snapshot: snap, state, workloads: [...current.values()] });
      const failback = planFailback({ now: t, snapshot: snap, state: failover.state, workloads: [...current.values()] });
      state = failback.state;
      for (const a of [...failover.actions, ...failback.actions]) {
        if (a.kind === 'Defer' || a.kind === 'AwaitOperator') continue;
        log.push(`${t / 1000}:${a.kind}:${a.workload}`);
        if (a.kind === 'Replace' || a.kind === 'Failback') current.set(a.workload, { ...(current.get(a.workload) as FailoverWorkload), clusters: a.clusters, available: true });
      }
      onA1.push(current.get('web')?.clusters.some((c) => c.name === 'a1') ?? false);
    }
    return { log, onA1 };
  }

  /** Runs of equal values: [true, true, false, true] -> [true, false, true]. */
  const runs = (values: readonly boolean[]): boolean[] => values.filter((v, i) => i === 0 || values[i - 1] !== v);

  it('a cluster flapping every 5 s for two minutes causes one failover and one late failback, no back-and-forth', () => {
    // a1: down at 5 s, then up/down every 5 s until 120 s, then up for good.
    const flapping = (cluster: string, t: number): boolean => cluster !== 'a1' || t === 0 || t >= s(120) || Math.floor(t / s(5)) % 2 === 0;
    const { log, onA1 } = simulate(flapping, [workload('web', 0, { a1: 2, b1: 2 }, { available: false })], s(900));
    expect(runs(onA1)).toEqual([true, false, true]);
    const replaces = log.filter((l) => l.includes(':Replace:'));
    const failbacks = log.filter((l) => l.includes(':Failback:'));
    expect(replaces).toEqual(['35:Replace:web']);
    expect(failbacks).toHaveLength(1);
    // Not after the ordinary window: only once the flaps have left the flap window.
    const failbackAt = Number((failbacks[0] as string).split(':')[0]) * 1000;
    expect(failbackAt).toBeGreaterThan(s(120) + S.stabilizationMs);
    expect(failbackAt).toBeGreaterThanOrEqual(s(700));
  });

  it('an outage shorter than the toleration moves nothing', () => {
    const blip = (cluster: string, t: number): boolean => cluster !== 'a1' || t < s(10) || t > s(30);
    expect(simulate(blip, [workload('web', 0, { a1: 2, b1: 2 })], s(300)).log).toEqual([]);
  });
});

describe('planFailback: after cascading failovers', () => {
  it('moves replicas back without adding any when those it had moved have moved on again', () => {
    // b1 failed (its replica went to c1), then c1 failed (its two went to a1); both are back.
    let health = EMPTY_HEALTH;
    for (const cluster of SIX) health = observeReady(health, { cluster, zone: zoneOf(cluster), ready: 'True', at: 0 }, S);
    for (const [cluster, down, up] of [['b1', 100, 200], ['c1', 110, 200]] as const) {
      health = observeReady(health, { cluster, zone: zoneOf(cluster), ready: 'False', at: s(down) }, S);
      health = observeReady(health, { cluster, zone: zoneOf(cluster), ready: 'True', at: s(up) }, S);
    }
    const records = {
      web: {
        displaced: [
          { from: 'b1', replicas: 1, to: [{ name: 'c1', replicas: 1 }], at: s(130), stateful: false, purged: true, settled: true },
          { from: 'c1', replicas: 2, to: [{ name: 'a1', replicas: 2 }], at: s(140), stateful: false, purged: true, settled: true },
        ],
        preempted: [],
      },
    };
    const web = workload('web', 0, { a1: 3 });
    const plan = planFailback({ now: s(400), workloads: [web], snapshot: snapshot([]), state: { ...initialFailoverState(0), health, workloads: records } });
    const failbacks = plan.actions.filter((a): a is Extract<FailoverAction, { kind: 'Failback' }> => a.kind === 'Failback');
    expect(failbacks.map((a) => [a.cluster, a.replicas])).toEqual([
      ['b1', 1],
      ['c1', 2],
    ]);
    const last = failbacks[1]?.clusters ?? [];
    expect(last.reduce((n, c) => n + c.replicas, 0)).toBe(3);
    expect(last).toEqual([
      { name: 'b1', replicas: 1 },
      { name: 'c1', replicas: 2 },
    ]);
  });
});

describe('planFailover then planFailback: one replica displaced twice', () => {
  it('returns the workload to its division before the failures (1/1/1), not 2/1/0', () => {
    const three = ['a1', 'b1', 'c1'];
    const policy = { clusterAffinity: { names: three }, replicaScheduling: { type: 'Divided', divisionPreference: 'AvailableCapacity' } } as const;
    const at = (placement: Readonly<Record<string, number>>, available: boolean): FailoverWorkload => ({ ...workload('web', 0, placement, { available }), placement: policy, needs: { ...workload('web', 0, { a1: 3 }).needs } });
    let health = EMPTY_HEALTH;
    const observe = (cluster: string, ready: 'True' | 'False', t: number): void => void (health = observeReady(health, { cluster, zone: zoneOf(cluster), ready, at: s(t) }, S));
    for (const cluster of SIX) observe(cluster, 'True', 0);
    const state0 = initialFailoverState(0);
    const replaced = (plan: ReturnType<typeof planFailover>): Record<string, number> => {
      const r = plan.actions.find((a): a is Extract<FailoverAction, { kind: 'Replace' }> => a.kind === 'Replace');
      if (!r) throw new Error(`no Replace in ${JSON.stringify(plan.actions)}`);
      return Object.fromEntries(r.clusters.map((c) => [c.name, c.replicas]));
    };

    // b1 fails; its replica goes to a1 or c1.
    observe('b1', 'False', 100);
    const first = planFailover({ now: s(131), snapshot: snapshot(['b1']), state: { ...state0, health }, workloads: [at({ a1: 1, b1: 1, c1: 1 }, true)] });
    const p1 = replaced(first);
    // b1 is back (not stable yet); then whichever cluster took b1's replica fails too.
    observe('b1', 'True', 140);
    const second = Object.entries(p1).find(([, n]) => n === 2)?.[0] as string;
    observe(second, 'False', 150);
    const settle1 = planFailover({ now: s(151), snapshot: snapshot([second]), state: { ...first.state, health }, workloads: [at(p1, true)] });
    const again = planFailover({ now: s(181), snapshot: snapshot([second]), state: { ...settle1.state, health }, workloads: [at(p1, true)] });
    const p2 = replaced(again);
    expect(Object.values(p2).reduce((n, r) => n + r, 0)).toBe(3);
    expect(again.state.workloads.web?.home).toEqual([{ name: 'a1', replicas: 1 }, { name: 'b1', replicas: 1 }, { name: 'c1', replicas: 1 }]);
    const settle2 = planFailover({ now: s(182), snapshot: snapshot([second]), state: { ...again.state, health }, workloads: [at(p2, true)] });
    observe(second, 'True', 190);

    // Both back and stable: fail back, as many rounds as it takes.
    let placement = p2;
    let state: FailoverState = { ...settle2.state, health };
    for (let t = 400; t < 420; t += 1) {
      const back = planFailback({ now: s(t), workloads: [at(placement, true)], snapshot: snapshot([]), state: { ...state, health } });
      for (const a of back.actions) if (a.kind === 'Failback') placement = Object.fromEntries(a.clusters.map((c) => [c.name, c.replicas]));
      state = back.state;
    }
    expect(placement).toEqual({ a1: 1, b1: 1, c1: 1 });
    expect(state.workloads.web?.displaced).toEqual([]);
    // The series is over: the next failure remembers a new home.
    expect(state.workloads.web?.home).toBeUndefined();
  });
});

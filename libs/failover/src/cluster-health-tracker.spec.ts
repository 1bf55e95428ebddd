import { describe, expect, it } from '@jest/globals';
import {
  EMPTY_HEALTH,
  failedFor,
  flapScore,
  isFlapping,
  isHealthy,
  observeReady,
  requiredStableMs,
  stableReadyFor,
  type ClusterHealth,
  type HealthTrackerState,
} from './cluster-health-tracker.ts';
import { DEFAULT_FAILOVER_SETTINGS as S } from './settings.ts';

type Step = readonly [at: number, ready: 'True' | 'False' | 'Unknown'];

function run(steps: readonly Step[], start: HealthTrackerState = EMPTY_HEALTH): ClusterHealth {
  let state = start;
  for (const [at, ready] of steps) state = observeReady(state, { cluster: 'c1', zone: 'eu1c', ready, at }, S);
  return state.clusters.c1 as ClusterHealth;
}

const s = (n: number): number => n * 1000;

describe('cluster health tracker', () => {
  it.each<[string, readonly Step[], number, { failedFor: number; stableReadyFor: number; healthy: boolean; unhealthySince?: number }]>([
    ['Ready from the start is healthy at once', [[0, 'True']], s(1), { failedFor: 0, stableReadyFor: s(1), healthy: true }],
    ['not Ready from the start counts from the first look', [[s(10), 'False']], s(40), { failedFor: s(30), stableReadyFor: 0, healthy: false, unhealthySince: s(10) }],
    ['Unknown counts as not Ready', [[0, 'True'], [s(5), 'Unknown']], s(20), { failedFor: s(15), stableReadyFor: 0, healthy: false, unhealthySince: s(5) }],
    ['False then Unknown is one outage', [[0, 'True'], [s(5), 'False'], [s(10), 'Unknown']], s(20), { failedFor: s(15), stableReadyFor: 0, healthy: false, unhealthySince: s(5) }],
    [
      'back but not yet stable: triggers nothing new, takes nothing new',
      [[0, 'True'], [s(5), 'False'], [s(50), 'True']],
      s(60),
      { failedFor: 0, stableReadyFor: s(10), healthy: false, unhealthySince: s(5) },
    ],
    [
      'a brief recovery keeps the outage start (tolerations do not restart)',
      [[0, 'True'], [s(5), 'False'], [s(50), 'True'], [s(55), 'False']],
      s(60),
      { failedFor: s(55), stableReadyFor: 0, healthy: false, unhealthySince: s(5) },
    ],
    [
      'Ready for the whole window ends the outage; the next failure is a new one',
      [[0, 'True'], [s(5), 'False'], [s(50), 'True'], [s(50) + S.stabilizationMs, 'True'], [s(400), 'False']],
      s(410),
      { failedFor: s(10), stableReadyFor: 0, healthy: false, unhealthySince: s(400) },
    ],
    [
      'stable for the window even without a new observation',
      [[0, 'True'], [s(5), 'False'], [s(50), 'True']],
      s(50) + S.stabilizationMs,
      { failedFor: 0, stableReadyFor: S.stabilizationMs, healthy: true, unhealthySince: s(5) },
    ],
  ])('%s', (_name, steps, now, expected) => {
    const health = run(steps);
    expect({
      failedFor: failedFor(health, now),
      stableReadyFor: stableReadyFor(health, now),
      healthy: isHealthy(health, S, now),
      ...(health.unhealthySince === undefined ? {} : { unhealthySince: health.unhealthySince }),
    }).toEqual(expected);
  });

  it('a cluster flapping every 5 s for two minutes keeps one outage and needs the long window (hysteresis)', () => {
    const steps: Step[] = [[0, 'True']];
    for (let t = s(5), up = false; t <= s(120); t += s(5), up = !up) steps.push([t, up ? 'True' : 'False']);
    const health = run(steps);
    expect(health.unhealthySince).toBe(s(5));
    expect(flapScore(health, S, s(120))).toBeGreaterThanOrEqual(S.flapThreshold);
    expect(isFlapping(health, S, s(120))).toBe(true);
    const lastUp = s(120);
    expect(health.ready).toBe('True');
    expect(requiredStableMs(health, S, lastUp + S.stabilizationMs)).toBe(S.flappingStabilizationMs);
    // The ordinary window is not enough while the flaps are recent…
    expect(isHealthy(health, S, lastUp + S.stabilizationMs)).toBe(false);
    // …the flapping one is.
    expect(isHealthy(health, S, lastUp + S.flappingStabilizationMs)).toBe(true);
  });

  it('ignores an observation older than the last one, and repeats change nothing but the time', () => {
    const health = run([
      [0, 'True'],
      [s(10), 'False'],
      [s(5), 'True'],
      [s(20), 'False'],
    ]);
    expect(health).toEqual({ cluster: 'c1', zone: 'eu1c', ready: 'False', lastObservedAt: s(20), notReadySince: s(10), unhealthySince: s(10), transitions: [s(10)] });
  });

  it("a new leader's first look uses the condition's lastTransitionTime", () => {
    const state = observeReady(EMPTY_HEALTH, { cluster: 'c1', zone: 'eu1c', ready: 'False', at: s(100), since: s(40) }, S);
    expect(failedFor(state.clusters.c1 as ClusterHealth, s(100))).toBe(s(60));
  });

  it('keeps the state plain JSON', () => {
    const health = run([
      [0, 'True'],
      [s(5), 'False'],
    ]);
    expect(JSON.parse(JSON.stringify(health))).toEqual(health);
  });
});

import { describe, expect, it } from '@jest/globals';
import { EMPTY_HEALTH, observeReady, type HealthTrackerState } from './cluster-health-tracker.ts';
import { evaluateGuard, GUARD_OPEN, type GuardState } from './partition-guard.ts';
import { DEFAULT_FAILOVER_SETTINGS as S } from './settings.ts';

const s = (n: number): number => n * 1000;
const SIX = ['a1', 'a2', 'b1', 'b2', 'c1', 'c2'];
const zoneOf = (name: string): string => `eu1${name[0] ?? ''}`;

/** The fleet Ready at 0, then each named cluster not Ready at its time. */
function fleet(names: readonly string[], lost: Readonly<Record<string, number>>, zone = zoneOf): HealthTrackerState {
  let state = EMPTY_HEALTH;
  for (const cluster of names) state = observeReady(state, { cluster, zone: zone(cluster), ready: 'True', at: 0 }, S);
  for (const [cluster, at] of Object.entries(lost)) state = observeReady(state, { cluster, zone: zone(cluster), ready: 'False', at }, S);
  return state;
}

describe('partition guard: tripping', () => {
  it.each<[string, readonly string[], Readonly<Record<string, number>>, boolean, string]>([
    ['a single zone lost (2/6): failover goes on', SIX, { a1: s(100), a2: s(101) }, false, ''],
    [
      'the hub cut off from two of three zones (4/6 at once): suspended',
      SIX,
      { b1: s(100), b2: s(100), c1: s(110), c2: s(130) },
      true,
      '4/6 clusters went not Ready within 60 s: b1, b2, c1, c2',
    ],
    ['half the fleet at once (3/6, three zones partly): suspended', SIX, { a1: s(100), b1: s(100), c1: s(100) }, true, '3/6 clusters'],
    ['a slow trickle of independent failures (4/6, minutes apart): not tripped', SIX, { a1: s(100), b1: s(400), c1: s(700), a2: s(1000) }, false, ''],
    ['one of two clusters: never a partition on its own', ['a1', 'b1'], { a1: s(100) }, false, ''],
    [
      'every cluster of two zones, below half (2/5 single-cluster zones): suspended',
      ['a1', 'b1', 'c1', 'd1', 'e1'],
      { a1: s(100), b1: s(120) },
      true,
      'every cluster of 2 zones (eu1a, eu1b)',
    ],
  ])('%s', (_name, names, lost, suspended, reason) => {
    const guard = evaluateGuard(GUARD_OPEN, fleet(names, lost), S.guard, s(200));
    expect(guard.suspended).toBe(suspended);
    if (reason !== '') expect(guard.reason).toContain(reason);
    if (suspended) expect(guard.since).toBe(s(200));
  });

  it('takes configurable thresholds', () => {
    const state = fleet(SIX, { a1: s(100), a2: s(100) });
    expect(evaluateGuard(GUARD_OPEN, state, { ...S.guard, lostFraction: 0.3 }, s(200)).suspended).toBe(true);
    expect(evaluateGuard(GUARD_OPEN, state, { ...S.guard, lostZones: 1 }, s(200)).suspended).toBe(true);
  });
});

describe('partition guard: resuming (hysteresis)', () => {
  const cut = fleet(SIX, { b1: s(100), b2: s(100), c1: s(100), c2: s(100) });
  const tripped = evaluateGuard(GUARD_OPEN, cut, S.guard, s(100));

  it('stays suspended while the picture is dark, however old the outages are', () => {
    expect(evaluateGuard(tripped, cut, S.guard, s(5000))).toEqual(tripped);
  });

  it('resumes only after the picture has been clear for resumeAfterMs, and a relapse restarts that', () => {
    let state = cut;
    for (const cluster of ['b1', 'b2', 'c1']) state = observeReady(state, { cluster, zone: zoneOf(cluster), ready: 'True', at: s(300) }, S);
    let guard: GuardState = evaluateGuard(tripped, state, S.guard, s(300));
    expect(guard).toEqual({ ...tripped, clearSince: s(300) });
    guard = evaluateGuard(guard, state, S.guard, s(300) + S.guard.resumeAfterMs - 1);
    expect(guard.suspended).toBe(true);
    // b1, b2 and c1 drop again: dark again, the clear clock restarts.
    let relapse = state;
    for (const cluster of ['b1', 'b2']) relapse = observeReady(relapse, { cluster, zone: zoneOf(cluster), ready: 'False', at: s(400) }, S);
    const dark = evaluateGuard(guard, relapse, S.guard, s(400));
    expect(dark.suspended).toBe(true);
    expect(dark.clearSince).toBeUndefined();
    // Without the relapse: open after the window; c2 alone (1/6) is an ordinary failure.
    expect(evaluateGuard(guard, state, S.guard, s(300) + S.guard.resumeAfterMs)).toEqual(GUARD_OPEN);
  });
});

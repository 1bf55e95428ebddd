import { describe, expect, it } from '@jest/globals';
import type { ClusterCapacity, ClusterStatus } from '../../clusters/src/index.ts';
import { effectiveReady } from './effective-ready.ts';
import { nextStatus, type ProbeOutcome, type ReadyPolicy } from './next-status.ts';

const POLICY: ReadyPolicy = { failureThreshold: 2, successThreshold: 2, staleAfterMs: 3000 };
const T0 = Date.parse('2026-11-28T10:00:00.000Z');

const ok: ProbeOutcome = { kind: 'success', message: '/readyz: ok' };
const down: ProbeOutcome = { kind: 'failure', reason: 'Unreachable', message: 'connection refused' };
const slow: ProbeOutcome = { kind: 'failure', reason: 'Timeout', message: 'no answer within 1000 ms' };
const denied: ProbeOutcome = { kind: 'failure', reason: 'Unauthorized', message: '/readyz answered 401' };
const noKey: ProbeOutcome = { kind: 'notProbed', reason: 'CredentialsUnavailable', message: 'key k1 is not in the key ring' };

/** Runs outcomes one second apart from no status; returns the Ready status after each and the transitions. */
function run(outcomes: readonly ProbeOutcome[], policy: ReadyPolicy = POLICY) {
  let status: ClusterStatus | undefined;
  const seen: string[] = [];
  const transitions: string[] = [];
  outcomes.forEach((outcome, i) => {
    const next = nextStatus(status, { outcome, finishedAt: new Date(T0 + i * 1000) }, policy, 7);
    status = next.status;
    const ready = status.conditions.find((c) => c.type === 'Ready');
    seen.push(`${ready?.status}/${ready?.reason}`);
    if (next.transition) transitions.push(`${i}:${next.transition.from}->${next.transition.to}`);
  });
  return { seen, transitions, status };
}

describe('nextStatus: the Ready condition state machine', () => {
  it.each<[string, ProbeOutcome[], string[], string[]]>([
    ['first success decides at once', [ok], ['True/ProbeSucceeded'], ['0:Unknown->True']],
    ['first failure decides at once', [denied], ['False/Unauthorized'], ['0:Unknown->False']],
    ['one lost probe never flips Ready', [ok, down, ok, slow, ok], ['True/ProbeSucceeded', 'True/ProbeSucceeded', 'True/ProbeSucceeded', 'True/ProbeSucceeded', 'True/ProbeSucceeded'], ['0:Unknown->True']],
    ['failureThreshold consecutive failures turn it False, with the last reason', [ok, down, slow], ['True/ProbeSucceeded', 'True/ProbeSucceeded', 'False/Timeout'], ['0:Unknown->True', '2:True->False']],
    ['one success never flips not Ready', [denied, ok, denied, ok], ['False/Unauthorized', 'False/Unauthorized', 'False/Unauthorized', 'False/Unauthorized'], ['0:Unknown->False']],
    ['successThreshold consecutive successes turn it True', [down, ok, ok], ['False/Unreachable', 'False/Unreachable', 'True/ProbeSucceeded'], ['0:Unknown->False', '2:False->True']],
    ['while False the reason follows the latest failure', [down, slow, denied], ['False/Unreachable', 'False/Timeout', 'False/Unauthorized'], ['0:Unknown->False']],
    ['unreadable credentials turn it Unknown at once', [ok, noKey], ['True/ProbeSucceeded', 'Unknown/CredentialsUnavailable'], ['0:Unknown->True', '1:True->Unknown']],
    ['from Unknown the next observation decides again', [noKey, ok], ['Unknown/CredentialsUnavailable', 'True/ProbeSucceeded'], ['0:Unknown->Unknown', '1:Unknown->True']],
  ])('%s', (_name, outcomes, seen, transitions) => {
    const result = run(outcomes);
    expect(result.seen).toEqual(seen);
    expect(result.transitions).toEqual(transitions);
  });

  it.each([
    [1, 1, [ok, down], 'False'],
    [3, 1, [ok, down, down], 'True'],
    [3, 1, [ok, down, down, down], 'False'],
    [1, 3, [down, ok, ok], 'False'],
    [1, 3, [down, ok, ok, ok], 'True'],
  ])('thresholds %d/%d', (failureThreshold, successThreshold, outcomes, final) => {
    const { status } = run(outcomes, { ...POLICY, failureThreshold, successThreshold });
    expect(status?.conditions[0]?.status).toBe(final);
  });

  it('counts consecutive results and keeps lastTransitionTime while the status holds', () => {
    const { status } = run([down, down, slow, ok]);
    expect(status).toMatchObject({
      conditions: [{ type: 'Ready', status: 'False', reason: 'Timeout', lastTransitionTime: new Date(T0).toISOString() }],
      consecutiveSuccesses: 1,
      consecutiveFailures: 0,
      observedAt: new Date(T0 + 3000).toISOString(),
      fencingToken: 7,
    });
  });

  it('says how many probes failed when it turns False', () => {
    const { status } = run([ok, down, down]);
    expect(status?.conditions[0]?.message).toBe('connection refused (2 consecutive failed probes)');
  });

  it('after the status went stale, the first observation decides, and confirming the stored status is no transition', () => {
    const fresh = run([ok]).status as ClusterStatus;
    const later = new Date(T0 + 60_000);
    const confirmed = nextStatus(fresh, { outcome: ok, finishedAt: later }, POLICY, 8);
    expect(confirmed.transition).toBeUndefined();
    expect(confirmed.status.conditions[0]).toEqual(fresh.conditions[0]);
    expect(confirmed.status.fencingToken).toBe(8);

    const failed = nextStatus(fresh, { outcome: down, finishedAt: later }, POLICY, 8);
    expect(failed.transition).toMatchObject({ from: 'True', to: 'False', reason: 'Unreachable' });
    expect(failed.status.consecutiveFailures).toBe(1);
  });

  it('keeps the last capacity, version and API groups when a probe does not read them', () => {
    const capacity: ClusterCapacity = {
      allocatable: { cpuMillis: 16_000, memoryBytes: 1, pods: 220 },
      requested: { cpuMillis: 0, memoryBytes: 0, pods: 0 },
      nodes: { total: 2, ready: 2 },
      observedAt: new Date(T0).toISOString(),
    };
    const first = nextStatus(
      undefined,
      {
        outcome: ok,
        finishedAt: new Date(T0),
        inventory: {
          capacity,
          kubernetesVersion: { gitVersion: 'v1.37.2', observedAt: capacity.observedAt },
          apiGroups: { groups: ['apps'], observedAt: capacity.observedAt },
        },
      },
      POLICY,
      1,
    );
    const second = nextStatus(first.status, { outcome: down, finishedAt: new Date(T0 + 1000) }, POLICY, 1);
    expect(second.status.capacity).toBe(capacity);
    expect(second.status.kubernetesVersion?.gitVersion).toBe('v1.37.2');
    expect(second.status.apiGroups?.groups).toEqual(['apps']);
  });
});

describe('effectiveReady: staleness', () => {
  const status = run([ok]).status as ClusterStatus;

  it.each([
    ['fresh', 0, 'True', 'ProbeSucceeded'],
    ['at the bound', 3000, 'True', 'ProbeSucceeded'],
    ['just past the bound', 3001, 'Unknown', 'StatusStale'],
    ['long past', 3_600_000, 'Unknown', 'StatusStale'],
    ['observed in the future (clock skew)', -5000, 'True', 'ProbeSucceeded'],
  ])('%s reads %s/%s', (_name, ageMs, expectedStatus, reason) => {
    const condition = effectiveReady(status, new Date(T0 + ageMs), 3000);
    expect(condition).toMatchObject({ status: expectedStatus, reason });
  });

  it('never reads a stale False as anything but Unknown either, and dates the change to when it went stale', () => {
    const notReady = run([down]).status as ClusterStatus;
    expect(effectiveReady(notReady, new Date(T0 + 10_000), 3000)).toMatchObject({
      status: 'Unknown',
      reason: 'StatusStale',
      lastTransitionTime: new Date(T0 + 3000).toISOString(),
    });
  });

  it('reads Unknown/NotProbed before the first probe, since registration', () => {
    expect(effectiveReady(undefined, new Date(T0), 3000, '2026-11-28T09:00:00.000Z')).toEqual({
      type: 'Ready',
      status: 'Unknown',
      reason: 'NotProbed',
      message: 'no probe of this cluster has finished yet',
      lastTransitionTime: '2026-11-28T09:00:00.000Z',
    });
  });
});

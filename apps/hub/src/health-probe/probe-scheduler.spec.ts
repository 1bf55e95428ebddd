import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { ProbeScheduler } from './probe-scheduler.ts';

/** A probe that takes `ms` (fake time), or until aborted; records when each cluster's probes start and end. */
function recorder(durations: Record<string, number>) {
  const starts: Record<string, number[]> = {};
  const ends: Record<string, number[]> = {};
  let inFlight = 0;
  let maxInFlight = 0;
  const run = (cluster: string, signal: AbortSignal): Promise<void> => {
    (starts[cluster] ??= []).push(Date.now());
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        inFlight -= 1;
        (ends[cluster] ??= []).push(Date.now());
        resolve();
      };
      const timer = setTimeout(done, durations[cluster] ?? 10);
      signal.addEventListener('abort', done, { once: true });
    });
  };
  return { run, starts, ends, maxInFlight: () => maxInFlight };
}

function gaps(times: readonly number[]): number[] {
  return times.slice(1).map((t, i) => t - (times[i] as number));
}

describe('ProbeScheduler', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('probes each cluster once per period, spread over the period at first', async () => {
    const probes = recorder({});
    const random = jest.fn(() => 0.5);
    const scheduler = new ProbeScheduler({ periodMs: 1000, jitterRatio: 0, concurrency: 4, run: probes.run, random });
    scheduler.setClusters(['a', 'b']);
    scheduler.start();
    await jest.advanceTimersByTimeAsync(5_000);
    await scheduler.stop();
    expect(probes.starts.a?.[0]).toBe(500);
    expect(gaps(probes.starts.a ?? [])).toEqual([1000, 1000, 1000, 1000]);
    expect(gaps(probes.starts.b ?? [])).toEqual([1000, 1000, 1000, 1000]);
  });

  it('keeps periods within the jitter', async () => {
    const probes = recorder({});
    let i = 0;
    const values = [0, 1, 0.999, 0, 0.5];
    const scheduler = new ProbeScheduler({ periodMs: 1000, jitterRatio: 0.1, concurrency: 4, run: probes.run, random: () => values[i++ % values.length] as number });
    scheduler.setClusters(['a']);
    scheduler.start();
    await jest.advanceTimersByTimeAsync(10_000);
    await scheduler.stop();
    for (const gap of gaps(probes.starts.a ?? [])) {
      expect(gap).toBeGreaterThanOrEqual(900);
      expect(gap).toBeLessThanOrEqual(1100);
    }
  });

  it('a hanging cluster delays nobody else, and its own probes never overlap', async () => {
    const probes = recorder({ hung: 2500, b: 20, c: 20 });
    const scheduler = new ProbeScheduler({ periodMs: 1000, jitterRatio: 0, concurrency: 2, run: probes.run, random: () => 0 });
    scheduler.setClusters(['hung', 'b', 'c']);
    scheduler.start();
    await jest.advanceTimersByTimeAsync(10_000);
    await scheduler.stop();
    // With 2 slots and one held by the hanging probe, b and c still keep their period.
    expect(gaps(probes.starts.b ?? []).every((gap) => gap <= 1020)).toBe(true);
    expect(gaps(probes.starts.c ?? []).every((gap) => gap <= 1020)).toBe(true);
    expect(probes.starts.b?.length).toBeGreaterThanOrEqual(9);
    // The hanging cluster's next probe starts right after the previous one ends, not before.
    const hungStarts = probes.starts.hung ?? [];
    const hungEnds = probes.ends.hung ?? [];
    hungStarts.slice(1).forEach((start, k) => expect(start).toBeGreaterThanOrEqual(hungEnds[k] as number));
    expect(new Set(gaps(hungStarts))).toEqual(new Set([2500]));
    expect(probes.maxInFlight()).toBeLessThanOrEqual(2);
  });

  it('never runs more than `concurrency` probes, serving the longest overdue first', async () => {
    const probes = recorder({ a: 600, b: 600, c: 600, d: 600 });
    const scheduler = new ProbeScheduler({ periodMs: 1000, jitterRatio: 0, concurrency: 2, run: probes.run, random: () => 0 });
    scheduler.setClusters(['a', 'b', 'c', 'd']);
    scheduler.start();
    await jest.advanceTimersByTimeAsync(3_000);
    await scheduler.stop();
    expect(probes.maxInFlight()).toBe(2);
    expect(probes.starts.c?.[0]).toBe(600);
    expect(probes.starts.d?.[0]).toBe(600);
    expect(probes.starts.a?.[1]).toBe(1200);
  });

  it('removing a cluster aborts its probe and stops probing it; adding one starts it', async () => {
    const probes = recorder({ a: 5000, b: 10 });
    const scheduler = new ProbeScheduler({ periodMs: 1000, jitterRatio: 0, concurrency: 4, run: probes.run, random: () => 0 });
    scheduler.setClusters(['a']);
    scheduler.start();
    await jest.advanceTimersByTimeAsync(100);
    scheduler.setClusters(['b']);
    expect(probes.ends.a).toEqual([100]);
    await jest.advanceTimersByTimeAsync(2_000);
    await scheduler.stop();
    expect(probes.starts.a).toEqual([0]);
    expect(probes.starts.b?.[0]).toBe(100);
    expect(scheduler.clusters).toEqual(['b']);
  });

  it('stop aborts the probes in flight and waits for them', async () => {
    const probes = recorder({ a: 60_000 });
    const scheduler = new ProbeScheduler({ periodMs: 1000, jitterRatio: 0, concurrency: 4, run: probes.run, random: () => 0 });
    scheduler.setClusters(['a']);
    scheduler.start();
    await jest.advanceTimersByTimeAsync(10);
    await scheduler.stop();
    expect(probes.ends.a).toEqual([10]);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(probes.starts.a).toEqual([0]);
  });
});

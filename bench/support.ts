import { execFileSync } from 'node:child_process';

/** Nearest-rank quantile (q in 0..1) of the values; NaN for none. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

/**
 * Builds the hub (tsc into dist/; Node's type stripping cannot load its decorated sources) and
 * returns the URL of a built module, for `await import(dist('apps/hub/src/create-hub.js'))`.
 */
export function buildHub(): (path: string) => string {
  execFileSync(process.execPath, [new URL('../node_modules/typescript/bin/tsc', import.meta.url).pathname, '-p', 'tsconfig.build.json'], {
    cwd: new URL('..', import.meta.url),
    stdio: 'inherit',
  });
  return (path: string): string => new URL(`../dist/${path}`, import.meta.url).href;
}

/**
 * Times each of `runs` `perKind` times, interleaved (one of each in turn, so that a busy moment
 * of the shared machine falls on every kind alike), after `warmup` untimed rounds; answers the
 * milliseconds per kind.
 */
export async function sampleInterleaved(runs: readonly (() => Promise<void>)[], warmup: number, perKind: number): Promise<number[][]> {
  const samples: number[][] = runs.map(() => []);
  for (let n = 0; n < warmup + perKind; n += 1) {
    for (const [i, run] of runs.entries()) {
      const started = performance.now();
      await run();
      if (n >= warmup) samples[i]?.push(performance.now() - started);
    }
  }
  return samples;
}

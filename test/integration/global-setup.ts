import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startSharedTestIdp } from '../oidc/global-setup.ts';

/** Set once the hub has been built in this run, so later callers (the fleet project's process tests) skip it. */
const BUILT_ENV = 'FLOTILLA_HUB_BUILT';

/**
 * Builds the hub (`npm run build`'s output in dist/) once per test run; tsc runs on this very
 * Node. Tests that start the hub as a process call this first.
 */
export function buildHub(): void {
  if (process.env[BUILT_ENV] === '1') return;
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const tsc = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'pipe' });
  } catch (error) {
    const output = (error as { stdout?: Buffer }).stdout?.toString() ?? '';
    throw new Error(`npm run build failed, so the hub cannot be started as a process:\n${output}`, { cause: error });
  }
  process.env[BUILT_ENV] = '1';
}

// The process tests run the hub as operators do, from the build, so build once before the
// integration project runs.
export default async function globalSetup(): Promise<void> {
  buildHub();
  await startSharedTestIdp();
}

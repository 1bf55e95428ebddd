import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startSharedTestIdp } from '../oidc/global-setup.ts';

/** Set once the console has been built in this run. */
const BUILT_ENV = 'FLOTILLA_CONSOLE_BUILT';

/**
 * Builds the console (`npm run build:console`: Vite into apps/console/dist) once per run, so the
 * browser tests drive what the sources say now, then starts the shared test provider.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env[BUILT_ENV] !== '1') {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const vite = fileURLToPath(new URL('../../node_modules/vite/bin/vite.js', import.meta.url));
    execFileSync(process.execPath, [vite, 'build', 'apps/console', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
    process.env[BUILT_ENV] = '1';
  }
  await startSharedTestIdp();
}

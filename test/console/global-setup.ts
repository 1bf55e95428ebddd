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
  buildConsole();
  await startSharedTestIdp();
}

/** `npm run build:console`, once per run (the fleet project's browser test needs it too). */
export function buildConsole(): void {
  if (process.env[BUILT_ENV] === '1') return;
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const vite = fileURLToPath(new URL('../../node_modules/vite/bin/vite.js', import.meta.url));
  // jest sets NODE_ENV=test, which would give React's development build: build what ships.
  execFileSync(process.execPath, [vite, 'build', 'apps/console', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  process.env[BUILT_ENV] = '1';
}

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// The process tests run the hub as operators do, from the build (`npm run build`'s output in
// dist/), so build once before the integration project runs. tsc runs on this very Node.
export default function globalSetup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const tsc = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'pipe' });
  } catch (error) {
    const output = (error as { stdout?: Buffer }).stdout?.toString() ?? '';
    throw new Error(`npm run build failed, so the hub cannot be started as a process:\n${output}`, { cause: error });
  }
}

import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { testOidcEnv } from '../../oidc/test-tokens.ts';
import { TEST_ENCRYPTION_KEYS } from './test-encryption-key.ts';

/** The built entry point, as `npm start` runs it. */
export const HUB_MAIN = fileURLToPath(new URL('../../../dist/apps/hub/src/main.js', import.meta.url));

/** A hub started as a child process from the build, with only the environment given. */
export class HubProcess {
  readonly stdout: string[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;
  private pendingStdout = '';

  constructor(env: Record<string, string>) {
    // Nothing from the test's environment leaks in (a stray PORT or NODE_OPTIONS would change
    // what is being tested), except PATH. A test key ring and the run's test OpenID Provider
    // unless the test gives its own.
    this.child = spawn(process.execPath, [HUB_MAIN], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', FLOTILLA_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS, ...testOidcEnv(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (chunk: Buffer) => {
      const text = this.pendingStdout + chunk.toString();
      const lines = text.split('\n');
      this.pendingStdout = lines.pop() ?? '';
      this.stdout.push(...lines);
    });
    this.child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) =>
      this.child.once('close', (code, signal) => {
        if (this.pendingStdout !== '') this.stdout.push(this.pendingStdout);
        resolve({ code, signal });
      }),
    );
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Resolves once a JSON log line on stdout matches. */
  async waitForLog(match: (line: Record<string, unknown>) => boolean, timeoutMs = 15_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const raw of this.stdout) {
        const line = JSON.parse(raw) as Record<string, unknown>;
        if (match(line)) return line;
      }
      if (this.child.exitCode !== null) throw new Error(`hub exited with ${this.child.exitCode}:\n${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`no matching log line within ${timeoutMs} ms:\n${this.stdout.join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

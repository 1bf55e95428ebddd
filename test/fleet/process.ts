import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';

/**
 * Starts a long-running binary with its output appended to `logFile`. It runs under
 * `setpriv --pdeathsig SIGKILL`, so it dies with the process that started it even when that
 * process is killed: a crashed test run leaves no stray control planes behind. setpriv execs
 * the binary, so the child's pid is the binary's own (SIGSTOP and SIGKILL reach it directly).
 */
export function spawnManaged(binary: string, args: string[], logFile: string, env: NodeJS.ProcessEnv = process.env): ChildProcess {
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn('setpriv', ['--pdeathsig', 'SIGKILL', '--', binary, ...args], {
      stdio: ['ignore', fd, fd],
      env,
    });
    child.on('error', () => undefined);
    return child;
  } finally {
    closeSync(fd);
  }
}

/** The last lines of a log file, for error messages. */
export function tail(logFile: string, lines = 15): string {
  if (!existsSync(logFile)) return '';
  return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/**
 * Polls `check` until it returns true. Fails early, with the process's log, when the process
 * it waits for has exited.
 */
export async function waitFor(
  what: string,
  timeoutMs: number,
  check: () => Promise<boolean> | boolean,
  child?: ChildProcess,
  logFile?: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child && exited(child)) {
      throw new Error(`${what}: process exited (${child.exitCode ?? child.signalCode})${logFile ? `\n${tail(logFile)}` : ''}`);
    }
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
  throw new Error(`${what}: not ready within ${timeoutMs} ms${reason}${logFile ? `\n${tail(logFile)}` : ''}`);
}

/** Sends a signal and waits for the process to exit, escalating to SIGKILL after `graceMs`. */
export async function terminate(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
  if (exited(child)) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGCONT');
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await gone;
  clearTimeout(timer);
}

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DestinationStream } from 'pino';

/** A pino destination that keeps every JSON log line, for assertions on what the hub logs. */
export class LogLines implements DestinationStream {
  readonly lines: Record<string, unknown>[] = [];
  readonly raw: string[] = [];

  write(chunk: string): void {
    for (const line of chunk.split('\n')) {
      if (line === '') continue;
      this.raw.push(line);
      this.lines.push(JSON.parse(line) as Record<string, unknown>);
    }
  }

  /**
   * Writes every line kept to `<FLOTILLA_TEST_LOG_DIR>/<name>.log` when that variable is set
   * (for reading a hub's log after a failed run); does nothing otherwise.
   */
  keep(name: string): void {
    const dir = process.env.FLOTILLA_TEST_LOG_DIR;
    if (dir === undefined || dir === '') return;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${name}.log`), this.raw.join('\n') + '\n');
  }

  /** Forgets every line so far. */
  clear(): void {
    this.lines.length = 0;
    this.raw.length = 0;
  }

  /** Resolves with the first line (already written or still to come) that `match` accepts. */
  async waitFor(match: (line: Record<string, unknown>) => boolean, timeoutMs = 10_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching log line within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

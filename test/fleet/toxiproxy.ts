import { type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from './ports.ts';
import { spawnManaged, waitFor } from './process.ts';

/** A toxic as Toxiproxy's HTTP API takes it. */
interface Toxic {
  name: string;
  type: 'latency' | 'timeout' | 'reset_peer' | 'bandwidth' | 'slicer' | 'limit_data';
  stream: 'upstream' | 'downstream';
  toxicity: number;
  attributes: Record<string, number>;
}

/**
 * The Toxiproxy server of one fleet: a TCP proxy between the hub and every member's API server
 * that injects latency, connection loss and partitions. The kernel here has no `sch_netem`
 * (tc answers "Specified qdisc kind is unknown"), so faults are injected at TCP level instead.
 */
export class Toxiproxy {
  private readonly process: ChildProcess;
  private readonly api: string;

  private constructor(child: ChildProcess, api: string) {
    this.process = child;
    this.api = api;
  }

  static async start(binary: string, logDir: string): Promise<Toxiproxy> {
    const port = await freePort();
    const child = spawnManaged(binary, ['-host', '127.0.0.1', '-port', String(port)], join(logDir, 'toxiproxy.log'));
    const api = `http://127.0.0.1:${port}`;
    await waitFor('toxiproxy API', 15_000, async () => (await fetch(`${api}/version`)).ok, child);
    return new Toxiproxy(child, api);
  }

  /** Creates a proxy listening on a free loopback port; returns that port. */
  async createProxy(name: string, upstreamPort: number): Promise<number> {
    const port = await freePort();
    await this.call('POST', '/proxies', { name, listen: `127.0.0.1:${port}`, upstream: `127.0.0.1:${upstreamPort}`, enabled: true });
    return port;
  }

  /** Adds latency (milliseconds, with jitter) in both directions. */
  async delay(proxy: string, latencyMs: number, jitterMs = 0): Promise<void> {
    for (const stream of ['upstream', 'downstream'] as const) {
      await this.addToxic(proxy, { name: `delay-${stream}`, type: 'latency', stream, toxicity: 1, attributes: { latency: latencyMs, jitter: jitterMs } });
    }
  }

  /**
   * Loses a fraction of connections: each new connection is, with that probability, black-holed
   * (its data is dropped and it closes after `timeoutMs`). TCP retransmits lost packets, so
   * connection loss is what a client actually sees of a lossy link.
   */
  async loss(proxy: string, probability: number, timeoutMs = 0): Promise<void> {
    await this.addToxic(proxy, { name: 'loss', type: 'timeout', stream: 'upstream', toxicity: probability, attributes: { timeout: timeoutMs } });
  }

  /** Partition: the member stays reachable at TCP level but nothing gets through (requests hang). */
  async partition(proxy: string): Promise<void> {
    for (const stream of ['upstream', 'downstream'] as const) {
      await this.addToxic(proxy, { name: `partition-${stream}`, type: 'timeout', stream, toxicity: 1, attributes: { timeout: 0 } });
    }
  }

  /** Cut: connections are refused and existing ones are closed. */
  async cut(proxy: string): Promise<void> {
    await this.call('POST', `/proxies/${proxy}`, { enabled: false });
  }

  /** Removes every fault from one proxy. */
  async heal(proxy: string): Promise<void> {
    const toxics = (await this.call('GET', `/proxies/${proxy}/toxics`)) as Toxic[];
    for (const toxic of toxics) await this.call('DELETE', `/proxies/${proxy}/toxics/${toxic.name}`);
    await this.call('POST', `/proxies/${proxy}`, { enabled: true });
  }

  async stop(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    this.process.kill('SIGTERM');
    await exited;
  }

  private async addToxic(proxy: string, toxic: Toxic): Promise<void> {
    await this.call('POST', `/proxies/${proxy}/toxics`, toxic);
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${this.api}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`toxiproxy ${method} ${path}: ${res.status} ${text}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
  }
}

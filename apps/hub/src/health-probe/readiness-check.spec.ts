import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { CONNECTION_MAX_PROBES, MemberClient } from './member-http.ts';
import { checkReadiness } from './readiness-check.ts';

type Behaviour = 'ok' | 'blackhole' | 'unauthorized' | 'not-ready' | 'no-readyz';

/**
 * A loopback HTTP server standing in for an API server: each new connection gets the next
 * behaviour of the script (the last one repeats). "blackhole" accepts and never answers, as a
 * lost connection or a SIGSTOPped server does.
 */
class FakeApiServer {
  script: Behaviour[] = ['ok'];
  connections = 0;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor() {
    this.server = createServer((req, res) => this.answer(req.url ?? '', res, (req.socket as Socket & { behaviour?: Behaviour }).behaviour ?? 'ok'));
    this.server.on('connection', (socket: Socket & { behaviour?: Behaviour }) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.behaviour = this.script[Math.min(this.connections, this.script.length - 1)];
      this.connections += 1;
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  reset(script: Behaviour[]): void {
    this.script = script;
    this.connections = 0;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private answer(url: string, res: ServerResponse, behaviour: Behaviour): void {
    if (behaviour === 'blackhole') return;
    if (behaviour === 'unauthorized') return void res.writeHead(401).end('Unauthorized');
    if (behaviour === 'not-ready') return void res.writeHead(500).end('[+]ping ok\n[-]etcd failed: reason withheld\n[+]log ok\nreadyz check failed\n');
    if (behaviour === 'no-readyz' && url.startsWith('/readyz')) return void res.writeHead(404).end();
    res.writeHead(200).end('ok');
  }
}

describe('checkReadiness (hedged, on fresh connections)', () => {
  const server = new FakeApiServer();
  let base: string;
  // A new client (and pool) per check, so that each check's connections can be counted.
  const client = (server = base) => new MemberClient({ server, caPem: undefined, credentials: { type: 'token' as const, token: 't' } });
  const never = new AbortController().signal;

  beforeAll(async () => {
    base = await server.listen();
  });
  afterAll(async () => {
    await server.close();
  });

  it.each<[string, Behaviour[], object, number, number]>([
    ['answers ok', ['ok'], { kind: 'success', message: '/readyz: ok' }, 1, 1],
    ['rides over one lost connection with a second one', ['blackhole', 'ok'], { kind: 'success' }, 2, 2],
    ['rides over two lost connections with a third', ['blackhole', 'blackhole', 'ok'], { kind: 'success' }, 3, 3],
    ['falls back to /healthz where /readyz is missing', ['no-readyz'], { kind: 'success', message: '/healthz: ok' }, 1, 1],
    ['takes 401 as Unauthorized, without retrying', ['unauthorized'], { kind: 'failure', reason: 'Unauthorized' }, 1, 1],
    ['takes a failing readyz as NotReady and names the failed checks', ['not-ready'], { kind: 'failure', reason: 'NotReady', message: '/readyz answered 500: etcd failed: reason withheld' }, 1, 1],
  ])('%s', async (_name, script, outcome, attempts, connections) => {
    server.reset(script);
    const check = await checkReadiness(client(), 1_000, never);
    expect(check.outcome).toMatchObject(outcome);
    expect(check.attempts).toBe(attempts);
    expect(server.connections).toBe(connections);
  });

  it('reuses its pooled connection, and replaces it every CONNECTION_MAX_PROBES probes', async () => {
    server.reset(['ok']);
    const shared = client();
    for (let i = 0; i < CONNECTION_MAX_PROBES + 2; i++) {
      shared.startProbe();
      expect((await checkReadiness(shared, 1_000, never)).outcome.kind).toBe('success');
    }
    shared.close();
    expect(server.connections).toBe(2);
  });

  it('fails with Timeout within the timeout when nothing answers', async () => {
    server.reset(['blackhole']);
    const started = Date.now();
    const check = await checkReadiness(client(), 800, never);
    expect(check.outcome).toMatchObject({ kind: 'failure', reason: 'Timeout', message: 'no answer within 800 ms (3 attempts)' });
    expect(Date.now() - started).toBeLessThan(800 + 200);
  });

  it('fails with Unreachable at once when connections are refused', async () => {
    const closed = new FakeApiServer();
    const url = await closed.listen();
    await closed.close();
    const started = Date.now();
    const check = await checkReadiness(client(url), 1_000, never);
    expect(check).toEqual({ outcome: { kind: 'failure', reason: 'Unreachable', message: 'connection refused (3 attempts)' }, attempts: 3 });
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('stops when its signal aborts', async () => {
    server.reset(['blackhole']);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    await checkReadiness(client(), 5_000, controller.signal);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

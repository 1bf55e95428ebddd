import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

// Cheap checks of the container files that need no Docker engine: the compose file parses,
// Redis persists, the image starts what `npm start` starts, tags are pinned.

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (path: string): string => readFileSync(join(REPO, path), 'utf8');

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  environment?: Record<string, string>;
  healthcheck?: { test?: string[] };
  stop_grace_period?: string;
  depends_on?: Record<string, { condition?: string }>;
  volumes?: string[];
}

interface Compose {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

function seconds(duration: string): number {
  const match = /^(?:(\d+)m)?(?:(\d+)s)?$/.exec(duration);
  if (!match || (!match[1] && !match[2])) throw new Error(`unsupported duration ${duration}`);
  return Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0);
}

/** The JSON-array CMD of the final stage of a Dockerfile. */
function dockerCmd(dockerfile: string): string[] {
  const stages = dockerfile.split(/^FROM\s/m);
  const last = stages[stages.length - 1] ?? '';
  const cmd = /^CMD\s+(\[.*\])\s*$/m.exec(last);
  if (!cmd?.[1]) throw new Error('no exec-form CMD in the last stage of the Dockerfile');
  return JSON.parse(cmd[1]) as string[];
}

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml')) as Compose;

  it('parses and has the hub, redis and dex services', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['dex', 'hub', 'redis']);
  });

  it('runs redis with AOF persistence on a named volume', () => {
    const redis = compose.services.redis!;
    const command = Array.isArray(redis.command) ? redis.command.join(' ') : (redis.command ?? '');
    expect(command).toMatch(/--appendonly yes\b/);
    expect(command).toMatch(/--appendfsync everysec\b/);
    const [volume, target] = (redis.volumes?.[0] ?? '').split(':');
    expect(target).toBe('/data');
    expect(Object.keys(compose.volumes ?? {})).toContain(volume);
    expect(redis.healthcheck?.test?.join(' ')).toMatch(/redis-cli ping/);
  });

  it('points the hub at redis, waits for it, and checks /readyz', () => {
    const hub = compose.services.hub!;
    expect(hub.build).toBe('.');
    expect(hub.environment?.REDIS_URL).toBe('redis://redis:6379');
    expect(hub.depends_on?.redis?.condition).toBe('service_healthy');
    expect(hub.healthcheck?.test?.join(' ')).toContain('/readyz');
  });

  it('gives the hub more time to stop than SHUTDOWN_TIMEOUT_MS', () => {
    const hub = compose.services.hub!;
    const shutdownMs = Number(hub.environment?.SHUTDOWN_TIMEOUT_MS ?? '25000');
    expect(seconds(hub.stop_grace_period ?? '10s') * 1000).toBeGreaterThan(shutdownMs);
  });

  it('pins every image tag', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (!service.image) continue;
      const tag = service.image.slice(service.image.lastIndexOf('/') + 1).split(':')[1];
      expect({ name, tag }).toEqual({ name, tag: expect.stringMatching(/^(?!latest$)\w[\w.-]*$/) });
    }
  });

  it('configures dex with the flotilla client and its callback', () => {
    const dex = parse(read('deploy/compose/dex.yaml')) as {
      issuer: string;
      storage: { type: string };
      staticClients: { id: string; redirectURIs: string[]; secret: string }[];
      staticPasswords: { email: string }[];
    };
    expect(dex.issuer).toBe('http://localhost:5556/dex');
    expect(dex.storage.type).toBe('memory');
    const client = dex.staticClients.find((c) => c.id === 'flotilla');
    expect(client?.redirectURIs).toEqual(['http://localhost:8080/auth/callback']);
    const hub = compose.services.hub?.environment ?? {};
    expect(hub.FLOTILLA_OIDC_ISSUER).toBe(dex.issuer);
    expect(hub.FLOTILLA_OIDC_CLIENT_ID).toBe('flotilla');
    expect(hub.FLOTILLA_OIDC_CLIENT_SECRET).toBe(client?.secret);
    expect(`${hub.FLOTILLA_PUBLIC_URL}/auth/callback`).toBe(client?.redirectURIs[0]);
    // The issuer is on localhost for the browser and for the hub alike: they share dex's network.
    expect((compose.services.hub as { network_mode?: string }).network_mode).toBe('service:dex');
    expect(dex.staticPasswords.map((p) => p.email)).toContain('admin@example.com');
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');

  it("starts what package.json's start script starts", () => {
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(dockerCmd(dockerfile).join(' ')).toBe(pkg.scripts.start);
  });

  it('runs as the non-root user 10001 and exposes 8080', () => {
    const runtime = dockerfile.split(/^FROM\s/m).pop() ?? '';
    expect(runtime).toMatch(/^USER 10001(:10001)?$/m);
    expect(runtime).toMatch(/^EXPOSE 8080$/m);
    expect(runtime).toMatch(/^STOPSIGNAL SIGTERM$/m);
  });

  it('builds from Node 26', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:26-bookworm-slim$/m);
  });
});

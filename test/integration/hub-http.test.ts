import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { createHub, type Hub } from '../../apps/hub/src/create-hub.ts';
import { ShutdownCoordinator } from '../../apps/hub/src/shutdown/shutdown-coordinator.ts';
import { authHeader, testToken } from '../oidc/test-tokens.ts';
import { hubTestConfig } from './support/hub-config.ts';
import { LogLines } from './support/log-lines.ts';
import { deleteKeysWithPrefix, testPrefix } from './support/test-prefix.ts';

describe('hub HTTP surface (in process, real Redis)', () => {
  const prefix = testPrefix('hub-http');
  const logs = new LogLines();
  let hub: Hub;
  let url: string;

  beforeAll(async () => {
    hub = await createHub(hubTestConfig({ FLOTILLA_KEY_PREFIX: prefix }), { logDestination: logs });
    url = await hub.listen();
  });

  afterAll(async () => {
    await hub?.close();
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
  });

  it('answers /livez with 200', async () => {
    const response = await fetch(`${url}/livez`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz with 200 and the checks while Redis answers', async () => {
    const response = await fetch(`${url}/readyz`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toMatchObject({
      status: 'ok',
      details: { redis: { status: 'up' }, lifecycle: { status: 'up' } },
    });
  });

  it('answers an unknown route with a problem+json 404', async () => {
    // With an identity: without one, every route but health and metrics answers 401, known or not.
    const response = await fetch(`${url}/no/such/route?x=1`, { headers: await authHeader() });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toEqual({
      type: 'https://flotilla.dev/problems/not-found',
      title: 'Not found',
      status: 404,
      detail: 'Cannot GET /no/such/route?x=1',
      instance: '/no/such/route',
      requestId: response.headers.get('x-request-id'),
    });
  });

  it('echoes a sane x-request-id and replaces an unsafe one', async () => {
    const kept = await fetch(`${url}/livez`, { headers: { 'x-request-id': 'client-id-42' } });
    expect(kept.headers.get('x-request-id')).toBe('client-id-42');
    const replaced = await fetch(`${url}/livez`, { headers: { 'x-request-id': 'x'.repeat(500) } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const generated = await fetch(`${url}/livez`);
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs requests as JSON with their request id and without credentials', async () => {
    // A real bearer token of the test provider, so the request gets past authentication to its 404.
    const token = await testToken();
    await fetch(`${url}/api/v1/secret-probe`, {
      headers: { 'x-request-id': 'log-check-1', authorization: `Bearer ${token}`, cookie: 'session=c00kie-value' },
    });
    const line = await logs.waitFor((entry) => entry.msg === 'request completed' && (entry.req as { id?: unknown } | undefined)?.id === 'log-check-1');
    expect(line).toMatchObject({
      level: 40,
      res: { statusCode: 404 },
      req: { method: 'GET', url: '/api/v1/secret-probe', headers: { authorization: '[redacted]', cookie: '[redacted]' } },
    });
    const everything = logs.raw.join('\n');
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(token.split('.')[2]);
    expect(everything).not.toContain('c00kie-value');
  });

  it('serves /metrics with default and flotilla_ series, routes as patterns', async () => {
    await fetch(`${url}/readyz`);
    await fetch(`${url}/some/unknown/path/123`, { headers: await authHeader() });
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toMatch(/^flotilla_build_info\{version="0\.1\.0",node="v\d+\.\d+\.\d+"\} 1$/m);
    expect(text).toMatch(/^flotilla_redis_up 1$/m);
    expect(text).toMatch(/^flotilla_http_request_duration_seconds_count\{method="GET",route="\/readyz",status="200"\} \d+$/m);
    expect(text).toMatch(/^flotilla_http_request_duration_seconds_count\{method="GET",route="\(unmatched\)",status="404"\} \d+$/m);
    expect(text).not.toContain('/some/unknown/path/123');
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
  });

  it('keeps a second hub in the same process apart (own metrics registry)', async () => {
    const other = await createHub(hubTestConfig({ FLOTILLA_KEY_PREFIX: prefix }), { logDestination: logs });
    try {
      const otherUrl = await other.listen();
      const text = await (await fetch(`${otherUrl}/metrics`)).text();
      expect(text).toMatch(/^flotilla_build_info\{/m);
      expect(text).not.toMatch(/route="\/readyz"/);
    } finally {
      await other.close();
    }
  });

  it('reports 503 problem+json on /readyz once shutdown has begun', async () => {
    const other = await createHub(hubTestConfig({ FLOTILLA_KEY_PREFIX: prefix }), { logDestination: logs });
    try {
      const otherUrl = await other.listen();
      other.app.get(ShutdownCoordinator).beginShutdown();
      const response = await fetch(`${otherUrl}/readyz`);
      expect(response.status).toBe(503);
      expect(response.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
      expect(await response.json()).toMatchObject({
        type: 'https://flotilla.dev/problems/not-ready',
        status: 503,
        detail: 'not ready: lifecycle: shutting down',
      });
    } finally {
      await other.close();
    }
  });
});

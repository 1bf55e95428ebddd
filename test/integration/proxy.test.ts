import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createHub, type Hub } from '../../apps/hub/src/create-hub.ts';
import type { AuditRecord } from '../../libs/audit/src/index.ts';
import { createClusterPki } from '../fleet/pki.ts';
import { testToken } from '../oidc/test-tokens.ts';
import { hubTestConfig } from './support/hub-config.ts';
import { LogLines } from './support/log-lines.ts';
import { pollUntil } from './support/poll.ts';
import { rawGet } from './support/raw-request.ts';
import { deleteKeysWithPrefix, testPrefix } from './support/test-prefix.ts';

// The hub's side of the member proxy against a small HTTPS server registered as a member: what it
// forwards and strips, how it streams, and what it does with answers a real kube-apiserver
// cannot be made to give (redirects, a 401 to the hub's credentials, no answer at all). The
// member's RBAC on real clusters is test/fleet/proxy.test.ts.

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** Each header's lines, as sent. */
  lines: NodeJS.Dict<string[]>;
  body: Buffer;
}

describe('member proxy (fake HTTPS member)', () => {
  const prefix = testPrefix('proxy');
  const logs = new LogLines();
  const memberToken = `member-${randomBytes(16).toString('hex')}`;
  // The prober asks the fake member too: requests through the proxy are the impersonating ones.
  const all: Seen[] = [];
  const seen = { at: (i: number): Seen | undefined => proxied().at(i), get length(): number { return proxied().length; } };
  const proxied = (): Seen[] => all.filter((s) => s.headers['impersonate-user'] !== undefined);
  const watches: ServerResponse[] = [];
  const watchesClosed: string[] = [];
  let hubClosed = false;
  const pkiDir = mkdtempSync(join(tmpdir(), 'flotilla-proxy-pki-'));
  let member: Server;
  let hub: Hub;
  let url: string;
  let redis: Redis;

  const proxyUrl = (path: string, cluster = 'fake'): string => `${url}/api/v1/clusters/${cluster}/proxy${path}`;
  const bearer = async (caller: 'admin' | 'operator' | 'viewer'): Promise<{ authorization: string }> => ({ authorization: `Bearer ${await testToken(caller)}` });

  beforeAll(async () => {
    const pki = createClusterPki(pkiDir, 'fake');
    member = createServer({ key: readFileSync(pki.servingKeyPath), cert: readFileSync(pki.servingCertPath) }, (req, res) => {
      const path = req.url ?? '';
      if (req.headers.authorization !== `Bearer ${memberToken}` || path.startsWith('/base/refuse')) {
        res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Basic realm="kubernetes-master"' }).end('{"kind":"Status","code":401}');
        return;
      }
      if (path.startsWith('/base/redirect')) {
        res.writeHead(302, { location: 'https://evil.example.com/steal' }).end();
        return;
      }
      if (path.startsWith('/base/slow')) return; // never answers
      if (path.startsWith('/base/watch')) {
        // Headers now, events when the test sends them (as a kube-apiserver does).
        res.writeHead(200, { 'content-type': 'application/json' }).flushHeaders();
        watches.push(res);
        res.on('close', () => watchesClosed.push(path));
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        all.push({ method: req.method ?? '', url: path, headers: req.headers, lines: req.headersDistinct, body });
        res.writeHead(path.startsWith('/base/forbidden') ? 403 : 200, { 'content-type': 'application/json', 'set-cookie': 'member-session=1', 'audit-id': String(req.headers['audit-id']) });
        res.end(JSON.stringify({ kind: 'Echo', method: req.method, url: path, length: body.length }));
      });
    });
    await new Promise<void>((resolve) => member.listen(0, '127.0.0.1', resolve));
    redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    hub = await createHub(hubTestConfig({ FLOTILLA_KEY_PREFIX: prefix, FLOTILLA_MEMBER_REQUEST_TIMEOUT_MS: '1000' }), { logDestination: logs });
    url = await hub.listen();
    const registered = await fetch(`${url}/api/v1/clusters`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await bearer('admin')) },
      body: JSON.stringify({ name: 'fake', server: `https://127.0.0.1:${(member.address() as AddressInfo).port}/base`, caBundle: pki.caCertPem, credentials: { type: 'token', token: memberToken }, zone: 'a' }),
    });
    expect(registered.status).toBe(201);
  });

  afterAll(async () => {
    if (!hubClosed) await hub?.close();
    member?.closeAllConnections();
    await new Promise((resolve) => member?.close(resolve));
    await deleteKeysWithPrefix(redis, prefix);
    redis.disconnect();
    rmSync(pkiDir, { recursive: true, force: true });
  });

  it('forwards as the caller through impersonation, with the hub\'s credentials, never the caller\'s', async () => {
    const operatorToken = await testToken('operator');
    const response = await fetch(proxyUrl('/api/v1/namespaces/x/configmaps?labelSelector=a%3Db'), {
      headers: { authorization: `Bearer ${operatorToken}`, cookie: 'flotilla_session=abc', 'impersonate-user': 'system:admin', 'impersonate-group': 'system:masters', 'x-remote-user': 'admin', 'x-forwarded-for': '10.6.6.6', accept: 'application/json' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('set-cookie')).toBeNull();
    const requestId = response.headers.get('x-request-id');
    expect(response.headers.get('audit-id')).toBe(requestId);
    const got = seen.at(-1)!;
    expect(got.url).toBe('/base/api/v1/namespaces/x/configmaps?labelSelector=a%3Db');
    expect(got.headers.authorization).toBe(`Bearer ${memberToken}`);
    expect(got.headers['impersonate-user']).toBe('oidc:test-operator');
    // One header line per group: Kubernetes reads a line as one group.
    expect(got.lines['impersonate-group']).toEqual(['oidc:flotilla-operator', 'oidc:flotilla-tenant-team-a']);
    expect(got.lines['impersonate-user']).toEqual(['oidc:test-operator']);
    expect(got.headers.cookie).toBeUndefined();
    expect(got.headers['x-remote-user']).toBeUndefined();
    expect(got.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(got.headers.accept).toBe('application/json');
    expect(JSON.stringify(got.headers)).not.toContain(operatorToken);
  });

  it('passes a body through byte for byte, whatever its type, and audits its digest with the member path', async () => {
    const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: raw}\ndata: {a: "1"}  # not parsed by the hub\n';
    const response = await fetch(proxyUrl('/api/v1/namespaces/x/configmaps?dryRun=All'), { method: 'POST', headers: { ...(await bearer('operator')), 'content-type': 'application/yaml' }, body: yaml });
    expect(response.status).toBe(200);
    const requestId = response.headers.get('x-request-id')!;
    const got = seen.at(-1)!;
    expect(got.body.toString('utf8')).toBe(yaml);
    expect(got.headers['content-type']).toBe('application/yaml');

    const protobuf = Buffer.from([0x6b, 0x38, 0x73, 0x00, 0xff, 0x01]);
    expect((await fetch(proxyUrl('/api/v1/namespaces/x/configmaps/raw'), { method: 'PUT', headers: { ...(await bearer('operator')), 'content-type': 'application/vnd.kubernetes.protobuf' }, body: protobuf })).status).toBe(200);
    expect(seen.at(-1)!.body.equals(protobuf)).toBe(true);

    let record: AuditRecord | undefined;
    await pollUntil('the audit record of the proxied POST', async () => {
      const trail = (await (await fetch(`${url}/api/v1/audit?kind=Cluster&name=fake`, { headers: await bearer('admin') })).json()) as { items: AuditRecord[] };
      record = trail.items.find((r) => r.requestId === requestId);
      return record !== undefined;
    });
    expect(record).toMatchObject({
      action: 'POST /api/v1/clusters/:name/proxy/*',
      target: { kind: 'Cluster', name: 'fake' },
      actor: { subject: 'test-operator' },
      outcome: 'Succeeded',
      status: 200,
      message: 'POST /api/v1/namespaces/x/configmaps?dryRun=All on cluster fake',
      digest: createHash('sha256').update(yaml).digest('hex'),
    });
  });

  it('audits reads too, and a member\'s 403 as denied, passing its answer on as it is', async () => {
    const response = await fetch(proxyUrl('/forbidden/secrets'), { headers: await bearer('viewer') });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ kind: 'Echo' });
    const requestId = response.headers.get('x-request-id')!;
    await pollUntil('the audit record of the denied read', async () => {
      const trail = (await (await fetch(`${url}/api/v1/audit?kind=Cluster&name=fake&outcome=Denied`, { headers: await bearer('admin') })).json()) as { items: AuditRecord[] };
      return trail.items.some((r) => r.requestId === requestId && r.action === 'GET /api/v1/clusters/:name/proxy/*' && r.message === 'GET /forbidden/secrets on cluster fake');
    });
  });

  it('lets a viewer read and refuses it every change before the member sees it', async () => {
    const before = seen.length;
    expect((await fetch(proxyUrl('/api/v1/namespaces'), { headers: await bearer('viewer') })).status).toBe(200);
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const response = await fetch(proxyUrl('/api/v1/namespaces/x'), { method, headers: { ...(await bearer('viewer')), 'content-type': 'application/json' }, body: '{}' });
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ type: 'https://flotilla.dev/problems/forbidden', detail: 'this needs role operator; yours is viewer' });
    }
    expect(seen.length).toBe(before + 1);
  });

  it('answers HEAD with the member\'s status and headers, and takes long paths', async () => {
    const head = await fetch(proxyUrl('/api/v1/namespaces'), { method: 'HEAD', headers: await bearer('viewer') });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('application/json');
    expect(await head.text()).toBe('');
    expect(seen.at(-1)).toMatchObject({ method: 'HEAD', url: '/base/api/v1/namespaces' });

    const long = `/api/v1/namespaces/${'n'.repeat(63)}/configmaps/${'c'.repeat(253)}`;
    expect((await fetch(proxyUrl(long), { headers: await bearer('viewer') })).status).toBe(200);
    expect(seen.at(-1)?.url).toBe(`/base${long}`);
  });

  it('refuses a caller without an email when members know callers by email, before the member is asked', async () => {
    const byEmail = await createHub(hubTestConfig({ FLOTILLA_KEY_PREFIX: prefix, FLOTILLA_PROXY_USERNAME_CLAIM: 'email' }), { logDestination: logs });
    try {
      const before = seen.length;
      const response = await fetch(`${await byEmail.listen()}/api/v1/clusters/fake/proxy/api/v1/namespaces`, { headers: await bearer('operator') });
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ type: 'https://flotilla.dev/problems/forbidden', detail: expect.stringContaining('FLOTILLA_PROXY_USERNAME_CLAIM=email') });
      expect(seen.length).toBe(before);
    } finally {
      await byEmail.close();
    }
  });

  it('answers 404 naming a cluster that is not registered', async () => {
    const response = await fetch(proxyUrl('/api/v1/namespaces', 'nowhere'), { headers: await bearer('admin') });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toMatchObject({ type: 'https://flotilla.dev/problems/not-found', detail: 'cluster "nowhere" is not registered' });
  });

  it.each([
    '/api/v1/clusters/fake/proxy/api/../../../../api/v1/clusters',
    '/api/v1/clusters/fake/proxy/api/%2e%2e/%2e%2e/secret',
    '/api/v1/clusters/fake/proxy/api/..%2f..%2fhealthz',
    '/api/v1/clusters/fake/proxy//evil.example.com/',
  ])('refuses the path escape %s with 400 naming the path, the member never asked', async (path) => {
    const before = seen.length;
    const response = await rawGet(url, path, await bearer('admin'));
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({ type: 'https://flotilla.dev/problems/validation', invalidParams: [{ name: 'path' }] });
    expect(seen.length).toBe(before);
  });

  it('does not follow a redirect nor pass it on', async () => {
    const response = await fetch(proxyUrl('/redirect'), { headers: await bearer('admin'), redirect: 'manual' });
    expect(response.status).toBe(502);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.json()).toMatchObject({ type: 'https://flotilla.dev/problems/member-redirect', cluster: 'fake', detail: expect.stringContaining('HTTP 302') });
  });

  it('turns a 401 to the hub\'s own credentials into 502, without the member\'s challenge', async () => {
    const response = await fetch(proxyUrl('/refuse'), { headers: await bearer('admin') });
    expect(response.status).toBe(502);
    expect(response.headers.get('www-authenticate')).toBeNull();
    expect(await response.json()).toMatchObject({ type: 'https://flotilla.dev/problems/member-credentials-refused', cluster: 'fake' });
  });

  it('answers 504 when the member sends no answer headers in time', async () => {
    const response = await fetch(proxyUrl('/slow'), { headers: await bearer('admin') });
    expect(response.status).toBe(504);
    expect(await response.json()).toMatchObject({ type: 'https://flotilla.dev/problems/member-timeout', detail: 'cluster "fake" did not answer within 1000 ms' });
  });

  it('streams a watch as the member sends it, past the request timeout, and ends it when the client goes', async () => {
    const abort = new AbortController();
    const response = await fetch(proxyUrl('/watch/configmaps?watch=true'), { headers: await bearer('admin'), signal: abort.signal });
    // The answer headers arrive before any event: clients wait for them.
    expect(response.status).toBe(200);
    watches.at(-1)!.write('{"type":"ADDED","object":{"kind":"ConfigMap"}}\n');
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(Buffer.from(first.value).toString('utf8')).toContain('"type":"ADDED"');
    // Longer than FLOTILLA_MEMBER_REQUEST_TIMEOUT_MS: a body is never cut by it.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(watchesClosed).toEqual([]);
    abort.abort();
    await pollUntil('the member sees the watch end', () => Promise.resolve(watchesClosed.length === 1));
  });

  it('counts proxied requests per cluster, method and code', async () => {
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/flotilla_proxy_requests_total\{cluster="fake",method="GET",code="200"\} [1-9]/);
    expect(metrics).toMatch(/flotilla_proxy_requests_total\{cluster="fake",method="GET",code="504"\} 1/);
    expect(metrics).toMatch(/flotilla_proxy_response_seconds_count\{cluster="fake",method="POST"\} [1-9]/);
  });

  it('never logs the member\'s token or a caller\'s', async () => {
    const text = logs.raw.join('\n');
    expect(text).not.toContain(memberToken);
    for (const caller of ['admin', 'operator', 'viewer'] as const) expect(text).not.toContain(await testToken(caller));
  });

  // Last: it stops the hub.
  it('ends the watches in flight when the hub stops, which would otherwise wait for them forever', async () => {
    const response = await fetch(proxyUrl('/watch/pods?watch=1'), { headers: await bearer('admin') });
    expect(response.status).toBe(200);
    const closedBefore = watchesClosed.length;
    hubClosed = true;
    await hub.close();
    await expect(response.text()).rejects.toThrow();
    await pollUntil('the member sees the watch end', () => Promise.resolve(watchesClosed.length === closedBefore + 1));
  });
});

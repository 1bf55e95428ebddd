import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { Redis } from 'ioredis';
import { parse } from 'yaml';
import { createHub, type Hub } from '../../apps/hub/src/create-hub.ts';
import { ACCESS_EXTENSION } from '../../apps/hub/src/auth/access.ts';
import { authHeader } from '../oidc/test-tokens.ts';
import { hubTestConfig } from './support/hub-config.ts';
import { LogLines } from './support/log-lines.ts';
import { pollUntil } from './support/poll.ts';
import { deleteKeysWithPrefix, testPrefix } from './support/test-prefix.ts';

// The OpenAPI document is scanned from the controllers, and these tests hold it to the routes
// the hub really serves and the answers it really gives.

type Json = Record<string, unknown>;
interface Operation {
  operationId: string;
  tags?: string[];
  parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: Json }[];
  requestBody?: { content: Record<string, { schema: Json }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Json }> }>;
  security?: Record<string, string[]>[];
  [extension: string]: unknown;
}
interface Document {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json>; securitySchemes: Record<string, Json> };
  tags: { name: string }[];
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];
/** Routes of the document and its page, which it does not describe. */
const isDocsRoute = (url: string): boolean => url.startsWith('/api/docs') || url.startsWith('/api/openapi.');

/** Every `$ref` in a value, with where it was found. */
function refsIn(value: unknown, at = '#'): { ref: string; at: string }[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => refsIn(item, `${at}/${i}`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => (key === '$ref' && typeof inner === 'string' ? [{ ref: inner, at }] : refsIn(inner, `${at}/${key}`)));
}

/** A schema with every local `$ref` replaced by what it names (the hub's schemas are not recursive). */
function inline(schema: unknown, document: Document, depth = 0): unknown {
  if (depth > 32) throw new Error('recursive schema');
  if (Array.isArray(schema)) return schema.map((item) => inline(item, document, depth + 1));
  if (typeof schema !== 'object' || schema === null) return schema;
  const { $ref, ...rest } = schema as Json;
  if (typeof $ref === 'string') return inline(resolve(document, $ref), document, depth + 1);
  return Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, inline(value, document, depth + 1)]));
}

function resolve(document: Document, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .reduce<unknown>((node, part) => (typeof node === 'object' && node !== null ? (node as Json)[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined), document);
}

describe('OpenAPI document and docs page (in-process hub, real Redis and OpenID Provider)', () => {
  const prefix = testPrefix('openapi');
  const logs = new LogLines();
  let redis: Redis;
  let hub: Hub;
  let url: string;
  let document: Document;
  const ajv = new Ajv({ strict: true, allErrors: true });
  addFormats.default(ajv);

  /** A validator for the documented JSON answer of an operation. */
  function answerSchema(path: string, method: string, status: number): ValidateFunction {
    const schema = document.paths[path]?.[method]?.responses[String(status)]?.content?.['application/json']?.schema;
    if (schema === undefined) throw new Error(`${method} ${path} documents no JSON answer ${status}`);
    return ajv.compile(inline(schema, document) as Json);
  }

  async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${url}${path}`, { method, headers: { ...(await authHeader('admin')), ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
  }

  beforeAll(async () => {
    redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    hub = await createHub(hubTestConfig({ FLOTILLA_KEY_PREFIX: prefix }), { logDestination: logs });
    url = await hub.listen();
    const response = await fetch(`${url}/api/openapi.json`);
    expect(response.status).toBe(200);
    document = (await response.json()) as Document;
  });

  afterAll(async () => {
    await hub?.close();
    await deleteKeysWithPrefix(redis, prefix);
    redis.disconnect();
  });

  it('is an OpenAPI 3 document of this version of the hub, without a token, also as YAML', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(document.openapi).toMatch(/^3\.0\.\d$/);
    expect(document.info).toMatchObject({ title: expect.any(String), version: pkg.version });
    const yaml = await fetch(`${url}/api/openapi.yaml`);
    expect(yaml.status).toBe(200);
    expect(parse(await yaml.text())).toEqual(document);
  });

  it('describes every REST route the hub serves, and only routes it serves, with the access each declares', () => {
    // Routes that are not REST resources (GraphQL, the console's files) describe themselves
    // elsewhere; the document must hold every route of the REST API, its login and health.
    // The proxy's wildcard is documented as a {path} parameter.
    const key = (method: string, url: string): string => `${method.toLowerCase()} ${url.replace(/:(\w+)/g, '{$1}').replace(/\/\*$/, '/{path}')}`;
    const served = new Map(hub.routes.filter((route) => !isDocsRoute(route.url)).map((route) => [key(route.method, route.url), route.access]));
    const documented = Object.entries(document.paths).flatMap(([path, item]) => Object.entries(item).filter(([method]) => METHODS.includes(method)).map(([method, operation]) => ({ key: `${method} ${path}`, access: operation[ACCESS_EXTENSION] })));
    expect(documented.filter((operation) => !served.has(operation.key))).toEqual([]);
    const rest = [...served.keys()].filter((route) => /^\w+ \/(api\/v1|auth)\/|^\w+ \/(livez|readyz|metrics)$/.test(route));
    expect(rest.filter((route) => !documented.some((operation) => operation.key === route))).toEqual([]);
    expect(documented.filter((operation) => operation.access !== served.get(operation.key))).toEqual([]);
    expect(rest.filter((route) => route.includes(' /api/v1/')).length).toBeGreaterThan(30);
  });

  it('documents for every operation its parameters, its answers, its problems and how to authenticate', () => {
    const tags = new Set(document.tags.map((tag) => tag.name));
    const ids = new Set<string>();
    const gaps: string[] = [];
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const name = `${method.toUpperCase()} ${path}`;
        const gap = (what: string): void => void gaps.push(`${name}: ${what}`);
        if (ids.has(operation.operationId)) gap(`operationId ${operation.operationId} repeated`);
        ids.add(operation.operationId);
        if (operation.tags?.length !== 1 || !tags.has(operation.tags[0]!)) gap(`tags ${String(operation.tags)}`);
        const statuses = Object.keys(operation.responses);
        if (!statuses.some((status) => /^[23]\d\d$/.test(status))) gap('no success answer');
        for (const param of path.match(/\{\w+\}/g) ?? []) {
          if (!operation.parameters?.some((p) => p.in === 'path' && `{${p.name}}` === param && p.required === true)) gap(`path parameter ${param} undocumented`);
        }
        // @nestjs/swagger infers a required, undescribed parameter from each @Query('x'): every one must be described, and required only on purpose.
        for (const p of operation.parameters ?? []) if (p.in === 'query' && p.required === true && !p.description) gap(`query parameter ${p.name} marked required`);
        for (const [status, answer] of Object.entries(operation.responses)) {
          if (Number(status) >= 400 && answer.content?.['application/problem+json'] === undefined) gap(`${status} is not problem+json`);
        }
        const access = operation[ACCESS_EXTENSION];
        if (access === 'public' || access === 'metrics') continue;
        if (JSON.stringify(operation.security) !== JSON.stringify([{ bearer: [] }, { oidc: [] }])) gap(`security ${JSON.stringify(operation.security)}`);
        for (const status of ['401', '403', '503']) if (!statuses.includes(status)) gap(`no ${status}`);
        const success = Object.entries(operation.responses).find(([status]) => status.startsWith('2'))?.[1];
        const items = success?.content?.['application/json']?.schema.properties as Json | undefined;
        if (items?.metadata !== undefined && !['limit', 'continue'].every((q) => operation.parameters?.some((p) => p.in === 'query' && p.name === q))) gap('a list without limit and continue');
        if (operation.requestBody !== undefined && !statuses.includes('400')) gap('a body but no 400');
        if (operation.requestBody !== undefined && !['application/json', 'application/yaml'].every((type) => operation.requestBody?.content[type] !== undefined)) gap('body not in JSON and YAML');
      }
    }
    expect(gaps).toEqual([]);
  });

  it('describes the OIDC provider and bearer tokens as security schemes', () => {
    expect(document.components.securitySchemes).toEqual({
      bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      oidc: { type: 'openIdConnect', openIdConnectUrl: `${process.env.FLOTILLA_TEST_OIDC_ISSUER?.replace(/\/+$/, '')}/.well-known/openid-configuration` },
    });
  });

  it('resolves every $ref, and every schema compiles', () => {
    const dangling = refsIn(document).filter(({ ref }) => resolve(document, ref) === undefined);
    expect(dangling).toEqual([]);
    for (const [name, schema] of Object.entries(document.components.schemas)) {
      expect(() => ajv.compile(inline(schema, document) as Json)).not.toThrow();
      expect(name).toMatch(/^[A-Z]\w+$/);
    }
  });

  it('matches real answers: workloads, clusters, an override set, events, audit records, queues, failover, identity', async () => {
    const registered = await call('POST', '/api/v1/clusters', { name: 'doc-c1', server: 'https://10.0.0.1:6443', zone: 'a', labels: { tier: 'gold' }, taints: [{ key: 'dedicated', effect: 'NoSchedule' }], credentials: { type: 'token', token: 'doc-token-0123456789' } });
    expect(registered.status).toBe(201);
    expect((await call('POST', '/api/v1/clusters', { name: 'doc-c2', server: 'https://10.0.0.2:6443', credentials: { type: 'token', token: 'doc-token-0123456789' } })).status).toBe(201);
    const set = await call('POST', '/api/v1/override-sets', { name: 'doc-prod', description: 'prod', rules: [{ target: { zones: ['a'] }, replicas: 2, env: [{ name: 'MODE', value: 'prod' }] }] });
    expect(set.status).toBe(201);

    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } } };
    const created = await call('POST', '/api/v1/workloads', { name: 'web', namespace: 'doc-shop', tenant: 'team-a', labels: { app: 'web' }, manifests: [deployment], priority: 'high', overrideSets: ['doc-prod'], overrides: [{ target: { zones: ['a'] }, images: [{ image: 'nginx:1.28' }] }], placement: { replicaScheduling: { type: 'Divided', divisionPreference: 'AvailableCapacity' }, spread: [{ by: 'zone', min: 1 }] } });
    expect(created.status).toBe(201);
    // Placed (on the two clusters, which are not Ready: Unschedulable with a diagnosis) by the real worker.
    await pollUntil('the workload is placed', async () => ((await call('GET', '/api/v1/namespaces/doc-shop/workloads/web')).body as Json).placement !== undefined);

    const answers: [string, string, number, unknown][] = [
      ['/api/v1/workloads', 'post', 201, created.body],
      ['/api/v1/namespaces/{namespace}/workloads/{name}', 'get', 200, (await call('GET', '/api/v1/namespaces/doc-shop/workloads/web')).body],
      ['/api/v1/workloads', 'get', 200, (await call('GET', '/api/v1/workloads?labelSelector=app%3Dweb')).body],
      ['/api/v1/namespaces/{namespace}/workloads/{name}/history', 'get', 200, (await call('GET', '/api/v1/namespaces/doc-shop/workloads/web/history')).body],
      ['/api/v1/clusters', 'get', 200, (await call('GET', '/api/v1/clusters?limit=1')).body],
      ['/api/v1/clusters', 'get', 200, (await call('GET', '/api/v1/clusters?labelSelector=tier%3Dgold')).body],
      ['/api/v1/clusters/{name}', 'get', 200, (await call('GET', '/api/v1/clusters/doc-c1')).body],
      ['/api/v1/clusters', 'post', 201, registered.body],
      ['/api/v1/override-sets', 'get', 200, (await call('GET', '/api/v1/override-sets')).body],
      ['/api/v1/override-sets', 'post', 201, set.body],
      ['/api/v1/events', 'get', 200, (await call('GET', '/api/v1/events')).body],
      ['/api/v1/audit', 'get', 200, (await call('GET', '/api/v1/audit?limit=3')).body],
      ['/api/v1/audit/verify', 'get', 200, (await call('GET', '/api/v1/audit/verify')).body],
      ['/api/v1/queues', 'get', 200, (await call('GET', '/api/v1/queues')).body],
      ['/api/v1/queues/{queue}/jobs', 'get', 200, (await call('GET', '/api/v1/queues/placement/jobs?state=completed')).body],
      ['/api/v1/failover', 'get', 200, (await call('GET', '/api/v1/failover')).body],
      ['/auth/me', 'get', 200, (await call('GET', '/auth/me')).body],
      // The two clusters' servers answer nothing: a live read gives an error entry per cluster.
      ['/api/v1/fleet/objects', 'get', 200, (await call('GET', '/api/v1/fleet/objects?apiVersion=v1&kind=ConfigMap&limit=10')).body],
      ['/api/v1/fleet/caches', 'get', 200, (await call('GET', '/api/v1/fleet/caches')).body],
    ];
    const failures: string[] = [];
    for (const [path, method, status, body] of answers) {
      const validate = answerSchema(path, method, status);
      if (!validate(body)) failures.push(`${method} ${path}: ${ajv.errorsText(validate.errors)}`);
    }
    expect(failures).toEqual([]);
    // Not vacuous: the lists held items, and a closed schema refuses a field it does not know.
    expect(((answers[4]![3] as Json).items as unknown[]).length).toBe(1);
    expect(((answers[2]![3] as Json).items as unknown[]).length).toBe(1);
    expect(((answers[10]![3] as Json).items as unknown[]).length).toBeGreaterThan(0);
    expect(((answers[17]![3] as Json).errors as { cluster: string }[]).map((e) => e.cluster)).toEqual(['doc-c1', 'doc-c2']);
    const cluster = answerSchema('/api/v1/clusters/{name}', 'get', 200);
    expect(cluster({ ...(answers[6]![3] as Json), credentials: { type: 'token', token: 'x' } })).toBe(false);
  });

  it('describes request bodies as the validators take them: valid bodies pass both, an unknown field fails both', async () => {
    const bodySchema = (path: string, method: string): ValidateFunction => ajv.compile(inline(document.paths[path]?.[method]?.requestBody?.content['application/json']?.schema, document) as Json);
    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api' }, spec: { replicas: 1 } };
    const cases: [string, string, string, Json][] = [
      ['/api/v1/clusters', 'post', '/api/v1/clusters', { name: 'doc-b1', server: 'https://10.0.0.3:6443', region: 'eu', credentials: { type: 'token', token: 'doc-token-0123456789' }, cordoned: true }],
      ['/api/v1/override-sets', 'post', '/api/v1/override-sets', { name: 'doc-test', rules: [{ target: { matchLabels: { tier: 'gold' } }, labels: { env: 'test' }, jsonPatch: [{ operations: [{ op: 'add', path: '/metadata/annotations/x', value: 'y' }] }] }] }],
      ['/api/v1/workloads', 'post', '/api/v1/workloads', { apiVersion: 'flotilla.dev/v1', kind: 'Workload', metadata: { name: 'api', namespace: 'doc-shop' }, spec: { tenant: 'team-a', manifests: [deployment], failover: { purgeMode: 'Never', tolerationSeconds: 10 }, placement: { clusterAffinity: { zones: ['a'] }, replicaScheduling: { type: 'Duplicated' } } } }],
    ];
    for (const [path, method, target, body] of cases) {
      const validate = bodySchema(path, method);
      expect({ path, valid: validate(body), errors: ajv.errorsText(validate.errors) }).toEqual({ path, valid: true, errors: 'No errors' });
      expect((await call(method.toUpperCase(), target, body)).status).toBe(201);
      const typo = { ...body, colour: 'blue' };
      expect(validate(typo)).toBe(false);
      const refused = await call(method.toUpperCase(), target, typo);
      expect({ path, status: refused.status, names: ((refused.body as Json).invalidParams as { name: string }[]).map((p) => p.name) }).toEqual({ path, status: 400, names: ['colour'] });
    }
  });

  it('matches real problems: 401, 400 with invalidParams, 404, 409', async () => {
    const bad = await call('POST', '/api/v1/clusters', { name: 'Not_A_Name', server: 'ftp://x' });
    const missing = await call('GET', '/api/v1/clusters/doc-none');
    const conflict = await fetch(`${url}/api/v1/clusters/doc-c1`, { method: 'PATCH', headers: { ...(await authHeader('admin')), 'content-type': 'application/json', 'if-match': '"999"' }, body: '{"cordoned":true}' });
    const anonymous = await fetch(`${url}/api/v1/clusters`);
    const problems: [string, string, number, unknown][] = [
      ['/api/v1/clusters', 'get', 401, await anonymous.json()],
      ['/api/v1/clusters', 'post', 400, bad.body],
      ['/api/v1/clusters/{name}', 'get', 404, missing.body],
      ['/api/v1/clusters/{name}', 'patch', 409, await conflict.json()],
    ];
    expect([bad.status, missing.status, conflict.status]).toEqual([400, 404, 409]);
    for (const [path, method, status, body] of problems) {
      const schema = document.paths[path]?.[method]?.responses[String(status)]?.content?.['application/problem+json']?.schema;
      const validate = ajv.compile(inline(schema, document) as Json);
      expect({ path, status, ok: validate(body), errors: ajv.errorsText(validate.errors) }).toEqual({ path, status, ok: true, errors: 'No errors' });
    }
  });

  it('serves the docs page with every script and stylesheet from the hub itself, without a token', async () => {
    for (const page of ['/api/docs', '/api/docs/']) {
      const response = await fetch(`${url}${page}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
      const html = await response.text();
      const assets = [...html.matchAll(/<(?:script|link)\b[^>]*?\b(?:src|href)=["']([^"']+)["']/g)].map((m) => m[1]!);
      expect(assets.filter((a) => a.endsWith('.js')).length).toBeGreaterThanOrEqual(3);
      expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
      for (const asset of assets) {
        const target = new URL(asset, `${url}${page}`);
        expect(target.origin).toBe(new URL(url).origin);
        const loaded = await fetch(target);
        expect({ asset: target.pathname, status: loaded.status }).toEqual({ asset: target.pathname, status: 200 });
        await loaded.arrayBuffer();
      }
    }
    const init = await (await fetch(`${url}/api/docs/swagger-ui-init.js`)).text();
    expect(init).toMatch(/"openapi":\s*"3\.0/);
  });
});

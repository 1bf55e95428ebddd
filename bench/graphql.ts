// Measures a GraphQL list of workloads with their clusters against the REST reads that give the
// same picture: `GET /api/v1/workloads` alone (per-cluster status, no cluster records), and that
// plus `GET /api/v1/clusters`. In process, against the machine's Redis and a real OpenID
// Provider started by the bench; WORKLOADS workloads placed on three clusters (placements
// written to the store: the clusters are not reachable, and the bench is about reads);
// sequential requests over one keep-alive connection, the kinds interleaved.
//   npm run bench:graphql [-- REQUESTS_PER_KIND [WORKLOADS]]
// Prints a markdown table (p50, p99); docs/graphql.md's numbers come from it.
import { cpus, totalmem } from 'node:os';
import { Redis } from 'ioredis';
import { CA_PEM } from '../libs/clusters/src/test-pki.fixture.ts';
import { hubTestConfig } from '../test/integration/support/hub-config.ts';
import { deleteKeysWithPrefix } from '../test/integration/support/test-prefix.ts';
import { startTestIdp } from '../test/oidc/test-idp.ts';
import { testToken } from '../test/oidc/test-tokens.ts';
import { buildHub, quantile, sampleInterleaved } from './support.ts';

const [perKind = 1000, workloads = 50] = process.argv.slice(2).map(Number);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `bench-graphql-${process.pid}`;

process.stderr.write('building the hub (tsc)\n');
const dist = buildHub();
const { createHub } = (await import(dist('apps/hub/src/create-hub.js'))) as typeof import('../apps/hub/src/create-hub.ts');
const { Store } = (await import(dist('libs/store/src/index.js'))) as typeof import('../libs/store/src/index.ts');

const idp = await startTestIdp();
const config = hubTestConfig({ REDIS_URL: redisUrl, LOG_LEVEL: 'error', FLOTILLA_KEY_PREFIX: prefix, FLOTILLA_OIDC_ISSUER: idp.issuer, FLOTILLA_RESYNC_PERIOD_MS: '86400000' });
const redis = new Redis(redisUrl);
// Another replica holds the prober and failover leases: this hub only serves the API.
for (const name of ['prober', 'failover']) await redis.set(`${prefix}:lease:${name}`, JSON.stringify({ holder: 'another-replica', token: 1 }), 'PX', 3_600_000);
const hub = await createHub(config, { logDestination: { write: () => undefined } });

try {
  const url = await hub.listen();
  const admin = { authorization: `Bearer ${await testToken('admin', idp.issuer)}`, 'content-type': 'application/json' };
  const viewer = { authorization: `Bearer ${await testToken('viewer', idp.issuer)}`, 'content-type': 'application/json' };
  const post = async (path: string, body: unknown): Promise<void> => {
    const response = await fetch(`${url}${path}`, { method: 'POST', headers: admin, body: JSON.stringify(body) });
    if (response.status !== 201) throw new Error(`POST ${path}: HTTP ${response.status} ${await response.text()}`);
  };
  const clusters = ['bench-a', 'bench-b', 'bench-c'];
  for (const [i, name] of clusters.entries()) await post('/api/v1/clusters', { name, zone: String.fromCharCode(97 + i), server: 'https://10.255.255.1:6443', caBundle: CA_PEM, credentials: { type: 'token', token: 'not-a-real-token-0123' } });
  for (let i = 0; i < workloads; i += 1) {
    await post('/api/v1/workloads', { name: `w${i}`, namespace: 'bench', tenant: 'team-a', manifests: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { i: String(i) } }] });
  }
  const store = hub.app.get(Store);
  for (let i = 0; i < workloads; i += 1) {
    const key = { kind: 'placement', id: `bench.w${i}` };
    let stored = await store.find<{ decision: Record<string, unknown> }>(key);
    for (let wait = 0; stored === undefined && wait < 200; wait += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      stored = await store.find(key);
    }
    if (stored === undefined) throw new Error(`no placement of bench/w${i}`);
    await store.put(key, { ...stored.data, decision: { ...stored.data.decision, clusters: clusters.map((name) => ({ name, replicas: 1 })), diagnosis: {}, summary: '3/3 clusters fit' } }, stored.version);
  }

  const query = `{ workloads(first: ${workloads}) { namespace name status { phase summary } clusters { name desiredReplicas readyReplicas cluster { name zone ready { status } } } } }`;
  const get = async (path: string): Promise<void> => {
    const response = await fetch(`${url}${path}`, { headers: viewer });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`GET ${path}: HTTP ${response.status}`);
  };
  const kinds: { name: string; run: () => Promise<void> }[] = [
    { name: 'REST `GET /api/v1/workloads`', run: () => get('/api/v1/workloads') },
    { name: 'REST workloads, then `GET /api/v1/clusters`', run: async () => { await get('/api/v1/workloads'); await get('/api/v1/clusters'); } },
    {
      name: 'GraphQL workloads with their clusters (`POST /graphql`)',
      run: async () => {
        const response = await fetch(`${url}/graphql`, { method: 'POST', headers: viewer, body: JSON.stringify({ query }) });
        const body = (await response.json()) as { errors?: unknown; data?: { workloads: unknown[] } };
        if (response.status !== 200 || body.errors !== undefined || body.data?.workloads.length !== workloads) throw new Error(`GraphQL: HTTP ${response.status} ${JSON.stringify(body).slice(0, 300)}`);
      },
    },
  ];
  const samples = await sampleInterleaved(kinds.map((kind) => kind.run), 100, perKind);

  const lines = [
    `${workloads} workloads on 3 clusters, ${perKind} sequential requests per kind (interleaved), viewer token, on ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}:`,
    '',
    '| request | p50 | p99 |',
    '|---|---|---|',
    ...kinds.map((kind, i) => `| ${kind.name} | ${quantile(samples[i]!, 0.5).toFixed(2)} ms | ${quantile(samples[i]!, 0.99).toFixed(2)} ms |`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await hub.close();
  await idp.close();
  await deleteKeysWithPrefix(redis, prefix);
  redis.disconnect();
}

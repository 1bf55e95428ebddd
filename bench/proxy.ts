// What the member proxy adds to a request: `GET /version` of a real member cluster, straight to
// its API server with its own token and through the hub as a bearer caller, interleaved.
//
//   npm run bench:proxy [requests per kind, default 2000]
//
// The hub runs in this process (built with tsc), with a real OpenID Provider, Redis and one
// member cluster of the local fleet. Through the hub each request also verifies the caller's
// token, reads the cluster's registration and writes an audit record (reads through the proxy
// are audited).
import { cpus, totalmem } from 'node:os';
import { Redis } from 'ioredis';
import { Agent } from 'undici';
import { hubTestConfig } from '../test/integration/support/hub-config.ts';
import { deleteKeysWithPrefix } from '../test/integration/support/test-prefix.ts';
import { Fleet } from '../test/fleet/fleet.ts';
import { startTestIdp } from '../test/oidc/test-idp.ts';
import { testToken } from '../test/oidc/test-tokens.ts';
import { buildHub, quantile, sampleInterleaved } from './support.ts';

const [perKind = 2000] = process.argv.slice(2).map(Number);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `bench-proxy-${process.pid}`;

process.stderr.write('building the hub (tsc)\n');
const dist = buildHub();
const { createHub } = (await import(dist('apps/hub/src/create-hub.js'))) as typeof import('../apps/hub/src/create-hub.ts');

const idp = await startTestIdp();
const config = hubTestConfig({ REDIS_URL: redisUrl, LOG_LEVEL: 'error', FLOTILLA_KEY_PREFIX: prefix, FLOTILLA_OIDC_ISSUER: idp.issuer });
const hub = await createHub(config, { logDestination: { write: () => undefined } });
const fleet = await Fleet.start();
const redis = new Redis(redisUrl);

try {
  process.stderr.write('starting a member cluster\n');
  const member = await fleet.addCluster({ name: 'bench-proxy', zone: 'a' });
  const url = await hub.listen();
  const admin = await testToken('admin', idp.issuer);
  const registered = await fetch(`${url}/api/v1/clusters`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
    body: JSON.stringify({ name: member.name, server: member.server, caBundle: member.caPem, credentials: { type: 'token', token: member.token }, zone: 'a' }),
  });
  if (registered.status !== 201) throw new Error(`registering the member: HTTP ${registered.status}`);
  const memberAgent = new Agent({ connect: { ca: member.caPem } });
  const kinds = [
    { name: 'straight to the member (its own token)', url: `${member.server}/version`, headers: { authorization: `Bearer ${member.token}` }, dispatcher: memberAgent },
    { name: 'through the hub (bearer caller, impersonated)', url: `${url}/api/v1/clusters/${member.name}/proxy/version`, headers: { authorization: `Bearer ${admin}` }, dispatcher: undefined },
  ];
  const get = (kind: (typeof kinds)[number]) => async (): Promise<void> => {
    const response = await fetch(kind.url, { headers: kind.headers, dispatcher: kind.dispatcher });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${kind.name}: HTTP ${response.status}`);
  };
  // Warm-up: JWKS, connection pools, JIT.
  const samples = await sampleInterleaved(kinds.map(get), 200, perKind);

  const base = quantile(samples[0]!, 0.5);
  const lines = [
    `Member proxy, GET /version, ${perKind} sequential requests per kind (interleaved) on ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}:`,
    '',
    '| request | p50 | p99 | p50 added by the hub |',
    '|---|---|---|---|',
    ...kinds.map((kind, i) => {
      const p50 = quantile(samples[i]!, 0.5);
      return `| ${kind.name} | ${p50.toFixed(2)} ms | ${quantile(samples[i]!, 0.99).toFixed(2)} ms | ${i === 0 ? '' : `+${(p50 - base).toFixed(2)} ms`} |`;
    }),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  await memberAgent.close();
} finally {
  await hub.close();
  await fleet.stop();
  await idp.close();
  await deleteKeysWithPrefix(redis, prefix);
  redis.disconnect();
}

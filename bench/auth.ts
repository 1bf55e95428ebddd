// Measures what identity costs per request: the same cheap route answered without
// authentication (`GET /livez`), with a bearer token (`GET /auth/me`: signature verified against
// the provider's cached JWKS, claims mapped) and with a browser session (`GET /auth/me` with the
// session cookie: one Redis read and one expiry update). In process, against the machine's Redis
// and a real OpenID Provider started by the bench; sequential requests over one keep-alive
// connection, the three kinds interleaved so that they share the machine's load.
//   npm run bench:auth [-- REQUESTS_PER_KIND]
// Prints a markdown table (p50, p99, per-request overhead against /livez); docs/identity.md's
// numbers come from it.
import { cpus, totalmem } from 'node:os';
import { Redis } from 'ioredis';
import { hubTestConfig } from '../test/integration/support/hub-config.ts';
import { deleteKeysWithPrefix } from '../test/integration/support/test-prefix.ts';
import { Browser, logIn } from '../test/oidc/browser.ts';
import { startTestIdp } from '../test/oidc/test-idp.ts';
import { testToken } from '../test/oidc/test-tokens.ts';
import { buildHub, quantile, sampleInterleaved } from './support.ts';

const [perKind = 3000] = process.argv.slice(2).map(Number);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `bench-auth-${process.pid}`;

process.stderr.write('building the hub (tsc)\n');
const dist = buildHub();
const { createHub } = (await import(dist('apps/hub/src/create-hub.js'))) as typeof import('../apps/hub/src/create-hub.ts');
const { freePort } = await import('../test/integration/support/free-port.ts');

const port = await freePort();
const publicUrl = `http://127.0.0.1:${port}`;
const idp = await startTestIdp({ hubRedirectUris: [`${publicUrl}/auth/callback`] });
const config = {
  ...hubTestConfig({
    REDIS_URL: redisUrl,
    LOG_LEVEL: 'error',
    FLOTILLA_KEY_PREFIX: prefix,
    FLOTILLA_OIDC_ISSUER: idp.issuer,
    FLOTILLA_OIDC_CLIENT_ID: idp.hubClient.clientId,
    FLOTILLA_OIDC_CLIENT_SECRET: idp.hubClient.clientSecret,
    FLOTILLA_PUBLIC_URL: publicUrl,
  }),
  port,
};
const hub = await createHub(config, { logDestination: { write: () => undefined } });
const redis = new Redis(redisUrl);

try {
  const url = await hub.listen();
  const token = await testToken('viewer', idp.issuer);
  const browser = new Browser();
  await logIn(browser, url, 'vera', 'vera-demo');
  const session = browser.cookies.get(url, 'flotilla_session');
  if (session === undefined) throw new Error('the login gave no session cookie');
  const cookie = `flotilla_session=${session}`;
  const kinds = [
    { name: 'no authentication (`GET /livez`)', path: '/livez', headers: {} },
    { name: 'bearer token (`GET /auth/me`)', path: '/auth/me', headers: { authorization: `Bearer ${token}` } },
    { name: 'session cookie (`GET /auth/me`)', path: '/auth/me', headers: { cookie } },
  ];
  const get = (kind: (typeof kinds)[number]) => async (): Promise<void> => {
    const response = await fetch(`${url}${kind.path}`, { headers: kind.headers });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${kind.name}: HTTP ${response.status}`);
  };
  // Warm-up: discovery, JWKS, connections, JIT.
  const samples = await sampleInterleaved(kinds.map(get), 200, perKind);

  const base = quantile(samples[0]!, 0.5);
  const lines = [
    `Auth overhead, ${perKind} sequential requests per kind (interleaved) on ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}:`,
    '',
    '| request | p50 | p99 | p50 over no authentication |',
    '|---|---|---|---|',
    ...kinds.map((kind, i) => {
      const p50 = quantile(samples[i]!, 0.5);
      return `| ${kind.name} | ${p50.toFixed(3)} ms | ${quantile(samples[i]!, 0.99).toFixed(3)} ms | ${i === 0 ? '' : `+${(p50 - base).toFixed(3)} ms (${(p50 / base).toFixed(2)}×)`} |`;
    }),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await hub.close();
  await idp.close();
  await deleteKeysWithPrefix(redis, prefix);
  redis.disconnect();
}

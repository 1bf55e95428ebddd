// `npm run demo`: everything a newcomer needs to see Flotilla run on one machine.
//  1. Redis: uses the one at REDIS_URL (default 127.0.0.1:6379) or starts redis-server with
//     append-only persistence when none answers.
//  2. A local fleet of three real member clusters in zones a, b and c (the first run builds the
//     Kubernetes binaries from Go modules and caches them: that takes a while, progress shows).
//  3. A demo OpenID Provider (the tests' oidc-provider) with one user per role, printed below.
//  4. The hub, built and started against that Redis and that provider, with a key ring kept in
//     .demo/encryption-key; the three clusters are then registered in it through
//     POST /api/v1/clusters with an admin token.
// Prints the URLs and kubeconfig paths, and stops everything it started on Ctrl-C.
import { execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { Fleet } from '../test/fleet/fleet.ts';
import type { MemberCluster } from '../test/fleet/member-cluster.ts';
import { freePort } from '../test/fleet/ports.ts';
import { spawnManaged, terminate, waitFor } from '../test/fleet/process.ts';
import { HUB_AUDIENCE, IDP_USERS, MACHINE_CLIENT, startTestIdp, type TestIdp } from '../test/oidc/test-idp.ts';
import { testToken } from '../test/oidc/test-tokens.ts';

const root = resolve(import.meta.dirname, '..');
const stateDir = join(root, '.demo');
const redisUrl = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const started: { name: string; stop: () => Promise<void> }[] = [];
const say = (line: string): void => void process.stdout.write(`flotilla demo: ${line}\n`);

function redisAnswers(host: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host, port, timeout: 1_000 });
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      done(data.toString().startsWith('+PONG'));
    });
    socket.once('timeout', () => (socket.destroy(), done(false)));
    socket.once('error', () => done(false));
  });
}

async function ensureRedis(): Promise<void> {
  const host = redisUrl.hostname;
  const port = Number(redisUrl.port || '6379');
  if (await redisAnswers(host, port)) {
    say(`using the Redis at ${host}:${port}`);
    return;
  }
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error(`no Redis answers at ${host}:${port} and redis-server is not installed (apt-get install redis-server, or set REDIS_URL)`);
  }
  const dir = join(stateDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const child = spawnManaged('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--appendonly', 'yes', '--dir', dir], join(dir, 'redis.log'));
  await waitFor('redis-server', 10_000, () => redisAnswers('127.0.0.1', port), child, join(dir, 'redis.log'));
  started.push({ name: 'redis', stop: () => terminate(child) });
  say(`started redis-server on 127.0.0.1:${port} with append-only persistence (data in ${dir})`);
}

/** The demo's key ring: made once, kept in .demo/ (mode 600) so a restarted demo can read its secrets. */
function demoEncryptionKeys(): string {
  const file = join(stateDir, 'encryption-key');
  if (!existsSync(file)) writeFileSync(file, `demo:${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

/** The demo's OpenID Provider, preferring port 8180; the hub at `hubUrl` is its login client. */
async function startIdp(hubUrl: string): Promise<TestIdp> {
  const idp = await startTestIdp({ port: await freePortPreferring(8180), hubRedirectUris: [`${hubUrl}/auth/callback`] });
  started.push({ name: 'identity provider', stop: () => idp.close() });
  say(`started the demo OpenID Provider at ${idp.issuer}`);
  return idp;
}

async function startHub(port: number, idp: TestIdp): Promise<{ child: ChildProcess; url: string; log: string }> {
  say('building the hub (tsc)...');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  say('building the console (vite)...');
  execFileSync('npm', ['run', '--silent', 'build:console', '--', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  const log = join(stateDir, 'hub.log');
  const child = spawnManaged(process.execPath, [join(root, 'dist/apps/hub/src/main.js')], log, {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    REDIS_URL: redisUrl.toString(),
    FLOTILLA_KEY_PREFIX: process.env.FLOTILLA_KEY_PREFIX ?? 'flotilla-demo',
    FLOTILLA_ENCRYPTION_KEYS: process.env.FLOTILLA_ENCRYPTION_KEYS ?? demoEncryptionKeys(),
    FLOTILLA_OIDC_ISSUER: idp.issuer,
    FLOTILLA_OIDC_AUDIENCE: HUB_AUDIENCE,
    FLOTILLA_OIDC_CLIENT_ID: idp.hubClient.clientId,
    FLOTILLA_OIDC_CLIENT_SECRET: idp.hubClient.clientSecret,
    FLOTILLA_PUBLIC_URL: `http://127.0.0.1:${port}`,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor('hub /readyz', 60_000, async () => (await fetch(`${url}/readyz`)).ok, child, log);
  started.push({ name: 'hub', stop: () => terminate(child) });
  return { child, url, log };
}

async function freePortPreferring(port: number): Promise<number> {
  const busy = await new Promise<boolean>((done) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), done(true)));
    socket.once('error', () => done(false));
  });
  return busy ? freePort() : port;
}

/**
 * Registers a member cluster in the hub through the API, as an operator would. A registration
 * of the same name left by an earlier demo run (same Redis) points at ports and keys that no
 * longer exist: it is replaced (deregistered without purge, then registered again).
 */
async function registerCluster(hubUrl: string, cluster: MemberCluster, token: string): Promise<string> {
  const body = JSON.stringify({
    name: cluster.name,
    server: cluster.server,
    caBundle: cluster.caPem,
    credentials: { type: 'token', token: cluster.token },
    zone: cluster.zone,
    region: cluster.region,
  });
  const authorization = `Bearer ${token}`;
  const register = (): Promise<Response> => fetch(`${hubUrl}/api/v1/clusters`, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body });
  let response = await register();
  if (response.status === 409) {
    await fetch(`${hubUrl}/api/v1/clusters/${cluster.name}`, { method: 'DELETE', headers: { authorization } });
    response = await register();
  }
  if (response.status !== 201) throw new Error(`could not register ${cluster.name}: HTTP ${response.status} ${await response.text()}`);
  say(`registered ${cluster.name} in the hub (zone ${cluster.zone})`);
  return cluster.name;
}

/** Waits until the hub has probed every registered cluster Ready, so the sample workload is placed at once. */
async function waitForReadyClusters(hubUrl: string, names: readonly string[], token: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const response = await fetch(`${hubUrl}/api/v1/clusters`, { headers: { authorization: `Bearer ${token}` } });
    const { items } = (await response.json()) as { items: { name: string; status?: { conditions?: { type: string; status: string }[] } }[] };
    const ready = items.filter((c) => names.includes(c.name) && c.status?.conditions?.some((k) => k.type === 'Ready' && k.status === 'True'));
    if (ready.length === names.length) return;
    if (Date.now() > deadline) throw new Error(`the hub did not see ${names.join(', ')} Ready within 60 s (see ${join(stateDir, 'hub.log')})`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** A sample workload for the demo: 6 replicas divided by free capacity over the three zones, zone c on another image. */
const DEMO_WORKLOAD = `apiVersion: flotilla.dev/v1
kind: Workload
metadata: { name: web, namespace: demo, labels: { app: web } }
spec:
  tenant: team-a
  priority: high
  placement:
    replicaScheduling: { type: Divided, divisionPreference: AvailableCapacity }
    spread: [ { by: zone, min: 3 } ]
  overrides:
    - target: { zones: [c] }
      images: [ { container: web, image: 'nginx:1.28' } ]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 6
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - { name: web, image: 'nginx:1.27', resources: { requests: { cpu: 100m, memory: 64Mi } } }
---
apiVersion: v1
kind: Service
metadata: { name: web }
spec: { selector: { app: web }, ports: [ { port: 80 } ] }
`;

/** Hands the hub the sample workload (kept from an earlier run with the same Redis when it exists). */
async function createDemoWorkload(hubUrl: string, token: string): Promise<string> {
  const file = join(stateDir, 'web.workload.yaml');
  writeFileSync(file, DEMO_WORKLOAD);
  const response = await fetch(`${hubUrl}/api/v1/workloads`, { method: 'POST', headers: { 'content-type': 'application/yaml', authorization: `Bearer ${token}` }, body: DEMO_WORKLOAD });
  if (response.status !== 201 && response.status !== 409) throw new Error(`could not create the demo workload: HTTP ${response.status} ${await response.text()}`);
  say('created the workload demo/web (6 replicas over zones a, b, c)');
  return file;
}

let stopping = false;

async function stopAll(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  say('stopping...');
  for (const part of started.reverse()) {
    await part.stop().catch((error: unknown) => say(`could not stop ${part.name}: ${String(error)}`));
  }
  process.exit(code);
}

async function main(): Promise<void> {
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));
  mkdirSync(stateDir, { recursive: true });
  await ensureRedis();

  say('starting a local fleet of three member clusters (zones a, b, c); the first run builds the Kubernetes binaries');
  // The fleet is new on every run: a run that was killed may have left its data behind.
  const fleetDir = join(stateDir, 'fleet');
  rmSync(fleetDir, { recursive: true, force: true });
  const fleet = await Fleet.start({ dir: fleetDir, removeOnStop: true });
  started.push({ name: 'fleet', stop: () => fleet.stop() });
  const lines: string[] = [];
  const members: MemberCluster[] = [];
  for (const zone of ['a', 'b', 'c']) {
    const t0 = Date.now();
    const cluster = await fleet.addCluster({ name: `member-${zone}`, zone, nodes: 3 });
    members.push(cluster);
    const file = join(stateDir, `${cluster.name}.kubeconfig`);
    writeFileSync(file, cluster.kubeconfig('token'), { mode: 0o600 });
    say(`${cluster.name} (zone ${zone}) ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    lines.push(`  ${cluster.name.padEnd(10)} zone ${zone}  ${cluster.server}  kubeconfig: ${file}`);
  }

  const port = process.env.PORT ? Number(process.env.PORT) : await freePortPreferring(8080);
  const idp = await startIdp(`http://127.0.0.1:${port}`);
  const hub = await startHub(port, idp);
  hub.child.once('exit', (code) => {
    say(`the hub exited (${code ?? 'signal'})`);
    void stopAll(1);
  });
  const registered: string[] = [];
  const admin = await testToken('admin', idp.issuer);
  for (const cluster of members) registered.push(await registerCluster(hub.url, cluster, admin));
  await waitForReadyClusters(hub.url, registered, admin);
  say('the hub sees all three clusters Ready');
  const workloadFile = await createDemoWorkload(hub.url, admin);
  const tokenCommand = `TOKEN=$(curl -s -u ${MACHINE_CLIENT.clientId}:${MACHINE_CLIENT.clientSecret} -d grant_type=client_credentials -d resource=${HUB_AUDIENCE} ${idp.issuer}/token | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')`;

  process.stdout.write(
    [
      '',
      'Flotilla is running.',
      `  hub        ${hub.url}`,
      `  console    ${hub.url}/ (the operator console: log in there)`,
      `  liveness   ${hub.url}/livez`,
      `  readiness  ${hub.url}/readyz`,
      `  metrics    ${hub.url}/metrics`,
      `  API docs   ${hub.url}/api/docs (OpenAPI: ${hub.url}/api/openapi.json)`,
      `  hub log    ${hub.log} (JSON, one line per event)`,
      '',
      `Log in at ${hub.url}/auth/login (demo OpenID Provider ${idp.issuer}); users and passwords:`,
      ...IDP_USERS.map((u) => `  ${u.sub.padEnd(6)} ${u.password.padEnd(11)} ${u.groups.join(', ')}`),
      `  who am I   ${hub.url}/auth/me (after login)`,
      '',
      `API token for automation (client ${MACHINE_CLIENT.clientId}: operator of tenant team-a):`,
      `  ${tokenCommand}`,
      `  curl -s -H "Authorization: Bearer $TOKEN" ${hub.url}/api/v1/workloads`,
      '',
      'Member clusters (real kube-apiserver, controller-manager, scheduler and KWOK nodes):',
      ...lines,
      '',
      `Registered in the hub (token credentials, zone labels): ${registered.join(', ')}`,
      `  list them  curl -s -H "Authorization: Bearer $TOKEN" ${hub.url}/api/v1/clusters`,
      '',
      `Workload demo/web (${workloadFile}): 6 replicas divided by free capacity, zone c on nginx:1.28`,
      `  status     curl -s -H "Authorization: Bearer $TOKEN" ${hub.url}/api/v1/namespaces/demo/workloads/web`,
      `  on a member  KUBECONFIG=${join(stateDir, 'member-c.kubeconfig')} kubectl -n demo get deploy web`,
      '',
      'Press Ctrl-C to stop everything the demo started.',
      '',
    ].join('\n'),
  );
}

main().catch(async (error: unknown) => {
  process.stderr.write(`flotilla demo: ${error instanceof Error ? error.message : String(error)}\n`);
  await stopAll(1);
});

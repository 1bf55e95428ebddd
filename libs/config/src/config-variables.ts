import { z } from 'zod';
import { type KindRef, parseKindList } from '../../fleet-reads/src/kinds.ts';

/**
 * One environment variable the hub reads at boot.
 *
 * `schema` turns the raw string into the typed value; `expected` completes the sentence
 * "<NAME> must be ..." in the one-line error an operator sees when the value is wrong, so it
 * is written for people, not derived from the schema.
 */
export interface ConfigVariable<T> {
  /** Name of the environment variable. */
  readonly env: string;
  /** Raw value used when the variable is unset or empty; `undefined` makes it required. */
  readonly default: string | undefined;
  /** What a valid value looks like, e.g. "an integer between 1 and 65535". */
  readonly expected: string;
  /** What the variable does; rendered in docs/configuration.md. */
  readonly meaning: string;
  /** Parses a raw value. */
  readonly schema: z.ZodType<T, string>;
  /**
   * Turns a rejected raw value into text that is safe to print. Values that may hold
   * credentials (URLs with passwords, keys) must never reach stderr or logs verbatim.
   * @defaultValue the value, quoted
   */
  readonly display?: (raw: string) => string;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

/** pino's level names, most to least severe. */
export type LogLevel = (typeof LOG_LEVELS)[number];

function integerBetween(min: number, max: number): z.ZodType<number, string> {
  // Digits only: Number(" 8e3 ") and friends would be accepted by z.coerce.number().
  return z
    .string()
    .regex(/^\d{1,10}$/)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
}

/** A decimal number such as `0.5` in (min, max]. */
function fractionAbove(min: number, max: number): z.ZodType<number, string> {
  return z
    .string()
    .regex(/^(0|1)(\.\d{1,6})?$/)
    .transform(Number)
    .pipe(z.number().gt(min).lte(max));
}

const redisUrl: z.ZodType<string, string> = z.string().refine((raw) => {
  if (!URL.canParse(raw)) return false;
  const url = new URL(raw);
  return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== '';
});

/**
 * A URL as typed but with any password masked, so a REDIS_URL never leaks its secret into
 * stderr or logs. Works on the raw text because a rejected value may not parse as a URL.
 */
export function maskUrlPassword(raw: string): string {
  return raw.replace(/^([^:/?#]*:\/\/[^:@/?#]*):[^@/?#]*@/, '$1:***@');
}

/** A loopback host: 127.0.0.0/8, ::1 or localhost. */
function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** An https URL, or http on a loopback address (a local provider for development and tests); no query or fragment. */
const providerUrl: z.ZodType<string, string> = z.string().refine((raw) => {
  if (!URL.canParse(raw)) return false;
  const url = new URL(raw);
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') return false;
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
});

/** JWS algorithms a token may be signed with: asymmetric ones only, never `none` or a shared secret (HS*). */
export const TOKEN_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;

const tokenAlgorithms: z.ZodType<readonly string[], string> = z.string().transform((raw, ctx) => {
  const algorithms = raw.split(',').map((a) => a.trim());
  if (algorithms.some((a) => !(TOKEN_ALGORITHMS as readonly string[]).includes(a))) {
    ctx.addIssue({ code: 'custom', message: 'unknown algorithm' });
    return z.NEVER;
  }
  return [...new Set(algorithms)];
});

const kindList: z.ZodType<readonly KindRef[], string> = z.string().transform((raw, ctx) => {
  try {
    return parseKindList(raw);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

/** One name as found in a token's claims or groups. */
const claimName: z.ZodType<string, string> = z.string().regex(/^[A-Za-z0-9_:./-]{1,128}$/);

/** A prefix of impersonated names: never `system:`, which Kubernetes reserves for itself (system:masters is cluster-admin). */
const impersonationPrefix: z.ZodType<string, string> = z
  .string()
  .regex(/^[A-Za-z0-9_:./@-]{1,64}$/)
  .refine((raw) => !raw.toLowerCase().startsWith('system:'));

/** One AES-256 key of the ring that seals secrets at rest. */
export interface EncryptionKey {
  readonly id: string;
  readonly key: Buffer;
}

/**
 * `id:base64[,id:base64...]`: ids of 1-32 lower-case letters, digits or dashes, each key 32
 * bytes. The first key seals new secrets; the others only open secrets they sealed before.
 */
const encryptionKeys: z.ZodType<readonly EncryptionKey[], string> = z.string().transform((raw, ctx) => {
  const keys: EncryptionKey[] = [];
  for (const entry of raw.split(',')) {
    const match = /^([a-z0-9-]{1,32}):([A-Za-z0-9+/]{43}=)$/.exec(entry.trim());
    const key = match?.[2] ? Buffer.from(match[2], 'base64') : undefined;
    if (!match?.[1] || key?.length !== 32 || keys.some((k) => k.id === match[1])) {
      ctx.addIssue({ code: 'custom', message: 'bad key' });
      return z.NEVER;
    }
    keys.push({ id: match[1], key });
  }
  return Object.freeze(keys);
});

/**
 * Every variable the hub reads, keyed by the name of the field it fills in {@link Config}.
 * Adding a variable here adds it to the typed config, to validation and (through the docs
 * test) to docs/configuration.md.
 */
export const configVariables = {
  port: {
    env: 'PORT',
    default: '8080',
    expected: 'an integer between 1 and 65535',
    meaning: 'TCP port the hub API, health endpoints and /metrics listen on.',
    schema: integerBetween(1, 65535),
  },
  host: {
    env: 'HOST',
    default: '0.0.0.0',
    expected: 'a host name or IP address to listen on',
    meaning: 'Address the HTTP server binds to. Use 127.0.0.1 to accept local connections only.',
    schema: z.string().regex(/^[A-Za-z0-9.:_-]{1,253}$/),
  },
  redisUrl: {
    env: 'REDIS_URL',
    default: 'redis://127.0.0.1:6379',
    expected: 'a redis:// or rediss:// URL with a host, e.g. redis://:password@redis:6379/0',
    meaning:
      'Redis holding desired state, leases and queues. rediss:// uses TLS. A password in the URL is never logged. Redis should run with appendonly yes; the hub warns at boot when it does not.',
    schema: redisUrl,
    display: (raw) => JSON.stringify(maskUrlPassword(raw)),
  },
  keyPrefix: {
    env: 'FLOTILLA_KEY_PREFIX',
    default: 'flotilla',
    expected: 'lower-case letters, digits and dashes (at most 64)',
    meaning:
      'Prefix of every Redis key the hub writes (<prefix>:<kind>:<id>). Hubs with different prefixes can share one Redis without seeing each other.',
    schema: z.string().regex(/^[a-z0-9-]{1,64}$/),
  },
  logLevel: {
    env: 'LOG_LEVEL',
    default: 'info',
    expected: `one of ${LOG_LEVELS.join(', ')}`,
    meaning: 'Least severe level written to the JSON log on stdout.',
    schema: z.enum(LOG_LEVELS),
  },
  shutdownTimeoutMs: {
    env: 'SHUTDOWN_TIMEOUT_MS',
    default: '25000',
    expected: 'an integer number of milliseconds between 0 and 600000',
    meaning:
      'On SIGTERM or SIGINT, how long running jobs get to finish before the hub stops them and exits. Keep it below the orchestrator’s grace period (Kubernetes: 30 s by default).',
    schema: integerBetween(0, 600_000),
  },
  encryptionKeys: {
    env: 'FLOTILLA_ENCRYPTION_KEYS',
    default: undefined,
    expected:
      'a comma-separated list of id:key pairs, each key 32 random bytes in base64 (e.g. k1:$(openssl rand -base64 32)), ids unique',
    meaning:
      'Key ring that encrypts secrets at rest (member cluster credentials) with AES-256-GCM. The first key seals new secrets; keys after it only open secrets sealed earlier, so a key is rotated by putting a new one first. Never logged.',
    schema: encryptionKeys,
    display: (raw) => `a value of ${raw.length} characters, not shown`,
  },
  allowInsecureHttp: {
    env: 'FLOTILLA_ALLOW_INSECURE_HTTP',
    default: 'false',
    expected: 'true or false',
    meaning:
      'Accept member clusters whose API server URL is plain http://, but only on a loopback address (127.0.0.0/8, ::1, localhost). For local development; https is required otherwise.',
    schema: z.enum(['true', 'false']).transform((raw) => raw === 'true'),
  },
  probePeriodMs: {
    env: 'FLOTILLA_PROBE_PERIOD_MS',
    default: '1000',
    expected: 'an integer number of milliseconds between 100 and 3600000',
    meaning:
      'Time between the starts of two health probes of one member cluster (each period varies by up to ±10% at random). See docs/health.md for how the probe settings add up to the detection time.',
    schema: integerBetween(100, 3_600_000),
  },
  probeTimeoutMs: {
    env: 'FLOTILLA_PROBE_TIMEOUT_MS',
    default: '1000',
    expected: 'an integer number of milliseconds between 100 and 600000',
    meaning: 'Bound of one probe of one cluster, all its requests included; a probe without an answer by then has failed with reason Timeout.',
    schema: integerBetween(100, 600_000),
  },
  probeFailureThreshold: {
    env: 'FLOTILLA_PROBE_FAILURE_THRESHOLD',
    default: '2',
    expected: 'an integer between 1 and 100',
    meaning: 'Consecutive failed probes that turn a Ready cluster not Ready (one lost probe never does with 2 or more).',
    schema: integerBetween(1, 100),
  },
  probeSuccessThreshold: {
    env: 'FLOTILLA_PROBE_SUCCESS_THRESHOLD',
    default: '2',
    expected: 'an integer between 1 and 100',
    meaning: 'Consecutive successful probes that turn a not Ready cluster Ready again.',
    schema: integerBetween(1, 100),
  },
  probeConcurrency: {
    env: 'FLOTILLA_PROBE_CONCURRENCY',
    default: '16',
    expected: 'an integer between 1 and 1000',
    meaning:
      'Probes in flight at most. Up to this many clusters minus one can hang at once without delaying the probes of the others.',
    schema: integerBetween(1, 1000),
  },
  probeInventoryEvery: {
    env: 'FLOTILLA_PROBE_INVENTORY_EVERY',
    default: '10',
    expected: 'an integer between 1 and 10000',
    meaning:
      'Every Nth probe of a cluster also reads its Kubernetes version, API groups, nodes and pods (capacity); the others only ask /readyz.',
    schema: integerBetween(1, 10_000),
  },
  probeConnectionReuse: {
    env: 'FLOTILLA_PROBE_CONNECTION_REUSE',
    default: '10',
    expected: 'an integer between 1 and 1000',
    meaning:
      'Probes of a cluster that share one pooled connection before it is replaced by a new one. 1 opens a new connection for every probe (about 3 ms more hub CPU per probe), so that what only new connections meet (a changed server certificate, connection loss) shows at once.',
    schema: integerBetween(1, 1000),
  },
  statusStaleAfterMs: {
    env: 'FLOTILLA_STATUS_STALE_AFTER_MS',
    default: '3000',
    expected: 'an integer number of milliseconds between 500 and 86400000',
    meaning:
      'A cluster status older than this reads Unknown (reason StatusStale) instead of its last value. Must exceed period × 1.1 + timeout, the longest gap between two results for a healthy cluster; the hub refuses to start otherwise.',
    schema: integerBetween(500, 86_400_000),
  },
  leaderLeaseMs: {
    env: 'FLOTILLA_LEADER_LEASE_MS',
    default: '3000',
    expected: 'an integer number of milliseconds between 1000 and 600000',
    meaning:
      'TTL of the Redis lease that makes one hub replica the prober. The holder renews it every third of this; when the holder dies another replica takes over within about 4/3 of it.',
    schema: integerBetween(1000, 600_000),
  },
  resyncPeriodMs: {
    env: 'FLOTILLA_RESYNC_PERIOD_MS',
    default: '15000',
    expected: 'an integer number of milliseconds between 500 and 86400000',
    meaning:
      'How often every placed workload is checked on every member it runs on: its status is read again, a hub-owned field changed by hand is put back (event DriftRepaired), and a workload that could be placed nowhere is placed again. Also the staleness bound of per-cluster workload status, times three.',
    schema: integerBetween(500, 86_400_000),
  },
  placementConcurrency: {
    env: 'FLOTILLA_PLACEMENT_CONCURRENCY',
    default: '8',
    expected: 'an integer between 1 and 1000',
    meaning: 'Placement jobs one hub replica runs at once.',
    schema: integerBetween(1, 1000),
  },
  applyConcurrency: {
    env: 'FLOTILLA_APPLY_CONCURRENCY',
    default: '32',
    expected: 'an integer between 1 and 1000',
    meaning: 'Apply, sync and cleanup jobs one hub replica runs at once (they wait on member API servers, not on the CPU).',
    schema: integerBetween(1, 1000),
  },
  applyAttempts: {
    env: 'FLOTILLA_APPLY_ATTEMPTS',
    default: '8',
    expected: 'an integer between 1 and 100',
    meaning:
      'Tries of an apply job that fails for a transient reason (member unreachable, timeout, HTTP 429 or 5xx) before it is kept as failed; waits double from FLOTILLA_RETRY_BASE_MS with jitter. Permanent failures (invalid for the member, forbidden) are not retried.',
    schema: integerBetween(1, 100),
  },
  retryBaseMs: {
    env: 'FLOTILLA_RETRY_BASE_MS',
    default: '500',
    expected: 'an integer number of milliseconds between 10 and 600000',
    meaning: 'First wait before a failed job is tried again; it doubles with every try (with up to 50% jitter).',
    schema: integerBetween(10, 600_000),
  },
  cleanupRetryMaxMs: {
    env: 'FLOTILLA_CLEANUP_RETRY_MAX_MS',
    default: '30000',
    expected: 'an integer number of milliseconds between 100 and 3600000',
    meaning:
      'Longest wait between two tries to remove a deleted workload from a member that was unreachable (a "cleanup pending" mark). Such cleanups are retried until they succeed or the mark is dropped through the API, so a member that comes back is cleaned within about this long.',
    schema: integerBetween(100, 3_600_000),
  },
  memberRequestTimeoutMs: {
    env: 'FLOTILLA_MEMBER_REQUEST_TIMEOUT_MS',
    default: '10000',
    expected: 'an integer number of milliseconds between 100 and 600000',
    meaning: 'Bound of one request of an apply, sync or cleanup job to a member API server; a request without an answer by then fails as transient. For requests through the member proxy, the bound on connecting and on the answer\'s headers (its body may stream for as long as it lasts: watches).',
    schema: integerBetween(100, 600_000),
  },
  fleetCacheKinds: {
    env: 'FLOTILLA_FLEET_CACHE_KINDS',
    default: 'apps/v1/Deployment,apps/v1/StatefulSet,apps/v1/DaemonSet,v1/Service',
    expected: 'a comma-separated list of <apiVersion>/<Kind> (e.g. apps/v1/Deployment,v1/ConfigMap; v1/Secret is refused), or empty for none',
    meaning: 'Kinds every hub keeps a watch cache of, per member cluster, for cross-cluster reads (`GET /api/v1/fleet/objects`). Other kinds are read from the members live. `-` caches none.',
    schema: z.string().transform((raw) => (raw === '-' ? '' : raw)).pipe(kindList),
  },
  fleetCacheMemoryMb: {
    env: 'FLOTILLA_FLEET_CACHE_MEMORY_MB',
    default: '256',
    expected: 'an integer number of MiB between 1 and 65536',
    meaning: 'What the watch caches may hold together (estimated as the JSON size of the objects, managedFields left out). A cache that would pass it is stopped and its cluster and kind are read live.',
    schema: integerBetween(1, 65_536),
  },
  fleetReadTimeoutMs: {
    env: 'FLOTILLA_FLEET_READ_TIMEOUT_MS',
    default: '800',
    expected: 'an integer number of milliseconds between 50 and 60000',
    meaning: 'How long a cross-cluster read waits for each member it reads live. A member slower than that is left out of the answer with a `Timeout` error entry, so one slow cluster never holds up the others.',
    schema: integerBetween(50, 60_000),
  },
  failoverStabilizationMs: {
    env: 'FLOTILLA_FAILOVER_STABILIZATION_MS',
    default: '120000',
    expected: 'an integer number of milliseconds between 1000 and 86400000',
    meaning:
      'How long a cluster must stay Ready before it counts as healthy again for failover (failback, and the end of an outage), and how long the fleet must look clear before failover suspended by the partition guard resumes. A cluster that flaps (4 or more transitions in 10 minutes) needs five times as long. See docs/failover.md.',
    schema: integerBetween(1000, 86_400_000),
  },
  failoverFenceGraceMs: {
    env: 'FLOTILLA_FAILOVER_FENCE_GRACE_MS',
    default: '300000',
    expected: 'an integer number of milliseconds between 0 and 86400000',
    meaning:
      'How long a cluster must have been declared fenced (POST /api/v1/clusters/{name}/fence) before the old copy of a stateful workload on it counts as gone and its replacement may start elsewhere. Leave time for whatever fences the cluster (power off, storage cut) to take effect. See docs/failover.md.',
    schema: integerBetween(0, 86_400_000),
  },
  failoverEvictionBurst: {
    env: 'FLOTILLA_FAILOVER_EVICTION_BURST',
    default: '100',
    expected: 'an integer between 1 and 100000',
    meaning: 'Automatic failovers (a workload re-placed off a failed or drained cluster) that may start at once; the bucket refills by one every FLOTILLA_FAILOVER_EVICTION_INTERVAL_MS. With the defaults a zone of 100 workloads is failed over within seconds.',
    schema: integerBetween(1, 100_000),
  },
  failoverEvictionIntervalMs: {
    env: 'FLOTILLA_FAILOVER_EVICTION_INTERVAL_MS',
    default: '50',
    expected: 'an integer number of milliseconds between 1 and 3600000',
    meaning: 'One more failover may start every this long once the burst is spent (50: 20 per second).',
    schema: integerBetween(1, 3_600_000),
  },
  failoverMaxInFlight: {
    env: 'FLOTILLA_FAILOVER_MAX_IN_FLIGHT',
    default: '100',
    expected: 'an integer between 1 and 100000',
    meaning: 'Workloads whose failover is under way (replacement not Available yet, graceful timeout not passed) at most; more wait their turn, highest priority first.',
    schema: integerBetween(1, 100_000),
  },
  failoverFailbackBurst: {
    env: 'FLOTILLA_FAILOVER_FAILBACK_BURST',
    default: '10',
    expected: 'an integer between 1 and 100000',
    meaning: 'Failbacks (displaced replicas moved back to a recovered cluster) and restores of preempted replicas that may start at once; then one every FLOTILLA_FAILOVER_FAILBACK_INTERVAL_MS.',
    schema: integerBetween(1, 100_000),
  },
  failoverFailbackIntervalMs: {
    env: 'FLOTILLA_FAILOVER_FAILBACK_INTERVAL_MS',
    default: '1000',
    expected: 'an integer number of milliseconds between 1 and 3600000',
    meaning: 'One more failback or restore may start every this long once the burst is spent: the way back is gradual.',
    schema: integerBetween(1, 3_600_000),
  },
  failoverGuardLostFraction: {
    env: 'FLOTILLA_FAILOVER_GUARD_LOST_FRACTION',
    default: '0.5',
    expected: 'a decimal number above 0 and at most 1, such as 0.5',
    meaning: 'The partition guard suspends automatic failover when at least this share of the registered clusters (and at least two) went not Ready within a minute of each other: the hub, not the fleet, is then more likely cut off.',
    schema: fractionAbove(0, 1),
  },
  failoverGuardLostZones: {
    env: 'FLOTILLA_FAILOVER_GUARD_LOST_ZONES',
    default: '2',
    expected: 'an integer between 1 and 1000',
    meaning: 'The partition guard also suspends automatic failover when every cluster of at least this many zones went not Ready within a minute of each other.',
    schema: integerBetween(1, 1000),
  },
  auditKeepRecords: {
    env: 'FLOTILLA_AUDIT_KEEP_RECORDS',
    default: '1000000',
    expected: 'an integer between 1000 and 100000000',
    meaning: 'Retention of the audit trail: the newest this many records are kept, older ones dropped; verification then starts at the oldest kept record. Export (GET /api/v1/audit/export) before they go if you must keep more.',
    schema: integerBetween(1000, 100_000_000),
  },
  graphqlMaxDepth: {
    env: 'FLOTILLA_GRAPHQL_MAX_DEPTH',
    default: '15',
    expected: 'an integer between 2 and 50',
    meaning: 'The deepest selection a GraphQL operation may nest (mercurius queryDepth); deeper operations are refused before anything is read. 15 lets the standard introspection query of GraphiQL and code generators through; the cost limit bounds the work.',
    schema: integerBetween(2, 50),
  },
  graphqlMaxCost: {
    env: 'FLOTILLA_GRAPHQL_MAX_COST',
    default: '20000',
    expected: 'an integer between 10 and 10000000',
    meaning: 'The highest estimated cost of a GraphQL operation: every field costs 1, and what a list field selects counts once per item it may return (its `first` argument, else 100 for top-level lists and 10 for nested ones). Costlier operations are refused before anything is read.',
    schema: integerBetween(10, 10_000_000),
  },
  graphqlIde: {
    env: 'FLOTILLA_GRAPHQL_IDE',
    default: 'false',
    expected: 'true or false',
    meaning: '`true` serves the GraphiQL page at /graphiql (its own static files, public like the login page; the queries it sends need a session or token like any other).',
    schema: z.enum(['true', 'false']).transform((raw) => raw === 'true'),
  },
  oidcIssuer: {
    env: 'FLOTILLA_OIDC_ISSUER',
    default: undefined,
    expected: 'the issuer URL of the OpenID Provider (https://, or http:// on a loopback address), without query or fragment',
    meaning:
      'The OpenID Provider every caller must come from (Keycloak, Dex, Entra ID, Okta, ...). The hub reads its discovery document at <issuer>/.well-known/openid-configuration and verifies bearer tokens against its JWKS; browser login goes through it. Nothing but health, metrics and login is served without an identity from it.',
    schema: providerUrl,
  },
  oidcAudience: {
    env: 'FLOTILLA_OIDC_AUDIENCE',
    default: 'flotilla-hub',
    expected: 'a name or URI of 1 to 128 characters (letters, digits, _ : . / -)',
    meaning: 'The `aud` a bearer token must carry: tokens issued for another client or API are refused. With Keycloak this is an audience mapper\'s value, with Dex the client id.',
    schema: claimName,
  },
  oidcClientId: {
    env: 'FLOTILLA_OIDC_CLIENT_ID',
    default: 'flotilla-hub',
    expected: 'a client id of 1 to 128 characters (letters, digits, _ : . / -)',
    meaning: 'The hub\'s client id at the provider, for browser login (a confidential client with the authorization code flow).',
    schema: claimName,
  },
  oidcClientSecret: {
    env: 'FLOTILLA_OIDC_CLIENT_SECRET',
    default: '',
    expected: 'the client secret the provider gave the hub, or empty for a public client',
    meaning: 'The hub\'s client secret at the provider (client_secret_basic). Never logged or printed.',
    schema: z.string().max(4096),
    display: (raw) => `a value of ${raw.length} characters, not shown`,
  },
  oidcGroupsClaim: {
    env: 'FLOTILLA_OIDC_GROUPS_CLAIM',
    default: 'groups',
    expected: 'a claim name of 1 to 128 characters (letters, digits, _ : . / -)',
    meaning: 'The token claim holding the caller\'s groups (a list of strings), from which roles and tenants are read.',
    schema: claimName,
  },
  oidcGroupsPrefix: {
    env: 'FLOTILLA_OIDC_GROUPS_PREFIX',
    default: 'flotilla-',
    expected: 'a prefix of 1 to 128 characters (letters, digits, _ : . / -)',
    meaning: 'Groups `<prefix>admin`, `<prefix>operator` and `<prefix>viewer` give the roles; `<prefix>tenant-<name>` makes the caller a member of tenant `<name>`. Other groups give nothing.',
    schema: claimName,
  },
  oidcAlgorithms: {
    env: 'FLOTILLA_OIDC_ALGORITHMS',
    default: 'RS256,PS256,ES256,EdDSA',
    expected: `a comma-separated list of ${TOKEN_ALGORITHMS.join(', ')}`,
    meaning: 'The JWS algorithms a bearer token may be signed with. Only asymmetric algorithms can be allowed: `none` and the shared-secret HS* never are.',
    schema: tokenAlgorithms,
  },
  oidcClockToleranceS: {
    env: 'FLOTILLA_OIDC_CLOCK_TOLERANCE_S',
    default: '30',
    expected: 'an integer number of seconds between 0 and 300',
    meaning: 'Clock skew allowed between the hub and the provider when checking a token\'s `exp`, `nbf` and `iat`.',
    schema: integerBetween(0, 300),
  },
  publicUrl: {
    env: 'FLOTILLA_PUBLIC_URL',
    default: 'http://127.0.0.1:8080',
    expected: 'the URL people reach the hub at (https://, or http:// on a loopback address), without query or fragment',
    meaning:
      'Where browsers reach the hub: login sends them back to <url>/auth/callback and logout to <url>/, both of which must be registered at the provider for the hub\'s client. An https URL makes the session cookie Secure.',
    schema: providerUrl,
  },
  oidcScopes: {
    env: 'FLOTILLA_OIDC_SCOPES',
    default: 'openid email groups offline_access',
    expected: 'a space-separated list of scopes including openid',
    meaning: 'Scopes the browser login asks for. `groups` is what Dex needs for the groups claim; Keycloak maps groups through a client scope instead (drop `groups` there). `offline_access` asks for a refresh token.',
    schema: z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/).refine((raw) => raw.split(' ').includes('openid')),
  },
  sessionTtlS: {
    env: 'FLOTILLA_SESSION_TTL_S',
    default: '28800',
    expected: 'an integer number of seconds between 300 and 604800',
    meaning: 'Longest life of a browser session, refreshes included; then the user logs in again.',
    schema: integerBetween(300, 604_800),
  },
  sessionIdleS: {
    env: 'FLOTILLA_SESSION_IDLE_S',
    default: '3600',
    expected: 'an integer number of seconds between 60 and 604800',
    meaning: 'A browser session unused for this long ends.',
    schema: integerBetween(60, 604_800),
  },
  proxyUsernameClaim: {
    env: 'FLOTILLA_PROXY_USERNAME_CLAIM',
    default: 'sub',
    expected: 'sub or email',
    meaning: 'Which claim of the caller names the user the member proxy impersonates on a member cluster (`Impersonate-User`): the subject, or the email (callers without one are refused the proxy). Match the member\'s own `--oidc-username-claim` when it also trusts the provider, so that one RoleBinding serves both ways in.',
    schema: z.enum(['sub', 'email']),
  },
  proxyUsernamePrefix: {
    env: 'FLOTILLA_PROXY_USERNAME_PREFIX',
    default: 'oidc:',
    expected: 'a prefix of 1 to 64 characters (letters, digits, _ : . / @ -) not starting with system:',
    meaning: 'Put before the impersonated user name, so that a caller cannot pass for one of the member\'s own users or service accounts (`oidc:` makes subject `ada` the member user `oidc:ada`).',
    schema: impersonationPrefix,
  },
  proxyGroupsPrefix: {
    env: 'FLOTILLA_PROXY_GROUPS_PREFIX',
    default: 'oidc:',
    expected: 'a prefix of 1 to 64 characters (letters, digits, _ : . / @ -) not starting with system:',
    meaning: 'Put before each of the caller\'s groups impersonated on a member (`Impersonate-Group`): group `flotilla-operator` becomes `oidc:flotilla-operator`. Groups that would start with `system:` are never sent.',
    schema: impersonationPrefix,
  },
  metricsPublic: {
    env: 'FLOTILLA_METRICS_PUBLIC',
    default: 'true',
    expected: 'true or false',
    meaning: '`true` serves /metrics without a token, for a Prometheus scraping inside the cluster network; `false` requires a token of role viewer or more.',
    schema: z.enum(['true', 'false']).transform((raw) => raw === 'true'),
  },
} as const satisfies Record<string, ConfigVariable<unknown>>;

/** The fields of {@link Config}. */
export type ConfigKey = keyof typeof configVariables;

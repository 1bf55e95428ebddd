import { describe, expect, it } from '@jest/globals';
import { formatConfigIssue } from './config-issue.ts';
import { maskUrlPassword } from './config-variables.ts';
import { parseConfig } from './parse-config.ts';

const KEY = Buffer.alloc(32, 7).toString('base64');
const OLD_KEY = Buffer.alloc(32, 9).toString('base64');
/** The variables without a default. */
const REQUIRED = { FLOTILLA_ENCRYPTION_KEYS: `k1:${KEY}`, FLOTILLA_OIDC_ISSUER: 'https://login.example.com/realms/ops' };

describe('parseConfig', () => {
  it('gives the documented defaults for an empty environment, frozen', () => {
    const result = parseConfig(REQUIRED);
    expect(result).toEqual({
      ok: true,
      config: {
        port: 8080,
        host: '0.0.0.0',
        redisUrl: 'redis://127.0.0.1:6379',
        keyPrefix: 'flotilla',
        logLevel: 'info',
        shutdownTimeoutMs: 25000,
        encryptionKeys: [{ id: 'k1', key: Buffer.alloc(32, 7) }],
        allowInsecureHttp: false,
        probePeriodMs: 1000,
        probeTimeoutMs: 1000,
        probeFailureThreshold: 2,
        probeSuccessThreshold: 2,
        probeConcurrency: 16,
        probeInventoryEvery: 10,
        probeConnectionReuse: 10,
        statusStaleAfterMs: 3000,
        leaderLeaseMs: 3000,
        resyncPeriodMs: 15000,
        placementConcurrency: 8,
        applyConcurrency: 32,
        applyAttempts: 8,
        retryBaseMs: 500,
        cleanupRetryMaxMs: 30000,
        memberRequestTimeoutMs: 10000,
        fleetCacheKinds: [
          { apiVersion: 'apps/v1', kind: 'Deployment' },
          { apiVersion: 'apps/v1', kind: 'StatefulSet' },
          { apiVersion: 'apps/v1', kind: 'DaemonSet' },
          { apiVersion: 'v1', kind: 'Service' },
        ],
        fleetCacheMemoryMb: 256,
        fleetReadTimeoutMs: 800,
        failoverStabilizationMs: 120000,
        failoverFenceGraceMs: 300000,
        failoverEvictionBurst: 100,
        failoverEvictionIntervalMs: 50,
        failoverMaxInFlight: 100,
        failoverFailbackBurst: 10,
        failoverFailbackIntervalMs: 1000,
        failoverGuardLostFraction: 0.5,
        failoverGuardLostZones: 2,
        auditKeepRecords: 1000000,
        graphqlMaxDepth: 15,
        graphqlMaxCost: 20000,
        graphqlIde: false,
        oidcIssuer: 'https://login.example.com/realms/ops',
        oidcAudience: 'flotilla-hub',
        oidcClientId: 'flotilla-hub',
        oidcClientSecret: '',
        oidcGroupsClaim: 'groups',
        oidcGroupsPrefix: 'flotilla-',
        oidcAlgorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'],
        oidcClockToleranceS: 30,
        publicUrl: 'http://127.0.0.1:8080',
        oidcScopes: 'openid email groups offline_access',
        sessionTtlS: 28800,
        sessionIdleS: 3600,
        proxyUsernameClaim: 'sub',
        proxyUsernamePrefix: 'oidc:',
        proxyGroupsPrefix: 'oidc:',
        metricsPublic: true,
      },
    });
    expect(result.ok && Object.isFrozen(result.config)).toBe(true);
  });

  it.each([
    ['PORT', '1', { port: 1 }],
    ['PORT', '65535', { port: 65535 }],
    ['PORT', '', { port: 8080 }],
    ['HOST', '127.0.0.1', { host: '127.0.0.1' }],
    ['HOST', '::', { host: '::' }],
    ['REDIS_URL', 'rediss://:s3cret@redis.example:6380/2', { redisUrl: 'rediss://:s3cret@redis.example:6380/2' }],
    ['FLOTILLA_KEY_PREFIX', 'team-a-1', { keyPrefix: 'team-a-1' }],
    ['LOG_LEVEL', 'trace', { logLevel: 'trace' }],
    ['SHUTDOWN_TIMEOUT_MS', '0', { shutdownTimeoutMs: 0 }],
    ['FLOTILLA_ALLOW_INSECURE_HTTP', 'true', { allowInsecureHttp: true }],
    ['FLOTILLA_PROBE_PERIOD_MS', '250', { probePeriodMs: 250 }],
    ['FLOTILLA_PROBE_TIMEOUT_MS', '5000', { probeTimeoutMs: 5000 }],
    ['FLOTILLA_PROBE_FAILURE_THRESHOLD', '1', { probeFailureThreshold: 1 }],
    ['FLOTILLA_PROBE_SUCCESS_THRESHOLD', '3', { probeSuccessThreshold: 3 }],
    ['FLOTILLA_PROBE_CONCURRENCY', '64', { probeConcurrency: 64 }],
    ['FLOTILLA_PROBE_INVENTORY_EVERY', '1', { probeInventoryEvery: 1 }],
    ['FLOTILLA_PROBE_CONNECTION_REUSE', '1', { probeConnectionReuse: 1 }],
    ['FLOTILLA_STATUS_STALE_AFTER_MS', '10000', { statusStaleAfterMs: 10000 }],
    ['FLOTILLA_LEADER_LEASE_MS', '15000', { leaderLeaseMs: 15000 }],
    ['FLOTILLA_FAILOVER_GUARD_LOST_FRACTION', '0.34', { failoverGuardLostFraction: 0.34 }],
    ['FLOTILLA_FAILOVER_GUARD_LOST_FRACTION', '1', { failoverGuardLostFraction: 1 }],
    ['FLOTILLA_FAILOVER_EVICTION_INTERVAL_MS', '2000', { failoverEvictionIntervalMs: 2000 }],
    ['FLOTILLA_OIDC_ISSUER', 'http://127.0.0.1:5556/dex', { oidcIssuer: 'http://127.0.0.1:5556/dex' }],
    ['FLOTILLA_OIDC_ISSUER', 'http://localhost:8180/realms/flotilla', { oidcIssuer: 'http://localhost:8180/realms/flotilla' }],
    ['FLOTILLA_OIDC_ALGORITHMS', 'ES256, RS256,ES256', { oidcAlgorithms: ['ES256', 'RS256'] }],
    ['FLOTILLA_OIDC_SCOPES', 'openid email offline_access', { oidcScopes: 'openid email offline_access' }],
    ['FLOTILLA_PUBLIC_URL', 'https://fleet.example.com/flotilla', { publicUrl: 'https://fleet.example.com/flotilla' }],
    ['FLOTILLA_METRICS_PUBLIC', 'false', { metricsPublic: false }],
    [
      'FLOTILLA_ENCRYPTION_KEYS',
      `new:${KEY}, old-1:${OLD_KEY}`,
      { encryptionKeys: [{ id: 'new', key: Buffer.alloc(32, 7) }, { id: 'old-1', key: Buffer.alloc(32, 9) }] },
    ],
  ])('accepts %s=%j', (variable, value, expected) => {
    const result = parseConfig({ ...REQUIRED, [variable]: value });
    expect(result.ok).toBe(true);
    expect(result.ok && result.config).toMatchObject(expected);
  });

  it.each([
    ['PORT', 'abc', 'PORT must be an integer between 1 and 65535 (got "abc")'],
    ['PORT', '0', 'PORT must be an integer between 1 and 65535 (got "0")'],
    ['PORT', '65536', 'PORT must be an integer between 1 and 65535 (got "65536")'],
    ['PORT', '80.5', 'PORT must be an integer between 1 and 65535 (got "80.5")'],
    ['PORT', ' 8080', 'PORT must be an integer between 1 and 65535 (got " 8080")'],
    ['PORT', '8e3', 'PORT must be an integer between 1 and 65535 (got "8e3")'],
    ['HOST', 'a b', 'HOST must be a host name or IP address to listen on (got "a b")'],
    [
      'REDIS_URL',
      'http://127.0.0.1:6379',
      'REDIS_URL must be a redis:// or rediss:// URL with a host, e.g. redis://:password@redis:6379/0 (got "http://127.0.0.1:6379")',
    ],
    [
      'REDIS_URL',
      'localhost:6379',
      'REDIS_URL must be a redis:// or rediss:// URL with a host, e.g. redis://:password@redis:6379/0 (got "localhost:6379")',
    ],
    [
      'REDIS_URL',
      'http://user:hunter2@redis:6379',
      'REDIS_URL must be a redis:// or rediss:// URL with a host, e.g. redis://:password@redis:6379/0 (got "http://user:***@redis:6379")',
    ],
    [
      'FLOTILLA_KEY_PREFIX',
      'Flotilla:x',
      'FLOTILLA_KEY_PREFIX must be lower-case letters, digits and dashes (at most 64) (got "Flotilla:x")',
    ],
    [
      'LOG_LEVEL',
      'verbose',
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace (got "verbose")',
    ],
    [
      'SHUTDOWN_TIMEOUT_MS',
      '-1',
      'SHUTDOWN_TIMEOUT_MS must be an integer number of milliseconds between 0 and 600000 (got "-1")',
    ],
    [
      'SHUTDOWN_TIMEOUT_MS',
      '25s',
      'SHUTDOWN_TIMEOUT_MS must be an integer number of milliseconds between 0 and 600000 (got "25s")',
    ],
    ['FLOTILLA_ALLOW_INSECURE_HTTP', 'yes', 'FLOTILLA_ALLOW_INSECURE_HTTP must be true or false (got "yes")'],
    ['FLOTILLA_PROBE_PERIOD_MS', '50', 'FLOTILLA_PROBE_PERIOD_MS must be an integer number of milliseconds between 100 and 3600000 (got "50")'],
    ['FLOTILLA_PROBE_TIMEOUT_MS', '1s', 'FLOTILLA_PROBE_TIMEOUT_MS must be an integer number of milliseconds between 100 and 600000 (got "1s")'],
    ['FLOTILLA_PROBE_FAILURE_THRESHOLD', '0', 'FLOTILLA_PROBE_FAILURE_THRESHOLD must be an integer between 1 and 100 (got "0")'],
    ['FLOTILLA_PROBE_CONCURRENCY', '0', 'FLOTILLA_PROBE_CONCURRENCY must be an integer between 1 and 1000 (got "0")'],
    ['FLOTILLA_LEADER_LEASE_MS', '500', 'FLOTILLA_LEADER_LEASE_MS must be an integer number of milliseconds between 1000 and 600000 (got "500")'],
    ['FLOTILLA_FAILOVER_GUARD_LOST_FRACTION', '0', 'FLOTILLA_FAILOVER_GUARD_LOST_FRACTION must be a decimal number above 0 and at most 1, such as 0.5 (got "0")'],
    ['FLOTILLA_FAILOVER_GUARD_LOST_FRACTION', '1.5', 'FLOTILLA_FAILOVER_GUARD_LOST_FRACTION must be a decimal number above 0 and at most 1, such as 0.5 (got "1.5")'],
    ['FLOTILLA_FAILOVER_GUARD_LOST_FRACTION', '50%', 'FLOTILLA_FAILOVER_GUARD_LOST_FRACTION must be a decimal number above 0 and at most 1, such as 0.5 (got "50%")'],
    ['FLOTILLA_FAILOVER_EVICTION_BURST', '0', 'FLOTILLA_FAILOVER_EVICTION_BURST must be an integer between 1 and 100000 (got "0")'],
    ['FLOTILLA_OIDC_ISSUER', 'http://login.example.com', 'FLOTILLA_OIDC_ISSUER must be the issuer URL of the OpenID Provider (https://, or http:// on a loopback address), without query or fragment (got "http://login.example.com")'],
    ['FLOTILLA_OIDC_ISSUER', 'https://login.example.com/?realm=x', 'FLOTILLA_OIDC_ISSUER must be the issuer URL of the OpenID Provider (https://, or http:// on a loopback address), without query or fragment (got "https://login.example.com/?realm=x")'],
    ['FLOTILLA_OIDC_ALGORITHMS', 'RS256,HS256', 'FLOTILLA_OIDC_ALGORITHMS must be a comma-separated list of RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA (got "RS256,HS256")'],
    ['FLOTILLA_OIDC_ALGORITHMS', 'none', 'FLOTILLA_OIDC_ALGORITHMS must be a comma-separated list of RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA (got "none")'],
    ['FLOTILLA_OIDC_SCOPES', 'email groups', 'FLOTILLA_OIDC_SCOPES must be a space-separated list of scopes including openid (got "email groups")'],
    ['FLOTILLA_PROXY_GROUPS_PREFIX', 'system:', 'FLOTILLA_PROXY_GROUPS_PREFIX must be a prefix of 1 to 64 characters (letters, digits, _ : . / @ -) not starting with system: (got "system:")'],
    ['FLOTILLA_PROXY_USERNAME_CLAIM', 'name', 'FLOTILLA_PROXY_USERNAME_CLAIM must be sub or email (got "name")'],
    ['FLOTILLA_PUBLIC_URL', 'http://fleet.example.com', 'FLOTILLA_PUBLIC_URL must be the URL people reach the hub at (https://, or http:// on a loopback address), without query or fragment (got "http://fleet.example.com")'],
  ])('rejects %s=%j with one clear line', (variable, value, line) => {
    const result = parseConfig({ ...REQUIRED, [variable]: value });
    expect(result.ok).toBe(false);
    const lines = result.ok ? [] : result.issues.map(formatConfigIssue);
    expect(lines).toEqual([`flotilla: invalid configuration: ${line}`]);
  });

  it('reports every bad variable, one issue each', () => {
    const result = parseConfig({ ...REQUIRED, PORT: 'x', LOG_LEVEL: 'loud', HOST: '127.0.0.1' });
    expect(result.ok ? [] : result.issues.map((issue) => issue.variable)).toEqual(['PORT', 'LOG_LEVEL']);
  });

  it('never prints a password from a rejected REDIS_URL', () => {
    const result = parseConfig({ ...REQUIRED, REDIS_URL: 'redis://:hunter2@' });
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });

  it('requires an encryption key and an OpenID Provider, saying what they look like', () => {
    const result = parseConfig({});
    const lines = result.ok ? [] : result.issues.map(formatConfigIssue);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^flotilla: invalid configuration: FLOTILLA_ENCRYPTION_KEYS is required: .*openssl rand -base64 32/);
    expect(lines[1]).toMatch(/^flotilla: invalid configuration: FLOTILLA_OIDC_ISSUER is required: it must be the issuer URL of the OpenID Provider/);
  });

  it('never prints a client secret', () => {
    const result = parseConfig({ ...REQUIRED, FLOTILLA_OIDC_CLIENT_SECRET: 'x'.repeat(5000) });
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('x'.repeat(20));
  });

  it.each([
    ['a key of the wrong size', `k1:${Buffer.alloc(16).toString('base64')}`],
    ['no id', KEY],
    ['a duplicate id', `k1:${KEY},k1:${OLD_KEY}`],
    ['an id with capitals', `K1:${KEY}`],
    ['a trailing comma', `k1:${KEY},`],
  ])('rejects FLOTILLA_ENCRYPTION_KEYS with %s, never printing the key', (_, value) => {
    const result = parseConfig({ ...REQUIRED, FLOTILLA_ENCRYPTION_KEYS: value });
    const lines = result.ok ? [] : result.issues.map(formatConfigIssue);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('FLOTILLA_ENCRYPTION_KEYS must be a comma-separated list of id:key pairs');
    expect(lines[0]).not.toContain(KEY);
    expect(lines[0]).not.toContain(OLD_KEY.slice(0, 20));
  });

  it('shortens absurdly long values', () => {
    const result = parseConfig({ ...REQUIRED, HOST: 'x'.repeat(300) + ' ' });
    const message = result.ok ? '' : (result.issues[0]?.message ?? '');
    expect(message.length).toBeLessThan(200);
  });
});

describe('maskUrlPassword', () => {
  it.each([
    ['redis://:s3cret@redis:6379/0', 'redis://:***@redis:6379/0'],
    ['rediss://user:s3cret@redis:6380', 'rediss://user:***@redis:6380'],
    ['redis://redis:6379', 'redis://redis:6379'],
    ['redis://user@redis:6379', 'redis://user@redis:6379'],
  ])('shows %s as %s', (raw, shown) => {
    expect(maskUrlPassword(raw)).toBe(shown);
  });
});

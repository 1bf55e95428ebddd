import type { Config } from '../../../libs/config/src/index.ts';
import { parseConfig } from '../../../libs/config/src/index.ts';
import { HUB_AUDIENCE } from '../../oidc/test-idp.ts';
import { testOidcEnv } from '../../oidc/test-tokens.ts';
import { TEST_ENCRYPTION_KEYS } from './test-encryption-key.ts';

/**
 * A hub config for an in-process test: loopback, any free port, the given prefix, trusting the
 * run's test provider, or the provider `overrides` name in FLOTILLA_OIDC_ISSUER (a bench, which
 * runs outside jest, starts its own).
 */
export function hubTestConfig(overrides: Partial<Record<string, string>> & { FLOTILLA_KEY_PREFIX: string }): Config {
  const oidc = overrides.FLOTILLA_OIDC_ISSUER === undefined ? testOidcEnv() : { FLOTILLA_OIDC_AUDIENCE: HUB_AUDIENCE };
  const parsed = parseConfig({ HOST: '127.0.0.1', REDIS_URL: process.env.REDIS_URL, LOG_LEVEL: 'debug', FLOTILLA_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS, ...oidc, ...overrides });
  if (!parsed.ok) throw new Error(parsed.issues.map((issue) => `${issue.variable} ${issue.message}`).join('\n'));
  // Port 0 is not a valid PORT for an operator, but is what a test wants: any free port.
  return { ...parsed.config, port: 0 };
}

import { describe, expect, it } from '@jest/globals';
import { parseConfig } from '../../../../libs/config/src/index.ts';
import { probePolicyFrom } from './health-probe.service.ts';

const KEYS = { FLOTILLA_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`, FLOTILLA_OIDC_ISSUER: 'https://login.example.com' };

function config(env: Record<string, string>) {
  const parsed = parseConfig({ ...KEYS, ...env });
  if (!parsed.ok) throw new Error('bad test config');
  return parsed.config;
}

describe('probePolicyFrom', () => {
  it('takes the defaults from the configuration', () => {
    expect(probePolicyFrom(config({}))).toEqual({
      periodMs: 1000,
      timeoutMs: 1000,
      jitterRatio: 0.1,
      failureThreshold: 2,
      successThreshold: 2,
      staleAfterMs: 3000,
      inventoryEvery: 10,
    });
  });

  it('refuses a staleness bound that healthy clusters would cross, so the hub does not start', () => {
    expect(() => probePolicyFrom(config({ FLOTILLA_PROBE_PERIOD_MS: '5000' }))).toThrow(
      /invalid probe settings: the staleness bound \(3000 ms\) must exceed .* \(period \+ jitter \+ timeout = 6500 ms\)/,
    );
  });
});

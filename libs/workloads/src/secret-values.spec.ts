import { describe, expect, it } from '@jest/globals';
import { restoreSecretValues, SEALED_VALUE, separateSecretValues } from './secret-values.ts';
import type { Manifest, WorkloadSpec } from './workload.ts';

const spec = (...manifests: Manifest[]): WorkloadSpec => ({
  name: 'web',
  namespace: 'shop',
  tenant: 't',
  labels: {},
  manifests,
  placement: { replicaScheduling: { type: 'Duplicated' } },
  priority: 0,
  overrideSets: [],
  overrides: [],
  failover: { enabled: true, tolerationSeconds: 30, purgeMode: 'Graceful', gracefulTimeoutSeconds: 300, stateful: false, failback: 'Displaced' },
});
const secret = (data: Record<string, string>, stringData?: Record<string, string>): Manifest => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'db' },
  data,
  ...(stringData ? { stringData } : {}),
});
const configMap: Manifest = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { plain: 'visible' } };

describe('separateSecretValues / restoreSecretValues', () => {
  it('takes Secret values out, leaves other kinds alone, and puts them back', () => {
    const original = spec(configMap, secret({ password: 'aHVudGVyMg==' }, { token: 's3cr3t' }));
    const { spec: stored, values, missing } = separateSecretValues(original);
    expect(missing).toEqual([]);
    expect(JSON.stringify(stored)).not.toContain('aHVudGVyMg==');
    expect(JSON.stringify(stored)).not.toContain('s3cr3t');
    expect(stored.manifests[1]).toMatchObject({ data: { password: SEALED_VALUE }, stringData: { token: SEALED_VALUE } });
    expect(stored.manifests[0]).toBe(configMap);
    expect(values).toEqual({ db: { data: { password: 'aHVudGVyMg==' }, stringData: { token: 's3cr3t' } } });
    expect(restoreSecretValues(stored, values)).toEqual(original);
  });

  it('keeps a stored value sent back as (sealed), and takes a new one', () => {
    const previous = { db: { data: { password: 'b2xk', user: 'dXNlcg==' } } };
    const { values, missing } = separateSecretValues(spec(secret({ password: 'bmV3', user: SEALED_VALUE })), previous);
    expect(missing).toEqual([]);
    expect(values).toEqual({ db: { data: { password: 'bmV3', user: 'dXNlcg==' } } });
  });

  it('names a (sealed) value that has nothing stored behind it', () => {
    const { missing } = separateSecretValues(spec(configMap, secret({ password: SEALED_VALUE })));
    expect(missing).toEqual(['manifests[1].data.password']);
  });

  it('drops a key the new spec no longer has', () => {
    const { values } = separateSecretValues(spec(secret({ user: SEALED_VALUE })), { db: { data: { password: 'cA==', user: 'dQ==' } } });
    expect(values).toEqual({ db: { data: { user: 'dQ==' } } });
  });
});

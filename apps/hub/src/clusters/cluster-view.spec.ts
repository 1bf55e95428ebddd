import { describe, expect, it } from '@jest/globals';
import type { ClusterRecord, ClusterStatus } from '../../../../libs/clusters/src/index.ts';
import type { VersionedRecord } from '../../../../libs/store/src/index.ts';
import { toClusterView } from './cluster-view.ts';

const record: VersionedRecord<ClusterRecord> = {
  key: { kind: 'cluster', id: 'east-1' },
  version: 4,
  updatedAt: '2026-01-01T00:05:00.000Z',
  data: {
    spec: {
      name: 'east-1',
      server: 'https://10.0.0.1:6443',
      labels: { 'topology.kubernetes.io/zone': 'a', tier: 'gold' },
      taints: [],
      cordoned: false,
    },
    credentials: { keyId: 'k1', iv: 'aXY=', tag: 'dGFn', ciphertext: 'c2VjcmV0LXRva2Vu' },
    credentialType: 'token',
    createdAt: '2026-01-01T00:00:00.000Z',
    credentialsRotatedAt: '2026-01-01T00:00:00.000Z',
  },
};

const status: ClusterStatus = {
  conditions: [{ type: 'Ready', status: 'True', reason: 'ProbeSucceeded', message: 'readyz ok', lastTransitionTime: '2026-01-01T00:01:00.000Z' }],
  observedAt: '2026-01-01T00:10:00.000Z',
  consecutiveSuccesses: 5,
  consecutiveFailures: 0,
  fencingToken: 12,
};

describe('toClusterView', () => {
  it('shows spec, credential type and version, never the sealed credentials or the fencing token', () => {
    const view = toClusterView(record, status, new Date('2026-01-01T00:10:01.000Z'), 3_000);
    expect(view).toMatchObject({
      name: 'east-1',
      spec: { server: 'https://10.0.0.1:6443', zone: 'a', labels: { tier: 'gold' }, cordoned: false },
      credentialType: 'token',
      metadata: { version: '4', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:05:00.000Z' },
      status: { ready: { status: 'True', reason: 'ProbeSucceeded' }, observedAt: '2026-01-01T00:10:00.000Z' },
    });
    const json = JSON.stringify(view);
    expect(json).not.toContain('c2VjcmV0LXRva2Vu');
    expect(json).not.toContain('ciphertext');
    expect(json).not.toContain('fencingToken');
  });

  it('reads a status older than the bound as Unknown/StatusStale, never a stale True', () => {
    const view = toClusterView(record, status, new Date('2026-01-01T00:10:04.000Z'), 3_000);
    expect(view.status.ready).toMatchObject({ status: 'Unknown', reason: 'StatusStale' });
    expect(view.status.conditions[0]).toEqual(view.status.ready);
  });

  it('reads a cluster not probed yet as Unknown/NotProbed since its registration', () => {
    const view = toClusterView(record, undefined, new Date('2026-01-01T00:10:00.000Z'), 3_000);
    expect(view.status).toEqual({
      ready: expect.objectContaining({ status: 'Unknown', reason: 'NotProbed', lastTransitionTime: '2026-01-01T00:00:00.000Z' }) as unknown,
      conditions: [expect.objectContaining({ reason: 'NotProbed' }) as unknown],
    });
  });
});

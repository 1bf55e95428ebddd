import { describe, expect, it } from '@jest/globals';
import { workloadNeeds } from './needs.ts';
import type { Manifest, WorkloadSpec } from './workload.ts';

const MiB = 2 ** 20;

const deployment = (replicas: number | undefined, podSpec: Record<string, unknown>, apiVersion = 'apps/v1'): Manifest => ({
  apiVersion,
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: { ...(replicas === undefined ? {} : { replicas }), template: { spec: podSpec } },
});
const container = (cpu?: string, memory?: string): Record<string, unknown> => ({ name: 'c', resources: { requests: { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) } } });
const configMap: Manifest = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' } };
const daemonSet: Manifest = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent' }, spec: { template: { spec: { containers: [container('1')] } } } };

const spec = (manifests: readonly Manifest[]): WorkloadSpec => ({ manifests }) as unknown as WorkloadSpec;

describe('workloadNeeds', () => {
  it.each<[string, readonly Manifest[], number, { cpuMillis: number; memoryBytes: number; pods: number }]>([
    ['sums containers', [deployment(3, { containers: [container('250m', '64Mi'), container('0.5', '64Mi')] })], 3, { cpuMillis: 750, memoryBytes: 128 * MiB, pods: 1 }],
    [
      'an init container larger than the sum wins per resource',
      [deployment(2, { initContainers: [container('2', '16Mi')], containers: [container('100m', '64Mi'), container('100m', '64Mi')] })],
      2,
      { cpuMillis: 2000, memoryBytes: 128 * MiB, pods: 1 },
    ],
    ['unset replicas are 1', [deployment(undefined, { containers: [container('100m')] })], 1, { cpuMillis: 100, memoryBytes: 0, pods: 1 }],
    ['0 replicas stay 0', [deployment(0, { containers: [] })], 0, { cpuMillis: 0, memoryBytes: 0, pods: 1 }],
    ['no pod template: no requests', [deployment(2, {})], 2, { cpuMillis: 0, memoryBytes: 0, pods: 1 }],
    ['no replica-carrying manifest: one copy, nothing checked', [configMap, daemonSet], 1, { cpuMillis: 0, memoryBytes: 0, pods: 0 }],
    ['a Deployment of another group is not one', [deployment(5, { containers: [container('1')] }, 'example.com/v1')], 1, { cpuMillis: 0, memoryBytes: 0, pods: 0 }],
  ])('%s', (_name, manifests, replicas, perReplica) => {
    const needs = workloadNeeds(spec(manifests));
    expect(needs.replicas).toBe(replicas);
    expect(needs.perReplica).toEqual(perReplica);
  });

  it('lists every kind once, as group/version/Kind, sorted', () => {
    const needs = workloadNeeds(spec([deployment(1, {}), configMap, { ...configMap, metadata: { name: 'other' } }, daemonSet, { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' } }]));
    expect(needs.kinds).toEqual(['apps/v1/DaemonSet', 'apps/v1/Deployment', 'batch/v1/Job', 'v1/ConfigMap']);
  });

  it('throws on a malformed quantity', () => {
    expect(() => workloadNeeds(spec([deployment(1, { containers: [container('lots')] })]))).toThrow('invalid quantity');
  });
});

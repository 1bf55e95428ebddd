import { describe, expect, it } from '@jest/globals';
import type { ContainerObject, PodObject } from './kube-objects.ts';
import { podRequests } from './pod-requests.ts';

const MI = 2 ** 20;

function c(cpu: string | undefined, memory: string | undefined, restartPolicy?: string): ContainerObject {
  const requests: Record<string, string> = {};
  if (cpu !== undefined) requests.cpu = cpu;
  if (memory !== undefined) requests.memory = memory;
  return { resources: { requests }, ...(restartPolicy === undefined ? {} : { restartPolicy }) };
}

describe('podRequests (as the scheduler counts them)', () => {
  it.each<[string, PodObject, number, number]>([
    ['no spec', {}, 0, 0],
    ['containers without requests', { spec: { containers: [{}, { resources: {} }] } }, 0, 0],
    ['one container', { spec: { containers: [c('100m', '64Mi')] } }, 100, 64 * MI],
    ['containers add up', { spec: { containers: [c('100m', '64Mi'), c('250m', '1Gi')] } }, 350, 64 * MI + 1024 * MI],
    [
      'plain init containers: the largest, not the sum, when larger than the app',
      { spec: { containers: [c('100m', '64Mi')], initContainers: [c('500m', '32Mi'), c('200m', '128Mi')] } },
      500,
      128 * MI,
    ],
    [
      'init containers smaller than the app do not count',
      { spec: { containers: [c('1', '1Gi')], initContainers: [c('500m', '32Mi')] } },
      1000,
      1024 * MI,
    ],
    [
      'a sidecar adds to the app and to init containers started after it',
      {
        spec: {
          containers: [c('100m', '100Mi')],
          initContainers: [c('50m', '10Mi', 'Always'), c('400m', '50Mi')],
        },
      },
      // app + sidecar = 150m/110Mi; init after the sidecar = 450m/60Mi
      450,
      110 * MI,
    ],
    [
      'an init container before the sidecar does not carry it',
      {
        spec: {
          containers: [c('100m', '100Mi')],
          initContainers: [c('400m', '50Mi'), c('50m', '10Mi', 'Always')],
        },
      },
      400,
      110 * MI,
    ],
    ['overhead comes on top', { spec: { containers: [c('100m', '64Mi')], overhead: { cpu: '10m', memory: '1Mi' } } }, 110, 65 * MI],
    [
      'pod-level requests replace the container sum per resource',
      { spec: { containers: [c('100m', '64Mi'), c('100m', '64Mi')], resources: { requests: { cpu: '1' } } } },
      1000,
      128 * MI,
    ],
  ])('%s', (_name, pod, cpuMillis, memoryBytes) => {
    expect(podRequests(pod)).toEqual({ cpuMillis, memoryBytes });
  });
});

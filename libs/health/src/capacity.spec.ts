import { describe, expect, it } from '@jest/globals';
import { computeCapacity } from './capacity.ts';
import type { NodeObject, PodObject } from './kube-objects.ts';

const GI = 2 ** 30;
const AT = '2026-11-28T10:00:00.000Z';

function node(name: string, ready: string, options: { unschedulable?: boolean; cpu?: string } = {}): NodeObject {
  return {
    metadata: { name },
    spec: options.unschedulable === undefined ? {} : { unschedulable: options.unschedulable },
    status: {
      allocatable: { cpu: options.cpu ?? '8', memory: '32Gi', pods: '110' },
      conditions: [
        { type: 'MemoryPressure', status: 'False' },
        { type: 'Ready', status: ready },
      ],
    },
  };
}

function pod(nodeName: string | undefined, phase: string, cpu = '100m', memory = '1Gi'): PodObject {
  return {
    spec: { ...(nodeName === undefined ? {} : { nodeName }), containers: [{ resources: { requests: { cpu, memory } } }] },
    status: { phase },
  };
}

describe('computeCapacity', () => {
  it('sums allocatable over Ready nodes and requests of unfinished pods bound to them', () => {
    const capacity = computeCapacity(
      [node('n1', 'True'), node('n2', 'True', { cpu: '3500m' })],
      [pod('n1', 'Running'), pod('n2', 'Pending'), pod('n1', 'Running', '250m', '512Mi'), pod('n1', 'Unknown')],
      AT,
    );
    expect(capacity).toEqual({
      allocatable: { cpuMillis: 11_500, memoryBytes: 64 * GI, pods: 220 },
      requested: { cpuMillis: 550, memoryBytes: 3.5 * GI, pods: 4 },
      nodes: { total: 2, ready: 2 },
      observedAt: AT,
    });
  });

  it.each<[string, NodeObject[], PodObject[], { allocatedCpu: number; requestedCpu: number; pods: number; ready: number }]>([
    ['no nodes', [], [], { allocatedCpu: 0, requestedCpu: 0, pods: 0, ready: 0 }],
    ['finished pods free their room', [node('n1', 'True')], [pod('n1', 'Succeeded'), pod('n1', 'Failed'), pod('n1', 'Running')], { allocatedCpu: 8000, requestedCpu: 100, pods: 1, ready: 1 }],
    ['unbound pods hold no room yet', [node('n1', 'True')], [pod(undefined, 'Pending'), pod('', 'Pending')], { allocatedCpu: 8000, requestedCpu: 0, pods: 0, ready: 1 }],
    ['a NotReady node adds no room, and its pods are left out', [node('n1', 'True'), node('n2', 'False')], [pod('n2', 'Running'), pod('n1', 'Running')], { allocatedCpu: 8000, requestedCpu: 100, pods: 1, ready: 1 }],
    ['a node with Ready Unknown is not Ready', [node('n1', 'Unknown')], [], { allocatedCpu: 0, requestedCpu: 0, pods: 0, ready: 0 }],
    ['a cordoned node is Ready but adds no room', [node('n1', 'True', { unschedulable: true }), node('n2', 'True')], [pod('n1', 'Running')], { allocatedCpu: 8000, requestedCpu: 0, pods: 0, ready: 2 }],
  ])('%s', (_name, nodes, pods, expected) => {
    const capacity = computeCapacity(nodes, pods, AT);
    expect({
      allocatedCpu: capacity.allocatable.cpuMillis,
      requestedCpu: capacity.requested.cpuMillis,
      pods: capacity.requested.pods,
      ready: capacity.nodes.ready,
    }).toEqual(expected);
    expect(capacity.nodes.total).toBe(nodes.length);
  });
});

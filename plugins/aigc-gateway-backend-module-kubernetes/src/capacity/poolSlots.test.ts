import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { pools } from '../__testUtils__/fixtures';
import { parseQuantity } from './quantity';
import { podRequest, poolSlots } from './poolSlots';

function node(
  name: string,
  pool: string,
  allocatable: Record<string, string>,
  extra: Partial<V1Node['spec']> = {},
  ready = 'True',
): V1Node {
  return {
    metadata: { name, labels: { 'aigc-gateway.io/pool': pool } },
    spec: extra,
    status: { allocatable, conditions: [{ type: 'Ready', status: ready }] },
  };
}

function pod(
  name: string,
  nodeName: string | undefined,
  gpus: string,
  options: { pool?: string; phase?: string; init?: string } = {},
): V1Pod {
  return {
    metadata: {
      name,
      labels: options.pool ? { 'aigc-gateway.io/pool': options.pool } : {},
    },
    spec: {
      nodeName,
      containers: [
        {
          name: 'c',
          image: 'i',
          resources: { limits: { 'nvidia.com/gpu': gpus } },
        },
      ],
      ...(options.init
        ? {
            initContainers: [
              {
                name: 'i',
                image: 'i',
                resources: { requests: { 'nvidia.com/gpu': options.init } },
              },
            ],
          }
        : {}),
    },
    status: { phase: options.phase ?? 'Running' },
  };
}

const ofPool = (id: string) => (p: V1Pod) =>
  p.metadata?.labels?.['aigc-gateway.io/pool'] === id;

describe('poolSlots', () => {
  const a100 = [
    node('a-0', 'a100', { 'nvidia.com/gpu': '8' }),
    node('a-1', 'a100', { 'nvidia.com/gpu': '8' }),
  ];
  const rtx = [0, 1, 2, 3].map(i =>
    node(`r-${i}`, 'rtx3090', { 'nvidia.com/gpu': '1' }),
  );

  it('sums whole instances per node of the pool', () => {
    expect(poolSlots(pools.a100, [...a100, ...rtx], [], ofPool('a100'))).toBe(
      16,
    );
    expect(
      poolSlots(
        { ...pools.a100, gpusPerInstance: 3 },
        a100,
        [],
        ofPool('a100'),
      ),
    ).toBe(4);
    expect(
      poolSlots(pools.rtx3090, [...a100, ...rtx], [], ofPool('rtx3090')),
    ).toBe(4);
  });

  it('counts GPU memory for a shared pool', () => {
    const shared = [0, 1].map(i =>
      node(`s-${i}`, 'shared', { 'aigc-gateway.io/gpu-memory-gib': '48' }),
    );
    expect(poolSlots(pools.shared, shared, [], ofPool('shared'))).toBe(4);
    expect(
      poolSlots(
        { ...pools.shared, gpuMemoryGiB: 20 },
        shared,
        [],
        ofPool('shared'),
      ),
    ).toBe(4);
  });

  it("subtracts what other pods hold, but not the pool's own instances", () => {
    const pods = [
      pod('training', 'a-0', '3'),
      pod('own', 'a-0', '1', { pool: 'a100' }),
      pod('other-pool', 'a-1', '4', { pool: 'a100-x4' }),
      pod('done', 'a-1', '8', { phase: 'Succeeded' }),
      pod('failed', 'a-1', '8', { phase: 'Failed' }),
      pod('pending', undefined, '8', { phase: 'Pending' }),
    ];
    // a-0: 8 - 3 = 5; a-1: 8 - 4 = 4.
    expect(poolSlots(pools.a100, a100, pods, ofPool('a100'))).toBe(9);
    expect(
      poolSlots(
        { ...pools.a100, gpusPerInstance: 2 },
        a100,
        pods,
        ofPool('a100'),
      ),
    ).toBe(4);
  });

  it('leaves out nodes that are not ready, cordoned or tainted against the pool', () => {
    const nodes = [
      node('a-0', 'a100', { 'nvidia.com/gpu': '8' }, {}, 'False'),
      node('a-1', 'a100', { 'nvidia.com/gpu': '8' }, { unschedulable: true }),
      node(
        'a-2',
        'a100',
        { 'nvidia.com/gpu': '8' },
        { taints: [{ key: 'dedicated', value: 'ml', effect: 'NoSchedule' }] },
      ),
      node(
        'a-3',
        'a100',
        { 'nvidia.com/gpu': '8' },
        { taints: [{ key: 'hint', effect: 'PreferNoSchedule' }] },
      ),
    ];
    expect(poolSlots(pools.a100, nodes, [], ofPool('a100'))).toBe(8);
    const tolerating = {
      ...pools.a100,
      kubernetes: {
        ...pools.a100.kubernetes,
        tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'ml' }],
      },
    };
    expect(poolSlots(tolerating, nodes, [], ofPool('a100'))).toBe(16);
    const everything = {
      ...pools.a100,
      kubernetes: {
        ...pools.a100.kubernetes,
        tolerations: [{ operator: 'Exists' }],
      },
    };
    expect(poolSlots(everything, nodes, [], ofPool('a100'))).toBe(16);
  });

  it('never goes below zero on an overcommitted node', () => {
    expect(
      poolSlots(
        pools.rtx3090,
        rtx.slice(0, 1),
        [pod('x', 'r-0', '2')],
        ofPool('rtx3090'),
      ),
    ).toBe(0);
  });
});

describe('podRequest', () => {
  it('takes the larger of the containers together and the largest init container', () => {
    expect(
      podRequest(pod('p', 'n', '1', { init: '2' }), 'nvidia.com/gpu'),
    ).toBe(2);
    expect(
      podRequest(pod('p', 'n', '3', { init: '2' }), 'nvidia.com/gpu'),
    ).toBe(3);
    expect(
      podRequest(pod('p', 'n', '3'), 'aigc-gateway.io/gpu-memory-gib'),
    ).toBe(0);
  });
});

describe('parseQuantity', () => {
  it('reads Kubernetes quantities', () => {
    expect(parseQuantity('8')).toBe(8);
    expect(parseQuantity('500m')).toBe(0.5);
    expect(parseQuantity('2Gi')).toBe(2 * 2 ** 30);
    expect(parseQuantity('1k')).toBe(1000);
    expect(parseQuantity('1e3')).toBe(1000);
    expect(parseQuantity(undefined)).toBe(0);
    expect(parseQuantity('lots')).toBe(0);
  });
});

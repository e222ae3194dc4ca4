import { mergePodSpec } from './mergePodSpec';

describe('mergePodSpec', () => {
  const base = {
    nodeSelector: { pool: 'a100' },
    tolerations: [{ key: 'gpu', operator: 'Exists' }],
    containers: [
      {
        name: 'engine',
        image: 'e:1',
        resources: { limits: { 'nvidia.com/gpu': '1' } },
        env: [{ name: 'A', value: '1' }],
      },
    ],
  };

  it('returns the spec as is without a patch', () => {
    expect(mergePodSpec(base, undefined)).toBe(base);
  });

  it('merges objects by key and named lists by name; other lists replace', () => {
    const merged = mergePodSpec(base, {
      priorityClassName: 'interactive',
      nodeSelector: { zone: 'b' },
      tolerations: [{ key: 'spot', operator: 'Exists' }],
      containers: [
        {
          name: 'engine',
          resources: { limits: { memory: '32Gi' }, requests: { cpu: '4' } },
          env: [
            { name: 'A', value: '2' },
            { name: 'B', value: '3' },
          ],
        },
        { name: 'sidecar', image: 's:1' },
      ],
    });
    expect(merged).toEqual({
      priorityClassName: 'interactive',
      nodeSelector: { pool: 'a100', zone: 'b' },
      tolerations: [{ key: 'spot', operator: 'Exists' }],
      containers: [
        {
          name: 'engine',
          image: 'e:1',
          resources: {
            limits: { 'nvidia.com/gpu': '1', memory: '32Gi' },
            requests: { cpu: '4' },
          },
          env: [
            { name: 'A', value: '2' },
            { name: 'B', value: '3' },
          ],
        },
        { name: 'sidecar', image: 's:1' },
      ],
    });
    expect(base.nodeSelector).toEqual({ pool: 'a100' });
  });

  it('removes a key patched to null', () => {
    expect(mergePodSpec(base, { nodeSelector: null })).not.toHaveProperty(
      'nodeSelector',
    );
  });
});

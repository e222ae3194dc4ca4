import { InstanceView } from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { toEntities } from './toEntities';

const instance = (id: string, state: InstanceView['state']): InstanceView => ({
  id,
  ownerRef: 'user:default/alice',
  templateId: 'sd',
  version: '1.9.0+cu121',
  poolId: 'a100',
  name: id === 'i1' ? 'portraits' : '',
  state,
  volumeId: `v-${id}`,
  url: `https://portal/api/aigc-gateway/ingress/sign-in?rd=https%3A%2F%2F${id}.engines.example.com%2F`,
  address: `https://${id}.engines.example.com/`,
  jobsCompleted: 0,
  createdAt: '2026-11-01T00:00:00Z',
  updatedAt: '2026-11-01T00:00:00Z',
});

describe('toEntities', () => {
  const entities = toEntities(
    {
      templates: [
        {
          id: 'sd',
          title: 'Stable Diffusion',
          description: 'Text to image',
          owner: 'group:default/aigc-admins',
          kind: 'sd-webui',
          versions: [
            {
              version: '1.9.0+cu121',
              status: 'deprecated',
              dataLayout: 2,
              pools: ['a100'],
              defaultPool: 'a100',
            },
          ],
        },
      ],
      pools: [
        {
          id: 'a100',
          title: 'A100',
          gpuType: 'A100-80G',
          gpusPerInstance: 1,
          pricePerHour: 3,
          instancePricePerHour: 3,
          currency: 'USD',
          capacity: { total: 2, used: 1, free: 1, queued: 0 },
        },
      ],
      instances: [instance('i1', 'running'), instance('i2', 'deleted')],
    },
    {
      location: 'aigc-gateway:http://backend/api/aigc-gateway',
      appBaseUrl: 'https://portal',
      poolOwner: 'group:default/aigc-admins',
    },
  );
  const byName = (name: string) =>
    entities.find(e => e.metadata.name === name)!;

  it('publishes the template, its version as a subcomponent, the pool and live instances only', () => {
    expect(
      entities.map(e => `${e.kind}:${e.metadata.name}:${e.spec?.type}`),
    ).toEqual([
      'Component:sd:aigc-engine',
      'Component:sd-v1.9.0-cu121:aigc-engine-version',
      'Resource:gpu-pool-a100:gpu-pool',
      'Resource:aigc-instance-i1:aigc-engine-instance',
    ]);
    expect(byName('sd-v1.9.0-cu121').spec).toEqual(
      expect.objectContaining({
        lifecycle: 'deprecated',
        subcomponentOf: 'component:default/sd',
        owner: 'group:default/aigc-admins',
      }),
    );
  });

  it('makes an instance owned by its user, depending on its version and pool, with a link to open it', () => {
    const i1 = byName('aigc-instance-i1');
    expect(i1.metadata.title).toBe('Stable Diffusion "portraits" of alice');
    expect(i1.spec).toEqual({
      type: 'aigc-engine-instance',
      owner: 'user:default/alice',
      dependsOn: [
        'component:default/sd-v1.9.0-cu121',
        'resource:default/gpu-pool-a100',
      ],
    });
    expect(i1.metadata.links).toContainEqual({
      url: 'https://i1.engines.example.com/',
      title: 'Open the engine',
    });
    expect(i1.metadata.annotations).toEqual(
      expect.objectContaining({
        'backstage.io/managed-by-location':
          'aigc-gateway:http://backend/api/aigc-gateway',
        'aigc-gateway.io/instance-id': 'i1',
        'backstage.io/kubernetes-id': 'aigc-instance-i1',
      }),
    );
  });
});

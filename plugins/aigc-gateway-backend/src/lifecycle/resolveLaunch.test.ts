import { gatewayConfigSchema } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { resolveLaunch } from './resolveLaunch';

const config = gatewayConfigSchema.parse({
  pools: [
    { id: 'a100', title: 'A100', gpuType: 'A100-80G', pricePerHour: 3 },
    { id: 'rtx', title: 'RTX', gpuType: 'RTX-3090', pricePerHour: 0.4 },
  ],
  templates: [
    {
      id: 'sd',
      title: 'SD',
      owner: 'group:default/a',
      kind: 'sd-webui',
      versions: [
        { version: '1.0.0', status: 'retired', pools: ['rtx'] },
        { version: '1.5.0', status: 'deprecated', pools: ['rtx'] },
        { version: '2.0.0', pools: ['a100', 'rtx'], defaultPool: 'a100' },
      ],
    },
  ],
});
const definitions = {
  templates: new Map(config.templates.map(t => [t.id, t])),
  pools: new Map(config.pools.map(p => [p.id, p])),
};

describe('resolveLaunch', () => {
  it('defaults to the newest active version and its default pool', () => {
    const { version, pool } = resolveLaunch(definitions, { templateId: 'sd' });
    expect([version.version, pool.id]).toEqual(['2.0.0', 'a100']);
  });

  it('launches a deprecated version when asked', () => {
    expect(
      resolveLaunch(definitions, { templateId: 'sd', version: '1.5.0' }).pool
        .id,
    ).toBe('rtx');
  });

  it.each([
    [
      { templateId: 'nope' },
      'NotFoundError',
      'engine template "nope" does not exist',
    ],
    [
      { templateId: 'sd', version: '3.0.0' },
      'NotFoundError',
      'version "3.0.0" of engine template "sd" does not exist',
    ],
    [
      { templateId: 'sd', poolId: 'h100' },
      'NotFoundError',
      'GPU pool "h100" does not exist',
    ],
    [
      { templateId: 'sd', version: '1.0.0' },
      'InputError',
      'version "1.0.0" of "sd" is retired and cannot be launched',
    ],
    [
      { templateId: 'sd', version: '1.5.0', poolId: 'a100' },
      'InputError',
      'version "1.5.0" of "sd" may not run in pool "a100" (allowed: rtx)',
    ],
  ])('refuses %j with %s naming it', (request, name, message) => {
    expect(() => resolveLaunch(definitions, request)).toThrow(
      expect.objectContaining({ name, message }),
    );
  });
});

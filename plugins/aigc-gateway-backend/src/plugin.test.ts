import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonObject } from '@backstage/types';
import request from 'supertest';
import { aigcGatewayPlugin } from './plugin';
import { TestClock } from '@internal/plugin-aigc-gateway-node/testUtils';

/** Runs on from a fixed Monday morning, also across restarts of the backend. */
const testClock = new TestClock();

const pools = [
  { id: 'a100', title: 'A100 80G', gpuType: 'A100-80G', pricePerHour: 3.2 },
  { id: 'rtx', title: 'RTX 3090', gpuType: 'RTX-3090', pricePerHour: 0.4 },
];

const templates = [
  {
    id: 'sd-webui',
    title: 'Stable Diffusion WebUI',
    owner: 'group:default/aigc-admins',
    kind: 'sd-webui',
    versions: [
      { version: '1.6.0', status: 'deprecated', pools: ['rtx'] },
      { version: '1.9.0', pools: ['a100', 'rtx'], defaultPool: 'a100' },
    ],
  },
  {
    id: 'old-comfy',
    title: 'Retired ComfyUI',
    owner: 'group:default/aigc-admins',
    kind: 'comfyui',
    versions: [{ version: '0.1.0', status: 'retired', pools: ['rtx'] }],
  },
];

function startWith(aigcGateway: JsonObject = {}) {
  const dataRoot = mkdtempSync(join(tmpdir(), 'aigc-plugin-'));
  return startTestBackend({
    features: [
      testClock.factory(),
      aigcGatewayPlugin,
      mockServices.rootConfig.factory({
        data: {
          aigcGateway: { runtime: { local: { dataRoot } }, ...aigcGateway },
        },
      }),
    ],
  });
}

describe('GET /api/aigc-gateway/templates', () => {
  it('lists launchable templates with their versions and pools', async () => {
    const { server } = await startWith({ pools, templates });
    const res = await request(server)
      .get('/api/aigc-gateway/templates')
      .set('Authorization', mockCredentials.user.header('user:default/alice'));

    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      {
        id: 'sd-webui',
        title: 'Stable Diffusion WebUI',
        description: '',
        owner: 'group:default/aigc-admins',
        kind: 'sd-webui',
        versions: [
          {
            version: '1.6.0',
            status: 'deprecated',
            dataLayout: 1,
            pools: ['rtx'],
            defaultPool: 'rtx',
          },
          {
            version: '1.9.0',
            status: 'active',
            dataLayout: 1,
            pools: ['a100', 'rtx'],
            defaultPool: 'a100',
          },
        ],
      },
    ]);
  });

  it('refuses callers without credentials', async () => {
    const { server } = await startWith({ pools, templates });
    const res = await request(server)
      .get('/api/aigc-gateway/templates')
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
    expect(res.body.error.name).toBe('AuthenticationError');
  });

  it('serves an empty list when nothing is configured', async () => {
    const { server } = await startWith();
    const res = await request(server)
      .get('/api/aigc-gateway/templates')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [] });
  });
});

describe('invalid aigcGateway config', () => {
  it.each([
    [
      'an unknown pool',
      {
        pools,
        templates: [
          { ...templates[0], versions: [{ version: '1', pools: ['h100'] }] },
        ],
      },
      'aigcGateway.templates[0].versions[0].pools[0]: unknown pool "h100" (configured pools: a100, rtx)',
    ],
    [
      'a bad version status',
      {
        pools,
        templates: [
          {
            ...templates[0],
            versions: [{ version: '1', status: 'beta', pools: ['rtx'] }],
          },
        ],
      },
      "aigcGateway.templates[0].versions[0].status: Invalid enum value. Expected 'active' | 'deprecated' | 'retired', received 'beta'",
    ],
    [
      'a template id that is not a slug',
      { pools, templates: [{ ...templates[0], id: 'Stable Diffusion' }] },
      'aigcGateway.templates[0].id: must be a lower-case slug',
    ],
    [
      'a default pool outside the version',
      {
        pools,
        templates: [
          {
            ...templates[0],
            versions: [{ version: '1', pools: ['rtx'], defaultPool: 'a100' }],
          },
        ],
      },
      'aigcGateway.templates[0].versions[0].defaultPool: "a100" is not one of this version\'s pools (rtx)',
    ],
    [
      'a negative price',
      { pools: [{ ...pools[0], pricePerHour: -1 }] },
      'aigcGateway.pools[0].pricePerHour: Number must be greater than or equal to 0',
    ],
    [
      'a misspelt key',
      { pools: [{ ...pools[0], pricePerHuor: 1 }] },
      "aigcGateway.pools[0]: Unrecognized key(s) in object: 'pricePerHuor'",
    ],
  ])(
    'stops the backend on %s, naming the key',
    async (_, aigcGateway, message) => {
      await expect(startWith(aigcGateway)).rejects.toThrow(message);
    },
  );
});

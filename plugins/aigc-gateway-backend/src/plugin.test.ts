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
import aigcGatewayModuleLocal from '@aigc-gateway/backstage-plugin-aigc-gateway-backend-module-local';
import { TestClock } from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';
import {
  aigcGatewayRuntimesExtensionPoint,
  EngineRuntime,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { createBackendModule } from '@backstage/backend-plugin-api';

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
      aigcGatewayModuleLocal,
      mockServices.rootConfig.factory({
        data: {
          aigcGateway: {
            engineOrigins: { port: 0, listenHost: '127.0.0.1' },
            runtime: { local: { dataRoot } },
            ...aigcGateway,
          },
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

describe('the runtime modules', () => {
  const alice = mockCredentials.user.header('user:default/alice');
  const config = {
    pools,
    templates,
    engineOrigins: { port: 0, listenHost: '127.0.0.1' },
  };

  it('without one, answers the API and refuses launches with a 503 that names the modules to add', async () => {
    const { server } = await startTestBackend({
      features: [
        testClock.factory(),
        aigcGatewayPlugin,
        mockServices.rootConfig.factory({ data: { aigcGateway: config } }),
      ],
    });
    const templatesRes = await request(server)
      .get('/api/aigc-gateway/templates')
      .set('Authorization', alice);
    expect(templatesRes.status).toBe(200);
    expect(templatesRes.body.items).toHaveLength(1);
    const launch = await request(server)
      .post('/api/aigc-gateway/instances')
      .set('Authorization', alice)
      .send({ templateId: 'sd-webui' });
    expect(launch.status).toBe(503);
    expect(launch.body.error.message).toContain(
      'add @aigc-gateway/backstage-plugin-aigc-gateway-backend-module-local',
    );
    const instances = await request(server)
      .get('/api/aigc-gateway/instances')
      .set('Authorization', alice);
    expect(instances.body.items).toEqual([]);
  });

  it('does not run engines on the host when the local module has no config', async () => {
    const { server } = await startTestBackend({
      features: [
        testClock.factory(),
        aigcGatewayPlugin,
        aigcGatewayModuleLocal,
        mockServices.rootConfig.factory({ data: { aigcGateway: config } }),
      ],
    });
    const launch = await request(server)
      .post('/api/aigc-gateway/instances')
      .set('Authorization', alice)
      .send({ templateId: 'sd-webui' });
    expect(launch.status).toBe(503);
  });

  it('stops the backend when two runtimes would serve the same pools, naming both', async () => {
    const second = createBackendModule({
      pluginId: 'aigc-gateway',
      moduleId: 'second-runtime',
      register(env) {
        env.registerInit({
          deps: { runtimes: aigcGatewayRuntimesExtensionPoint },
          async init({ runtimes }) {
            runtimes.addRuntime({ id: 'second' } as EngineRuntime);
          },
        });
      },
    });
    await expect(
      startTestBackend({
        features: [
          testClock.factory(),
          aigcGatewayPlugin,
          aigcGatewayModuleLocal,
          second,
          mockServices.rootConfig.factory({
            data: {
              aigcGateway: {
                ...config,
                runtime: {
                  local: { dataRoot: mkdtempSync(join(tmpdir(), 'aigc-')) },
                },
              },
            },
          }),
        ],
      }),
    ).rejects.toThrow(
      'Two engine runtimes serve the same pools (a100, rtx): "local" and "second"',
    );
  });
});

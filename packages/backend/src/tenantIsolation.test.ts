import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import aigcGatewayPlugin from '@internal/plugin-aigc-gateway-backend';
import { AigcPortalPolicy } from './modules/permissionPolicy';
import { policyPermissions } from './__testUtils__/policyPermissions';

const engine = resolve(__dirname, '../../sample-engine/src/server.ts');
const groups: Record<string, string[]> = {
  'user:default/alice': ['group:default/creators-a'],
  'user:default/bob': ['group:default/creators-b'],
  'user:default/carol': ['group:default/aigc-admins'],
};
const as = (user: string) => mockCredentials.user.header(`user:default/${user}`);

describe('tenant isolation with the portal permission policy', () => {
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let id: string;

  beforeAll(async () => {
    backend = await startTestBackend({
      features: [
        aigcGatewayPlugin,
        policyPermissions(new AigcPortalPolicy(['group:default/aigc-admins']), groups),
        mockServices.userInfo.mock({
          getUserInfo: async credentials => {
            const ref = (credentials.principal as { userEntityRef: string }).userEntityRef;
            return { userEntityRef: ref, ownershipEntityRefs: [ref, ...(groups[ref] ?? [])] };
          },
        }).factory,
        mockServices.rootConfig.factory({
          data: {
            aigcGateway: {
              runtime: {
                local: {
                  dataRoot: mkdtempSync(join(tmpdir(), 'aigc-tenants-')),
                  ports: { from: 18200, to: 18209 },
                  probeIntervalMs: 100,
                },
              },
              pools: [{ id: 'local', title: 'Local', gpuType: 'none', pricePerHour: 1 }],
              templates: [
                {
                  id: 'sample-engine',
                  title: 'Sample Engine',
                  owner: 'group:default/aigc-admins',
                  kind: 'sd-webui',
                  versions: [
                    {
                      version: '2.0.0',
                      pools: ['local'],
                      runtime: {
                        local: {
                          command: '${node}',
                          args: [engine, '--port', '${port}', '--data', '${dataDir}'],
                          readinessPath: '/internal/ping',
                        },
                      },
                    },
                  ],
                },
              ],
            },
          },
        }),
      ],
    });
    const launched = await request(backend.server)
      .post('/api/aigc-gateway/instances')
      .set('Authorization', as('alice'))
      .send({ templateId: 'sample-engine' })
      .expect(201);
    id = launched.body.id;
    for (let i = 0; i < 100; i++) {
      const res = await request(backend.server).get(`/api/aigc-gateway/instances/${id}`).set('Authorization', as('alice'));
      if (res.body.state === 'running') break;
      await new Promise(r => setTimeout(r, 100));
    }
  }, 60_000);

  afterAll(() => backend?.stop());

  it('alice uses her instance through the gateway', async () => {
    const res = await request(backend.server)
      .get(`/api/aigc-gateway/instances/${id}/proxy/internal/ping`)
      .set('Authorization', as('alice'));
    expect(res.status).toBe(200);
  });

  it('bob cannot list, read, open, release, relaunch or delete it', async () => {
    const mine = await request(backend.server).get('/api/aigc-gateway/instances').set('Authorization', as('bob'));
    expect(mine.body.items).toEqual([]);
    const all = await request(backend.server).get('/api/aigc-gateway/instances?scope=all').set('Authorization', as('bob'));
    expect(all.status).toBe(200);
    expect(all.body.items).toEqual([]);

    for (const [method, path] of [
      ['get', `/instances/${id}`],
      ['get', `/instances/${id}/events`],
      ['get', `/instances/${id}/proxy/`],
      ['post', `/instances/${id}/proxy/sdapi/v1/txt2img`],
      ['post', `/instances/${id}/release`],
      ['post', `/instances/${id}/launch`],
      ['post', `/instances/${id}/keepalive`],
      ['delete', `/instances/${id}?deleteData=true`],
    ] as const) {
      const res = await request(backend.server)[method](`/api/aigc-gateway${path}`).set('Authorization', as('bob'));
      expect({ method, path, status: res.status }).toEqual({ method, path, status: 404 });
      expect(res.body.error.message).toContain(`instance ${id}`);
    }
  });

  it('refuses forged or missing credentials on the proxy', async () => {
    for (const header of [mockCredentials.user.invalidHeader(), mockCredentials.none.header()]) {
      const res = await request(backend.server)
        .get(`/api/aigc-gateway/instances/${id}/proxy/internal/ping`)
        .set('Authorization', header);
      expect(res.status).toBe(401);
    }
    const forgedCookie = await request(backend.server)
      .get(`/api/aigc-gateway/instances/${id}/proxy/internal/ping`)
      .set('Cookie', mockCredentials.limitedUser.invalidCookie());
    expect(forgedCookie.status).toBe(401);
    const aliceCookie = await request(backend.server)
      .get(`/api/aigc-gateway/instances/${id}/proxy/internal/ping`)
      .set('Cookie', mockCredentials.limitedUser.cookie('user:default/alice'));
    expect(aliceCookie.status).toBe(200);
    const bobCookie = await request(backend.server)
      .get(`/api/aigc-gateway/instances/${id}/proxy/internal/ping`)
      .set('Cookie', mockCredentials.limitedUser.cookie('user:default/bob'));
    expect(bobCookie.status).toBe(404);
  });

  it('carol, an admin, sees and opens it, and may release it', async () => {
    const all = await request(backend.server).get('/api/aigc-gateway/instances?scope=all').set('Authorization', as('carol'));
    expect(all.body.items.map((i: { id: string }) => i.id)).toContain(id);
    await request(backend.server).get(`/api/aigc-gateway/instances/${id}`).set('Authorization', as('carol')).expect(200);
    await request(backend.server)
      .get(`/api/aigc-gateway/instances/${id}/proxy/internal/ping`)
      .set('Authorization', as('carol'))
      .expect(200);
    const released = await request(backend.server)
      .post(`/api/aigc-gateway/instances/${id}/release`)
      .set('Authorization', as('carol'));
    expect(released.body.state).toBe('released');
  });
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { userInfoServiceFactory } from '@backstage/backend-defaults/userInfo';
import request from 'supertest';
import permissionPlugin from '@backstage/plugin-permission-backend';
import aigcGatewayPlugin from '@aigc-gateway/backstage-plugin-aigc-gateway-backend';
import aigcGatewayModuleLocal from '@aigc-gateway/backstage-plugin-aigc-gateway-backend-module-local';
import {
  createUserTokenIssuer,
  demoUserGroups as groups,
  sampleGatewayConfig,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';
import { permissionPolicyModule } from './modules/permissionPolicy';

/**
 * The whole real path: signed user tokens verified by Backstage's auth
 * services, on-behalf-of tokens to the permission backend, the portal's
 * policy there, and the gateway applying its conditions.
 */
describe('tenant isolation with the portal permission policy', () => {
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let id: string;
  const tokens: Record<string, string> = {};
  const as = (user: string) => `Bearer ${tokens[user]}`;

  beforeAll(async () => {
    const issuer = await createUserTokenIssuer();
    for (const [user, userGroups] of Object.entries(groups)) {
      tokens[user] = await issuer.sign(user, { groups: [...userGroups] });
    }
    tokens.forged = await issuer.sign('alice', {
      key: await issuer.foreignKey(),
      groups: [...groups.alice],
    });
    tokens.expired = await issuer.sign('alice', {
      expiresIn: -60,
      groups: [...groups.alice],
    });
    backend = await startTestBackend({
      features: [
        aigcGatewayPlugin,
        aigcGatewayModuleLocal,
        permissionPlugin,
        permissionPolicyModule,
        permissionsServiceFactory,
        userInfoServiceFactory,
        ...issuer.features,
        mockServices.rootConfig.factory({
          data: {
            permission: { enabled: true },
            ...sampleGatewayConfig({
              dataRoot: mkdtempSync(join(tmpdir(), 'aigc-tenants-')),
              ports: { from: 18200, to: 18209 },
            }),
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
      const res = await request(backend.server)
        .get(`/api/aigc-gateway/instances/${id}`)
        .set('Authorization', as('alice'));
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
    const mine = await request(backend.server)
      .get('/api/aigc-gateway/instances')
      .set('Authorization', as('bob'));
    expect(mine.body.items).toEqual([]);
    const all = await request(backend.server)
      .get('/api/aigc-gateway/instances?scope=all')
      .set('Authorization', as('bob'));
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
      const res = await request(backend.server)
        [method](`/api/aigc-gateway${path}`)
        .set('Authorization', as('bob'));
      expect({ method, path, status: res.status }).toEqual({
        method,
        path,
        status: 404,
      });
      expect(res.body.error.message).toContain(`instance ${id}`);
    }
  });

  it('refuses forged, expired or missing credentials on the proxy, and the portal cookie there', async () => {
    const ping = `/api/aigc-gateway/instances/${id}/proxy/internal/ping`;
    for (const header of [as('forged'), as('expired'), 'Bearer not-a-token']) {
      expect(
        (await request(backend.server).get(ping).set('Authorization', header))
          .status,
      ).toBe(401);
    }
    expect((await request(backend.server).get(ping)).status).toBe(401);
    expect(
      (
        await request(backend.server)
          .get(ping)
          .set('Authorization', as('alice'))
      ).status,
    ).toBe(200);
    const cookieOf = async (user: string) => {
      const res = await request(backend.server)
        .get('/api/aigc-gateway/cookie')
        .set('Authorization', as(user));
      return String(res.headers['set-cookie']).split(';')[0];
    };
    // Browsers open engines at their own origins; on the portal's, even the owner's cookie opens nothing.
    for (const cookie of [
      await cookieOf('alice'),
      await cookieOf('bob'),
      'backstage-auth=forged.cookie.value',
    ]) {
      const res = await request(backend.server).get(ping).set('Cookie', cookie);
      expect(res.status).toBe(401);
    }
  });

  it('denies what the policy does not know, kubernetes.proxy among it, to everyone but admins', async () => {
    const decide = async (user: string, names: string[]) => {
      const res = await request(backend.server)
        .post('/api/permission/authorize')
        .set('Authorization', as(user))
        .send({
          items: names.map(name => ({
            id: name,
            permission: { type: 'basic', name, attributes: {} },
          })),
        });
      expect(res.status).toBe(200);
      return Object.fromEntries(
        res.body.items.map((i: { id: string; result: string }) => [
          i.id,
          i.result,
        ]),
      );
    };
    const names = [
      'kubernetes.proxy',
      'catalog.location.create',
      'aigc-gateway.version.manage',
      'a-plugin-added-later.delete',
      'kubernetes.resources.read',
      'catalog.location.read',
      'scaffolder.task.create',
      'aigc-gateway.instance.create',
    ];
    expect(await decide('alice', names)).toEqual({
      'kubernetes.proxy': 'DENY',
      'catalog.location.create': 'DENY',
      'aigc-gateway.version.manage': 'DENY',
      'a-plugin-added-later.delete': 'DENY',
      'kubernetes.resources.read': 'ALLOW',
      'catalog.location.read': 'ALLOW',
      'scaffolder.task.create': 'ALLOW',
      'aigc-gateway.instance.create': 'ALLOW',
    });
    expect(Object.values(await decide('carol', names))).toEqual(
      names.map(() => 'ALLOW'),
    );
  });

  it("bob cannot read alice's costs through any cost endpoint or the export; carol can", async () => {
    const get = (user: string, path: string) =>
      request(backend.server)
        .get(`/api/aigc-gateway${path}`)
        .set('Authorization', as(user));
    const ofAlice = await get(
      'bob',
      '/cost/summary?entityRef=user:default/alice',
    );
    expect(ofAlice.status).toBe(403);
    expect(ofAlice.body.error.message).toContain('aigc-gateway.cost.read');
    expect(
      (await get('bob', '/cost/daily?entityRef=user:default/alice')).status,
    ).toBe(403);
    expect(
      (await get('bob', '/cost/export.csv?entityRef=user:default/alice'))
        .status,
    ).toBe(403);

    // Without an entity, or for a group, an engine or alice's instance, bob gets his own usage only: none.
    for (const query of [
      'groupBy=user',
      'entityRef=group:default/creators-a&groupBy=user',
      `entityRef=resource:default/aigc-instance-${id}`,
      'entityRef=component:default/sample-engine',
    ]) {
      const res = await get('bob', `/cost/summary?${query}`);
      expect({
        query,
        status: res.status,
        scope: res.body.scope,
        items: res.body.items,
      }).toEqual({ query, status: 200, scope: 'own', items: [] });
    }
    const bobCsv = await get('bob', '/cost/export.csv');
    expect(bobCsv.text.trim().split('\r\n')).toHaveLength(1);

    const carol = await get('carol', '/cost/summary?groupBy=user');
    expect(carol.body.scope).toBe('all');
    expect(carol.body.items.map((i: { key: string }) => i.key)).toContain(
      'user:default/alice',
    );
    const carolCsv = await get(
      'carol',
      '/cost/export.csv?entityRef=user:default/alice',
    );
    expect(carolCsv.headers['content-type']).toContain('text/csv');
    expect(carolCsv.text).toContain(id);
    const aliceOwn = await get(
      'alice',
      '/cost/summary?entityRef=user:default/alice',
    );
    expect(aliceOwn.body.total.hours).toBeGreaterThan(0);
  });

  it('carol, an admin, sees and opens it, and may release it', async () => {
    const all = await request(backend.server)
      .get('/api/aigc-gateway/instances?scope=all')
      .set('Authorization', as('carol'));
    expect(all.body.items.map((i: { id: string }) => i.id)).toContain(id);
    await request(backend.server)
      .get(`/api/aigc-gateway/instances/${id}`)
      .set('Authorization', as('carol'))
      .expect(200);
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

import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { sampleVersion } from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';
import { asUser, startGateway, waitForState } from '../__testUtils__/gateway';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

/** A third version of the sample engine, as an admin would post it. */
const version3 = {
  templateId: 'sample-engine',
  ...sampleVersion('3.0.0', 2),
  migrations: [
    {
      fromLayout: 1,
      toLayout: 2,
      local: { engine: 'sample-engine-migrate' },
    },
  ],
};

describe.each(databases.eachSupportedId())(
  'POST /versions on %s',
  databaseId => {
    let ports = 19000;
    const start = (features: any[] = []) =>
      startGateway({
        databases,
        databaseId,
        ports: { from: ports, to: (ports += 2) - 1 },
        features,
      });

    it('creates a version that shows in /templates, launches, and outlives a restart', async () => {
      const { backend, server, knex } = await start();
      const created = await request(server)
        .post('/api/aigc-gateway/versions')
        .set('Authorization', asUser('carol'))
        .send(version3);
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        templateId: 'sample-engine',
        version: {
          version: '3.0.0',
          status: 'active',
          dataLayout: 2,
          pools: ['local'],
          defaultPool: 'local',
        },
        outcome: 'created',
        dryRun: false,
      });

      const templates = await request(server)
        .get('/api/aigc-gateway/templates')
        .set('Authorization', asUser('alice'));
      expect(
        templates.body.items[0].versions.map((v: any) => v.version),
      ).toEqual(['1.0.0', '2.0.0', '3.0.0']);

      // The newest active version is the default, so a plain launch runs 3.0.0.
      const launched = await request(server)
        .post('/api/aigc-gateway/instances')
        .set('Authorization', asUser('alice'))
        .send({ templateId: 'sample-engine' });
      expect(launched.status).toBe(201);
      expect(launched.body.version).toBe('3.0.0');
      await waitForState(server, launched.body.id, 'running');
      const info = await request(server)
        .get(`/api/aigc-gateway/instances/${launched.body.id}/proxy/`)
        .set('Authorization', asUser('alice'));
      expect(info.text).toContain('3.0.0');
      await backend.stop();

      const again = await startGateway({
        databases,
        databaseId,
        ports: { from: ports, to: (ports += 2) - 1 },
        knex,
      });
      const after = await request(again.server)
        .get('/api/aigc-gateway/templates')
        .set('Authorization', asUser('alice'));
      expect(after.body.items[0].versions.map((v: any) => v.version)).toEqual([
        '1.0.0',
        '2.0.0',
        '3.0.0',
      ]);
      await again.backend.stop();
    });

    it('takes the runtime and migrations a version leaves out from the version it is based on', async () => {
      const { server } = await start();
      const created = await request(server)
        .post('/api/aigc-gateway/versions')
        .set('Authorization', asUser('carol'))
        .send({
          templateId: 'sample-engine',
          version: '2.1.0',
          dataLayout: 2,
          pools: ['local'],
          basedOn: '2.0.0',
        });
      expect(created.status).toBe(201);
      const launched = await request(server)
        .post('/api/aigc-gateway/instances')
        .set('Authorization', asUser('alice'))
        .send({ templateId: 'sample-engine', version: '2.1.0' });
      await waitForState(server, launched.body.id, 'running');
      const page = await request(server)
        .get(`/api/aigc-gateway/instances/${launched.body.id}/proxy/`)
        .set('Authorization', asUser('alice'));
      expect(page.text).toContain('2.1.0');
      const unknownBase = await request(server)
        .post('/api/aigc-gateway/versions')
        .set('Authorization', asUser('carol'))
        .send({
          templateId: 'sample-engine',
          version: '2.2.0',
          pools: ['local'],
          basedOn: '9.9.9',
        });
      expect(unknownBase.status).toBe(400);
      expect(unknownBase.body.error.message).toBe(
        'basedOn: version "9.9.9" of "sample-engine" does not exist',
      );
    });

    it('checks everything in a dry run and stores nothing', async () => {
      const { server } = await start();
      const post = (body: object) =>
        request(server)
          .post('/api/aigc-gateway/versions?dryRun=true')
          .set('Authorization', asUser('carol'))
          .send(body);
      const dry = await post(version3);
      expect(dry.status).toBe(200);
      expect(dry.body).toMatchObject({ outcome: 'created', dryRun: true });
      expect((await post({ ...version3, pools: ['h100'] })).status).toBe(400);
      expect(
        (
          await post({
            templateId: 'sample-engine',
            ...sampleVersion('2.0.0', 1),
          })
        ).status,
      ).toBe(409);
      const templates = await request(server)
        .get('/api/aigc-gateway/templates')
        .set('Authorization', asUser('alice'));
      expect(templates.body.items[0].versions).toHaveLength(2);
    });

    it('answers a retry with 200, and a different definition under the same number with 409', async () => {
      const { server } = await start();
      const post = (body: object) =>
        request(server)
          .post('/api/aigc-gateway/versions')
          .set('Authorization', asUser('carol'))
          .send(body);
      const results = await Promise.all([
        post(version3),
        post(version3),
        post(version3),
      ]);
      expect(results.map(r => r.status).sort()).toEqual([200, 200, 201]);

      const changed = await post({ ...version3, dataLayout: 3 });
      expect(changed.status).toBe(409);
      expect(changed.body.error.message).toBe(
        'version "3.0.0" of "sample-engine" already exists with a different definition; choose a new version number',
      );
      // A version from config counts too: posting it unchanged is a no-op, changed is a conflict.
      expect(
        (
          await post({
            templateId: 'sample-engine',
            ...sampleVersion('2.0.0', 2),
          })
        ).status,
      ).toBe(200);
      expect(
        (
          await post({
            templateId: 'sample-engine',
            ...sampleVersion('2.0.0', 1),
          })
        ).status,
      ).toBe(409);
    });

    it('says what is wrong with a request it cannot take', async () => {
      const { server } = await start();
      const post = (body: object) =>
        request(server)
          .post('/api/aigc-gateway/versions')
          .set('Authorization', asUser('carol'))
          .send(body);
      const cases: Array<[object, number, string]> = [
        [
          { ...version3, templateId: 'nope' },
          404,
          'engine template "nope" does not exist',
        ],
        [
          { ...version3, pools: ['local', 'h100'] },
          400,
          'unknown pool(s) "h100" (pools: local)',
        ],
        [
          { ...version3, runtime: {} },
          400,
          'this gateway runs engines on the "local" runtime, so the version needs runtime.local',
        ],
        // Whoever may create versions names a program from config; a command line is refused.
        [
          {
            ...version3,
            runtime: { local: { command: '/bin/sh', args: ['-c', 'id'] } },
          },
          400,
          "runtime.local: Unrecognized key(s) in object: 'command', 'args'",
        ],
        [
          {
            ...version3,
            migrations: [
              { fromLayout: 1, toLayout: 2, local: { command: '/bin/sh' } },
            ],
          },
          400,
          "Unrecognized key(s) in object: 'command'",
        ],
        [
          { ...version3, runtime: { local: { engine: 'nope' } } },
          400,
          'version 3.0.0 names the engine install "nope", which aigcGateway.runtime.local.engines does not declare (declared: sample-engine, sample-engine-migrate)',
        ],
        [{ ...version3, version: '' }, 400, 'version'],
        [
          { ...version3, migrations: [{ fromLayout: 2, toLayout: 2 }] },
          400,
          'migrations[0].toLayout: a migration must change the data layout',
        ],
        [{ ...version3, defaultPool: 'rtx' }, 400, 'defaultPool'],
        [{ ...version3, image: 'x' }, 400, 'image'],
      ];
      for (const [body, status, message] of cases) {
        const res = await post(body);
        expect({
          status: res.status,
          message: res.body.error?.message,
        }).toEqual({
          status,
          message: expect.stringContaining(message),
        });
      }
      const templates = await request(server)
        .get('/api/aigc-gateway/templates')
        .set('Authorization', asUser('alice'));
      expect(templates.body.items[0].versions).toHaveLength(2);
    });

    it('deprecates and retires versions created through the API, and leaves those from config to config', async () => {
      const { server } = await start();
      const as = (user: string) => ({ Authorization: asUser(user) });
      await request(server)
        .post('/api/aigc-gateway/versions')
        .set(as('carol'))
        .send(version3);
      const patch = (version: string, body: object) =>
        request(server)
          .patch(`/api/aigc-gateway/versions/sample-engine/${version}`)
          .set(as('carol'))
          .send(body);

      const retired = await patch('3.0.0', { status: 'retired' });
      expect(retired.status).toBe(200);
      expect(retired.body.version.status).toBe('retired');
      const launch = await request(server)
        .post('/api/aigc-gateway/instances')
        .set(as('alice'))
        .send({ templateId: 'sample-engine', version: '3.0.0' });
      expect(launch.status).toBe(400);
      expect(launch.body.error.message).toBe(
        'version "3.0.0" of "sample-engine" is retired and cannot be launched',
      );

      expect((await patch('3.0.0', { status: 'gone' })).status).toBe(400);
      expect((await patch('9.9.9', { status: 'retired' })).status).toBe(404);
      const fromConfig = await patch('2.0.0', { status: 'retired' });
      expect(fromConfig.status).toBe(409);
      expect(fromConfig.body.error.message).toBe(
        'version "2.0.0" of "sample-engine" comes from app-config; change its status there',
      );
    });

    it('lists every version with its source and the instances using it', async () => {
      const { server } = await start();
      await request(server)
        .post('/api/aigc-gateway/versions')
        .set('Authorization', asUser('carol'))
        .send(version3);
      const launched = await request(server)
        .post('/api/aigc-gateway/instances')
        .set('Authorization', asUser('alice'))
        .send({ templateId: 'sample-engine', version: '2.0.0' });
      expect(launched.status).toBe(201);
      const res = await request(server)
        .get('/api/aigc-gateway/versions')
        .set('Authorization', asUser('bob'));
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([
        {
          templateId: 'sample-engine',
          title: 'Sample Engine',
          versions: [
            expect.objectContaining({
              version: '3.0.0',
              status: 'active',
              source: 'api',
              instances: { total: 0, holdingCompute: 0 },
            }),
            expect.objectContaining({
              version: '2.0.0',
              source: 'config',
              instances: { total: 1, holdingCompute: 1 },
            }),
            expect.objectContaining({
              version: '1.0.0',
              source: 'config',
              instances: { total: 0, holdingCompute: 0 },
            }),
          ],
        },
      ]);
    });

    it('needs the version.manage permission and a user', async () => {
      const denyManage = mockServices.permissions.mock({
        authorize: async requests =>
          requests.map(r => ({
            result:
              r.permission.name === 'aigc-gateway.version.manage'
                ? AuthorizeResult.DENY
                : AuthorizeResult.ALLOW,
          })),
      });
      const { server } = await start([denyManage.factory]);
      const res = await request(server)
        .post('/api/aigc-gateway/versions')
        .set('Authorization', asUser('alice'))
        .send(version3);
      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe(
        'creating engine versions needs the aigc-gateway.version.manage permission',
      );
      const anonymous = await request(server)
        .post('/api/aigc-gateway/versions')
        .set('Authorization', mockCredentials.none.header())
        .send(version3);
      expect(anonymous.status).toBe(401);
    });

    it('needs an admin group too, so a policy that allows everything makes no user an admin', async () => {
      // The test backend's permissions allow everything, as a fresh app's policy does.
      const { server } = await start();
      for (const [method, path, body] of [
        ['post', '/versions', version3],
        [
          'post',
          '/rollouts',
          { templateId: 'sample-engine', from: '1.0.0', to: '2.0.0' },
        ],
        ['get', '/rollouts', undefined],
      ] as const) {
        const res = await request(server)
          [method](`/api/aigc-gateway${path}`)
          .set('Authorization', asUser('alice'))
          .send(body);
        expect({ path, status: res.status }).toEqual({ path, status: 403 });
        expect(res.body.error.message).toContain(
          'needs membership of an admin group (aigcGateway.adminGroups: group:default/aigc-admins)',
        );
      }
      // Opting out leaves the decision to the permission alone.
      const { server: optedOut } = await startGateway({
        databases,
        databaseId,
        ports: { from: ports, to: (ports += 2) - 1 },
        extra: { versionManagement: { adminGroupsOnly: false } },
      });
      const created = await request(optedOut)
        .post('/api/aigc-gateway/versions')
        .set('Authorization', asUser('alice'))
        .send(version3);
      expect(created.status).toBe(201);
    });
  },
);

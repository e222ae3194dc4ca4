import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import aigcGatewayPlugin from '@aigc-gateway/backstage-plugin-aigc-gateway-backend';
import aigcGatewayModuleLocal from '@aigc-gateway/backstage-plugin-aigc-gateway-backend-module-local';

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const repoRoot = resolve(__dirname, '../../..');

describe('the portal backend', () => {
  it('tests PostgreSQL when the test command asks for it', () => {
    // The test command starts PostgreSQL 15 and sets this, so a missing
    // server fails here instead of quietly testing SQLite only.
    const required = Boolean(process.env.AIGC_REQUIRE_POSTGRES);
    expect({
      postgres: databases.supports('POSTGRES_15') || !required,
    }).toEqual({
      postgres: true,
    });
    expect(databases.supports('SQLITE_3')).toBe(true);
  });

  it.each(databases.eachSupportedId())(
    'runs the catalog and the gateway on %p with the demo organisation',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const { server } = await startTestBackend({
        features: [
          catalogPlugin,
          aigcGatewayPlugin,
          aigcGatewayModuleLocal,
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({
            data: {
              catalog: {
                locations: [
                  {
                    type: 'file',
                    target: resolve(repoRoot, 'examples/org.yaml'),
                    rules: [{ allow: ['User', 'Group'] }],
                  },
                ],
              },
              aigcGateway: {
                engineOrigins: { port: 0, listenHost: '127.0.0.1' },
                runtime: {
                  local: {
                    dataRoot: mkdtempSync(join(tmpdir(), 'aigc-portal-')),
                  },
                },
                pools: [
                  {
                    id: 'local',
                    title: 'Local',
                    gpuType: 'none',
                    pricePerHour: 0,
                  },
                ],
                templates: [
                  {
                    id: 'sample-engine',
                    title: 'Sample Engine',
                    owner: 'group:default/aigc-admins',
                    kind: 'sd-webui',
                    versions: [{ version: '2.0.0', pools: ['local'] }],
                  },
                ],
              },
            },
          }),
        ],
      });

      const asAlice = mockCredentials.user.header('user:default/alice');
      let users: string[] = [];
      for (let i = 0; i < 60 && users.length < 3; i++) {
        const res = await request(server)
          .get('/api/catalog/entities/by-query?filter=kind=user')
          .set('Authorization', asAlice);
        users = (res.body.items ?? []).map(
          (e: { metadata: { name: string } }) => e.metadata.name,
        );
        if (users.length < 3) await new Promise(r => setTimeout(r, 500));
      }
      expect(users.sort()).toEqual(['alice', 'bob', 'carol']);

      const alice = await request(server)
        .get('/api/catalog/entities/by-name/user/default/alice')
        .set('Authorization', asAlice);
      expect(alice.body.relations).toContainEqual(
        expect.objectContaining({
          type: 'memberOf',
          targetRef: 'group:default/creators-a',
        }),
      );

      const templates = await request(server)
        .get('/api/aigc-gateway/templates')
        .set('Authorization', asAlice);
      expect(templates.body.items.map((t: { id: string }) => t.id)).toEqual([
        'sample-engine',
      ]);
    },
    60_000,
  );
});

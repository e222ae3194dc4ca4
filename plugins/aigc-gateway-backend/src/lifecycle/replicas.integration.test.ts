import { TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import { asUser, startGateway, waitForState } from '../__testUtils__/gateway';
import { AccessCache } from '../gateway/AccessCache';

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe('two backend replicas on one database', () => {
  it.each(databases.eachSupportedId())(
    "never create two instances for one (owner, template, name), and see each other's changes within 2 s (%p)",
    async databaseId => {
      const base = databaseId === 'SQLITE_3' ? 18900 : 18920;
      const a = await startGateway({
        databases,
        databaseId,
        ports: { from: base, to: base + 9 },
      });
      // The second replica shares the first one's database.
      const b = await startGateway({
        databases: { init: async () => a.knex } as unknown as TestDatabases,
        databaseId,
        ports: { from: base + 10, to: base + 19 },
      });
      try {
        const launches = await Promise.all(
          Array.from({ length: 20 }, (_, n) =>
            request((n % 2 ? a : b).server)
              .post('/api/aigc-gateway/instances')
              .set('Authorization', asUser('alice'))
              .send({ templateId: 'sample-engine', name: 'shared' }),
          ),
        );
        expect(launches.filter(r => r.status >= 500)).toEqual([]);
        expect(new Set(launches.map(r => r.body.id)).size).toBe(1);
        expect(launches.filter(r => r.status === 201)).toHaveLength(1);
        const rows = await a.knex('instances').where({ name: 'shared' });
        expect(rows).toHaveLength(1);

        // B's access cache learns of A's release by polling, with no request to B.
        const id = launches[0].body.id;
        const owner = launches.find(r => r.status === 201)!;
        const ownerServer = launches.indexOf(owner) % 2 ? a.server : b.server;
        await waitForState(ownerServer, id, 'running');
        const cacheOfOther = new AccessCache(a.knex, 500);
        await cacheOfOther.start();
        expect(cacheOfOther.get(id)?.state).toBe('running');
        await request(ownerServer)
          .post(`/api/aigc-gateway/instances/${id}/release`)
          .set('Authorization', asUser('alice'))
          .expect(200);
        const released = Date.now();
        while (cacheOfOther.get(id)?.state !== 'released') {
          expect(Date.now() - released).toBeLessThan(2000);
          await new Promise(r => setTimeout(r, 50));
        }
        cacheOfOther.stop();
      } finally {
        await b.backend.stop();
        await a.backend.stop();
      }
    },
    60_000,
  );
});

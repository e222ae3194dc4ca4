import { existsSync } from 'node:fs';
import { TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import { asUser, startGateway, waitForState } from '../__testUtils__/gateway';

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const alice = asUser('alice');

describe('engine lifecycle on the local runtime', () => {
  it.each(databases.eachSupportedId())(
    'launches, proxies, releases, relaunches with data kept, and deletes on %p',
    async databaseId => {
      const gateway = await startGateway({
        databases,
        databaseId,
        ports:
          databaseId === 'SQLITE_3'
            ? { from: 18100, to: 18109 }
            : { from: 18110, to: 18119 },
      });
      const { server, knex } = gateway;
      try {
        const launched = await request(server)
          .post('/api/aigc-gateway/instances')
          .set('Authorization', alice)
          .send({ templateId: 'sample-engine' });
        expect(launched.status).toBe(201);
        expect(launched.body).toMatchObject({
          ownerRef: 'user:default/alice',
          version: '2.0.0',
          poolId: 'local',
          state: 'starting',
        });
        const id = launched.body.id;

        // A double click is the same instance.
        const again = await request(server)
          .post('/api/aigc-gateway/instances')
          .set('Authorization', alice)
          .send({ templateId: 'sample-engine' });
        expect(again.status).toBe(200);
        expect(again.body.id).toBe(id);

        await waitForState(server, id, 'running');
        const generated = await request(server)
          .post(`/api/aigc-gateway/instances/${id}/proxy/sdapi/v1/txt2img`)
          .set('Authorization', alice)
          .send({
            prompt: 'a lighthouse',
            seed: 42,
            steps: 2,
            width: 32,
            height: 32,
          });
        expect(generated.status).toBe(200);
        expect(generated.body.images).toHaveLength(1);

        const released = await request(server)
          .post(`/api/aigc-gateway/instances/${id}/release`)
          .set('Authorization', alice);
        expect(released.status).toBe(200);
        expect(released.body.state).toBe('released');
        const closed = await request(server)
          .get(`/api/aigc-gateway/instances/${id}/proxy/internal/ping`)
          .set('Authorization', alice);
        expect(closed.status).toBe(409);

        const relaunched = await request(server)
          .post(`/api/aigc-gateway/instances/${id}/launch`)
          .set('Authorization', alice);
        expect(relaunched.status).toBe(200);
        const running = await waitForState(server, id, 'running');
        expect(running.volumeId).toBe(launched.body.volumeId);
        const outputs = await request(server)
          .get(`/api/aigc-gateway/instances/${id}/proxy/outputs`)
          .set('Authorization', alice);
        expect(outputs.status).toBe(200);
        expect(outputs.body).toHaveLength(1);

        await request(server)
          .post(`/api/aigc-gateway/instances/${id}/release`)
          .set('Authorization', alice)
          .expect(200);
        const intervals = await knex('usage_intervals').where({
          instance_id: id,
        });
        expect(intervals).toHaveLength(2);
        expect(intervals.every(i => i.ended_at !== null)).toBe(true);

        const volume = await knex('volumes')
          .where({ id: launched.body.volumeId })
          .first();
        expect(existsSync(volume.runtime_ref)).toBe(true);
        await request(server)
          .delete(`/api/aigc-gateway/instances/${id}?deleteData=true`)
          .set('Authorization', alice)
          .expect(204);
        expect(existsSync(volume.runtime_ref)).toBe(false);
        await request(server)
          .get(`/api/aigc-gateway/instances/${id}`)
          .set('Authorization', alice)
          .expect(404);

        // Without "delete data" the volume stays.
        const kept = await request(server)
          .post('/api/aigc-gateway/instances')
          .set('Authorization', alice)
          .send({ templateId: 'sample-engine', name: 'kept' })
          .expect(201);
        await waitForState(server, kept.body.id, 'running');
        await request(server)
          .post(`/api/aigc-gateway/instances/${kept.body.id}/release`)
          .set('Authorization', alice)
          .expect(200);
        await request(server)
          .delete(`/api/aigc-gateway/instances/${kept.body.id}`)
          .set('Authorization', alice)
          .expect(204);
        const keptVolume = await knex('volumes')
          .where({ id: kept.body.volumeId })
          .first();
        expect(keptVolume.deleted_at).toBeNull();
        expect(existsSync(keptVolume.runtime_ref)).toBe(true);
      } finally {
        await gateway.backend.stop();
      }
    },
    60_000,
  );
});

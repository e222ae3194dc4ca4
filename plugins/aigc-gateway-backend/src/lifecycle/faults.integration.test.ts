import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import { asUser, startGateway, waitForState } from '../__testUtils__/gateway';

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const alice = asUser('alice');
const ports = (id: string, base: number) =>
  id === 'SQLITE_3'
    ? { from: base, to: base + 9 }
    : { from: base + 10, to: base + 19 };

describe('faults', () => {
  it.each(databases.eachSupportedId())(
    'an engine crash fails the instance at once, closes its interval, and a relaunch finds the data (%p)',
    async databaseId => {
      const gateway = await startGateway({
        databases,
        databaseId,
        ports: ports(databaseId, 18300),
      });
      const { server, knex, dataRoot } = gateway;
      try {
        const { body } = await request(server)
          .post('/api/aigc-gateway/instances')
          .set('Authorization', alice)
          .send({ templateId: 'sample-engine' })
          .expect(201);
        await waitForState(server, body.id, 'running');
        await request(server)
          .post(`/api/aigc-gateway/instances/${body.id}/proxy/sdapi/v1/txt2img`)
          .set('Authorization', alice)
          .send({ prompt: 'kept', seed: 1, steps: 1, width: 16, height: 16 })
          .expect(200);

        const { pid } = JSON.parse(
          readFileSync(join(dataRoot, 'processes', `${body.id}.json`), 'utf8'),
        );
        const killedAt = Date.now();
        process.kill(pid, 'SIGKILL');
        const failed = await waitForState(server, body.id, 'failed');
        // One probe interval is 100 ms here; allow for the API polling too.
        expect(Date.now() - killedAt).toBeLessThan(1500);
        expect(failed.failureReason).toContain('SIGKILL');
        const open = await knex('usage_intervals')
          .where({ instance_id: body.id })
          .whereNull('ended_at');
        expect(open).toHaveLength(0);

        await request(server)
          .post(`/api/aigc-gateway/instances/${body.id}/launch`)
          .set('Authorization', alice)
          .expect(200);
        await waitForState(server, body.id, 'running');
        const outputs = await request(server)
          .get(`/api/aigc-gateway/instances/${body.id}/proxy/outputs`)
          .set('Authorization', alice);
        expect(outputs.body).toHaveLength(1);
        await request(server)
          .post(`/api/aigc-gateway/instances/${body.id}/release`)
          .set('Authorization', alice)
          .expect(200);
      } finally {
        await gateway.backend.stop();
      }
    },
    60_000,
  );

  it.each(databases.eachSupportedId())(
    '50 concurrent launches: one instance per user, a full pool queues the rest, no 5xx (%p)',
    async databaseId => {
      const gateway = await startGateway({
        databases,
        databaseId,
        ports: ports(databaseId, 18400),
        capacity: 3,
      });
      const { server, knex } = gateway;
      try {
        const same = await Promise.all(
          Array.from({ length: 50 }, () =>
            request(server)
              .post('/api/aigc-gateway/instances')
              .set('Authorization', alice)
              .send({ templateId: 'sample-engine' }),
          ),
        );
        expect(same.filter(r => r.status >= 500)).toEqual([]);
        expect(same.filter(r => r.status === 201)).toHaveLength(1);
        expect(same.filter(r => r.status === 200)).toHaveLength(49);
        expect(new Set(same.map(r => r.body.id)).size).toBe(1);

        const users = await Promise.all(
          Array.from({ length: 50 }, (_, n) =>
            request(server)
              .post('/api/aigc-gateway/instances')
              .set('Authorization', asUser(`user${n}`))
              .send({ templateId: 'sample-engine' }),
          ),
        );
        expect(users.filter(r => r.status >= 500)).toEqual([]);
        expect(new Set(users.map(r => r.body.id)).size).toBe(50);
        // alice holds one of the 3 slots.
        expect(users.filter(r => r.status === 201)).toHaveLength(2);
        expect(users.filter(r => r.status === 202)).toHaveLength(48);

        const held = await knex('instances')
          .whereIn('state', ['starting', 'running', 'releasing'])
          .count({ n: '*' });
        expect(Number(held[0].n)).toBe(3);
        const queued = users
          .filter(r => r.status === 202)
          .map(r => r.body.queuePosition)
          .sort((a, b) => a - b);
        expect(queued).toEqual(Array.from({ length: 48 }, (_, n) => n + 1));

        // Releasing alice's instance lets the head of the queue start.
        const head = users.find(r => r.body.queuePosition === 1)!;
        await waitForState(server, same[0].body.id, 'running');
        await request(server)
          .post(`/api/aigc-gateway/instances/${same[0].body.id}/release`)
          .set('Authorization', alice)
          .expect(200);
        const started = await request(server)
          .get(`/api/aigc-gateway/instances/${head.body.id}`)
          .set('Authorization', asUser(head.body.ownerRef.split('/')[1]));
        expect(['starting', 'running']).toContain(started.body.state);
      } finally {
        await gateway.backend.stop();
      }
    },
    90_000,
  );
});

import { TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import { asUser, startGateway, waitForState } from '../__testUtils__/gateway';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('a price change', () => {
  it('prices intervals that start after it, shows in GET /pools, and leaves earlier ones at their price', async () => {
    const gateway = await startGateway({
      databases,
      databaseId: 'SQLITE_3',
      ports: { from: 18310, to: 18319 },
      priceChanges: [
        { from: '2020-01-01T00:00:00Z', pricePerHour: 2 },
        { from: '2999-01-01T00:00:00Z', pricePerHour: 9 },
      ],
    });
    const { server, knex } = gateway;
    try {
      const pools = await request(server)
        .get('/api/aigc-gateway/pools')
        .set('Authorization', asUser('alice'));
      expect(pools.body.items[0]).toEqual(
        expect.objectContaining({ pricePerHour: 2, instancePricePerHour: 2 }),
      );

      // An interval that started before the 2020 change keeps the base price.
      await knex('usage_intervals').insert({
        instance_id: 'old',
        owner_ref: 'user:default/alice',
        owner_groups: '[]',
        template_id: 'sample-engine',
        version: '2.0.0',
        pool_id: 'local',
        gpu_type: 'none',
        gpu_count: 1,
        price_per_hour: 3.6,
        started_at: Date.parse('2019-12-31T23:00:00Z'),
        ended_at: Date.parse('2020-01-01T01:00:00Z'),
      });
      const launched = await request(server)
        .post('/api/aigc-gateway/instances')
        .set('Authorization', asUser('alice'))
        .send({ templateId: 'sample-engine' });
      await waitForState(server, launched.body.id, 'running');
      const opened = await knex('usage_intervals')
        .where({ instance_id: launched.body.id })
        .first();
      expect(opened.price_per_hour).toBe(2);

      const old = await request(server)
        .get(
          '/api/aigc-gateway/cost/summary?from=2019-12-31&to=2020-01-02&groupBy=instance',
        )
        .set('Authorization', asUser('alice'));
      expect(old.body.items).toEqual([
        { key: 'old', cost: 7.2, hours: 2, gpuHours: 2 },
      ]);
    } finally {
      await gateway.backend.stop();
    }
  });
});

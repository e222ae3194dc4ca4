import { TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import { addSpendThisMonth } from '../__testUtils__/ledger';
import { asUser, startGateway } from '../__testUtils__/gateway';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

jest.setTimeout(30_000);

describe('an enforced budget', () => {
  it('refuses new launches and relaunches once used up, says why, and shows in GET /cost/budgets', async () => {
    const gateway = await startGateway({
      databases,
      databaseId: 'SQLITE_3',
      ports: { from: 18300, to: 18309 },
      cost: {
        budgets: [
          { entityRef: 'user:default/alice', monthly: 5, enforce: true },
        ],
      },
    });
    const { server, knex } = gateway;
    try {
      const launch = (user: string, name?: string) =>
        request(server)
          .post('/api/aigc-gateway/instances')
          .set('Authorization', asUser(user))
          .send({ templateId: 'sample-engine', name });
      const first = await launch('alice');
      expect(first.status).toBe(201);
      await request(server)
        .post(`/api/aigc-gateway/instances/${first.body.id}/release`)
        .set('Authorization', asUser('alice'))
        .expect(200);

      // Earlier this month alice used 2 h at 3.6 per GPU-hour: 7.20 of 5.
      await addSpendThisMonth(
        knex,
        gateway.clock.now(),
        'user:default/alice',
        2,
        3.6,
      );

      const refused = await launch('alice', 'second');
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toMatch(
        /^launch refused: the monthly budget of user:default\/alice is used up \(7\.2\d of 5\.00 USD spent in 2026-11\)$/,
      );
      const relaunch = await request(server)
        .post(`/api/aigc-gateway/instances/${first.body.id}/launch`)
        .set('Authorization', asUser('alice'));
      expect(relaunch.status).toBe(403);
      // Bob has no budget.
      expect((await launch('bob')).status).toBe(201);

      const budgets = await request(server)
        .get('/api/aigc-gateway/cost/budgets')
        .set('Authorization', asUser('alice'));
      expect(budgets.body.items).toEqual([
        expect.objectContaining({
          entityRef: 'user:default/alice',
          monthly: 5,
          enforce: true,
          spent: expect.any(Number),
        }),
      ]);
      expect(budgets.body.items[0].percent).toBeGreaterThanOrEqual(144);
    } finally {
      await gateway.backend.stop();
    }
  });
});

import { TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import { addSpendThisMonth } from '../__testUtils__/ledger';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { eventually } from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';
import {
  asUser,
  launchRunning,
  startGateway,
  waitForState,
} from '../__testUtils__/gateway';

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

  it('releases the engines its user holds once used up, after the grace, and leaves others running', async () => {
    const gateway = await startGateway({
      databases,
      databaseId: 'SQLITE_3',
      ports: { from: 18310, to: 18319 },
      features: [schedulerServiceFactory],
      cost: {
        checkIntervalSeconds: 1,
        budgets: [
          {
            entityRef: 'user:default/alice',
            monthly: 5,
            enforce: true,
            graceMinutes: 15,
          },
        ],
      },
    });
    const { server, knex, clock } = gateway;
    try {
      const alices = await launchRunning(server, 'alice');
      const bobs = await launchRunning(server, 'bob');
      await addSpendThisMonth(knex, clock.now(), 'user:default/alice', 2, 3.6);

      // Used up: noted once, and alice's engine runs on through the grace.
      await eventually(async () =>
        expect(await knex('budget_exhaustions')).toEqual([
          expect.objectContaining({
            budget_ref: 'user:default/alice',
            month: '2026-11',
          }),
        ]),
      );
      await new Promise(r => setTimeout(r, 1500));
      const state = async (id: string, user: string) =>
        (
          await request(server)
            .get(`/api/aigc-gateway/instances/${id}`)
            .set('Authorization', asUser(user))
        ).body.state;
      expect(await state(alices, 'alice')).toBe('running');

      clock.advance(15 * 60_000);
      await waitForState(server, alices, 'released');
      const events = await knex('instance_events')
        .where({ instance_id: alices })
        .pluck('message');
      expect(events).toContain(
        'releasing: the monthly budget of user:default/alice is used up',
      );
      expect(await state(bobs, 'bob')).toBe('running');
      expect(await knex('budget_exhaustions')).toHaveLength(1);
    } finally {
      await gateway.backend.stop();
    }
  });
});

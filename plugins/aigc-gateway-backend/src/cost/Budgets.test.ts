import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import { Knex } from 'knex';
import { TestClock } from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';
import { addInterval } from '../__testUtils__/ledger';
import { migrateDatabase } from '../store/migrate';
import { Budgets } from './Budgets';
import { CostCalendar } from './calendar';
import { CostLedger } from './CostLedger';

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
jest.setTimeout(60_000);

describe.each(databases.eachSupportedId())('Budgets on %p', databaseId => {
  let knex: Knex;
  const clock = new TestClock('2026-12-10T12:00:00Z', { frozen: true });
  let sent: NotificationSendOptions[];
  let failSends: boolean;

  const budgetsOn = (db: Knex) =>
    new Budgets({
      db,
      ledger: new CostLedger(db),
      calendar: new CostCalendar('Europe/Berlin'),
      budgets: [
        {
          entityRef: 'group:default/creators-a',
          monthly: 10,
          enforce: true,
          graceMinutes: 15,
        },
        {
          entityRef: 'user:default/bob',
          monthly: 10,
          enforce: false,
          graceMinutes: 15,
        },
      ],
      thresholds: [80, 100],
      currency: 'EUR',
      notifications: {
        send: async options => {
          if (failSends) throw new Error('notifications backend down');
          sent.push(options);
        },
      },
      logger: mockServices.logger.mock(),
      clock,
    });

  beforeEach(async () => {
    knex = await databases.init(databaseId);
    await migrateDatabase(knex);
    sent = [];
    failSends = false;
  });

  it('alerts once per threshold and month, from one replica of two, and retries a failed send', async () => {
    // 8 EUR by 2026-12-10: 4 h at 2 EUR per GPU-hour, by a member of creators-a.
    await addInterval(knex, {
      from: '2026-12-02T08:00:00Z',
      to: '2026-12-02T12:00:00Z',
      price: 2,
    });
    clock.set('2026-12-10T12:00:00Z');
    const [a, b] = [budgetsOn(knex), budgetsOn(knex)];

    failSends = true;
    expect(await a.alert()).toBe(0);
    failSends = false;
    const [sentA, sentB] = await Promise.all([a.alert(), b.alert()]);
    expect(sentA + sentB).toBe(1);
    expect(sent).toEqual([
      {
        recipients: { type: 'entity', entityRef: 'group:default/creators-a' },
        payload: expect.objectContaining({
          title: 'AIGC budget 80% used: group:default/creators-a',
          description: '8.00 of 10.00 EUR spent in 2026-12.',
          severity: 'normal',
        }),
      },
    ]);
    expect(await a.alert()).toBe(0);

    // An open interval: 1 more hour by 13:00 makes 10 EUR, the whole budget.
    await addInterval(knex, {
      from: '2026-12-10T12:00:00Z',
      price: 2,
      instance: 'i-2',
    });
    clock.set('2026-12-10T13:00:00Z');
    expect(await b.alert()).toBe(1);
    expect(sent[1].payload).toEqual(
      expect.objectContaining({
        title: 'AIGC budget 100% used: group:default/creators-a',
        severity: 'high',
      }),
    );
    expect(sent[1].payload.description).toContain(
      'New engine launches are refused until next month, and running engines are released 15 minutes after the budget ran out (their data is kept).',
    );

    // A new month (in Berlin: 2026-12-31T23:00Z) starts from zero.
    clock.set('2026-12-31T23:30:00Z');
    expect((await a.statusOfAll())[0]).toEqual(
      expect.objectContaining({ month: '2027-01', spent: 1, percent: 10 }),
    );
    expect(await a.alert()).toBe(0);
  });

  it('refuses launches once an enforced budget is used up, naming it with its limit and use', async () => {
    await addInterval(knex, {
      from: '2026-12-02T08:00:00Z',
      to: '2026-12-02T13:30:00Z',
      price: 2,
    });
    await addInterval(knex, {
      owner: 'user:default/bob',
      groups: [],
      from: '2026-12-02T08:00:00Z',
      to: '2026-12-02T20:00:00Z',
      price: 2,
      instance: 'i-b',
    });
    clock.set('2026-12-10T12:00:00Z');
    const budgets = budgetsOn(knex);
    await expect(
      budgets.check({
        ownerRef: 'user:default/carol',
        ownerGroups: ['group:default/creators-a'],
      }),
    ).rejects.toThrow(
      'launch refused: the monthly budget of group:default/creators-a is used up (11.00 of 10.00 EUR spent in 2026-12)',
    );
    // Bob is over his budget too, but it is not enforced; others are not affected.
    await expect(
      budgets.check({ ownerRef: 'user:default/bob', ownerGroups: [] }),
    ).resolves.toBeUndefined();
    await expect(
      budgets.check({
        ownerRef: 'user:default/dave',
        ownerGroups: ['group:default/creators-b'],
      }),
    ).resolves.toBeUndefined();
    expect(
      await budgets.statusFor({
        ownerRef: 'user:default/bob',
        ownerGroups: [],
      }),
    ).toEqual([
      {
        entityRef: 'user:default/bob',
        month: '2026-12',
        monthly: 10,
        enforce: false,
        spent: 24,
        percent: 240,
      },
    ]);
  });
});

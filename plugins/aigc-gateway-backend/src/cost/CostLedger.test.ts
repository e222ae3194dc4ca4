import { TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { migrateDatabase } from '../store/migrate';
import { CostCalendar } from './calendar';
import { CostLedger } from './CostLedger';
import { addInterval } from '../__testUtils__/ledger';

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
jest.setTimeout(60_000);

const now = new Date('2026-12-10T12:00:00Z');
const t = (iso: string) => new Date(iso);

describe.each(databases.eachSupportedId())('CostLedger on %p', databaseId => {
  let knex: Knex;
  let ledger: CostLedger;

  beforeEach(async () => {
    knex = await databases.init(databaseId);
    await migrateDatabase(knex);
    ledger = new CostLedger(knex);
  });

  it('splits an interval across midnight, and across a month end, second by second', async () => {
    await addInterval(knex, {
      from: '2026-11-30T22:00:00Z',
      to: '2026-12-01T02:00:00Z',
    });
    const utc = new CostCalendar('UTC');
    const range = {
      from: t('2026-11-30T00:00:00Z'),
      to: t('2026-12-02T00:00:00Z'),
    };
    expect(await ledger.daily(utc.days(range.from, range.to), {}, now)).toEqual(
      [
        { day: '2026-11-30', cost: 4, hours: 2, gpuHours: 2 },
        { day: '2026-12-01', cost: 4, hours: 2, gpuHours: 2 },
      ],
    );
    const november = await ledger.summary(
      { from: t('2026-11-01T00:00:00Z'), to: t('2026-12-01T00:00:00Z') },
      {},
      'template',
      now,
    );
    expect(november.total).toEqual({ cost: 4, hours: 2, gpuHours: 2 });
    const december = await ledger.summary(
      { from: t('2026-12-01T00:00:00Z'), to: t('2027-01-01T00:00:00Z') },
      {},
      'template',
      now,
    );
    expect(december.total).toEqual({ cost: 4, hours: 2, gpuHours: 2 });
  });

  it('follows the days of the cost time zone, 25 hours long when the clocks go back', async () => {
    // Europe/Berlin leaves summer time on 2026-10-25: that local day lasts 25 hours.
    await addInterval(knex, {
      from: '2026-10-24T20:00:00Z',
      to: '2026-10-26T01:00:00Z',
      price: 1,
    });
    const berlin = new CostCalendar('Europe/Berlin');
    const from = berlin.parse('2026-10-24');
    const to = berlin.parse('2026-10-27');
    expect(from.toISOString()).toBe('2026-10-23T22:00:00.000Z');
    const days = await ledger.daily(berlin.days(from, to), {}, now);
    expect(days.map(d => [d.day, d.hours])).toEqual([
      ['2026-10-24', 2], // 22:00–24:00 local, summer time
      ['2026-10-25', 25],
      ['2026-10-26', 2], // 00:00–02:00 local, winter time
    ]);
    const total = await ledger.summary({ from, to }, {}, 'user', now);
    expect(total.total.hours).toBe(29);
  });

  it('charges shared GPUs their fraction, keeps each interval at its own price, and accrues open ones to now', async () => {
    await addInterval(knex, {
      from: '2026-12-01T00:00:00Z',
      to: '2026-12-01T04:00:00Z',
      gpus: 0.25,
      price: 4,
      pool: 'shared',
      instance: 'i-s',
    });
    // Two intervals of one instance around a price change: each keeps the price it started with.
    await addInterval(knex, {
      from: '2026-12-02T00:00:00Z',
      to: '2026-12-02T01:00:00Z',
      price: 2,
      instance: 'i-p',
    });
    await addInterval(knex, {
      from: '2026-12-03T00:00:00Z',
      to: '2026-12-03T01:00:00Z',
      price: 3,
      instance: 'i-p',
    });
    // Open: started 90 minutes before now.
    await addInterval(knex, {
      from: '2026-12-10T10:30:00Z',
      price: 2,
      instance: 'i-open',
      owner: 'user:default/bob',
      groups: ['group:default/creators-b'],
    });
    const range = {
      from: t('2026-12-01T00:00:00Z'),
      to: t('2027-01-01T00:00:00Z'),
    };
    const byInstance = await ledger.summary(range, {}, 'instance', now);
    expect(byInstance.items).toEqual([
      { key: 'i-p', cost: 5, hours: 2, gpuHours: 2 },
      { key: 'i-s', cost: 4, hours: 4, gpuHours: 1 },
      { key: 'i-open', cost: 3, hours: 1.5, gpuHours: 1.5 },
    ]);
    expect(byInstance.total).toEqual({ cost: 12, hours: 7.5, gpuHours: 4.5 });
    const later = await ledger.summary(
      range,
      {},
      'instance',
      new Date(now.getTime() + 30 * 60_000),
    );
    expect(later.total.cost).toBe(13);
  });

  it('counts every second once: pieces of a range and rows of a breakdown add up to the whole', async () => {
    const owners = ['alice', 'bob', 'carol'];
    for (let n = 0; n < 30; n++) {
      const start = Date.parse('2026-11-01T00:00:00Z') + n * 7_654_321;
      await addInterval(knex, {
        owner: `user:default/${owners[n % 3]}`,
        groups:
          n % 3 === 2
            ? ['group:default/aigc-admins']
            : [`group:default/creators-${n % 2 ? 'a' : 'b'}`],
        template: n % 4 ? 'sd' : 'comfy',
        pool: n % 5 ? 'a100' : 'rtx',
        instance: `i-${n % 7}`,
        gpus: n % 2 ? 1 : 0.5,
        price: 1 + (n % 3),
        from: new Date(start).toISOString(),
        to: new Date(start + 3_600_000 + n * 1_000).toISOString(),
      });
    }
    const whole = {
      from: t('2026-11-01T00:00:00Z'),
      to: t('2026-11-05T00:00:00Z'),
    };
    const total = (await ledger.summary(whole, {}, 'user', now)).total;
    const split = t('2026-11-02T07:13:00Z');
    const a = (
      await ledger.summary({ from: whole.from, to: split }, {}, 'user', now)
    ).total;
    const b = (
      await ledger.summary({ from: split, to: whole.to }, {}, 'user', now)
    ).total;
    expect(a.hours + b.hours).toBeCloseTo(total.hours, 9);
    expect(a.cost + b.cost).toBeCloseTo(total.cost, 9);
    for (const dimension of [
      'user',
      'template',
      'version',
      'pool',
      'instance',
    ] as const) {
      const { items } = await ledger.summary(whole, {}, dimension, now);
      expect(items.reduce((sum, i) => sum + i.cost, 0)).toBeCloseTo(
        total.cost,
        9,
      );
    }
    const days = await ledger.daily(
      new CostCalendar('America/New_York').days(whole.from, whole.to),
      {},
      now,
    );
    expect(days.reduce((sum, d) => sum + d.hours, 0)).toBeCloseTo(
      total.hours,
      9,
    );
    // Every interval is one hour and n seconds long.
    expect(total.hours).toBeCloseTo(30 + (29 * 30) / 2 / 3600, 9);

    const byGroup = await ledger.summary(whole, {}, 'group', now);
    const creatorsA = await ledger.summary(
      whole,
      { groupRef: 'group:default/creators-a' },
      'user',
      now,
    );
    expect(
      byGroup.items.find(i => i.key === 'group:default/creators-a')!.cost,
    ).toBeCloseTo(creatorsA.total.cost, 9);
    const alice = await ledger.summary(
      whole,
      { ownerRef: 'user:default/alice' },
      'user',
      now,
    );
    expect(alice.items.map(i => i.key)).toEqual(['user:default/alice']);
  });

  it("counts an interval for each of its owner's groups, and once in the total", async () => {
    await addInterval(knex, {
      from: '2026-12-01T00:00:00Z',
      to: '2026-12-01T01:00:00Z',
      groups: ['group:default/a', 'group:default/b'],
      instance: 'i-ab',
    });
    await addInterval(knex, {
      from: '2026-12-01T00:00:00Z',
      to: '2026-12-01T02:00:00Z',
      groups: ['group:default/b'],
      instance: 'i-b',
    });
    await addInterval(knex, {
      from: '2026-12-01T00:00:00Z',
      to: '2026-12-01T03:00:00Z',
      groups: [],
      instance: 'i-none',
    });
    const range = {
      from: t('2026-12-01T00:00:00Z'),
      to: t('2026-12-02T00:00:00Z'),
    };
    const byGroup = await ledger.summary(range, {}, 'group', now);
    expect(byGroup.items).toEqual([
      { key: 'group:default/b', cost: 6, hours: 3, gpuHours: 3 },
      { key: 'group:default/a', cost: 2, hours: 1, gpuHours: 1 },
    ]);
    expect(byGroup.total).toEqual({ cost: 12, hours: 6, gpuHours: 6 });
    const onlyB = await ledger.summary(
      range,
      { groupRef: 'group:default/b' },
      'instance',
      now,
    );
    expect(onlyB.total.hours).toBe(3);
  });

  it('streams the intervals of a range with the part counted in it', async () => {
    await addInterval(knex, {
      from: '2026-11-30T23:00:00Z',
      to: '2026-12-01T01:00:00Z',
      price: 3,
    });
    const rows = [];
    for await (const row of ledger.intervals(
      { from: t('2026-12-01T00:00:00Z'), to: t('2026-12-02T00:00:00Z') },
      {},
      now,
    )) {
      rows.push(row);
    }
    expect(rows).toEqual([
      expect.objectContaining({
        instanceId: 'i-1',
        seconds: 3600,
        cost: 3,
        ownerGroups: ['group:default/creators-a'],
      }),
    ]);
  });
});

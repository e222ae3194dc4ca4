import { TestDatabases } from '@backstage/backend-test-utils';
import { TestClock } from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';
import { migrateDatabase } from '../../store/migrate';
import { signingKey } from './signingKey';
import { TicketUses } from './TicketUses';

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())(
  'the ingress stores on %s',
  databaseId => {
    const clock = new TestClock('2026-03-29T00:59:00Z', { frozen: true });
    it('makes one key that every replica reads back', async () => {
      const knex = await databases.init(databaseId);
      await migrateDatabase(knex);
      const keys = await Promise.all(
        [1, 2, 3].map(() => signingKey(knex, 'ingress-sessions', clock)),
      );
      expect(keys[0]).toHaveLength(32);
      expect(keys.map(k => k.toString('hex'))).toEqual(
        Array(3).fill(keys[0].toString('hex')),
      );
      expect(
        (await signingKey(knex, 'ingress-sessions', clock)).equals(keys[0]),
      ).toBe(true);
      expect((await signingKey(knex, 'other', clock)).equals(keys[0])).toBe(
        false,
      );
    });

    it('lets each ticket be used once, on any replica, and forgets uses once tickets expire', async () => {
      const knex = await databases.init(databaseId);
      await migrateDatabase(knex);
      const replicas = [
        new TicketUses(knex, clock),
        new TicketUses(knex, clock),
      ];
      let now = clock.now().getTime();
      const uses = await Promise.all(
        [...replicas, ...replicas].map(r => r.claim('sig-1', now + 60_000)),
      );
      expect(uses.filter(Boolean)).toHaveLength(1);
      expect(await replicas[1].claim('sig-2', now + 60_000)).toBe(true);
      clock.advance(61_000);
      now = clock.now().getTime();
      expect(await replicas[0].claim('sig-3', now + 60_000)).toBe(true);
      expect(
        (await knex('ingress_ticket_uses').select('id')).map(r => r.id),
      ).toEqual(['sig-3']);
    });
  },
);

import { TestDatabases } from '@backstage/backend-test-utils';
import { migrateDatabase } from '../../store/migrate';
import { signingKey } from './signingKey';

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())('signingKey on %s', databaseId => {
  it('makes one key that every replica reads back', async () => {
    const knex = await databases.init(databaseId);
    await migrateDatabase(knex);
    const keys = await Promise.all([1, 2, 3].map(() => signingKey(knex, 'ingress-sessions')));
    expect(keys[0]).toHaveLength(32);
    expect(keys.map(k => k.toString('hex'))).toEqual(Array(3).fill(keys[0].toString('hex')));
    expect((await signingKey(knex, 'ingress-sessions')).equals(keys[0])).toBe(true);
    expect((await signingKey(knex, 'other')).equals(keys[0])).toBe(false);
  });
});

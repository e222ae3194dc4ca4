import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@aigc-gateway/backstage-plugin-aigc-gateway-backend',
  'migrations',
);

/**
 * Runs the migrations shipped in this package's `migrations/` folder. Their
 * bookkeeping has its own table, so a database shared with other plugins works.
 */
export async function migrateDatabase(knex: Knex): Promise<void> {
  await knex.migrate.latest({
    directory: migrationsDir,
    tableName: 'aigc_gateway__knex_migrations',
  });
}

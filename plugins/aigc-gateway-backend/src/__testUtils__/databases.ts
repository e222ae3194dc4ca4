import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import knexFactory, { Knex } from 'knex';

/**
 * The database service for test backends: the gateway plugin on `knex`,
 * every other plugin (e.g. the test `auth` plugin) on an in-memory SQLite
 * database of its own, as separate plugin databases are in a real backend.
 */
export function gatewayDatabase(knex: Knex) {
  return createServiceFactory({
    service: coreServices.database,
    deps: {
      plugin: coreServices.pluginMetadata,
      lifecycle: coreServices.lifecycle,
    },
    factory: ({ plugin, lifecycle }) => {
      if (plugin.getId() === 'aigc-gateway')
        return { getClient: async () => knex };
      const client = knexFactory({
        client: 'better-sqlite3',
        connection: ':memory:',
        useNullAsDefault: true,
      });
      lifecycle.addShutdownHook(() => client.destroy());
      return { getClient: async () => client };
    },
  });
}

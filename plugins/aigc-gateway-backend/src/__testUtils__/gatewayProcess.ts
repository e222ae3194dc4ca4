/**
 * Runs the gateway plugin as a process of its own, on a SQLite file or a
 * PostgreSQL database, so tests
 * can kill -9 it and start it again on the same state. Started by
 * `startGatewayProcess`; prints `listening <port>` when ready.
 */
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { AddressInfo } from 'node:net';
import knexFactory from 'knex';
import { aigcGatewayPlugin } from '../plugin';
import aigcGatewayModuleLocal from '@aigc-gateway/backstage-plugin-aigc-gateway-backend-module-local';
import { gatewayDatabase } from './databases';
import {
  createUserTokenIssuer,
  demoUserInfoServiceFactory,
  TestClock,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';

async function main() {
  const config = JSON.parse(process.env.AIGC_TEST_GATEWAY_CONFIG!);
  const db = process.env.AIGC_TEST_GATEWAY_DB!;
  // A PostgreSQL URL, or the path of a SQLite file.
  const knex = db.startsWith('postgres')
    ? knexFactory({ client: 'pg', connection: db })
    : knexFactory({
        client: 'better-sqlite3',
        connection: { filename: db },
        useNullAsDefault: true,
      });
  // With AIGC_TEST_USER_KEY (a private JWK), Backstage's real token verification for tokens signed with it.
  const userKey = process.env.AIGC_TEST_USER_KEY;
  const realAuth = userKey
    ? (await createUserTokenIssuer(JSON.parse(userKey))).features
    : [];
  const backend = await startTestBackend({
    features: [
      aigcGatewayPlugin,
      aigcGatewayModuleLocal,
      ...realAuth,
      demoUserInfoServiceFactory,
      // With AIGC_TEST_REAL_SCHEDULER, scheduled tasks run on their schedule, not only once at start.
      ...(process.env.AIGC_TEST_REAL_SCHEDULER
        ? [schedulerServiceFactory]
        : []),
      gatewayDatabase(knex),
      new TestClock(process.env.AIGC_TEST_CLOCK_AT!).factory(),
      mockServices.rootConfig.factory({ data: config }),
    ],
  });
  process.stdout.write(
    `listening ${(backend.server.address() as AddressInfo).port}\n`,
  );
  process.on('SIGTERM', () => backend.stop().then(() => process.exit(0)));
}

main().catch(error => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});

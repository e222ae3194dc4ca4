import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/types';
import request from 'supertest';
import { Knex } from 'knex';
import { aigcGatewayPlugin } from '../plugin';
import aigcGatewayModuleLocal from '@aigc-gateway/backstage-plugin-aigc-gateway-backend-module-local';
import { gatewayDatabase } from './databases';
import { recordingAuditor } from './auditEvents';
import {
  createUserTokenIssuer,
  demoUserInfoServiceFactory,
  sampleGatewayConfig,
  TestClock,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';

export {
  engineServer,
  sampleGatewayConfig,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';

export const asUser = (name: string) =>
  mockCredentials.user.header(`user:default/${name}`);

/** The gateway plugin alone, on a test database, with the real local runtime and sample engine. */
export async function startGateway(options: {
  databases: TestDatabases;
  databaseId: TestDatabaseId;
  ports: { from: number; to: number };
  capacity?: number;
  cost?: JsonObject;
  idle?: JsonObject;
  /** More `aigcGateway` sections, e.g. `quotas`. */
  extra?: JsonObject;
  /** More programs of the local runtime, e.g. a migration that fails. */
  engines?: JsonObject;
  /** Extra arguments for the sample engine, e.g. slower steps. */
  engineArgs?: string[];
  priceChanges?: JsonObject[];
  /** Extra features or service overrides, e.g. a permissions mock. */
  features?: any[];
  /** Who is in which group; by default the demo organisation's users. */
  userInfo?: any;
  /** The database of an earlier gateway, to start again on its data. */
  knex?: Knex;
  /** The gateway's clock; by default one running from a fixed Monday morning. */
  clock?: TestClock;
}) {
  const clock = options.clock ?? new TestClock();
  const knex =
    options.knex ?? (await options.databases.init(options.databaseId));
  const dataRoot = mkdtempSync(join(tmpdir(), 'aigc-local-'));
  const auditor = recordingAuditor();
  const backend = await startTestBackend({
    features: [
      auditor.factory,
      aigcGatewayPlugin,
      aigcGatewayModuleLocal,
      ...(options.features ?? []),
      options.userInfo ?? demoUserInfoServiceFactory,
      gatewayDatabase(knex),
      clock.factory(),
      mockServices.rootConfig.factory({
        data: sampleGatewayConfig({
          dataRoot,
          ports: options.ports,
          probeIntervalMs: 100,
          capacity: options.capacity,
          cost: options.cost,
          idle: options.idle,
          extra: options.extra,
          engines: options.engines,
          engineArgs: options.engineArgs,
          priceChanges: options.priceChanges,
        }),
      }),
    ],
  });
  return {
    backend,
    server: backend.server,
    knex,
    dataRoot,
    clock,
    /** What the gateway told Backstage's auditor. */
    audits: auditor.events,
  };
}

/** Polls the API until the instance reaches `state`; `authorization` is alice's by default. */
export async function waitForState(
  server: any,
  id: string,
  state: string,
  authorization = asUser('alice'),
) {
  let last: any;
  for (let i = 0; i < 300; i++) {
    const res = await request(server)
      .get(`/api/aigc-gateway/instances/${id}`)
      .set('Authorization', authorization);
    last = res.body;
    if (last.state === state) return last;
    if (last.state === 'failed' && state !== 'failed') {
      throw new Error(`instance failed: ${last.failureReason}`);
    }
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error(
    `instance ${id} did not become ${state}; it is ${last?.state}`,
  );
}

/** Launches the sample engine for a user through the API and waits until it runs; its id. */
export async function launchRunning(
  server: any,
  user = 'alice',
  body: object = { templateId: 'sample-engine' },
) {
  const launched = await request(server)
    .post('/api/aigc-gateway/instances')
    .set('Authorization', asUser(user))
    .send(body);
  await waitForState(server, launched.body.id, 'running', asUser(user));
  return launched.body.id as string;
}

/**
 * A gateway that verifies real user tokens (`createUserTokenIssuer`), with
 * alice's sample engine running: her bearer token, the cookie the portal sets
 * for browser navigations, and the engine's path-form proxy.
 */
export async function startWithAliceEngine(options: {
  databases: TestDatabases;
  ports: { from: number; to: number };
  /** More `aigcGateway` sections, e.g. `pathProxy`. */
  extra?: JsonObject;
  /** More features, e.g. a permission policy. */
  features?: any[];
}) {
  const issuer = await createUserTokenIssuer();
  const gateway = await startGateway({
    ...options,
    databaseId: 'SQLITE_3',
    features: [...issuer.features, ...(options.features ?? [])],
  });
  try {
    const { server } = gateway;
    const alice = `Bearer ${await issuer.sign('alice')}`;
    const launched = await request(server)
      .post('/api/aigc-gateway/instances')
      .set('Authorization', alice)
      .send({ templateId: 'sample-engine' });
    if (launched.status !== 201)
      throw new Error(`launch answered ${launched.status}`);
    const id: string = launched.body.id;
    await waitForState(server, id, 'running', alice);
    const cookie = await portalCookie(server, alice);
    const proxy = `/api/aigc-gateway/instances/${id}/proxy`;
    return { ...gateway, issuer, alice, id, cookie, proxy };
  } catch (error) {
    await gateway.backend.stop();
    throw error;
  }
}

/** The portal's user cookie (`GET /cookie`) for the user of `authorization`, as a `Cookie` header value. */
export async function portalCookie(server: any, authorization: string) {
  const res = await request(server)
    .get('/api/aigc-gateway/cookie')
    .set('Authorization', authorization);
  if (res.status !== 200) throw new Error(`GET /cookie answered ${res.status}`);
  return String(res.headers['set-cookie']).split(';')[0];
}
